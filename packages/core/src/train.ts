import * as tf from './tf.js';
import { RandomState } from '@hnn/random';
import { prepareEngine } from '@hnn/kernels';
import { Adam } from './adam.js';
import { resolveTrainBackend } from './backend.js';
import type { TrainBackendOption } from './backend.js';
import { checkSamples } from './data.js';
import type { SampleArray } from './data.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError, TrainingDivergedError } from './errors.js';
import { fastPathPreference, fusedUnsupportedReason } from './fast/fast-path.js';
import type { FastPathName, FastPathPreference } from './fast/fast-path.js';
import { FusedTrainer } from './fast/fused-trainer.js';
import { SILENT_LOGGER } from './logger.js';
import type { Logger } from './logger.js';
import { mseLoss } from './loss.js';
import { checkMaxBlockMs, runTrainingLoop } from './training-loop.js';
import type { TrainingLoopResult } from './training-loop.js';

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
  /**
   * 'auto' (default; env HNN_FAST_PATH=0 turns it off): models built by createHnn/createBaseline
   * with the paper's two hidden layers train on a fused kernel (same gradients, proved in its
   * tests) instead of TensorFlow.js ops: the native addon (linux-x64, AVX2/AVX-512) where it
   * loads, else WebAssembly SIMD. 'native' / 'wasm' force an engine; 'off': always TensorFlow.js.
   * The model's variables hold the trained weights when train() returns either way.
   */
  readonly fastPath?: FastPathPreference;
  /**
   * Threads of the fused path, 1 or 2. Default: on a multi-core machine, batches of several
   * chunks time both now and then and use the faster (results are identical either way).
   */
  readonly threads?: 1 | 2;
  /** Called after every step with its train loss, and its test loss when it was evaluated. */
  readonly onStep?: (entry: TrainHistoryEntry) => void;
  /**
   * Called after every `weightsEvery`-th step with copies of the current weights (the model's
   * order and shapes, as getWeights()), e.g. to draw the learned field while training runs: the
   * fused kernel keeps the weights until train() returns, so the model's own variables lag until
   * then. Reading them changes nothing in the training.
   */
  readonly onWeights?: (weights: Float32Array[], step: number) => void;
  /** Steps between onWeights calls (an integer >= 1, default 100). */
  readonly weightsEvery?: number;
  /**
   * Aborting stops training after the step in progress: train() rejects with a
   * TrainingAbortedError whose `result` holds the steps run, and the model keeps the weights of
   * the last completed step (an already aborted signal runs no step).
   */
  readonly signal?: AbortSignal;
  /**
   * train() runs steps in chunks and returns to the event loop between them (timers, I/O and
   * rendering go on), so that it holds the thread no longer than this many ms: a step is not
   * started when the last one's duration says it would end past this. A single step longer than
   * this still runs whole. Default 40; Infinity runs every step in one go (never yields).
   */
  readonly maxBlockMs?: number;
  /** Stop when the test loss stops improving; off by default (the paper trains a fixed count). */
  readonly earlyStopping?: EarlyStoppingOptions;
  /**
   * 'keep' (default): train on TensorFlow.js's active backend and never switch it (call
   * initBackend() once to choose the fastest). 'auto' | 'tensorflow' | 'wasm' | 'cpu': call
   * initBackend(backend) first, which switches the global backend.
   */
  readonly backend?: TrainBackendOption;
  /** Where the backend choice is logged when `backend` asks for one; default silent. */
  readonly logger?: Logger;
}

/**
 * Early stopping on the test loss, which train() evaluates every `progressEvery` steps and at the
 * last step (so a test set is required).
 */
export interface EarlyStoppingOptions {
  /** Evaluations in a row without an improvement before training stops (an integer >= 1). */
  readonly patience: number;
  /** An improvement is a test loss below the best so far minus this (default 0). */
  readonly minDelta?: number;
  /** Put back the weights of the best evaluated step when training ends (default true). */
  readonly restoreBestWeights?: boolean;
}

