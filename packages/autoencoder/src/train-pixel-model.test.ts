import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  InvalidInputError,
  TrainingAbortedError,
  TrainingDivergedError,
} from '@hnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePixelLosses } from './evaluate.js';
import { pixelLossPerSample } from './pixel-loss.js';
import { createPixelModel } from './pixel-model.js';
import type { PixelModelKind } from './pixel-model.js';
import { relativeError, syntheticPendulumPixels } from './test-utils/float64-loss.js';
import { PIXEL_TRAINING_DEFAULTS, trainPixelModel } from './train-pixel-model.js';

const SIDE = 6;
const DIM = 2 * SIDE * SIDE;
const train = syntheticPendulumPixels(12, 25, SIDE, 1);
const test = syntheticPendulumPixels(4, 25, SIDE, 2);
const tiny = (kind: PixelModelKind, seed = 0) =>
  createPixelModel({ kind, inputDim: DIM, hiddenDim: 32, latentDim: 2, seed });

beforeAll(async () => {
  await initBackend('wasm');
});

describe('trainPixelModel on a tiny synthetic pendulum', () => {
  it('uses the paper settings by default', () => {
    expect(PIXEL_TRAINING_DEFAULTS).toMatchObject({
      steps: 10_000,
      batchSize: 200,
      learningRate: 1e-3,
      weightDecay: 1e-5,
      dynamicsWeight: 0.1,
    });
  });

  for (const [kind, fastPath] of [
    ['hnn', 'off'],
    ['baseline', 'off'],
    ['hnn', 'auto'],
    ['baseline', 'auto'],
  ] as const) {
    it(`${kind}, fast path ${fastPath}: the loss decreases and no tensors leak`, async () => {
      const model = tiny(kind);
      const before = evaluatePixelLosses(model, train);
      // Warm up once so that lazily created kernels/tensors are not counted as leaks.
      await trainPixelModel(model, { train }, { steps: 1, batchSize: 50, fastPath });
      const tensors = tf.memory().numTensors;
      const progress: number[] = [];
      const result = await trainPixelModel(
        model,
        { train, test },
        {
          steps: 299,
          batchSize: 50,
          learningRate: 3e-3,
          progressEvery: 100,
          onProgress: (p) => progress.push(p.step),
          fastPath,
        },
      );
      if (fastPath === 'off') expect(result.fastPath).toBe('none');
      else expect(result.fastPath).toMatch(/^(native-avx512|native-avx2|wasm-simd)-[12]threads?$/);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(result.iterations).toBe(300);
      expect(result.history).toHaveLength(300);
      expect(progress).toEqual([0, 100, 200, 299]);
      expect(result.history[100]?.test?.total).toBeGreaterThan(0);
      expect(result.history[101]?.test).toBeUndefined();
      expect(result.backend).toBe('wasm');
      expect(result.msPerStep).toBeGreaterThan(0);
      const after = evaluatePixelLosses(model, train);
      expect(after.total.mean).toBeLessThan(0.05 * before.total.mean);
      expect(after.autoencoder.mean).toBeLessThan(0.05 * before.autoencoder.mean);
      const entry = result.history[299];
      expect(entry?.train.total).toBeCloseTo(
        (entry?.train.autoencoder ?? 0) +
          (entry?.train.canonical ?? 0) +
          0.1 * (entry?.train.dynamics ?? 0),
        6,
      );
      model.dispose();
    });
  }

  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: the fused path trains as the TensorFlow.js path does`, async () => {
      // Same weights, minibatches and updates; float32 rounding in a different order is the only
      // difference, and 100 Adam steps amplify it only slightly.
      const run = async (fastPath: 'off' | 'wasm' | 'auto') => {
        const model = tiny(kind, 5);
        const result = await trainPixelModel(
          model,
          { train, test },
          { steps: 99, batchSize: 40, learningRate: 3e-3, progressEvery: 50, fastPath },
        );
        const weights = model.getWeights();
        model.dispose();
        return { result, weights };
      };
      const ref = await run('off');
      for (const fastPath of ['wasm', 'auto'] as const) {
        const got = await run(fastPath);
        expect(got.result.fastPath).not.toBe('none');
        got.weights.forEach((w, i) => {
          expect(relativeError(w, ref.weights[i] as Float32Array), `array ${i}`).toBeLessThan(1e-3);
        });
        got.result.history.forEach((h, step) => {
          const r = ref.result.history[step];
          expect(Math.abs(h.train.total - (r?.train.total ?? 0))).toBeLessThan(
            1e-3 * (r?.train.total ?? 0),
          );
          if (r?.test !== undefined) {
            expect(Math.abs((h.test?.total ?? 0) - r.test.total)).toBeLessThan(1e-3 * r.test.total);
          }
        });
      }
    });
  }

  it('is deterministic by seed (weights and history)', async () => {
    const run = async (seed: number) => {
      const model = tiny('hnn', 4);
      const result = await trainPixelModel(model, { train }, { steps: 20, batchSize: 30, seed });
      const weights = model.getWeights();
      model.dispose();
      return { losses: result.history.map((h) => h.train.total), weights };
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(b.losses).toEqual(a.losses);
    expect(b.weights).toEqual(a.weights);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('rejects malformed data and options with typed errors', async () => {
    const model = tiny('hnn');
    const bad = async (data: unknown, options = {}) =>
      trainPixelModel(model, data as { train: typeof train }, {
        steps: 1,
        batchSize: 10,
        ...options,
      });
    await expect(bad({})).rejects.toThrow(InvalidInputError);
    await expect(bad({ train: { ...train, n: train.n + 1 } })).rejects.toThrow(/n = 301/);
    await expect(bad({ train: { ...train, pixels: train.pixels.subarray(1) } })).rejects.toThrow(
      /multiple of 72/,
    );
    const nan = Float32Array.from(train.nextPixels);
    nan[5 * DIM + 3] = NaN;
    await expect(bad({ train: { ...train, nextPixels: nan } })).rejects.toThrow(
      /train.nextPixels holds a non-finite value \(NaN\) at sample 5, index 3/,
    );
    await expect(bad({ train: { ...train, pixels: Array.from(train.pixels) } })).rejects.toThrow(
      /Float32Array/,
    );
    await expect(bad({ train, test: { ...test, n: 3 } })).rejects.toThrow(/test.pixels/);
    await expect(bad({ train }, { batchSize: 10_000 })).rejects.toThrow(/exceeds/);
    await expect(bad({ train }, { steps: -1 })).rejects.toThrow(/steps/);
    await expect(bad({ train }, { learningRate: 0 })).rejects.toThrow(/learningRate/);
    model.dispose();
  });

  it('stops with TrainingDivergedError when the loss is not finite', async () => {
    const model = tiny('baseline');
    const huge = Float32Array.from(train.pixels, (v) => v * 1e30);
    await expect(
      trainPixelModel(model, { train: { ...train, pixels: huge } }, { steps: 3, batchSize: 10 }),
    ).rejects.toThrow(TrainingDivergedError);
    model.dispose();
  });
});

describe('trainPixelModel embeds like train()', () => {
  for (const fastPath of ['off', 'auto'] as const) {
    it(`fast path ${fastPath}: onStep sees every step and an abort stops after the step in progress`, async () => {
      const model = tiny('hnn', 4);
      const controller = new AbortController();
      const seen: number[] = [];
      const run = trainPixelModel(
        model,
        { train },
        {
          steps: 50,
          batchSize: 20,
          fastPath,
          onStep: (entry) => {
            seen.push(entry.step);
            if (entry.step === 6) controller.abort('enough');
          },
          signal: controller.signal,
        },
      );
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrainingAbortedError);
      const aborted = error as TrainingAbortedError<{ step: number }>;
      expect(aborted.code).toBe('HNN_CORE_TRAINING_ABORTED');
      expect(aborted.reason).toBe('enough');
      expect(aborted.history.map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
      model.dispose();
    });
  }

  it('keeps the active TensorFlow.js backend unless asked, and yields to timers', async () => {
    await tf.setBackend('cpu');
    try {
      const model = tiny('baseline', 5);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const result = await trainPixelModel(
        model,
        { train },
        { steps: 40, batchSize: 50, fastPath: 'off', maxBlockMs: 5 },
      );
      clearInterval(timer);
      expect(result.backend).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      // Without yielding the interval cannot fire while the steps run.
      expect(ticks).toBeGreaterThan(0);
      model.dispose();
    } finally {
      await initBackend('wasm');
    }
  });

  it('refuses a maxBlockMs that is not a number >= 0', async () => {
    const model = tiny('hnn', 6);
    await expect(
      trainPixelModel(model, { train }, { steps: 1, batchSize: 10, maxBlockMs: -1 }),
    ).rejects.toThrow(InvalidInputError);
    model.dispose();
  });
});

describe('evaluatePixelLosses', () => {
  it('is the mean ± std/sqrt(n) of the per-sample losses, independent of chunking', () => {
    const model = tiny('hnn', 2);
    const perSample = tf.tidy(() => {
      const x = tf.tensor2d(test.pixels, [test.n, DIM]);
      const xn = tf.tensor2d(test.nextPixels, [test.n, DIM]);
      return Array.from(pixelLossPerSample(model, x, xn).total.dataSync());
    });
    const mean = perSample.reduce((a, b) => a + b, 0) / test.n;
    const sd = Math.sqrt(perSample.reduce((a, b) => a + (b - mean) ** 2, 0) / (test.n - 1));
    const a = evaluatePixelLosses(model, test);
    const b = evaluatePixelLosses(model, test, { chunkSize: 7 });
    expect(a.n).toBe(100);
    expect(a.total.mean).toBeCloseTo(mean, 6);
    expect(a.total.se).toBeCloseTo(sd / Math.sqrt(test.n), 6);
    expect(b.total.mean).toBeCloseTo(a.total.mean, 6);
    expect(relativeError(b.perSampleTotal, a.perSampleTotal)).toBeLessThan(1e-6);
    expect(a.total.mean).toBeCloseTo(
      a.autoencoder.mean + a.canonical.mean + 0.1 * a.dynamics.mean,
      6,
    );
    model.dispose();
  });
});
