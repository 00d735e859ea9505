import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  checkMaxBlockMs,
  fastPathPreference,
  InvalidInputError,
  resolveTrainBackend,
  runTrainingLoop,
  SILENT_LOGGER,
  TrainingDivergedError,
} from '@hnn/core';
import type {
  FastPathName,
  FastPathPreference,
  Logger,
  TrainBackendOption,
  TrainingLoopResult,
} from '@hnn/core';
import { FusedPixelTrainer, fusedPixelUnsupportedReason } from '@hnn/kernels';
import { RandomState } from '@hnn/random';
import { checkSplit, gatherRows } from './data.js';
import type { PixelSplit } from './data.js';
import { DYNAMICS_LOSS_WEIGHT, pixelLoss } from './pixel-loss.js';
import type { PixelLossTerms } from './pixel-loss.js';
import { isFusablePixelModel } from './pixel-model.js';
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
  /**
   * 'auto' (default, or env HNN_FAST_PATH): @hnn/kernels' fused pixel kernel (native addon, else
   * WebAssembly) for models built by createPixelModel; 'native' / 'wasm': only that engine;
   * 'off': TensorFlow.js ops. Same minibatches and loss either way; see `fastPath` in the result.
   */
  readonly fastPath?: FastPathPreference;
  /** Threads of the fused path, 1 or 2 (default: timed, the faster). */
  readonly threads?: number;
  /** Called after every step with its losses (and the test minibatch's at progress steps). */
  readonly onStep?: (entry: PixelTrainHistoryEntry) => void;
  /**
   * Aborting stops training after the step in progress, with @hnn/core's TrainingAbortedError
   * (its `history` holds this function's entries); the model keeps the last completed step's
   * weights.
   */
  readonly signal?: AbortSignal;
  /** Longest time in ms between returns to the event loop, as train()'s (default 40). */
  readonly maxBlockMs?: number;
  /**
   * 'keep' (default): TensorFlow.js's active backend, never switched (it runs the steps only
   * when fastPath is 'none'); otherwise initBackend(backend) first, as train()'s option.
   */
  readonly backend?: TrainBackendOption;
  /** Where the backend choice is logged when `backend` asks for one; default silent. */
  readonly logger?: Logger;
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
  /** The TensorFlow.js backend (it ran the steps when fastPath is 'none'). */
  readonly backend: string;
  /** What ran the steps: the fused kernel's engine and threads, or 'none' (TensorFlow.js). */
  readonly fastPath: FastPathName;
  /** Why the fused path was not used (or runs on one thread), when it was not. */
  readonly fastPathReason?: string;
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

/** One way of running training steps: TensorFlow.js ops, or the fused kernel. */
interface PixelStepper {
  /** Loss terms of the minibatch and its gradients (kept for update()). */
  lossAndGradients(indices: ArrayLike<number>): PixelLossValues;
  /** Adam step from the last gradients. */
  update(): void;
  /** Drops the last gradients without a step (the loss diverged). */
  discard(): void;
  testLoss(indices: ArrayLike<number>): PixelLossValues;
  path(): FastPathName;
  /** Leaves the trained weights in the model and frees what the stepper holds. */
  finish(): Promise<void>;
}

function tfjsStepper(
  model: PixelModel,
  adam: Adam,
  train: PixelSplit,
  test: PixelSplit | undefined,
  dynamicsWeight: number,
): PixelStepper {
  const variables = model.variables as tf.Variable[];
  let pending: tf.Tensor[] = [];
  let gradList: tf.Tensor[] = [];
  const release = (): void => {
    tf.dispose(pending);
    pending = [];
    gradList = [];
  };
  return {
    lossAndGradients(indices) {
      let all: tf.Tensor1D | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const loss = stackedLoss(model, train, indices, dynamicsWeight);
        all = tf.keep(loss.all);
        return loss.total;
      }, variables);
      pending = [value, ...Object.values(grads), ...(all === undefined ? [] : [all])];
      // tfjs omits a variable it finds no path to; its gradient is then zero.
      gradList = variables.map((v) => {
        const g = grads[v.name];
        if (g !== undefined) return g;
        const zero = tf.zerosLike(v);
        pending.push(zero);
        return zero;
      });
      return toValues((all as tf.Tensor1D).dataSync());
    },
    update() {
      try {
        adam.step(variables, gradList);
      } finally {
        release();
      }
    },
    discard: release,
    testLoss(indices) {
      const t = tf.tidy(() => stackedLoss(model, test as PixelSplit, indices, dynamicsWeight).all);
      try {
        return toValues(t.dataSync());
      } finally {
        t.dispose();
      }
    },
    path: () => 'none',
    finish() {
      release();
      adam.dispose();
      return Promise.resolve();
    },
  };
}

