import type { BenchTaskId } from './tasks.js';

export interface StepPlan {
  readonly warmup: number;
  readonly timed: number;
}

/** Warm-up and timed steps of one round, for our side and PyTorch's alike. */
export const stepPlan = (task: BenchTaskId, quick: boolean): StepPlan =>
  quick
    ? task === 'pixel-pendulum'
      ? { warmup: 1, timed: 2 }
      : { warmup: 2, timed: 3 }
    : // Warm-up covers the fused trainers' first 1-vs-2-thread probe (steps 8..21).
      { warmup: 30, timed: 200 };
