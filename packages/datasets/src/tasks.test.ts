import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DatasetConfigError,
  idealPendulum,
  linspace,
  massSpring,
  massSpringDataset,
  pendulumDataset,
} from './index.js';

// Reference values from the paper's own recipe run in Python (numpy 2.4.6, scipy 1.17.1):
// np.random.seed(0), then per trajectory rand(2), rand(), solve_ivp(..., rtol=1e-10) at
// linspace(0, 3, n), exact field at the solved states, q += randn(n)*0.1, p += randn(n)*0.1;
// concatenated over 50 trajectories (script: packages/datasets/scripts/reference-oscillators.py).
const REFERENCE = {
  'mass-spring': {
    n: 1500,
    firstX: [-0.084702105930239, 0.8053171994059353],
    lastX: [-0.3550189679661039, -0.23141113410728503],
    firstDx: [1.25313758969927, -0.2842614283755968],
    lastDx: [-0.3971620468700755, 0.2931515088599019],
    sumX: -4.89404121400499,
    sumDx: -2.001252260324696,
  },
  pendulum: {
    n: 2250,
    firstX: [0.19409569887246791, 1.75637757866446],
    lastX: [2.324740971703839, 0.6733558760188784],
    firstDx: [3.711241111660637, -1.225824292752084],
    lastDx: [1.2957452829691691, -2.2656263585626877],
    sumX: -18.782087534132252,
    sumDx: -25.014863144754045,
  },
} as const;

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

describe.each([
  ['mass-spring', massSpringDataset, 750],
  ['pendulum', pendulumDataset, 1125],
] as const)('%s dataset', (task, make, half) => {
  const data = make();
  const ref = REFERENCE[task];

  it('has the reference split sizes', () => {
    expect(data.train.n).toBe(half);
    expect(data.test.n).toBe(half);
    expect(data.train.x.length).toBe(2 * half);
    expect(data.dim).toBe(2);
  });

  it('matches the reference implementation point for point', () => {
    const all = new Float64Array([...data.train.x, ...data.test.x]);
    const allDx = new Float64Array([...data.train.dx, ...data.test.dx]);
    expect(all.length / 2).toBe(ref.n);
    // The noise and start points are numpy's exactly; the solver agrees with scipy to ~1e-12.
    for (const [got, want] of [
      [all.slice(0, 2), ref.firstX],
      [all.slice(-2), ref.lastX],
      [allDx.slice(0, 2), ref.firstDx],
      [allDx.slice(-2), ref.lastDx],
    ] as const) {
      expect(got[0]).toBeCloseTo(want[0], 9);
      expect(got[1]).toBeCloseTo(want[1], 9);
    }
    expect(sum(all)).toBeCloseTo(ref.sumX, 8);
    expect(sum(allDx)).toBeCloseTo(ref.sumDx, 8);
  });

  it("starts every trajectory at numpy's point to the bit (radius as the reference writes it)", () => {
    const firsts = (
      JSON.parse(
        readFileSync(new URL('./fixtures/oscillator-first-points.json', import.meta.url), 'utf8'),
      ) as Record<string, number[][]>
    )[task];
    const all = new Float64Array([...data.train.x, ...data.test.x]);
    const per = ref.n / 50;
    const ours = Array.from({ length: 50 }, (_, s) => [all[2 * s * per], all[2 * s * per + 1]]);
    expect(ours).toEqual(firsts);
  });

  it('gives the same bytes for the same seed and different data for another', () => {
    expect(make().train.x).toEqual(data.train.x);
    expect(make({ seed: 1 }).train.x).not.toEqual(data.train.x);
  });
});

describe('oscillator targets', () => {
  // Energy drift along a generated trajectory is bounded by the solver tolerance: SciPy's default
  // atol 1e-6 dominates at the paper's rtol 1e-10, and tightening atol tightens the drift.
  it.each([
    [1e-6, 2e-5],
    [1e-12, 1e-8],
  ])('are exact: noiseless data stay on energy shells (atol %s -> drift < %s)', (atol, bound) => {
    for (const [sys, make] of [
      [massSpring, massSpringDataset],
      [idealPendulum, pendulumDataset],
    ] as const) {
      const data = make({ noiseStd: 0, trajectories: 4, atol });
      const m = data.train.n + data.test.n;
      const x = new Float64Array([...data.train.x, ...data.test.x]);
      const dx = new Float64Array([...data.train.dx, ...data.test.dx]);
      const per = m / 4;
      const out = new Float64Array(2);
      let worst = 0;
      for (let s = 0; s < 4; s++) {
        const h0 = sys.hamiltonian(x.subarray(s * per * 2, s * per * 2 + 2));
        for (let i = 0; i < per; i++) {
          const xi = x.subarray((s * per + i) * 2, (s * per + i) * 2 + 2);
          worst = Math.max(worst, Math.abs(sys.hamiltonian(xi) - h0));
          sys.timeDerivative(0, xi, out);
          expect(dx[(s * per + i) * 2]).toBe(out[0]);
          expect(dx[(s * per + i) * 2 + 1]).toBe(out[1]);
        }
      }
      expect(worst).toBeLessThan(bound);
    }
  });

  it('adds noise to inputs only', () => {
    const clean = massSpringDataset({ noiseStd: 0 });
    const noisy = massSpringDataset();
    expect(noisy.train.dx).toEqual(clean.train.dx);
    let sq = 0;
    for (let i = 0; i < clean.train.x.length; i++)
      sq += (noisy.train.x[i]! - clean.train.x[i]!) ** 2;
    expect(Math.sqrt(sq / clean.train.x.length)).toBeCloseTo(0.1, 1);
  });

  it('rejects an impossible configuration with a message', () => {
    expect(() => massSpringDataset({ trajectories: 0 })).toThrow(DatasetConfigError);
    expect(() => massSpringDataset({ trainFraction: 1.5 })).toThrow(/trainFraction/);
  });
});

describe('linspace', () => {
  it('matches numpy.linspace bit for bit', () => {
    // numpy: np.linspace(0, 3, 30)[7] == 0.7241379310344828, [-1] == 3.0
    const t = linspace(0, 3, 30);
    expect(t[7]).toBe(0.7241379310344828);
    expect(t[29]).toBe(3);
    expect(linspace(0, 1, 1)).toEqual(new Float64Array([0]));
  });
});
