import { platform } from '#platform';
import { KernelInputError } from './errors.js';
import type { Engine, EngineInstance, EngineName, KernelWorker } from './engine-base.js';
import { FusedPathError, kernelError } from './kernel-errors.js';
import {
  CMD_CHUNKS,
  CMD_EXIT,
  CMD_REDUCE,
  CTRL_CMD,
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_GEN,
  WORKER_THREW,
} from './worker-protocol.js';

export { FusedKernelError, FusedPathError } from './kernel-errors.js';
export type { FusedKernelErrorCode } from './kernel-errors.js';

/** Which fused path ran: the kernel's engine, on one thread or on two (main + one worker). */
export type FusedPathName = `${EngineName}-1thread` | `${EngineName}-2threads`;

// Adaptive threads: per cycle, run ADAPT_WARMUP steps on two threads, then time 2 x ADAPT_PROBE
// steps alternating two threads and one (so that warm-up effects and load changes hit both alike),
// and keep the faster until the cycle ends.
const ADAPT_CYCLE = 500;
const ADAPT_WARMUP = 8;
const ADAPT_PROBE = 7;
// One thread is kept only when clearly faster. On two free cores two threads win (the pixel step:
// 4.7 vs 8.6 ms), so a probe that a transient load spike makes look like a tie must not cost the
// whole cycle; a busy second core (one thread then far faster) still switches.
const ONE_THREAD_MARGIN = 0.85;

/**
 * The thread count to keep after a probe, from the step times (ms) measured on one thread and on
 * two: one only when its median is below ONE_THREAD_MARGIN x the two-thread median.
 */
