import type { TimingStats } from './stats.js';
import type { BenchModel, BenchTaskId } from './tasks.js';

/** What one round of our timed steps produced. */
export interface OurRound {
  /** Per-step wall times (ms) after warm-up. */
  readonly samples: readonly number[];
  /** The fused path that ran the steps, or 'none' (TensorFlow.js ops on `backend`). */
  readonly fastPath: string;
  readonly fastPathReason?: string;
  readonly backend: string;
}

/**
 * The step's shapes as PyTorch must reproduce them, taken from the data the measuring process
 * actually built (so the two sides cannot disagree about a batch size or a weight decay).
 */
export type StepShape =
  | {
      readonly kind: 'mlp';
      readonly dim: number;
      readonly batch: number;
      /** Training rows each minibatch is drawn from; null = full batch. */
      readonly pool: number | null;
      readonly weightDecay: number;
    }
  | {
      readonly kind: 'pixel';
      readonly inputDim: number;
      readonly latentDim: number;
      readonly hidden: number;
      readonly batch: number;
      readonly pool: number;
      readonly weightDecay: number;
    };

/** Messages of the measuring process (measure.ts) to main.ts, over the fork's IPC channel. */
export type ChildMessage =
  | { readonly type: 'ready'; readonly shape: StepShape }
  | { readonly type: 'round'; readonly round: OurRound }
  | { readonly type: 'result'; readonly result: Measurement }
  | { readonly type: 'skipped'; readonly skipped: Skipped };

/** main.ts to the measuring process: time one more round, or finish (rollouts) and report. */
export type ParentMessage = { readonly type: 'round' } | { readonly type: 'finish' };

export interface Measurement {
  readonly task: BenchTaskId;
  readonly model: BenchModel;
  /** Median ms per training step over all rounds' timed steps. */
  readonly msPerStep: number;
  readonly stepMs: TimingStats;
  /** Each round's median ms (a fresh model and train() call per round). */
  readonly roundMedianMs: readonly number[];
  readonly warmupSteps: number;
  readonly batch: number;
  readonly inputDim: number;
  readonly shape: StepShape;
  /** The fused path that ran the steps (of the last round), or 'none'. */
  readonly fastPath: string;
  readonly fastPathReason?: string;
  readonly backend: string;
  /** The same step on TensorFlow.js ops (fastPath 'off'), for reference; full runs only. */
  readonly tfjsMsPerStep?: TimingStats;
  /** Seconds of the energy metric's rollouts (model and truth) as apps/reproduce runs them. */
  readonly rolloutSeconds: number | null;
  readonly rolloutNote?: string;
  readonly dataGenerationSeconds: number;
  readonly dataNote?: string;
  /** Peak resident set size of the measuring process, MB. */
  readonly peakRssMb: number;
}

export interface Skipped {
  readonly task: BenchTaskId;
  readonly model: BenchModel;
  readonly skipped: string;
}
