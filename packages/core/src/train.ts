import * as tf from '@tensorflow/tfjs';
import { RandomState } from '@hnn/random';
import { Adam } from './adam.js';
import { ensureBackend } from './backend.js';
import type { BackendName } from './backend.js';
import { checkSamples } from './data.js';
import type { SampleArray } from './data.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError, TrainingDivergedError } from './errors.js';
import { fastPathPreference, fusedUnsupportedReason } from './fast/fast-path.js';
import type { FastPathName, FastPathPreference } from './fast/fast-path.js';
import { FusedTrainer } from './fast/fused-trainer.js';
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
  /** The TensorFlow.js backend active during training (it ran the steps when fastPath is 'none'). */
  readonly backend: BackendName;
  /** The fused path that ran the steps, or 'none' when TensorFlow.js ops did. */
  readonly fastPath: FastPathName;
  /** Why the fused path was not used (or runs on fewer threads than asked), when that happened. */
  readonly fastPathReason?: string;
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
  if (options.threads !== undefined && options.threads !== 1 && options.threads !== 2) {
    throw new InvalidInputError(`threads must be 1 or 2, got ${String(options.threads)}.`);
  }

  const { preference, source } = fastPathPreference(options.fastPath);
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

  const total = steps + 1;
  const history: TrainHistoryEntry[] = [];
  let finalTestLoss: number | undefined;
  const start = performance.now();
  try {
    for (let step = 0; step < total; step++) {
      const trainLoss = stepper.lossAndGradients();
      if (!Number.isFinite(trainLoss)) {
        stepper.discard();
        throw new TrainingDivergedError(step, trainLoss, learningRate);
      }
      stepper.apply();

      const report = step % progressEvery === 0 || step === total - 1;
      const testLoss = report ? stepper.testLoss() : undefined;
      if (testLoss !== undefined) finalTestLoss = testLoss;
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
    await stepper.close();
  }
  const fastPath = pathAfterTraining();
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
    fastPath,
    ...(fastPathReason === undefined ? {} : { fastPathReason }),
  };
}
