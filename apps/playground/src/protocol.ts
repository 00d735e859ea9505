/** Messages between the page and a training worker (one worker per model). */

export type ModelKind = 'hnn' | 'baseline';

export interface TrainRequest {
  readonly type: 'train';
  readonly kind: ModelKind;
  readonly dim: number;
  readonly hidden: number;
  readonly learningRate: number;
  /** Adam steps, as `hnn train --steps`: steps + 1 iterations run, counted 0..steps. */
  readonly steps: number;
  readonly seed: number;
  readonly trainX: Float64Array;
  readonly trainDx: Float64Array;
  readonly testX: Float64Array;
  readonly testDx: Float64Array;
}

/** Stop after the step in progress; the worker then sends the model as it is. */
export interface PauseRequest {
  readonly type: 'pause';
}

/** Train the remaining steps (Adam's moments start afresh: train() makes a new Adam per call). */
export interface ResumeRequest {
  readonly type: 'resume';
}

export type WorkerRequest = TrainRequest | PauseRequest | ResumeRequest;

export interface LossPoint {
  readonly step: number;
  readonly trainLoss: number;
  readonly testLoss?: number;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly kind: ModelKind; readonly points: LossPoint[] }
  | {
      readonly type: 'model';
      readonly kind: ModelKind;
      /** @hnn/core's saved-model JSON (encodeModelJson), what `hnn rollout --model` reads. */
      readonly json: string;
      /** Last completed step (0-based), -1 when none ran. */
      readonly step: number;
      readonly finished: boolean;
      readonly fastPath: string;
      readonly fastPathReason?: string;
      readonly backend: string;
      readonly msPerStep: number;
    }
  | {
      /** The weights part-way through training (a few times a second), to draw while it runs. */
      readonly type: 'snapshot';
      readonly kind: ModelKind;
      readonly json: string;
      readonly step: number;
    }
  | { readonly type: 'error'; readonly kind: ModelKind; readonly message: string };