/** What early stopping did, in a TrainResult when the option was given. */
export interface EarlyStoppingResult {
  /** Whether training ended before `steps` because the test loss stopped improving. */
  readonly stopped: boolean;
  /** The step with the lowest evaluated test loss. */
  readonly bestStep: number;
  readonly bestTestLoss: number;
  /** Whether the model now holds the best step's weights (else the last step's). */
  readonly restoredBestWeights: boolean;
}

export interface TrainHistoryEntry {
  readonly step: number;
  readonly trainLoss: number;
  readonly testLoss?: number;
}

export interface TrainResult {
  /** Iterations run: steps + 1, fewer when early stopping ended training. */
  readonly iterations: number;
  readonly seconds: number;
  readonly msPerStep: number;
  /** Train loss of every step; test loss at the progress steps. */
  readonly history: readonly TrainHistoryEntry[];
  readonly finalTrainLoss: number;
  readonly finalTestLoss?: number;
  /**
   * The TensorFlow.js backend active during training (it ran the steps when fastPath is 'none'):
   * 'tensorflow', 'wasm' or 'cpu', or another one the app chose (e.g. 'webgl') with backend 'keep'.
   */
  readonly backend: string;
  /** The fused path that ran the steps, or 'none' when TensorFlow.js ops did. */
  readonly fastPath: FastPathName;
  /** Why the fused path was not used (or runs on fewer threads than asked), when that happened. */
  readonly fastPathReason?: string;
  readonly earlyStopping?: EarlyStoppingResult;
}

/** One way of running training steps: TensorFlow.js ops or the fused kernel. */
interface Stepper {
  /** Loss on the next batch (the whole set, or a minibatch) with its gradients kept for apply(). */
  lossAndGradients(): number;
  /** Applies the Adam update from the kept gradients. */
  apply(): void;
  /** Drops the kept gradients without an update. */
  discard(): void;
  testLoss(): number | undefined;
  /** Copies of the current weights, in the model's order. */
  snapshot(): Float32Array[];
  /** Leaves the trained weights in the model's variables and releases everything. */
  close(): Promise<void>;
}

function tfjsStepper(
  model: DynamicsModel,
  adam: Adam,
  nextBatch: () => Int32Array | undefined,
  x: tf.Tensor2D,
  dx: tf.Tensor2D,
  tx: tf.Tensor2D | undefined,
  tdx: tf.Tensor2D | undefined,
): Stepper {
  const variables = model.variables;
  let kept: { value: tf.Scalar; grads: tf.NamedTensorMap; batch?: tf.Tensor1D } | undefined;
  const release = (): void => {
    if (kept === undefined) return;
    tf.dispose([kept.value, ...Object.values(kept.grads), ...(kept.batch ? [kept.batch] : [])]);
    kept = undefined;
  };
  return {
    lossAndGradients() {
      const indices = nextBatch();
      const batch = indices === undefined ? undefined : tf.tensor1d(indices, 'int32');
      const { value, grads } = tf.variableGrads(() => {
        const xb = batch === undefined ? x : tf.gather(x, batch);
        const dxb = batch === undefined ? dx : tf.gather(dx, batch);
        return mseLoss(model.timeDerivative(xb), dxb);
      }, variables as tf.Variable[]);
      kept = batch === undefined ? { value, grads } : { value, grads, batch };
      return value.dataSync()[0] as number;
    },
    apply() {
      const k = kept;
      if (k === undefined) return;
      try {
        adam.step(
          variables,
          variables.map((v) => k.grads[v.name] as tf.Tensor),
        );
      } finally {
        release();
      }
    },
    discard: release,
    testLoss() {
      if (tx === undefined || tdx === undefined) return undefined;
      const t = tf.tidy(() => mseLoss(model.timeDerivative(tx), tdx));
      const value = t.dataSync()[0];
      t.dispose();
      return value;
    },
    snapshot: () => model.getWeights(),
    close() {
      release();
      tf.dispose([x, dx, ...(tx === undefined ? [] : [tx]), ...(tdx === undefined ? [] : [tdx])]);
      adam.dispose();
      return Promise.resolve();
    },
  };
}

