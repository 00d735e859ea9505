import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SampleArray } from '../data.js';
import { HnnCoreError, InvalidInputError } from '../errors.js';
import { selectEngine } from './engines.js';
import type { Engine, EngineChoice, EngineInstance, EngineName } from './engines.js';

/** Which fused path ran: the kernel's engine, on one thread or on two (main + one worker). */
export type FusedPathName = `${EngineName}-1thread` | `${EngineName}-2threads`;

export interface FusedTrainerOptions {
  /** 'hnn': scalar H, trained on its symplectic gradient; 'baseline': outputs dx/dt directly. */
  readonly kind: 'hnn' | 'baseline';
  readonly inputDim: number;
  readonly hiddenDim: number;
  /** Initial weights in the MLP's order and layout: W1 (d x H), b1, W2 (H x H), b2, W3 (H x out). */
  readonly weights: readonly ArrayLike<number>[];
  /** Training set, row-major (n x inputDim). */
  readonly x: SampleArray;
  readonly dx: SampleArray;
  readonly testX?: SampleArray;
  readonly testDx?: SampleArray;
  /** Rows per training step (the minibatch size, or n for full batch). */
  readonly batchRows: number;
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly weightDecay?: number;
  /** 1 or 2 (default: 2 when the machine has two cores and the batch spans several chunks). */
  readonly threads?: number;
  /** 'auto' (default): the native addon where it loads, else WebAssembly; or force one. */
  readonly engine?: EngineChoice;
  /**
   * When given (and batchRows < rows), computeGradients() without indices draws each batch as
   * the first batchRows of a fresh permutation from RandomState(minibatchSeed) (numpy's
   * sequence, as train() does), inside the kernel.
   */
  readonly minibatchSeed?: number;
}

/** Thrown when a worker thread of the fused path fails; train() then reports it as is. */
export class FusedPathError extends HnnCoreError {}

// Rows per chunk of the batch (before rounding up to the kernel's register block). Chunks are
// the unit of work handed to threads and of the deterministic gradient sum. Hidden units are
// padded with zero units to the kernel's column block (exact: their weights stay zero).
const TARGET_CHUNK_ROWS = 48;
// Adaptive threads: per cycle, skip ADAPT_WARMUP steps, time ADAPT_PROBE on two threads and
// ADAPT_PROBE on one, keep the faster until the cycle ends.
const ADAPT_CYCLE = 500;
const ADAPT_WARMUP = 3;
const ADAPT_PROBE = 7;

