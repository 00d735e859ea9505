import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@hnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pixelLoss } from './pixel-loss.js';
import { createPixelModel } from './pixel-model.js';
import type { PixelModel, PixelModelKind } from './pixel-model.js';
import {
  finiteDifferences,
  float64PixelLoss,
  minReluMargin,
  relativeError,
  uniformRows,
} from './test-utils/float64-loss.js';

// The TensorFlow.js side runs in float32: every op rounds with relative error ~6e-8, and the
// gradient of this loss is a sum over a few dozen ops, so its norm-wise relative error against the
// float64 reference is expected around 1e-7..1e-6 (measured: at most 5e-7 over all 21 variables). The float64 central
// differences (h = 1e-6) are accurate to ~1e-9 for this smooth-between-kinks loss. 1e-5 keeps over
// an order of magnitude of margin, while a wrong gradient path (e.g. the tfjs second-order tanh bug,
// a missing z(t+1) or residual path) gives errors of order 0.1-1.
const TOLERANCE = 1e-5;

const dims = { inputDim: 12, hiddenDim: 8, latentDim: 2, latentHiddenDim: 8 };
const batch = 5;

beforeAll(async () => {
  await initBackend('wasm');
});

function tinyModel(kind: PixelModelKind): PixelModel {
  const model = createPixelModel({
    kind,
    inputDim: dims.inputDim,
    hiddenDim: dims.hiddenDim,
    latentDim: dims.latentDim,
    latentHiddenDim: dims.latentHiddenDim,
    seed: 3,
  });
  // Latent biases set to fixed non-zero values, so their paths are exercised whatever the init.
  const w = model.getWeights();
  const nAe = model.autoencoder.variables.length;
  w.forEach((a, i) => {
    if (i >= nAe && (i - nAe) % 2 === 1) a.forEach((_, k) => (a[k] = 0.1 * Math.sin(3 * k + i)));
  });
  model.setWeights(w);
  return model;
}

function tfjsTerms(model: PixelModel, x: Float64Array, xNext: Float64Array): number[] {
  return tf.tidy(() => {
    const t = pixelLoss(
      model,
      tf.tensor2d(Float32Array.from(x), [batch, dims.inputDim]),
      tf.tensor2d(Float32Array.from(xNext), [batch, dims.inputDim]),
    );
    return [t.total, t.autoencoder, t.canonical, t.dynamics].map((s) => s.dataSync()[0] as number);
  });
}

function tfjsGradients(model: PixelModel, x: Float64Array, xNext: Float64Array): Float32Array[] {
  return tf.tidy(() => {
    const xt = tf.tensor2d(Float32Array.from(x), [batch, dims.inputDim]);
    const xnt = tf.tensor2d(Float32Array.from(xNext), [batch, dims.inputDim]);
    const { grads } = tf.variableGrads(
      () => pixelLoss(model, xt, xnt).total,
      model.variables as tf.Variable[],
    );
    return model.variables.map((v) => {
      const g = grads[v.name];
      return g === undefined ? new Float32Array(v.size) : Float32Array.from(g.dataSync());
    });
  });
}

describe('full pixel loss: parameter gradients match float64 finite differences', () => {
  // Pixel pairs in [0, 1); x(t+1) is x(t) slightly moved so that all three terms are non-trivial.
  const x = uniformRows(batch, dims.inputDim, 11);
  const xNext = x.map((v, i) => v + 0.2 * Math.sin(i));

  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: encoder, decoder and latent-model weights and biases`, () => {
      const model = tinyModel(kind);
      const weights = model.getWeights().map((w) => Float64Array.from(w));
      // Central differences are only valid away from ReLU kinks.
      expect(minReluMargin(dims, weights, [x, xNext])).toBeGreaterThan(1e-4);

      // The forward passes agree (float32 vs float64) before comparing gradients.
      const ref = float64PixelLoss(kind, dims, weights, x, xNext);
      const got = tfjsTerms(model, x, xNext);
      [ref.total, ref.autoencoder, ref.canonical, ref.dynamics].forEach((r, i) => {
        expect(Math.abs((got[i] as number) - r)).toBeLessThan(1e-5 * Math.abs(r) + 1e-9);
      });
      expect(ref.dynamics).toBeGreaterThan(1e-3);
      expect(ref.canonical).toBeGreaterThan(1e-3);

      const fd = finiteDifferences(weights, (w) => float64PixelLoss(kind, dims, w, x, xNext).total);
      const grads = tfjsGradients(model, x, xNext);
      expect(grads).toHaveLength(16 + 5);
      const errors = grads.map((g, i) => relativeError(g, fd[i] as Float64Array));
      errors.forEach((e, i) => {
        expect(e, `variable ${i} (${model.variables[i]?.name})`).toBeLessThan(TOLERANCE);
      });
      model.dispose();
    });
  }

  it('the encoder gets gradient through z(t+1) as well as z(t)', () => {
    // With x(t+1) = x(t) the cc and dynamics terms see the same z twice; changing only x(t+1)
    // must change the encoder's gradient.
    const model = tinyModel('hnn');
    const a = tfjsGradients(model, x, x)[0] as Float32Array;
    const b = tfjsGradients(model, x, xNext)[0] as Float32Array;
    expect(relativeError(a, b)).toBeGreaterThan(1e-2);
    model.dispose();
  });
});
