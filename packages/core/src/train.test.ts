import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { createBaseline } from './baseline.js';
import { InvalidInputError, TrainingDivergedError } from './errors.js';
import { createHnn } from './hnn.js';
import { predict, PREDICT_CHUNK_ROWS } from './predict.js';
import { train } from './train.js';
import type { TrainProgress } from './train.js';
import { springData } from './test-utils/spring-data.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('train', () => {
  const train0 = springData(60, 0.1);
  const test0 = springData(40, 0.7);

  it('reduces the loss of an HNN on a mass-spring set and reports progress', async () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 32, seed: 0 });
    const progress: TrainProgress[] = [];
    const result = await train(model, {
      trainX: train0.x,
      trainDx: train0.dx,
      testX: test0.x,
      testDx: test0.dx,
      steps: 150,
      learningRate: 1e-2,
      weightDecay: 1e-4,
      progressEvery: 50,
      onProgress: (p) => progress.push(p),
    });
    expect(result.iterations).toBe(151);
    expect(result.history).toHaveLength(151);
    expect(result.backend).toBe('wasm');
    expect(progress.map((p) => p.step)).toEqual([0, 50, 100, 150]);
    expect(progress.every((p) => p.total === 151 && p.testLoss !== undefined)).toBe(true);
    expect(progress.at(-1)?.etaMs).toBe(0);
    const first = result.history[0]?.trainLoss as number;
    expect(result.finalTrainLoss).toBeLessThan(0.1 * first);
    expect(result.finalTestLoss).toBeLessThan(0.1 * (progress[0]?.testLoss as number));
    // The learned field conserves its own H and approximates the true one.
    const pred = predict(model, test0.x);
    let err = 0;
    for (let i = 0; i < pred.length; i++)
      err += ((pred[i] as number) - (test0.dx[i] as number)) ** 2;
    expect(err / pred.length).toBeCloseTo(result.finalTestLoss as number, 5);
    model.dispose();
  });

  it('does not leak tensors over training steps', async () => {
    const model = createBaseline({ inputDim: 2, hiddenDim: 16, seed: 0 });
    const hnn = createHnn({ inputDim: 2, hiddenDim: 16, seed: 0 });
    for (const m of [model, hnn]) {
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      await train(m, {
        trainX: train0.x,
        trainDx: train0.dx,
        testX: test0.x,
        testDx: test0.dx,
        steps: 20,
        batchSize: 16,
        progressEvery: 1,
        onProgress: () => counts.push(tf.memory().numTensors),
      });
      // Adam's moments appear at step 0; from then on the count must stay flat.
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
    }
    model.dispose();
    hnn.dispose();
  });

  it('is deterministic for a seed, and minibatches depend on it', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const model = createHnn({ inputDim: 2, hiddenDim: 16, seed: 3 });
      const r = await train(model, {
        trainX: train0.x,
        trainDx: train0.dx,
        steps: 5,
        batchSize: 10,
        seed,
      });
      model.dispose();
      return r.history.map((h) => h.trainLoss);
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('throws TrainingDivergedError when the loss becomes non-finite', async () => {
    const model = createBaseline({ inputDim: 2, hiddenDim: 8, seed: 0 });
    const huge = train0.dx.map((v) => v * 1e30);
    const error = await train(model, { trainX: train0.x, trainDx: huge, steps: 3 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).step).toBe(0);
    expect((error as Error).message).toMatch(/learning rate/);
    model.dispose();
  });

  it('validates its inputs with typed errors', async () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 0 });
    const bad = Float64Array.from(train0.x);
    bad[5] = Number.NaN;
    const cases: Parameters<typeof train>[1][] = [
      { trainX: bad, trainDx: train0.dx, steps: 1 },
      { trainX: train0.x.subarray(0, 5), trainDx: train0.dx.subarray(0, 5), steps: 1 },
      { trainX: train0.x, trainDx: train0.dx.subarray(0, 10), steps: 1 },
      { trainX: train0.x, trainDx: train0.dx, dim: 4, steps: 1 },
      { trainX: train0.x, trainDx: train0.dx, steps: -1 },
      { trainX: train0.x, trainDx: train0.dx, steps: 1, batchSize: 1000 },
      { trainX: train0.x, trainDx: train0.dx, testX: test0.x, steps: 1 },
    ];
    for (const options of cases) {
      await expect(train(model, options)).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(train(model, cases[0] as Parameters<typeof train>[1])).rejects.toThrow(
      /row 2, column 1/,
    );
    model.dispose();
  });
});

describe('model lifecycle', () => {
  it('creating and disposing a model releases all its tensors', () => {
    const before = tf.memory().numTensors;
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 0 });
    expect(tf.memory().numTensors).toBe(before + 5);
    model.setWeights(model.getWeights());
    model.toFloat64();
    predict(model, new Float64Array([0.1, 0.2, 0.3, 0.4]), 2);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('predict', () => {
  it('gives the same rows in chunks as one by one, and leaks no tensors', () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 16, seed: 1 });
    const n = PREDICT_CHUNK_ROWS + 37;
    const x = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(0.37 * i));
    const before = tf.memory().numTensors;
    const all = predict(model, x, n);
    expect(tf.memory().numTensors).toBe(before);
    expect(all).toHaveLength(2 * n);
    // Rows on both sides of the chunk boundary, predicted on their own.
    for (const row of [0, PREDICT_CHUNK_ROWS - 1, PREDICT_CHUNK_ROWS, n - 1]) {
      const one = predict(model, x.subarray(2 * row, 2 * row + 2));
      expect(Math.abs((one[0] as number) - (all[2 * row] as number))).toBeLessThan(1e-6);
      expect(Math.abs((one[1] as number) - (all[2 * row + 1] as number))).toBeLessThan(1e-6);
    }
    model.dispose();
  });
});