// Ctx field indices (4 bytes each), in native/fused-step.c's order.
const F = {
  kind: 0,
  d: 1,
  hp: 2,
  nOut: 3,
  nParams: 4,
  rows: 5,
  chunkRows: 6,
  nChunks: 7,
  counter: 8,
  wantGrad: 9,
  x: 10,
  dx: 11,
  idx: 12,
  p: 13,
  m: 14,
  v: 15,
  w2t: 16,
  grads: 17,
  lossPart: 18,
  scratch: 19,
  scratchFloats: 20,
  lossScale: 21,
  stepSize: 22,
  bc2Sqrt: 23,
  beta1: 24,
  oneMinusBeta1: 25,
  beta2: 26,
  oneMinusBeta2: 27,
  eps: 28,
  weightDecay: 29,
  self: 30,
  rng: 31,
  perm: 32,
  permLen: 33,
} as const;
const CTX_BYTES = 34 * 4;
// Control words shared with the worker: generation, command, done count, error.
const CTRL_GEN = 0;
const CTRL_CMD = 1;
const CTRL_DONE = 2;
const CTRL_ERROR = 3;
const CMD_CHUNKS = 1;
const CMD_REDUCE = 2;
const CMD_EXIT = 9;

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { engine, ctx, ctrlBuffer, tid, parts } = workerData;
let work, reduce;
if (engine === 'wasm') {
  const { module, memory } = workerData;
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  work = () => ex.work_chunks(ctx, tid);
  reduce = () => ex.reduce_adam(ctx, tid, parts);
} else {
  const addon = require(workerData.addonPath);
  const address = workerData.address;
  work = () => addon.workChunks(address, ctx, tid);
  reduce = () => addon.reduceAdam(address, ctx, tid, parts);
}
const ctrl = new Int32Array(ctrlBuffer);
const GEN = ${CTRL_GEN}, CMD = ${CTRL_CMD}, DONE = ${CTRL_DONE}, ERR = ${CTRL_ERROR};
// Read the generation before saying ready: the first command may follow immediately.
let seen = Atomics.load(ctrl, GEN);
parentPort.postMessage('ready');
for (;;) {
  // Spin briefly (steps follow each other within microseconds), then sleep.
  for (let i = 0; i < 20000 && Atomics.load(ctrl, GEN) === seen; i++);
  while (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen, 1000);
  seen = Atomics.load(ctrl, GEN);
  const cmd = Atomics.load(ctrl, CMD);
  if (cmd === ${CMD_EXIT}) break;
  try {
    if (cmd === ${CMD_CHUNKS}) work();
    else if (cmd === ${CMD_REDUCE}) reduce();
  } catch (e) {
    Atomics.store(ctrl, ERR, 1);
  }
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
`;

interface ChunkPlan {
  readonly chunkRows: number;
  readonly nChunks: number;
}

function planChunks(rows: number, rowBlock: number): ChunkPlan {
  const target = Math.max(1, Math.round(rows / TARGET_CHUNK_ROWS));
  const chunkRows = Math.ceil(Math.ceil(rows / target) / rowBlock) * rowBlock;
  return { chunkRows, nChunks: Math.ceil(rows / chunkRows) };
}

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * One model's training state in a WebAssembly memory shared by up to two threads: parameters and
 * Adam moments in float32, the training (and test) set, per-chunk gradients and work buffers.
 * Weights live here during training; read them back with getWeights().
 */
export class FusedTrainer {
  readonly kind: 'hnn' | 'baseline';
  private nThreads: 1 | 2;
  /** Threads of the current step: always nThreads, unless `adaptive` picks 1 (see pickThreads). */
  private active: 1 | 2 = 1;
  private adaptive: boolean;
  private readonly stepsOn: [number, number] = [0, 0];
  private readonly probe: { 1: number[]; 2: number[] } = { 1: [], 2: [] };
  private stepStart = 0;
  private workerAlive = false;
  private fallback: string | undefined;
  readonly inputDim: number;
  readonly hiddenDim: number;
  private readonly hp: number;
  private readonly nOut: number;
  private readonly nParams: number;
  private readonly engine: Engine;
  private readonly region: EngineInstance;
  private readonly ctrlWords: Int32Array;
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly ctx: number;
  private readonly plan: ChunkPlan;
  private readonly batchRows: number;
  private readonly nTrain: number;
  private readonly nTest: number;
  private readonly ptr: Readonly<
    Record<
      'x' | 'dx' | 'tx' | 'tdx' | 'idx' | 'p' | 'm' | 'v' | 'grads' | 'lossPart' | 'perm',
      number
    >
  >;
  private readonly ownBatches: boolean;
  private readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private worker: Worker | undefined;
  private t = 0;
  private closed = false;

  constructor(options: FusedTrainerOptions) {
    const {
      kind,
      inputDim: d,
      hiddenDim,
      weights,
      x,
      dx,
      testX,
      testDx,
      batchRows,
      learningRate = 1e-3,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-8,
      weightDecay = 0,
    } = options;
    const selected = selectEngine(options.engine ?? 'auto');
    if ('error' in selected) throw new FusedPathError(selected.error);
    const engine = selected.engine;
    this.engine = engine;
    if (kind === 'hnn' && d % 2 !== 0) {
      throw new InvalidInputError(`An HNN needs an even inputDim, got ${d}.`);
    }
    this.kind = kind;
    this.inputDim = d;
    this.hiddenDim = hiddenDim;
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    const hp = Math.ceil(hiddenDim / engine.colBlock) * engine.colBlock;
    const nOut = kind === 'hnn' ? 1 : d;
    this.hp = hp;
    this.nOut = nOut;
    this.nParams = d * hp + hp + hp * hp + hp + nOut * hp;
    this.nTrain = x.length / d;
    this.nTest = testX === undefined ? 0 : testX.length / d;
    if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > this.nTrain) {
      throw new InvalidInputError(`batchRows must be in 1..${this.nTrain}, got ${batchRows}.`);
    }
    this.batchRows = batchRows;
    this.plan = planChunks(batchRows, engine.rowBlock);
    // Evaluation of the test set uses the training chunk size (the work buffers' size).
    const evalChunks = Math.ceil(this.nTest / this.plan.chunkRows);
    const maxChunks = Math.max(this.plan.nChunks, evalChunks);
    const wantThreads =
      options.threads ?? (availableParallelism() >= 2 && this.plan.nChunks >= 2 ? 2 : 1);
    if (wantThreads !== 1 && wantThreads !== 2) {
      throw new InvalidInputError(`threads must be 1 or 2, got ${wantThreads}.`);
    }
    this.nThreads = wantThreads === 2 ? 2 : 1;
    this.active = this.nThreads;
    this.adaptive = options.threads === undefined && this.nThreads === 2;

    // Memory layout (byte offsets), after the module's own stack and data (heapBase).
    const cr = this.plan.chunkRows;
    const scratchFloats = 3 * cr * d + 8 * cr * hp;
    let top = align(engine.heapBase);
    const take = (bytes: number): number => {
      const at = top;
      top = align(top + bytes);
      return at;
    };
    const ctx = take(CTX_BYTES);
    const ptr = {
      x: take(this.nTrain * d * 4),
      dx: take(this.nTrain * d * 4),
      tx: take(this.nTest * d * 4),
      tdx: take(this.nTest * d * 4),
      idx: take(batchRows * 4),
      p: take(this.nParams * 4),
      m: take(this.nParams * 4),
      v: take(this.nParams * 4),
      w2t: take(hp * hp * 4),
      grads: take(maxChunks * this.nParams * 4),
      lossPart: take(maxChunks * 8),
      scratch: take(2 * scratchFloats * 4),
      rng: take(625 * 4),
      perm: take(this.nTrain * 4),
    };
    this.region = engine.create(top);
    this.ctrlWords = new Int32Array(new SharedArrayBuffer(16));
    const buffer = this.region.buffer;
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.ctx = ctx;
    this.ptr = ptr;

    this.f32.set(x instanceof Float32Array ? x : Float32Array.from(x), ptr.x / 4);
    this.f32.set(dx instanceof Float32Array ? dx : Float32Array.from(dx), ptr.dx / 4);
    if (testX !== undefined && testDx !== undefined) {
      this.f32.set(Float32Array.from(testX), ptr.tx / 4);
      this.f32.set(Float32Array.from(testDx), ptr.tdx / 4);
    }
    const setI = (field: number, value: number): void => {
      this.i32[ctx / 4 + field] = value;
    };
    const setF = (field: number, value: number): void => {
      this.f32[ctx / 4 + field] = value;
    };
    setI(F.self, ctx);
    setI(F.kind, kind === 'hnn' ? 0 : 1);
    setI(F.d, d);
    setI(F.hp, hp);
    setI(F.nOut, nOut);
    setI(F.nParams, this.nParams);
    setI(F.chunkRows, cr);
    setI(F.p, ptr.p);
    setI(F.m, ptr.m);
    setI(F.v, ptr.v);
    setI(F.w2t, ptr.w2t);
    setI(F.grads, ptr.grads);
    setI(F.lossPart, ptr.lossPart);
    setI(F.scratch, ptr.scratch);
    setI(F.scratchFloats, scratchFloats);
    setF(F.beta1, beta1);
    setF(F.oneMinusBeta1, 1 - beta1);
    setF(F.beta2, beta2);
    setF(F.oneMinusBeta2, 1 - beta2);
    setF(F.eps, epsilon);
    setF(F.weightDecay, weightDecay);
    setI(F.rng, ptr.rng);
    setI(F.perm, ptr.perm);
    setI(F.permLen, this.nTrain);
    const { minibatchSeed } = options;
    this.ownBatches = minibatchSeed !== undefined && batchRows < this.nTrain;
    if (minibatchSeed !== undefined) {
      if (!Number.isInteger(minibatchSeed) || minibatchSeed < 0 || minibatchSeed > 0xffffffff) {
        throw new InvalidInputError(`minibatchSeed must be a uint32, got ${minibatchSeed}.`);
      }
      this.region.rngSeed(ctx, minibatchSeed);
    }
    this.setWeights(weights);
  }

  /**
   * Threads available to each step: 1, or 2 (main + one worker sharing the memory). With the
   * default thread setting a two-thread trainer times both and uses the faster (a busy second
   * core makes one thread faster); results do not depend on it (see native/fused-step.c).
   */
  get threads(): 1 | 2 {
    return this.nThreads;
  }

  /** The fused path, to record next to timings: engine and the thread count most steps used. */
  get path(): FusedPathName {
    const two = this.adaptive ? this.stepsOn[1] >= this.stepsOn[0] : this.nThreads === 2;
    return `${this.engine.name}-${two ? '2threads' : '1thread'}`;
  }

  /** Why a trainer asked to use two threads runs on one (its worker could not start). */
  get threadFallbackReason(): string | undefined {
    return this.fallback;
  }

  /** True while the second thread exists (between start() and close()). */
  get workerRunning(): boolean {
    return this.workerAlive;
  }

  /** Replaces the parameters (MLP layout, see FusedTrainerOptions.weights). */
  setWeights(weights: readonly ArrayLike<number>[]): void {
    const { inputDim: d, hiddenDim: h, hp, nOut } = this;
    if (weights.length !== 5) {
      throw new InvalidInputError(`The fused path expects 5 weight arrays, got ${weights.length}.`);
    }
    const [w1, b1, w2, b2, w3] = weights as [
      ArrayLike<number>,
      ArrayLike<number>,
      ArrayLike<number>,
      ArrayLike<number>,
      ArrayLike<number>,
    ];
    const p = this.ptr.p / 4;
    const f = this.f32;
    f.fill(0, p, p + this.nParams);
    const oB1 = p + d * hp;
    const oW2 = oB1 + hp;
    const oB2 = oW2 + hp * hp;
    const oW3 = oB2 + hp;
    const expected = [d * h, h, h * h, h, h * nOut];
    weights.forEach((w, i) => {
      if (w.length !== expected[i]) {
        throw new InvalidInputError(
          `Weight array ${i} has length ${w.length}, expected ${expected[i]}.`,
        );
      }
    });
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < h; k++) f[p + i * hp + k] = w1[i * h + k] as number;
    }
    for (let k = 0; k < h; k++) f[oB1 + k] = b1[k] as number;
    for (let i = 0; i < h; i++) {
      for (let k = 0; k < h; k++) f[oW2 + i * hp + k] = w2[i * h + k] as number;
    }
    for (let k = 0; k < h; k++) f[oB2 + k] = b2[k] as number;
    for (let o = 0; o < nOut; o++) {
      for (let k = 0; k < h; k++) f[oW3 + o * hp + k] = w3[k * nOut + o] as number;
    }
    // Fresh Adam moments, as a new torch.optim.Adam.
    f.fill(0, this.ptr.m / 4, this.ptr.m / 4 + this.nParams);
    f.fill(0, this.ptr.v / 4, this.ptr.v / 4 + this.nParams);
    this.t = 0;
    this.region.transposeW2(this.ctx);
  }

  /** The parameters in the MLP's order and layout (float32 copies). */
  getWeights(): Float32Array[] {
    return this.fromInternal(this.f32, this.ptr.p / 4);
  }

  /** Internal layout (padded hidden units, W3 transposed) at f[p..] to the MLP's layout. */
  private fromInternal(f: Float32Array, p: number): Float32Array[] {
    const { inputDim: d, hiddenDim: h, hp, nOut } = this;
    const oB1 = p + d * hp;
    const oW2 = oB1 + hp;
    const oB2 = oW2 + hp * hp;
    const oW3 = oB2 + hp;
    const w1 = new Float32Array(d * h);
    const w2 = new Float32Array(h * h);
    const w3 = new Float32Array(h * nOut);
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < h; k++) w1[i * h + k] = f[p + i * hp + k] as number;
    }
    for (let i = 0; i < h; i++) {
      for (let k = 0; k < h; k++) w2[i * h + k] = f[oW2 + i * hp + k] as number;
    }
    for (let o = 0; o < nOut; o++) {
      for (let k = 0; k < h; k++) w3[k * nOut + o] = f[oW3 + o * hp + k] as number;
    }
    return [w1, f.slice(oB1, oB1 + h), w2, f.slice(oB2, oB2 + h), w3];
  }

  /**
   * Gradients of the MSE loss on the rows `indices` of the training set (all rows, in order, when
   * undefined; then the batch must be the whole set), summed per chunk; returns the loss (mean
   * over rows and dims). Parameters are not changed: call applyAdam() next.
   */
  computeGradients(indices?: ArrayLike<number>): number {
    this.checkOpen();
    if (this.adaptive) this.pickThreads();
    this.stepStart = performance.now();
    let rows: number;
    let idx: number;
    if (indices !== undefined) {
      rows = indices.length;
      this.i32.set(indices, this.ptr.idx / 4);
      idx = this.ptr.idx;
    } else if (this.ownBatches) {
      rows = this.batchRows;
      this.region.permute(this.ctx);
      idx = this.ptr.perm;
    } else {
      rows = this.nTrain;
      idx = 0;
    }
    if (rows !== this.batchRows) {
      throw new InvalidInputError(
        `This trainer takes batches of ${this.batchRows} rows, got ${rows}` +
          (indices === undefined ? ' (the whole training set).' : ' indices.'),
      );
    }
    return this.runChunks(this.ptr.x, this.ptr.dx, idx, rows, this.plan.nChunks, 1);
  }

  /** The rows of the last batch drawn by the trainer itself (see minibatchSeed). */
  lastBatchIndices(): Int32Array {
    return this.i32.slice(this.ptr.perm / 4, this.ptr.perm / 4 + this.batchRows);
  }

  /**
   * The parameter gradients of the last computeGradients() (without weight decay), summed over
   * chunks in order, in the MLP's layout. For tests and diagnostics.
   */
  gradients(): Float32Array[] {
    const sum = new Float32Array(this.nParams);
    const g = this.ptr.grads / 4;
    for (let c = 0; c < this.plan.nChunks; c++) {
      for (let k = 0; k < this.nParams; k++) {
        sum[k] = (sum[k] as number) + (this.f32[g + c * this.nParams + k] as number);
      }
    }
    return this.fromInternal(sum, 0);
  }

  /** One Adam update from the gradients of the last computeGradients(). */
  applyAdam(): void {
    this.checkOpen();
    this.t += 1;
    const base = this.ctx / 4;
    this.f32[base + F.stepSize] = this.learningRate / (1 - this.beta1 ** this.t);
    this.f32[base + F.bc2Sqrt] = Math.sqrt(1 - this.beta2 ** this.t);
    this.run(CMD_REDUCE);
    if (this.active === 2) this.stepsOn[1] += 1;
    else this.stepsOn[0] += 1;
    if (this.adaptive) {
      const phase = this.t % ADAPT_CYCLE;
      if (phase >= ADAPT_WARMUP && phase < ADAPT_WARMUP + 2 * ADAPT_PROBE) {
        this.probe[this.active].push(performance.now() - this.stepStart);
      }
    }
  }

  /** One training step: gradients, then Adam; returns the loss before the update. */
  step(indices?: ArrayLike<number>): number {
    const loss = this.computeGradients(indices);
    this.applyAdam();
    return loss;
  }

  /** MSE on the test set (mean over rows and dims) with the current parameters. */
  testLoss(): number {
    this.checkOpen();
    if (this.nTest === 0) throw new InvalidInputError('This trainer has no test set.');
    const nChunks = Math.ceil(this.nTest / this.plan.chunkRows);
    return this.runChunks(this.ptr.tx, this.ptr.tdx, 0, this.nTest, nChunks, 0);
  }

  /** Stops the worker thread (the trainer cannot be used afterwards). */
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

  /**
   * Every ADAPT_CYCLE steps: a few steps on two threads, a few on one, then the faster for the
   * rest of the cycle (medians, so one slow step does not decide).
   */
  private pickThreads(): void {
    const phase = this.t % ADAPT_CYCLE;
    if (phase < ADAPT_WARMUP + ADAPT_PROBE) {
      if (phase === 0) this.probe[1].length = this.probe[2].length = 0;
      this.active = 2;
    } else if (phase < ADAPT_WARMUP + 2 * ADAPT_PROBE) {
      this.active = 1;
    } else if (phase === ADAPT_WARMUP + 2 * ADAPT_PROBE) {
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
      this.active = median(this.probe[1]) < median(this.probe[2]) ? 1 : 2;
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new InvalidInputError('This FusedTrainer is closed.');
  }

  private runChunks(
    x: number,
    dx: number,
    idx: number,
    rows: number,
    nChunks: number,
    wantGrad: number,
  ): number {
    const base = this.ctx / 4;
    const i32 = this.i32;
    i32[base + F.x] = x;
    i32[base + F.dx] = dx;
    i32[base + F.idx] = idx;
    i32[base + F.rows] = rows;
    i32[base + F.nChunks] = nChunks;
    i32[base + F.wantGrad] = wantGrad;
    i32[base + F.counter] = 0;
    this.f32[base + F.lossScale] = 2 / (rows * this.inputDim);
    this.run(CMD_CHUNKS);
    let sum = 0;
    const lp = this.ptr.lossPart / 8;
    for (let c = 0; c < nChunks; c++) sum += this.f64[lp + c] as number;
    // The sum is kept in float64, but a sum beyond float32's range means the float32 gradients
    // overflow too: report it as the infinite loss TensorFlow.js's float32 mean would give.
    if (!Number.isFinite(Math.fround(sum))) return Number.POSITIVE_INFINITY;
    return sum / (rows * this.inputDim);
  }

  /** Runs a phase on every thread (the main thread is thread 0) and waits for all of them. */
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
    Atomics.store(ctrl, CTRL_CMD, cmd);
    Atomics.add(ctrl, CTRL_GEN, 1);
    Atomics.notify(ctrl, CTRL_GEN);
    if (cmd === CMD_CHUNKS) this.region.workChunks(this.ctx, 0);
    else this.region.reduceAdam(this.ctx, 0, 2);
    let waited = 0;
    for (let i = 0; i < 100000 && Atomics.load(ctrl, CTRL_DONE) === 0; i++);
    while (Atomics.load(ctrl, CTRL_DONE) === 0) {
      if (Atomics.wait(ctrl, CTRL_DONE, 0, 1000) === 'timed-out') {
        waited += 1;
        if (waited >= 60) throw new FusedPathError('The fused-path worker thread did not answer.');
      }
    }
    if (Atomics.load(ctrl, CTRL_ERROR) !== 0) {
      throw new FusedPathError('The fused-path worker thread failed.');
    }
  }

  /**
   * Starts the second thread when this trainer uses two; resolves once it runs (a worker cannot
   * boot while the main thread blocks in a step). Falls back to one thread, with the reason in
   * `threadFallbackReason`, if the worker cannot start.
   */
  async start(): Promise<void> {
    if (this.threads !== 2 || this.worker !== undefined || this.closed) return;
    let worker: Worker | undefined;
    try {
      const started = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          ...this.region.workerData,
          ctx: this.ctx,
          ctrlBuffer: this.ctrlWords.buffer,
          tid: 1,
          parts: 2,
        },
      });
      worker = started;
      await new Promise<void>((resolve, reject) => {
        started.once('message', () => resolve());
        started.once('error', reject);
        started.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
      });
      // A worker that dies later makes run() report FusedPathError.
      started.on('error', () => {
        Atomics.store(this.ctrlWords, CTRL_ERROR, 1);
      });
      started.removeAllListeners('exit');
      started.on('exit', () => {
        this.workerAlive = false;
      });
      this.workerAlive = true;
      // Never keep the process alive for the worker; close() terminates it.
      started.unref();
      this.worker = started;
    } catch (error) {
      await worker?.terminate();
      this.nThreads = 1;
      this.active = 1;
      this.adaptive = false;
      this.fallback = `worker thread unavailable: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
  }
}
