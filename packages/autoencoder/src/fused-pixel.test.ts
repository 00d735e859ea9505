import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@hnn/core';
import { FusedPixelTrainer, fusedPixelUnsupportedReason } from '@hnn/kernels';
import type { FusedPixelTrainerOptions } from '@hnn/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// The fused kernel (@hnn/kernels' native/fused-pixel.c) against the two references this package owns:
// float64 finite differences of the loss and the TensorFlow.js model's own gradients. Float32
// arithmetic in a different order than TensorFlow.js: the same ~1e-7..1e-6 relative error as the
// tfjs-vs-float64 test (gradients.test.ts), so the same tolerance, 1e-5, applies; a wrong path
// (a missing residual, z(t+1) or second-order term) gives errors of order 0.1-1.
const TOLERANCE = 1e-5;

const ENGINES = (['wasm', 'native'] as const).filter(
  (e) =>
    fusedPixelUnsupportedReason(
      { kind: 'hnn', inputDim: 4, hiddenDim: 4, latentDim: 2, latentHiddenDim: 4 },
      e,
    ) === undefined,
);

const dims = { inputDim: 12, hiddenDim: 8, latentDim: 2, latentHiddenDim: 8 };

beforeAll(async () => {
  await initBackend('wasm');
});

function tinyModel(kind: PixelModelKind, d = dims): PixelModel {
  const model = createPixelModel({ kind, ...d, seed: 3 });
  // Non-zero latent biases (core's MLP starts them at zero) so that their paths are exercised.
  const w = model.getWeights();
  const nAe = model.autoencoder.variables.length;
  w.forEach((a, i) => {
    if (i >= nAe && (i - nAe) % 2 === 1) a.forEach((_, k) => (a[k] = 0.1 * Math.sin(3 * k + i)));
  });
  model.setWeights(w);
  return model;
}

const open: FusedPixelTrainer[] = [];
async function trainerFor(
  model: PixelModel,
  batchRows: number,
  extra: Partial<FusedPixelTrainerOptions> = {},
): Promise<FusedPixelTrainer> {
  const trainer = new FusedPixelTrainer({
    kind: model.kind,
    inputDim: model.inputDim,
    hiddenDim: model.hiddenDim,
    latentDim: model.latentDim,
    latentHiddenDim: model.latent.mlp.sizes[1] as number,
    weights: model.getWeights(),
    batchRows,
    threads: 1,
    ...extra,
  });
  open.push(trainer);
  await trainer.start();
  return trainer;
}

afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
});