export function chooseThreads(oneThread: readonly number[], twoThreads: readonly number[]): 1 | 2 {
  const median = (xs: readonly number[]): number =>
    [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  return median(oneThread) < ONE_THREAD_MARGIN * median(twoThreads) ? 1 : 2;
}

/**
 * The threads of one fused trainer: the main thread (thread 0) and, for two, one worker that runs
 * the kernel's two phases (work_chunks, reduce_adam) on the same memory region. The kernel splits
 * work so that results do not depend on the thread count; with `adaptive`, the trainer times steps
 * on one and on two threads every cycle and uses the faster (a busy second core makes one faster).
 */
export class KernelThreads {
  private nThreads: 1 | 2;
  /** Threads of the current step: nThreads, unless `adaptive` picks 1. */
  private active: 1 | 2;
  private adaptive: boolean;
  private readonly stepsOn: [number, number] = [0, 0];
  private readonly probe: { 1: number[]; 2: number[] } = { 1: [], 2: [] };
  private stepStart = 0;
  private workerAlive = false;
  private fallback: string | undefined;
  private worker: KernelWorker | undefined;
  // Created by start(): a browser page that is not cross-origin isolated has no SharedArrayBuffer.
  private ctrlWords: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private closed = false;

  constructor(
    private readonly region: EngineInstance,
    private readonly ctx: number,
    threads: 1 | 2,
    adaptive: boolean,
  ) {
    this.nThreads = threads;
    this.active = threads;
    this.adaptive = adaptive && threads === 2;
  }

  /**
   * The threads of a trainer whose batches span `nChunks` chunks: `requested` (1 or 2; anything
   * else is a KernelInputError), else two, timed against one, on a machine with two or more cores
   * (in a browser: a cross-origin isolated page, see src/platform-browser.ts) when there are at
   * least two chunks to share.
   */
  static forTrainer(
    region: EngineInstance,
    ctx: number,
    requested: number | undefined,
    nChunks: number,
  ): KernelThreads {
    const want = requested ?? (platform.parallelism() >= 2 && nChunks >= 2 ? 2 : 1);
    if (want !== 1 && want !== 2) {
      throw new KernelInputError(`threads must be 1 or 2, got ${want}.`);
    }
    return new KernelThreads(region, ctx, want, requested === undefined);
  }

  get threads(): 1 | 2 {
    return this.nThreads;
  }

  /** True when most steps so far ran on two threads (always nThreads === 2 when not adaptive). */
  get mostlyTwo(): boolean {
    return this.adaptive ? this.stepsOn[1] >= this.stepsOn[0] : this.nThreads === 2;
  }

  get fallbackReason(): string | undefined {
    return this.fallback;
  }

  get workerRunning(): boolean {
    return this.workerAlive;
  }

  /** Call before a step's work_chunks phase; `t` counts the Adam steps taken so far. */
  beginStep(t: number): void {
    if (this.adaptive) this.pickThreads(t);
    this.stepStart = performance.now();
  }

  /** Call after a step's reduce phase; `t` is the new Adam step count. */
  endStep(t: number): void {
    if (this.active === 2) this.stepsOn[1] += 1;
    else this.stepsOn[0] += 1;
    if (this.adaptive) {
      const phase = (t - 1) % ADAPT_CYCLE; // the phase this step began with
      if (phase >= ADAPT_WARMUP && phase < ADAPT_WARMUP + 2 * ADAPT_PROBE) {
        this.probe[this.active].push(performance.now() - this.stepStart);
      }
    }
  }

  /**
   * Every ADAPT_CYCLE steps: warm-up on two threads, then steps alternating two and one, then the
   * faster (medians; one thread only when faster by the margin ONE_THREAD_MARGIN).
   */
  private pickThreads(t: number): void {
    const phase = t % ADAPT_CYCLE;
    if (phase < ADAPT_WARMUP) {
      if (phase === 0) this.probe[1].length = this.probe[2].length = 0;
      this.active = 2;
    } else if (phase < ADAPT_WARMUP + 2 * ADAPT_PROBE) {
      this.active = (phase - ADAPT_WARMUP) % 2 === 0 ? 2 : 1;
    } else if (phase === ADAPT_WARMUP + 2 * ADAPT_PROBE) {
      this.active = chooseThreads(this.probe[1], this.probe[2]);
    }
  }

  /** Phase 1 (work_chunks) on every active thread; returns when all are done. */
  chunks(): void {
    this.run(CMD_CHUNKS);
  }

  /** Phase 2 (reduce_adam) on every active thread. */
  reduce(): void {
    this.run(CMD_REDUCE);
  }

  /** Phase 1 on the main thread alone (evaluation calls that are not worth a wake-up). */
  chunksHere(): void {
    this.region.workChunks(this.ctx, 0);
  }

  private run(cmd: number): void {
    if (this.nThreads === 2 && this.worker === undefined) {
      throw new FusedPathError('Call and await start() before the first step.');
    }
    if (this.worker === undefined || this.active === 1) {
      if (cmd === CMD_CHUNKS) this.region.workChunks(this.ctx, 0);
      else this.region.reduceAdam(this.ctx, 0, 1);
      return;
    }
    const ctrl = this.ctrlWords;
    Atomics.store(ctrl, CTRL_DONE, 0);
    // A kernel refusal is per call; a worker that threw or died stays reported.
    if (Atomics.load(ctrl, CTRL_ERROR) !== WORKER_THREW) Atomics.store(ctrl, CTRL_ERROR, 0);
    Atomics.store(ctrl, CTRL_CMD, cmd);
    Atomics.add(ctrl, CTRL_GEN, 1);
    Atomics.notify(ctrl, CTRL_GEN);
    // A refusal on this thread is thrown only after the worker is done with the region.
    let mainError: Error | undefined;
    try {
      if (cmd === CMD_CHUNKS) this.region.workChunks(this.ctx, 0);
      else this.region.reduceAdam(this.ctx, 0, 2);
    } catch (error) {
      mainError = error instanceof Error ? error : new FusedPathError(String(error));
    }
    let waited = 0;
    for (let i = 0; i < 100000 && Atomics.load(ctrl, CTRL_DONE) === 0; i++);
    while (Atomics.load(ctrl, CTRL_DONE) === 0) {
      if (platform.wait(ctrl, CTRL_DONE, 0, 1000) === 'timed-out') {
        waited += 1;
        if (waited >= 60) throw new FusedPathError('The fused-path worker thread did not answer.');
      }
    }
    if (mainError !== undefined) throw mainError;
    const status = Atomics.load(ctrl, CTRL_ERROR);
    if (status === WORKER_THREW) throw new FusedPathError('The fused-path worker thread failed.');
    if (status !== 0) {
      throw kernelError(
        status,
        cmd === CMD_CHUNKS ? 'work_chunks (worker)' : 'reduce_adam (worker)',
      );
    }
  }

  /**
   * Starts the second thread when two are wanted; resolves once it runs (a worker cannot boot
   * while the main thread blocks in a step). Falls back to one thread, with the reason in
   * `fallbackReason`, if the worker cannot start.
   */
  async start(): Promise<void> {
    if (this.nThreads !== 2 || this.worker !== undefined || this.closed) return;
    try {
      if (typeof SharedArrayBuffer === 'undefined') {
        throw new Error(
          'SharedArrayBuffer is missing (a browser page needs the headers ' +
            'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
        );
      }
      const ctrlBuffer = new SharedArrayBuffer(16);
      this.ctrlWords = new Int32Array(ctrlBuffer);
      this.worker = await platform.startWorker(
        {
          ...this.region.workerData,
          ctx: this.ctx,
          ctrlBuffer,
          tid: 1,
          parts: 2,
        },
        () => {
          Atomics.store(this.ctrlWords, CTRL_ERROR, WORKER_THREW);
        },
        () => {
          this.workerAlive = false;
        },
      );
      this.workerAlive = true;
    } catch (error) {
      this.nThreads = 1;
      this.active = 1;
      this.adaptive = false;
      this.fallback = `worker thread unavailable: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) {
      const ctrl = this.ctrlWords;
      Atomics.store(ctrl, CTRL_CMD, CMD_EXIT);
      Atomics.add(ctrl, CTRL_GEN, 1);
      Atomics.notify(ctrl, CTRL_GEN);
      await worker.terminate();
    }
  }
}

/** What the fused trainers share: their engine, threads and lifecycle. */
export abstract class KernelTrainer {
  protected abstract readonly engine: Engine;
  protected abstract readonly runner: KernelThreads;
  protected closed = false;

  /**
   * Threads available to each step: 1, or 2 (main + one worker sharing the memory). With the
   * default thread setting a two-thread trainer times both and uses the faster (a busy second
   * core makes one thread faster); results do not depend on it.
   */
  get threads(): 1 | 2 {
    return this.runner.threads;
  }

  /** The fused path, to record next to timings: engine and the thread count most steps used. */
  get path(): FusedPathName {
    return `${this.engine.name}-${this.runner.mostlyTwo ? '2threads' : '1thread'}`;
  }

  /** Why a trainer asked to use two threads runs on one (its worker could not start). */
  get threadFallbackReason(): string | undefined {
    return this.runner.fallbackReason;
  }

  /** True while the second thread exists (between start() and close()). */
  get workerRunning(): boolean {
    return this.runner.workerRunning;
  }

  /**
   * Starts the second thread when this trainer uses two; resolves once it runs (await it before
   * the first step). Falls back to one thread, with the reason in `threadFallbackReason`, if the
   * worker cannot start.
   */
  async start(): Promise<void> {
    if (!this.closed) await this.runner.start();
  }

  /** Stops the worker thread (the trainer cannot be used afterwards). */
  async close(): Promise<void> {
    this.closed = true;
    await this.runner.close();
  }

  protected checkOpen(): void {
    if (this.closed) throw new KernelInputError(`This ${this.constructor.name} is closed.`);
  }
}
