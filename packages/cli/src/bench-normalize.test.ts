import { RandomState } from '@hnn/random';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../bench/normalize.js';

// The benchmark's verdicts rest on each system's field being the symplectic gradient of the H
// whose drift it measures: checked here by central differences of H.
describe('bench/normalize systems', () => {
  it.each(SYSTEMS.map((s) => [s.name, s] as const))('%s: field = (dH/dp, -dH/dq)', (_n, s) => {
    const rng = new RandomState(7);
    const dim = 2 * s.dof;
    for (let k = 0; k < 5; k++) {
      const x = s.start(rng);
      expect(s.hamiltonian(x)).toBeGreaterThan(0);
      const f = new Float64Array(dim);
      s.field(x, f);
      const scale = Math.max(...x.map(Math.abs));
      for (let i = 0; i < dim; i++) {
        const h = 1e-6 * (Math.abs(x[i] as number) + scale);
        const up = [...x];
        const down = [...x];
        up[i] = (x[i] as number) + h;
        down[i] = (x[i] as number) - h;
        const grad = (s.hamiltonian(up) - s.hamiltonian(down)) / (2 * h);
        // dq_j/dt = dH/dp_j, dp_j/dt = -dH/dq_j.
        const expected = i < s.dof ? -grad : grad;
        const at = i < s.dof ? i + s.dof : i - s.dof;
        const size = Math.max(...Array.from(f, Math.abs));
        expect(Math.abs((f[at] as number) - expected)).toBeLessThan(1e-6 * size);
      }
    }
  });
});
