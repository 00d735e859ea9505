import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  getBackendInfo,
  initBackend,
  InvalidInputError,
  TrainingDivergedError,
} from '@hnn/core';
import type { BackendName } from '@hnn/core';
import { RandomState } from '@hnn/random';
import { checkSplit, gatherRows } from './data.js';
import type { PixelSplit } from './data.js';
import { DYNAMICS_LOSS_WEIGHT, pixelLoss } from './pixel-loss.js';
import type { PixelLossTerms } from './pixel-loss.js';
import type { PixelModel } from './pixel-model.js';

/** Paper Section 5.1 / the reference's experiment-pixels/train.py. */
export const PIXEL_TRAINING_DEFAULTS = {
  steps: 10_000,
  batchSize: 200,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  dynamicsWeight: DYNAMICS_LOSS_WEIGHT,
  seed: 0,
  progressEvery: 200,
} as const;

export interface PixelTrainData {
  readonly train: PixelSplit;
  /** When given, a random test minibatch is scored at every progress step (as the reference). */
  readonly test?: PixelSplit;
}

export interface PixelTrainOptions {
  /** The reference's total_steps: steps + 1 iterations are run (default 10,000). */
  readonly steps?: number;
  /** Samples per step, drawn as the first batchSize of a fresh permutation (default 200). */
  readonly batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  readonly learningRate?: number;
  /** Adam's L2 weight decay, torch-style, on every parameter (default 1e-5). */
  readonly weightDecay?: number;
  /** Weight of the latent dynamics term (default 0.1). */
  readonly dynamicsWeight?: number;
  /**
   * Seed of the RandomState that draws the training minibatches; test minibatches come from
   * RandomState(seed + 1), so reporting does not change the training sequence.
   */
  readonly seed?: number;
  readonly onProgress?: (progress: PixelTrainProgress) => void;
  /** Report (and score a test minibatch) every this many steps and at the last (default 200). */
  readonly progressEvery?: number;
}

/** Losses of one step's minibatch, before the update. */
export type PixelLossValues = PixelLossTerms<number>;

export interface PixelTrainHistoryEntry {
  readonly step: number;
  readonly train: PixelLossValues;
  /** Loss terms on a random test minibatch (progress steps only, when a test split is given). */
  readonly test?: PixelLossValues;
}

export interface PixelTrainProgress extends PixelTrainHistoryEntry {
  /** Number of iterations, steps + 1. */
  readonly total: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
}

export interface PixelTrainResult {
  /** Iterations run, steps + 1. */
  readonly iterations: number;
  readonly seconds: number;
  readonly msPerStep: number;
  /** The TensorFlow.js backend that ran the training. */
  readonly backend: BackendName;
  /** Every step's minibatch losses; test minibatch losses at the progress steps. */
  readonly history: readonly PixelTrainHistoryEntry[];
  readonly finalTrainLoss: number;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidInputError(`${name} must be an integer >= ${min}, got ${value}.`);
  }
}

function toValues(data: Float32Array | Int32Array | Uint8Array): PixelLossValues {
  return {
    total: data[0] as number,
    autoencoder: data[1] as number,
    canonical: data[2] as number,
    dynamics: data[3] as number,
  };
}

/** The 4 loss values [total, autoencoder, canonical, dynamics] of a minibatch, as one tensor. */
function stackedLoss(
  model: PixelModel,
  split: PixelSplit,
  indices: ArrayLike<number>,
  dynamicsWeight: number,
): { total: tf.Scalar; all: tf.Tensor1D } {
  const dim = model.inputDim;
  const n = indices.length;
  const x = tf.tensor2d(gatherRows(split.pixels, dim, indices), [n, dim], 'float32');
  const xNext = tf.tensor2d(gatherRows(split.nextPixels, dim, indices), [n, dim], 'float32');
  const terms = pixelLoss(model, x, xNext, { dynamicsWeight });
  const all = tf.stack([terms.total, terms.autoencoder, terms.canonical, terms.dynamics]);
  return { total: terms.total, all: all as tf.Tensor1D };
}

/**
 * Trains a pixel model as the reference's experiment-pixels/train.py: Adam (torch's L2 weight
 * decay), steps + 1 iterations, each on the first batchSize indices of a new random permutation of
 * the training samples, minimising ae + cc + 0.1 x dynamics. Minibatches are gathered in plain
 * JavaScript, so the dataset never has to fit in the backend's memory.
 * Throws TrainingDivergedError (before applying that step) if the loss becomes NaN or infinite.
 */
