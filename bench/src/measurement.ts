import type { TimingStats } from './stats.js';
import type { BenchModel, BenchTaskId } from './tasks.js';

/** Marks the JSON line a measuring process prints for main.ts. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface Measurement {
  readonly task: BenchTaskId;
  readonly model: BenchModel;
  /** Median ms per training step over the timed steps after warm-up. */
  readonly msPerStep: number;
  readonly stepMs: TimingStats;
  readonly warmupSteps: number;
  readonly batch: number;
  readonly inputDim: number;
  /** The fused path that ran the steps, or 'none' (TensorFlow.js ops on `backend`). */
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
