import { afterEach, describe, expect, it } from 'vitest';
import { createBaseline } from '../baseline.js';
import { createHnn } from '../hnn.js';
import { randomBatch, relativeError } from '../test-utils/finite-difference.js';
import { selectEngine } from '@hnn/kernels';

const saved = process.env.HNN_FAST_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.HNN_FAST_PATH;
  else process.env.HNN_FAST_PATH = saved;
});

const ENGINES = (['wasm', 'native'] as const).filter((e) => 'engine' in selectEngine(e));

describe.each(ENGINES)('float64 evaluators with the hidden layer on %s', (engine) => {
  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: equal the JavaScript loops up to summation order`, () => {
      const d = kind === 'hnn' ? 4 : 2;
      const model =
        kind === 'hnn'
          ? createHnn({ inputDim: d, hiddenDim: 200, seed: 5 })
          : createBaseline({ inputDim: d, hiddenDim: 200, seed: 5 });
      const w = model.getWeights();
      w.forEach((a, i) => {
        if (i % 2 === 1) a.forEach((_, k) => (a[k] = 0.1 * Math.sin(3 * k + i)));
      });
      model.setWeights(w);
      process.env.HNN_FAST_PATH = '0';
      const plain = model.toFloat64();
      process.env.HNN_FAST_PATH = engine;
      const fast = model.toFloat64();
      const { x } = randomBatch(50, d, 2);
      const a = new Float64Array(d);
      const b = new Float64Array(d);
      for (let r = 0; r < 50; r++) {
        const s = x.subarray(r * d, (r + 1) * d);
        plain.timeDerivative(s, a);
        fast.timeDerivative(s, b);
        // Summation order only: float64 rounding, ~1e-16 per product.
        expect(relativeError(b, a)).toBeLessThan(1e-13);
        if (kind === 'hnn') {
          const ha = plain.hamiltonian?.(s) as number;
          const hb = fast.hamiltonian?.(s) as number;
          expect(Math.abs(ha - hb)).toBeLessThan(1e-13 * Math.max(1, Math.abs(ha)));
        }
      }
      model.dispose();
    });
  }
});