export async function trainPixelModel(
  model: PixelModel,
  data: PixelTrainData,
  options: PixelTrainOptions = {},
): Promise<PixelTrainResult> {
  const {
    steps = PIXEL_TRAINING_DEFAULTS.steps,
    batchSize = PIXEL_TRAINING_DEFAULTS.batchSize,
    learningRate = PIXEL_TRAINING_DEFAULTS.learningRate,
    weightDecay = PIXEL_TRAINING_DEFAULTS.weightDecay,
    dynamicsWeight = PIXEL_TRAINING_DEFAULTS.dynamicsWeight,
    seed = PIXEL_TRAINING_DEFAULTS.seed,
    onProgress,
    progressEvery = PIXEL_TRAINING_DEFAULTS.progressEvery,
  } = options;
  checkInteger('steps', steps, 0);
  checkInteger('batchSize', batchSize, 1);
  checkInteger('progressEvery', progressEvery, 1);
  checkInteger('seed', seed, 0);
  if (seed >= 0xffffffff) {
    throw new InvalidInputError(`seed must be below 2^32 - 1, got ${seed}.`);
  }
  if (data === null || typeof data !== 'object' || data.train === undefined) {
    throw new InvalidInputError(
      'trainPixelModel needs data = { train: { pixels, nextPixels, n } }.',
    );
  }
  checkSplit('train', data.train, model.inputDim);
  const { train, test } = data;
  if (test !== undefined) checkSplit('test', test, model.inputDim);
  if (batchSize > train.n) {
    throw new InvalidInputError(`batchSize ${batchSize} exceeds the ${train.n} training samples.`);
  }
  if (!Number.isFinite(dynamicsWeight) || dynamicsWeight < 0) {
    throw new InvalidInputError(`dynamicsWeight must be finite and >= 0, got ${dynamicsWeight}.`);
  }
  // Adam validates learningRate and weightDecay.
  const adam = new Adam({ learningRate, weightDecay });
  const backend = (getBackendInfo() ?? (await initBackend())).name;
  const rng = new RandomState(seed);
  const testRng = new RandomState(seed + 1);
  const variables = model.variables as tf.Variable[];

  const total = steps + 1;
  const history: PixelTrainHistoryEntry[] = [];
  const start = performance.now();
  try {
    for (let step = 0; step < total; step++) {
      const indices = rng.permutation(train.n).subarray(0, batchSize);
      let all: tf.Tensor1D | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const loss = stackedLoss(model, train, indices, dynamicsWeight);
        all = tf.keep(loss.all);
        return loss.total;
      }, variables);
      let trainValues: PixelLossValues;
      try {
        trainValues = toValues((all as tf.Tensor1D).dataSync());
        if (!Number.isFinite(trainValues.total)) {
          throw new TrainingDivergedError(step, trainValues.total, learningRate);
        }
        // tfjs omits a variable it finds no path to; its gradient is then zero.
        const zeros: tf.Tensor[] = [];
        const gradList = variables.map((v) => {
          const g = grads[v.name];
          if (g !== undefined) return g;
          const zero = tf.zerosLike(v);
          zeros.push(zero);
          return zero;
        });
        try {
          adam.step(variables, gradList);
        } finally {
          tf.dispose(zeros);
        }
      } finally {
        tf.dispose([value, ...Object.values(grads), ...(all === undefined ? [] : [all])]);
      }

      const report = step % progressEvery === 0 || step === total - 1;
      let testValues: PixelLossValues | undefined;
      if (report && test !== undefined) {
        const testIndices = testRng.permutation(test.n).subarray(0, Math.min(batchSize, test.n));
        const t = tf.tidy(() => stackedLoss(model, test, testIndices, dynamicsWeight).all);
        testValues = toValues(t.dataSync());
        t.dispose();
      }
      const entry: PixelTrainHistoryEntry =
        testValues === undefined
          ? { step, train: trainValues }
          : { step, train: trainValues, test: testValues };
      history.push(entry);
      if (report && onProgress !== undefined) {
        const elapsedMs = performance.now() - start;
        const etaMs = (elapsedMs / (step + 1)) * (total - step - 1);
        onProgress({ ...entry, total, elapsedMs, etaMs });
      }
    }
  } finally {
    adam.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const last = history[history.length - 1] as PixelTrainHistoryEntry;
  return {
    iterations: total,
    seconds,
    msPerStep: (seconds * 1000) / total,
    backend,
    history,
    finalTrainLoss: last.train.total,
  };
}
