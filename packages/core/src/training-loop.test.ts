import { describe, expect, it } from 'vitest';
import { InvalidInputError, TrainingAbortedError } from './errors.js';
import { checkMaxBlockMs, runTrainingLoop } from './training-loop.js';

describe('runTrainingLoop', () => {
  it('runs every iteration once, reporting every progressEvery and at the last', async () => {
    const reports: number[] = [];
    const progress: number[] = [];
    const { history, stoppedEarly } = await runTrainingLoop({
      total: 7,
      progressEvery: 3,
      maxBlockMs: Infinity,
      runStep: (step, report) => {
        if (report) reports.push(step);
        return { step, value: step * step };
      },
      onProgress: (entry, timing) => {
        expect(timing.total).toBe(7);
        expect(timing.etaMs).toBeGreaterThanOrEqual(0);
        progress.push(entry.step);
      },
    });
    expect(history.map((e) => e.value)).toEqual([0, 1, 4, 9, 16, 25, 36]);
    expect(reports).toEqual([0, 3, 6]);
    expect(progress).toEqual([0, 3, 6]);
    expect(stoppedEarly).toBe(false);
  });

  it('stops when shouldStop says so, but never reports an early stop at the last step', async () => {
    const early = await runTrainingLoop({
      total: 10,
      progressEvery: 1,
      maxBlockMs: Infinity,
      runStep: (step) => ({ step }),
      shouldStop: (entry) => entry.step === 4,
    });
    expect(early.history).toHaveLength(5);
    expect(early.stoppedEarly).toBe(true);
    const atLast = await runTrainingLoop({
      total: 3,
      progressEvery: 1,
      maxBlockMs: Infinity,
      runStep: (step) => ({ step }),
      shouldStop: () => true,
    });
    expect(atLast.history).toHaveLength(1);
    const onlyLast = await runTrainingLoop({
      total: 3,
      progressEvery: 1,
      maxBlockMs: Infinity,
      runStep: (step) => ({ step }),
      shouldStop: (entry) => entry.step === 2,
    });
    expect(onlyLast.stoppedEarly).toBe(false);
  });

  it('an abort between iterations ends it with the history so far', async () => {
    const controller = new AbortController();
    const error = await runTrainingLoop({
      total: 100,
      progressEvery: 10,
      maxBlockMs: 0,
      signal: controller.signal,
      runStep: (step) => {
        if (step === 2) controller.abort('stop');
        return { step };
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingAbortedError);
    expect((error as TrainingAbortedError<{ step: number }>).history.map((e) => e.step)).toEqual([
      0, 1, 2,
    ]);
  });

  it('yields to the event loop between iterations once maxBlockMs is spent', async () => {
    let fired = 0;
    const timer = setTimeout(() => fired++, 0);
    const busy = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    await runTrainingLoop({
      total: 4,
      progressEvery: 1,
      maxBlockMs: 1,
      runStep: (step) => {
        busy(3);
        if (step === 3) expect(fired).toBe(1);
        return { step };
      },
    });
    clearTimeout(timer);
    let never = 0;
    const timer2 = setTimeout(() => never++, 0);
    await runTrainingLoop({
      total: 4,
      progressEvery: 1,
      maxBlockMs: Infinity,
      runStep: (step) => {
        busy(3);
        expect(never).toBe(0);
        return { step };
      },
    });
    clearTimeout(timer2);
  });

  it('checkMaxBlockMs accepts numbers >= 0 and Infinity only', () => {
    expect(() => checkMaxBlockMs(0)).not.toThrow();
    expect(() => checkMaxBlockMs(Infinity)).not.toThrow();
    expect(() => checkMaxBlockMs(-1)).toThrow(InvalidInputError);
    expect(() => checkMaxBlockMs(Number.NaN)).toThrow(InvalidInputError);
  });
});
