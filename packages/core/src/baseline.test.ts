import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { createBaseline } from './baseline.js';
import { float64DirectField } from './float64.js';
import {
  finiteDifferenceGradients,
  randomBatch,
  relativeError,
  tfjsGradients,
} from './test-utils/finite-difference.js';

// See hnn.test.ts for the tolerance: float32 rounding gives ~1e-7, the check allows 1e-5.
const TOLERANCE = 1e-5;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('baseline', () => {
  it('parameter gradients (all weights and biases) match float64 finite differences', () => {
    const model = createBaseline({ inputDim: 4, hiddenDim: 16, seed: 5 });
    const w = model.getWeights();
    w.forEach((a, i) => {
      if (i % 2 === 1) a.forEach((_, k) => (a[k] = 0.1 * Math.cos(2 * k + i)));
    });
    model.setWeights(w);
    const { x, dx } = randomBatch(16, 4, 9);
    const fd = finiteDifferenceGradients(float64DirectField, model.mlp.toFloat64Weights(), x, dx);
    const got = tfjsGradients(model, x, dx);
    expect(got.map((g) => g.length)).toEqual([64, 16, 256, 16, 64]);
    got.forEach((g, i) => {
      expect(relativeError(g, fd[i] as Float64Array)).toBeLessThan(TOLERANCE);
    });
    model.dispose();
  });

  it('maps a state to a vector of the same size; tfjs and float64 agree', () => {
    const model = createBaseline({ inputDim: 2, hiddenDim: 32, seed: 1 });
    const { x } = randomBatch(8, 2, 4);
    const got = tf.tidy(() => {
      const y = model.timeDerivative(tf.tensor2d(Float32Array.from(x), [8, 2]));
      expect(y.shape).toEqual([8, 2]);
      return y.dataSync();
    });
    const field = model.toFloat64();
    expect(field.hamiltonian).toBeUndefined();
    const ref = new Float64Array(16);
    for (let r = 0; r < 8; r++)
      field.timeDerivative(x.subarray(2 * r, 2 * r + 2), ref.subarray(2 * r));
    expect(relativeError(got, ref)).toBeLessThan(1e-5);
    model.dispose();
  });
});
