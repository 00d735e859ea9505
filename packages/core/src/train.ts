import * as tf from '@tensorflow/tfjs';
import { RandomState } from '@hnn/random';
import { Adam } from './adam.js';
import { ensureBackend } from './backend.js';
import type { BackendName } from './backend.js';
import { checkSamples } from './data.js';
import type { SampleArray } from './data.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError, TrainingDivergedError } from './errors.js';
import { mseLoss } from './loss.js';

export interface TrainProgress {
  /** Index of the step just taken, 0 .. total - 1. */
  readonly step: number;
  /** Number of iterations, steps + 1 (the reference loops over range(steps + 1)). */
  readonly total: number;
  /** Loss on this step's (mini)batch, before the update. */
  readonly trainLoss: number;
  /** Loss on the whole test set after the update, when a test set is given. */
  readonly testLoss?: number;
  readonly elapsedMs: number;
  /** Estimated time left, from the mean time per step so far. */
  readonly etaMs: number;
}

export interface TrainOptions {
  /** Training states, row-major (n x dim). */
  readonly trainX: SampleArray;
  /** Their time derivatives dx/dt, row-major (n x dim). */
  readonly trainDx: SampleArray;
  readonly testX?: SampleArray;
  readonly testDx?: SampleArray;
  /** State dimension; must equal model.inputDim (defaults to it). */
  readonly dim?: number;
  /** The reference's total_steps: steps + 1 iterations are run. */
  readonly steps: number;
  /** Adam learning rate (the paper: 1e-3). */
  readonly learningRate?: number;
  /** Adam's L2 weight decay (spring and pendulum: 1e-4; real pendulum: 1e-5; two-body: 0). */
  readonly weightDecay?: number;
  /** Minibatch size; full batch when omitted. */
  readonly batchSize?: number;
  /** Seed of the RandomState that draws the minibatch permutations. */
  readonly seed?: number;
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Report progress (and evaluate the test set) every this many steps, and at the last step. */
  readonly progressEvery?: number;
}

export interface TrainHistoryEntry {
  readonly step: number;
  readonly trainLoss: number;
  readonly testLoss?: number;
}

export interface TrainResult {
  /** Iterations run, steps + 1. */
  readonly iterations: number;
  readonly seconds: number;
  readonly msPerStep: number;
  /** Train loss of every step; test loss at the progress steps. */
  readonly history: readonly TrainHistoryEntry[];
  readonly finalTrainLoss: number;
  readonly finalTestLoss?: number;
  /** The TensorFlow.js backend that ran the training. */
  readonly backend: BackendName;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidInputError(`${name} must be an integer >= ${min}, got ${value}.`);
  }
}

/**
 * Trains a model with Adam on MSE(timeDerivative(x), dx), as the reference's train loop:
 * steps + 1 iterations, full batch unless batchSize is given, in which case each step takes the
 * first batchSize indices of a new permutation from RandomState(seed).
 * Throws TrainingDivergedError (before applying that step) if the loss becomes NaN or infinite.
 */