function tfjsGradients(
  model: PixelModel,
  x: Float32Array | Float64Array,
  xNext: Float32Array | Float64Array,
  n: number,
): { grads: Float32Array[]; total: number } {
  return tf.tidy(() => {
    const xt = tf.tensor2d(Float32Array.from(x), [n, model.inputDim]);
    const xnt = tf.tensor2d(Float32Array.from(xNext), [n, model.inputDim]);
    const { value, grads } = tf.variableGrads(
      () => pixelLoss(model, xt, xnt).total,
      model.variables as tf.Variable[],
    );
    return {
      total: value.dataSync()[0] as number,
      grads: model.variables.map((v) => {
        const g = grads[v.name];
        return g === undefined ? new Float32Array(v.size) : Float32Array.from(g.dataSync());
      }),
    };
  });
}

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe.each(ENGINES)('fused pixel kernel (%s)', (engine) => {
  const batch = 5;
  const x = uniformRows(batch, dims.inputDim, 11);
  const xNext = x.map((v, i) => v + 0.2 * Math.sin(i));

  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: losses and parameter gradients match float64 finite differences`, async () => {
      const model = tinyModel(kind);
      const weights = model.getWeights().map((w) => Float64Array.from(w));
      expect(minReluMargin(dims, weights, [x, xNext])).toBeGreaterThan(1e-4);
      const trainer = await trainerFor(model, batch, { engine });
      const got = trainer.computeGradients(x, xNext, range(batch));
      const ref = float64PixelLoss(kind, dims, weights, x, xNext);
      for (const key of ['total', 'autoencoder', 'canonical', 'dynamics'] as const) {
        expect(Math.abs(got[key] - ref[key]), key).toBeLessThan(1e-5 * Math.abs(ref[key]) + 1e-9);
      }
      const fd = finiteDifferences(weights, (w) => float64PixelLoss(kind, dims, w, x, xNext).total);
      const grads = trainer.gradients();
      expect(grads).toHaveLength(21);
      grads.forEach((g, i) => {
        expect(relativeError(g, fd[i] as Float64Array), `variable ${i}`).toBeLessThan(TOLERANCE);
      });
      model.dispose();
    });
  }

  it('weights round-trip through the kernel layout unchanged', async () => {
    const model = tinyModel('baseline');
    const trainer = await trainerFor(model, batch, { engine });
    const back = trainer.getWeights();
    model.getWeights().forEach((w, i) => expect(back[i], `array ${i}`).toEqual(w));
    model.dispose();
  });

  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: several chunks and padding rows give the TensorFlow.js gradients`, async () => {
      // 250 rows: three chunks, the last one part padding.
      const wide = { inputDim: 40, hiddenDim: 24, latentDim: 2, latentHiddenDim: 20 };
      const n = 250;
      const model = tinyModel(kind, wide);
      const px = uniformRows(n, wide.inputDim, 5);
      const pxNext = px.map((v, i) => v + 0.1 * Math.cos(i));
      const trainer = await trainerFor(model, n, { engine });
      const got = trainer.computeGradients(px, pxNext, range(n));
      const ref = tfjsGradients(model, px, pxNext, n);
      expect(Math.abs(got.total - ref.total)).toBeLessThan(1e-5 * ref.total);
      trainer.gradients().forEach((g, i) => {
        expect(relativeError(g, ref.grads[i] as Float32Array), `variable ${i}`).toBeLessThan(1e-4);
      });
      // Evaluation (no gradients, any row count) gives the same losses.
      const evaluated = trainer.evaluate(px, pxNext, range(n));
      expect(evaluated.total).toBeCloseTo(got.total, 12);
      model.dispose();
    });
  }

  it('one and two threads give bit-identical weights', async () => {
    const wide = { inputDim: 40, hiddenDim: 24, latentDim: 2, latentHiddenDim: 20 };
    const n = 300;
    const px = Float32Array.from(uniformRows(n, wide.inputDim, 7));
    const pxNext = px.map((v, i) => v + 0.1 * Math.sin(i));
    const results: Float32Array[][] = [];
    for (const threads of [1, 2]) {
      const model = tinyModel('hnn', wide);
      const trainer = await trainerFor(model, 200, { engine, threads, weightDecay: 1e-5 });
      expect(trainer.threads).toBe(threads);
      for (let s = 0; s < 5; s++) {
        trainer.step(
          px,
          pxNext,
          Int32Array.from({ length: 200 }, (_, i) => (i * 7 + s) % n),
        );
      }
      results.push(trainer.getWeights());
      model.dispose();
    }
    results[0]?.forEach((w, i) => expect(results[1]?.[i], `array ${i}`).toEqual(w));
  });
});

describe('fused pixel trainer input checks', () => {
  it('rejects wrong weights, batch sizes and row indices with typed errors', async () => {
    const model = tinyModel('hnn');
    expect(
      () =>
        new FusedPixelTrainer({
          kind: 'hnn',
          ...dims,
          weights: model.getWeights().slice(1),
          batchRows: 5,
        }),
    ).toThrow(/expects 21 weight arrays/);
    const trainer = await trainerFor(model, 5);
    const x = new Float32Array(5 * dims.inputDim);
    expect(() => trainer.computeGradients(x, x, range(4))).toThrow(/batches of 5 rows/);
    expect(() => trainer.computeGradients(x, x, [0, 1, 2, 3, 5])).toThrow(/outside 0\.\.4/);
    expect(() => trainer.computeGradients(x, x.subarray(1), range(5))).toThrow(/whole number/);
    expect(() => trainer.evaluate(Array.from(x) as unknown as Float32Array, x, range(5))).toThrow(
      /Float32Array or Float64Array/,
    );
    const bad = model.getWeights();
    (bad[3] as Float32Array)[0] = Number.NaN;
    expect(() => trainer.setWeights(bad)).toThrow(/Weight array 3 holds NaN at index 0/);
    model.dispose();
  });
});
