import { InvalidInputError, TrainingAbortedError } from './errors.js';
import { yieldToEventLoop } from './yield.js';

/** Timing of a progress report: iterations in all, time so far, and the time left at this pace. */
export interface LoopTiming {
  readonly total: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
}

/**
 * The shape every training loop of the @hnn packages shares (`train()` here, `trainPixelModel`
 * in @hnn/autoencoder), so that each has the same embedding behaviour: it holds the thread for at
 * most `maxBlockMs` at a time, stops on `signal`, reports every step and every `progressEvery`.
 */
export interface TrainingLoopOptions<E extends { readonly step: number }> {
  /** Iterations to run (the reference's steps + 1). */
  readonly total: number;
  /**
   * Runs iteration `step` (a minibatch, its loss and gradients, the update) and returns its
   * history entry; `report` is true every `progressEvery` iterations and at the last, where a
   * caller scores its test data. Throws to stop training (e.g. TrainingDivergedError).
   */
  readonly runStep: (step: number, report: boolean) => E;
  /** Report every this many iterations, and at the last. */
  readonly progressEvery: number;
  readonly signal?: AbortSignal | undefined;
  /** How long, in ms, the loop may hold the thread before it yields to the event loop. */
  readonly maxBlockMs: number;
  readonly onStep?: ((entry: E) => void) | undefined;
  readonly onProgress?: ((entry: E, timing: LoopTiming) => void) | undefined;
  /** Called after each entry (its report flag beside it); true stops the loop before the last. */
  readonly shouldStop?: ((entry: E, report: boolean) => boolean) | undefined;
}

export interface TrainingLoopResult<E> {
  /** One entry per iteration run. */
  readonly history: E[];
  /** True when `shouldStop` ended the loop before the last iteration. */
  readonly stoppedEarly: boolean;
}

/** Checks a maxBlockMs option: a number >= 0, or Infinity (never yield). */
export function checkMaxBlockMs(maxBlockMs: number): void {
  if (!(maxBlockMs >= 0)) {
    throw new InvalidInputError(
      `maxBlockMs must be a number >= 0 (or Infinity), got ${maxBlockMs}.`,
    );
  }
}

/**
 * Runs the iterations of a training loop (see {@link TrainingLoopOptions}). Between iterations it
 * yields to the event loop when the next one would take the chunk past `maxBlockMs` (judged by
 * the last iteration's duration), which changes no number the steps compute. An aborted
 * `signal` ends it with a TrainingAbortedError carrying the history so far.
 */
export async function runTrainingLoop<E extends { readonly step: number }>(
  options: TrainingLoopOptions<E>,
): Promise<TrainingLoopResult<E>> {
  const { total, runStep, progressEvery, signal, maxBlockMs, onStep, onProgress, shouldStop } =
    options;
  const history: E[] = [];
  const start = performance.now();
  let chunkStart = start;
  let stepStart = start;
  for (let step = 0; step < total; step++) {
    const now = performance.now();
    // Predict from the last step's duration whether this one would hold the thread too long.
    if (step > 0 && now - chunkStart + (now - stepStart) > maxBlockMs) {
      await yieldToEventLoop();
      chunkStart = performance.now();
    }
    if (signal?.aborted === true) throw new TrainingAbortedError(history, signal.reason);
    stepStart = performance.now();
    const report = step % progressEvery === 0 || step === total - 1;
    const entry = runStep(step, report);
    history.push(entry);
    onStep?.(entry);
    if (report && onProgress !== undefined) {
      const elapsedMs = performance.now() - start;
      onProgress(entry, { total, elapsedMs, etaMs: (elapsedMs / (step + 1)) * (total - step - 1) });
    }
    if (shouldStop?.(entry, report) === true && step < total - 1) {
      return { history, stoppedEarly: true };
    }
  }
  return { history, stoppedEarly: false };
}