export async function train(model: DynamicsModel, options: TrainOptions): Promise<TrainResult> {
  const {
    trainX,
    trainDx,
    testX,
    testDx,
    dim = model.inputDim,
    steps,
    learningRate = 1e-3,
    weightDecay = 0,
    batchSize,
    seed = 0,
    onProgress,
    progressEvery = 100,
  } = options;
  if (dim !== model.inputDim) {
    throw new InvalidInputError(`dim = ${dim} but the model's inputDim is ${model.inputDim}.`);
  }
  checkInteger('steps', steps, 0);
  checkInteger('progressEvery', progressEvery, 1);
  checkInteger('seed', seed, 0);
  const nTrain = checkSamples('trainX', trainX, dim);
  const nTrainDx = checkSamples('trainDx', trainDx, dim);
  if (nTrain !== nTrainDx) {
    throw new InvalidInputError(`trainX has ${nTrain} rows but trainDx has ${nTrainDx}.`);
  }
  if ((testX === undefined) !== (testDx === undefined)) {
    throw new InvalidInputError('Give both testX and testDx, or neither.');
  }
  let nTest = 0;
  if (testX !== undefined && testDx !== undefined) {
    nTest = checkSamples('testX', testX, dim);
    const nTestDx = checkSamples('testDx', testDx, dim);
    if (nTest !== nTestDx) {
      throw new InvalidInputError(`testX has ${nTest} rows but testDx has ${nTestDx}.`);
    }
  }
  if (batchSize !== undefined) {
    checkInteger('batchSize', batchSize, 1);
    if (batchSize > nTrain) {
      throw new InvalidInputError(`batchSize ${batchSize} exceeds the ${nTrain} training rows.`);
    }
  }
  // Adam validates learningRate and weightDecay.
  const adam = new Adam({ learningRate, weightDecay });
  const backend = (await ensureBackend()).name;

  const toTensor = (data: SampleArray, n: number): tf.Tensor2D =>
    tf.tensor2d(data instanceof Float32Array ? data : Float32Array.from(data), [n, dim], 'float32');
  const x = toTensor(trainX, nTrain);
  const dx = toTensor(trainDx, nTrain);
  const tx = testX === undefined ? undefined : toTensor(testX, nTest);
  const tdx = testDx === undefined ? undefined : toTensor(testDx, nTest);
  const rng = batchSize === undefined ? undefined : new RandomState(seed);
  const variables = model.variables;

  const total = steps + 1;
  const history: TrainHistoryEntry[] = [];
  let finalTestLoss: number | undefined;
  const start = performance.now();
  try {
    for (let step = 0; step < total; step++) {
      let batchIndices: tf.Tensor1D | undefined;
      if (rng !== undefined && batchSize !== undefined) {
        batchIndices = tf.tensor1d(rng.permutation(nTrain).subarray(0, batchSize), 'int32');
      }
      const { value, grads } = tf.variableGrads(() => {
        const xb = batchIndices === undefined ? x : tf.gather(x, batchIndices);
        const dxb = batchIndices === undefined ? dx : tf.gather(dx, batchIndices);
        return mseLoss(model.timeDerivative(xb), dxb);
      }, variables as tf.Variable[]);
      let trainLoss: number;
      try {
        trainLoss = value.dataSync()[0] as number;
        if (!Number.isFinite(trainLoss)) {
          throw new TrainingDivergedError(step, trainLoss, learningRate);
        }
        adam.step(
          variables,
          variables.map((v) => grads[v.name] as tf.Tensor),
        );
      } finally {
        tf.dispose([value, ...Object.values(grads)]);
        batchIndices?.dispose();
      }

      const report = step % progressEvery === 0 || step === total - 1;
      let testLoss: number | undefined;
      if (report && tx !== undefined && tdx !== undefined) {
        const t = tf.tidy(() => mseLoss(model.timeDerivative(tx), tdx));
        testLoss = t.dataSync()[0];
        t.dispose();
        finalTestLoss = testLoss;
      }
      history.push(testLoss === undefined ? { step, trainLoss } : { step, trainLoss, testLoss });
      if (report && onProgress !== undefined) {
        const elapsedMs = performance.now() - start;
        const etaMs = (elapsedMs / (step + 1)) * (total - step - 1);
        onProgress(
          testLoss === undefined
            ? { step, total, trainLoss, elapsedMs, etaMs }
            : { step, total, trainLoss, testLoss, elapsedMs, etaMs },
        );
      }
    }
  } finally {
    tf.dispose([x, dx, ...(tx === undefined ? [] : [tx]), ...(tdx === undefined ? [] : [tdx])]);
    adam.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const last = history[history.length - 1] as TrainHistoryEntry;
  return {
    iterations: total,
    seconds,
    msPerStep: (seconds * 1000) / total,
    history,
    finalTrainLoss: last.trainLoss,
    ...(finalTestLoss === undefined ? {} : { finalTestLoss }),
    backend,
  };
}