function fusedStepper(
  model: PixelModel,
  trainer: FusedPixelTrainer,
  train: PixelSplit,
  test: PixelSplit | undefined,
): PixelStepper {
  return {
    lossAndGradients: (indices) =>
      trainer.computeGradients(train.pixels, train.nextPixels, indices),
    update: () => trainer.applyAdam(),
    discard: () => undefined,
    testLoss: (indices) => {
      const split = test as PixelSplit;
      return trainer.evaluate(split.pixels, split.nextPixels, indices);
    },
    path: () => trainer.path,
    async finish() {
      try {
        model.setWeights(trainer.getWeights());
      } finally {
        await trainer.close();
      }
    },
  };
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
    onStep,
    signal,
    maxBlockMs = 40,
    logger = SILENT_LOGGER,
  } = options;
  checkInteger('steps', steps, 0);
  checkInteger('batchSize', batchSize, 1);
  checkInteger('progressEvery', progressEvery, 1);
  checkInteger('seed', seed, 0);
  checkMaxBlockMs(maxBlockMs);
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
  const backend = await resolveTrainBackend(options.backend ?? 'keep', logger);
  if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2) {
    throw new InvalidInputError(`threads must be 1 or 2, got ${String(options.threads)}.`);
  }
  const { preference, source } = fastPathPreference(options.fastPath);
  const sizes = {
    kind: model.kind,
    inputDim: model.inputDim,
    hiddenDim: model.hiddenDim,
    latentDim: model.latentDim,
    latentHiddenDim: model.latent.mlp.sizes[1] as number,
  };
  let fastPathReason: string | undefined =
    preference === 'off'
      ? `disabled by ${source}`
      : !isFusablePixelModel(model)
        ? 'not a model built by createPixelModel'
        : fusedPixelUnsupportedReason(sizes, preference);
  let stepper: PixelStepper;
  if (fastPathReason === undefined) {
    let trainer: FusedPixelTrainer;
    try {
      trainer = new FusedPixelTrainer({
        ...sizes,
        weights: model.getWeights(),
        batchRows: batchSize,
        learningRate: adam.learningRate,
        beta1: adam.beta1,
        beta2: adam.beta2,
        epsilon: adam.epsilon,
        weightDecay: adam.weightDecay,
        dynamicsWeight,
        engine: preference === 'off' ? 'auto' : preference,
        ...(options.threads === undefined ? {} : { threads: options.threads }),
      });
    } finally {
      // The kernel keeps its own Adam state; this one only carried the validated settings.
      adam.dispose();
    }
    await trainer.start();
    fastPathReason = trainer.threadFallbackReason;
    stepper = fusedStepper(model, trainer, train, test);
  } else {
    stepper = tfjsStepper(model, adam, train, test, dynamicsWeight);
  }
  const rng = new RandomState(seed);
  const testRng = new RandomState(seed + 1);

  const total = steps + 1;
  const start = performance.now();
  let loop: TrainingLoopResult<PixelTrainHistoryEntry>;
  try {
    loop = await runTrainingLoop<PixelTrainHistoryEntry>({
      total,
      progressEvery,
      signal,
      maxBlockMs,
      onStep,
      runStep(step, report) {
        const indices = rng.permutation(train.n).subarray(0, batchSize);
        const trainValues = stepper.lossAndGradients(indices);
        if (!Number.isFinite(trainValues.total)) {
          stepper.discard();
          throw new TrainingDivergedError(step, trainValues.total, learningRate);
        }
        stepper.update();
        if (!report || test === undefined) return { step, train: trainValues };
        const testIndices = testRng.permutation(test.n).subarray(0, Math.min(batchSize, test.n));
        return { step, train: trainValues, test: stepper.testLoss(testIndices) };
      },
      onProgress:
        onProgress === undefined
          ? undefined
          : (entry, timing) => onProgress({ ...entry, ...timing }),
    });
  } finally {
    await stepper.finish();
  }
  const { history } = loop;
  const seconds = (performance.now() - start) / 1000;
  const last = history[history.length - 1] as PixelTrainHistoryEntry;
  return {
    iterations: total,
    seconds,
    msPerStep: (seconds * 1000) / total,
    backend,
    fastPath: stepper.path(),
    ...(fastPathReason === undefined ? {} : { fastPathReason }),
    history,
    finalTrainLoss: last.train.total,
  };
}
