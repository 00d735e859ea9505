import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { float64HamiltonianField } from './float64.js';
import { createHnn } from './hnn.js';
import { symplecticFromGradient } from './symplectic-gradient.js';
import {
  finiteDifferenceGradients,
  randomBatch,
  relativeError,
  tfjsGradients,
} from './test-utils/finite-difference.js';

// Float32 forward/backward passes carry relative rounding errors of a few 1e-7 per tensor
// (measured ~1e-7..1e-6 here); the float64 central differences (h = 1e-6) are accurate to
// ~1e-9. 1e-5 leaves over an order of magnitude of margin, while the known tfjs second-order bug
// gives errors of order 1 (zero bias gradients), so the check cannot pass by accident.
const TOLERANCE = 1e-5;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('HNN parameter gradients match float64 finite differences', () => {
  const { x, dx } = randomBatch(16, 4, 7);

  for (const gradientMethod of ['explicit', 'autodiff'] as const) {
    it(`${gradientMethod}: all weights and biases`, () => {
      const model = createHnn({ inputDim: 4, hiddenDim: 16, seed: 3, gradientMethod });
      // Non-zero biases so that the bias paths are exercised.
      const w = model.getWeights();
      w.forEach((a, i) => {
        if (i % 2 === 1) a.forEach((_, k) => (a[k] = 0.1 * Math.sin(3 * k + i)));
      });
      model.setWeights(w);
      const fd = finiteDifferenceGradients(
        float64HamiltonianField,
        model.mlp.toFloat64Weights(),
        x,
        dx,
      );
      const got = tfjsGradients(model, x, dx);
      expect(got).toHaveLength(5);
      got.forEach((g, i) => {
        expect(relativeError(g, fd[i] as Float64Array)).toBeLessThan(TOLERANCE);
      });
      model.dispose();
    });
  }

  it('documents the tfjs bug: a nested gradient through built-in tf.tanh is wrong', () => {
    const model = createHnn({ inputDim: 4, hiddenDim: 16, seed: 3 });
    const fd = finiteDifferenceGradients(
      float64HamiltonianField,
      model.mlp.toFloat64Weights(),
      x,
      dx,
    );
    const naive = (xx: tf.Tensor2D): tf.Tensor2D =>
      symplecticFromGradient(
        tf.grad((v) => tf.sum(model.mlp.apply(v as tf.Tensor2D, 'builtin')))(xx) as tf.Tensor2D,
      );
    const got = tfjsGradients(model, x, dx, naive);
    const worst = Math.max(...got.map((g, i) => relativeError(g, fd[i] as Float64Array)));
    expect(worst).toBeGreaterThan(0.1);
    model.dispose();
  });
});

describe('HNN symplectic structure', () => {
  const model = createHnn({ inputDim: 4, hiddenDim: 32, seed: 11 });
  afterAll(() => model.dispose());

  it('float64 field is (dH/dp, -dH/dq) and conserves H (f . grad H = 0)', () => {
    const field = model.toFloat64();
    const hamiltonian = field.hamiltonian;
    expect(hamiltonian).toBeDefined();
    if (hamiltonian === undefined) return;
    const { x } = randomBatch(5, 4, 1);
    const f = new Float64Array(4);
    const h = 1e-6;
    for (let r = 0; r < 5; r++) {
      const s = Float64Array.from(x.subarray(r * 4, r * 4 + 4));
      field.timeDerivative(s, f);
      const grad = Array.from({ length: 4 }, (_, i) => {
        const up = Float64Array.from(s);
        const down = Float64Array.from(s);
        up[i] = (up[i] as number) + h;
        down[i] = (down[i] as number) - h;
        return (hamiltonian(up) - hamiltonian(down)) / (2 * h);
      });
      const expected = [grad[2], grad[3], -(grad[0] as number), -(grad[1] as number)];
      expect(relativeError(f, expected as number[])).toBeLessThan(1e-7);
      const dot = Array.from(f).reduce((acc, fi, i) => acc + fi * (grad[i] as number), 0);
      expect(Math.abs(dot)).toBeLessThan(1e-8 * Math.hypot(...f) * Math.hypot(...grad));
    }
  });

  it('tfjs and the float64 evaluator agree to float32 precision', () => {
    const { x } = randomBatch(20, 4, 2);
    const field = model.toFloat64();
    const ref = new Float64Array(x.length);
    for (let r = 0; r < 20; r++) {
      field.timeDerivative(x.subarray(r * 4, r * 4 + 4), ref.subarray(r * 4, r * 4 + 4));
    }
    const got = tf.tidy(() =>
      model.timeDerivative(tf.tensor2d(Float32Array.from(x), [20, 4])).dataSync(),
    );
    expect(relativeError(got, ref)).toBeLessThan(1e-5);
  });

  it('explicit and autodiff gradient methods give the same dH/dx', () => {
    const other = createHnn({ inputDim: 4, hiddenDim: 32, seed: 11, gradientMethod: 'autodiff' });
    const { x } = randomBatch(10, 4, 3);
    const [a, b] = tf.tidy(() => {
      const xt = tf.tensor2d(Float32Array.from(x), [10, 4]);
      return [model.timeDerivative(xt).dataSync(), other.timeDerivative(xt).dataSync()];
    });
    expect(relativeError(a as Float32Array, b as Float32Array)).toBeLessThan(1e-6);
    other.dispose();
  });

  it('rejects an odd state dimension', () => {
    expect(() => createHnn({ inputDim: 3, seed: 0 })).toThrow(/even/);
  });
});
