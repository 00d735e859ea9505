import type { TrainHistoryEntry } from './train.js';
import { HnnError } from '@hnn/errors';

/**
 * Base class of every error @hnn/core throws on purpose, so callers can catch them as a group;
 * an HnnError (@hnn/errors) whose `code` names the case.
 */
export class HnnCoreError extends HnnError {
  override readonly code: string = 'HNN_CORE_ERROR';
}

/** An argument has the wrong shape, length or value (e.g. NaN in training data). */
export class InvalidInputError extends HnnCoreError {
  override readonly code = 'HNN_CORE_INVALID_INPUT';
}

/** The requested TensorFlow.js backend could not be initialised. */
export class BackendUnavailableError extends HnnCoreError {
  override readonly code = 'HNN_CORE_BACKEND_UNAVAILABLE';
}

/** The training loss became NaN or infinite; parameters are left as they were before that step. */
export class TrainingDivergedError extends HnnCoreError {
  override readonly code = 'HNN_CORE_TRAINING_DIVERGED';
  readonly step: number;
  readonly loss: number;

  constructor(step: number, loss: number, learningRate: number) {
    super(
      `Training diverged at step ${step}: loss is ${loss}. ` +
        `Lower the learning rate (now ${learningRate}), rescale the data to order 1, ` +
        'or check the targets for outliers.',
    );
    this.step = step;
    this.loss = loss;
  }
}

/**
 * Training stopped because its AbortSignal aborted (train(), or @hnn/autoencoder's
 * trainPixelModel, whose entries are its own history type `E`). The model holds the weights of
 * the last completed step; `history` lists the steps run (none when the signal was aborted before).
 */
export class TrainingAbortedError<E = TrainHistoryEntry> extends HnnCoreError {
  override readonly code = 'HNN_CORE_TRAINING_ABORTED';
  readonly history: readonly E[];
  /** The signal's reason (AbortSignal.reason). */
  readonly reason: unknown;

  constructor(history: readonly E[], reason: unknown) {
    super(
      `Training was aborted after ${history.length} step(s); the model keeps the weights of the ` +
        'last completed step. Call it again to continue (with a fresh Adam state).',
    );
    this.history = history;
    this.reason = reason;
  }
}