function fusedStepper(model: DynamicsModel, trainer: FusedTrainer, hasTest: boolean): Stepper {
  let closed = false;
  return {
    // Minibatches are drawn inside the kernel from the same RandomState sequence.
    lossAndGradients: () => trainer.computeGradients(),
    apply: () => trainer.applyAdam(),
    discard: () => undefined,
    testLoss: () => (hasTest ? trainer.testLoss() : undefined),
    snapshot: () => trainer.getWeights(),
    async close() {
      if (closed) return;
      closed = true;
      try {
        model.setWeights(trainer.getWeights());
      } finally {
        await trainer.close();
      }
    },
  };
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
 * Throws TrainingDivergedError (before applying that step) if the loss becomes NaN or infinite,
 * TrainingAbortedError when `signal` aborts. Yields to the event loop every `maxBlockMs`; with
 * none of the embedding options (onStep, signal, earlyStopping) the weights are bit-identical to
 * a run that never yields.
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
    onStep,
    onWeights,
    weightsEvery = 100,
    signal,
    maxBlockMs = 40,
    earlyStopping,
    logger = SILENT_LOGGER,
  } = options;
  if (dim !== model.inputDim) {
    throw new InvalidInputError(`dim = ${dim} but the model's inputDim is ${model.inputDim}.`);
  }
  checkInteger('steps', steps, 0);
  checkInteger('progressEvery', progressEvery, 1);
  checkInteger('weightsEvery', weightsEvery, 1);
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
  checkMaxBlockMs(maxBlockMs);
  const stopping = checkEarlyStopping(earlyStopping, nTest);
  if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2) {
    throw new InvalidInputError(`threads must be 1 or 2, got ${String(options.threads)}.`);
  }
  // Adam validates learningRate and weightDecay.
  const adam = new Adam({ learningRate, weightDecay });
  const backend = await resolveTrainBackend(options.backend ?? 'keep', logger);

  const { preference, source } = fastPathPreference(options.fastPath);
  // A browser compiles the kernel's WebAssembly only asynchronously; in Node this changes nothing.
  if (preference !== 'off') await prepareEngine(preference);
  let fastPathReason: string | undefined =
    preference === 'off' ? `disabled by ${source}` : fusedUnsupportedReason(model, preference);
  let stepper: Stepper;
  let pathAfterTraining = (): FastPathName => 'none';
  const mlp = model.mlp;
  const kind = model.kind;
  // A D-HNN is never marked fusable (fusedUnsupportedReason says so); the kind check narrows the type.
  if (fastPathReason === undefined && mlp !== undefined && kind !== 'dhnn') {
    const trainer = new FusedTrainer({
      kind,
      inputDim: dim,
      hiddenDim: mlp.sizes[1] as number,
      weights: model.getWeights(),
      x: trainX,
      dx: trainDx,
      ...(testX !== undefined && testDx !== undefined ? { testX, testDx } : {}),
      batchRows: batchSize ?? nTrain,
      learningRate: adam.learningRate,
      beta1: adam.beta1,
      beta2: adam.beta2,
      epsilon: adam.epsilon,
      weightDecay: adam.weightDecay,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      engine: preference === 'off' ? 'auto' : preference,
      ...(batchSize === undefined ? {} : { minibatchSeed: seed }),
    });
    await trainer.start();
    fastPathReason = trainer.threadFallbackReason;
    stepper = fusedStepper(model, trainer, nTest > 0);
    // Read after training: with adaptive threads the path names the count most steps used.
    pathAfterTraining = () => trainer.path;
  } else {
    const toTensor = (data: SampleArray, n: number): tf.Tensor2D =>
      tf.tensor2d(
        data instanceof Float32Array ? data : Float32Array.from(data),
        [n, dim],
        'float32',
      );
    const rng = batchSize === undefined ? undefined : new RandomState(seed);
    stepper = tfjsStepper(
      model,
      adam,
      () =>
        rng !== undefined && batchSize !== undefined
          ? rng.permutation(nTrain).subarray(0, batchSize)
          : undefined,
      toTensor(trainX, nTrain),
      toTensor(trainDx, nTrain),
      testX === undefined ? undefined : toTensor(testX, nTest),
      testDx === undefined ? undefined : toTensor(testDx, nTest),
    );
  }

  let finalTestLoss: number | undefined;
  let best: { step: number; testLoss: number; weights?: Float32Array[] } | undefined;
  let sinceBest = 0;
  const start = performance.now();
  let loop: TrainingLoopResult<TrainHistoryEntry>;
  try {
    loop = await runTrainingLoop<TrainHistoryEntry>({
      total: steps + 1,
      progressEvery,
      signal,
      maxBlockMs,
      onStep,
      runStep(step, report) {
        const trainLoss = stepper.lossAndGradients();
        if (!Number.isFinite(trainLoss)) {
          stepper.discard();
          throw new TrainingDivergedError(step, trainLoss, learningRate);
        }
        stepper.apply();
        if (onWeights !== undefined && (step + 1) % weightsEvery === 0) {
          onWeights(stepper.snapshot(), step);
        }
        const testLoss = report ? stepper.testLoss() : undefined;
        if (testLoss !== undefined) finalTestLoss = testLoss;
        return testLoss === undefined ? { step, trainLoss } : { step, trainLoss, testLoss };
      },
      onProgress:
        onProgress === undefined
          ? undefined
          : (entry, timing) => onProgress({ ...entry, ...timing }),
      shouldStop(entry) {
        const { step, testLoss } = entry;
        if (stopping === undefined || testLoss === undefined) return false;
        if (best === undefined || testLoss < best.testLoss - stopping.minDelta) {
          best = { step, testLoss, ...(stopping.restore ? { weights: stepper.snapshot() } : {}) };
          sinceBest = 0;
          return false;
        }
        return ++sinceBest >= stopping.patience;
      },
    });
  } finally {
    await stepper.close();
  }
  const { history, stoppedEarly } = loop;
  const total = steps + 1;
  if (best?.weights !== undefined) model.setWeights(best.weights);
  const fastPath = pathAfterTraining();
  const seconds = (performance.now() - start) / 1000;
  const last = history[history.length - 1] as TrainHistoryEntry;
  return {
    iterations: history.length,
    seconds,
    msPerStep: (seconds * 1000) / total,
    history,
    finalTrainLoss: last.trainLoss,
    ...(finalTestLoss === undefined ? {} : { finalTestLoss }),
    backend,
    fastPath,
    ...(fastPathReason === undefined ? {} : { fastPathReason }),
    ...(best === undefined
      ? {}
      : {
          earlyStopping: {
            stopped: stoppedEarly,
            bestStep: best.step,
            bestTestLoss: best.testLoss,
            restoredBestWeights: best.weights !== undefined,
          },
        }),
  };
}

interface CheckedEarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restore: boolean;
}

function checkEarlyStopping(
  options: EarlyStoppingOptions | undefined,
  nTest: number,
): CheckedEarlyStopping | undefined {
  if (options === undefined) return undefined;
  const { patience, minDelta = 0, restoreBestWeights = true } = options;
  if (nTest === 0) {
    throw new InvalidInputError(
      'earlyStopping watches the test loss: give testX and testDx, or drop earlyStopping.',
    );
  }
  checkInteger('earlyStopping.patience', patience, 1);
  if (!(minDelta >= 0) || !Number.isFinite(minDelta)) {
    throw new InvalidInputError(
      `earlyStopping.minDelta must be a finite number >= 0, got ${minDelta}.`,
    );
  }
  return { patience, minDelta, restore: restoreBestWeights };
}
