import { MLP_CTX, MLP_CTX_BYTES, ModelKind } from './boundary.js';
import { ContextBlock, trainerFields } from './context-block.js';
import { KernelInputError } from './errors.js';
import { RegionLayout, selectEngine } from './engines.js';
import type { Engine, EngineChoice, EngineInstance } from './engines.js';
import { FusedPathError, KernelThreads, KernelTrainer } from './kernel-threads.js';
import { checkAdamSettings, checkFinite, checkPositiveInteger } from './trainer-checks.js';

export { FusedKernelError, FusedPathError } from './kernel-threads.js';
export type { FusedKernelErrorCode, FusedPathName } from './kernel-threads.js';

/** Float64 or float32 samples, row-major: n rows of `inputDim` values. */
export type SampleArray = Float64Array | Float32Array;

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

// Rows per chunk of the batch (before rounding up to the kernel's register block). Chunks are
// the unit of work handed to threads and of the deterministic gradient sum. Hidden units are
// padded with zero units to the kernel's column block (exact: their weights stay zero).
const TARGET_CHUNK_ROWS = 48;

const WEIGHT_NAMES = ['W1', 'b1', 'W2', 'b2', 'W3'];
interface ChunkPlan {
  readonly chunkRows: number;
  readonly nChunks: number;
}

/** Chunks of about `targetRows` rows, each a multiple of rowBlock, covering `rows`. */
export function planChunks(
  rows: number,
  rowBlock: number,
  targetRows: number = TARGET_CHUNK_ROWS,
): ChunkPlan {
  const target = Math.max(1, Math.round(rows / targetRows));
  const chunkRows = Math.ceil(Math.ceil(rows / target) / rowBlock) * rowBlock;
  return { chunkRows, nChunks: Math.ceil(rows / chunkRows) };
}

/** Rows of a row-major data array of `d` columns, checked: whole rows, finite float32 values. */
function checkRows(name: string, data: ArrayLike<number>, d: number): number {
  if (data.length % d !== 0) {
    throw new KernelInputError(
      `${name} has ${data.length} values, not a whole number of rows of inputDim = ${d}.`,
    );
  }
  checkFinite(name, data, d);
  return data.length / d;
}

/**
 * One model's training state in a WebAssembly memory shared by up to two threads: parameters and
 * Adam moments in float32, the training (and test) set, per-chunk gradients and work buffers.
 * Weights live here during training; read them back with getWeights().
 *
 * Every input is checked before anything is copied into that memory (shapes, lengths, integer
 * batch indices in range, finite float32 values in data and weights), so a rejected call throws an
 * KernelInputError and leaves the trainer as it was; the kernel checks its side again
 * (FusedKernelError) and never reads or writes outside the region.
 */
export class FusedTrainer extends KernelTrainer {
  readonly kind: 'hnn' | 'baseline';
  protected readonly runner: KernelThreads;
  readonly inputDim: number;
  readonly hiddenDim: number;
  private readonly hp: number;
  private readonly nOut: number;
  private readonly nParams: number;
  protected readonly engine: Engine;
  private readonly region: EngineInstance;
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly ctx: number;
  private readonly block: ContextBlock;
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
  private t = 0;

  constructor(options: FusedTrainerOptions) {
    super();
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
    // Everything is checked before the region is allocated or written.
    if (kind !== 'hnn' && kind !== 'baseline') {
      throw new KernelInputError(`Unknown kind '${String(kind)}'; use 'hnn' or 'baseline'.`);
    }
    checkPositiveInteger('inputDim', d);
    checkPositiveInteger('hiddenDim', hiddenDim);
    if (kind === 'hnn' && d % 2 !== 0) {
      throw new KernelInputError(`An HNN needs an even inputDim, got ${d}.`);
    }
    checkAdamSettings({ learningRate, beta1, beta2, epsilon, weightDecay });
    const nTrain = checkRows('x', x, d);
    if (nTrain === 0) throw new KernelInputError('x is empty: give at least one training row.');
    if (dx.length !== x.length) {
      throw new KernelInputError(
        `dx has ${dx.length} values; x has ${x.length}: give one target row per training row.`,
      );
    }
    checkRows('dx', dx, d);
    if ((testX === undefined) !== (testDx === undefined)) {
      throw new KernelInputError('Give both testX and testDx, or neither.');
    }
    if (testX !== undefined && testDx !== undefined) {
      checkRows('testX', testX, d);
      if (testDx.length !== testX.length) {
        throw new KernelInputError(
          `testDx has ${testDx.length} values; testX has ${testX.length}: give one target row ` +
            'per test row.',
        );
      }
      checkRows('testDx', testDx, d);
    }
    const { minibatchSeed } = options;
    if (
      minibatchSeed !== undefined &&
      (!Number.isInteger(minibatchSeed) || minibatchSeed < 0 || minibatchSeed > 0xffffffff)
    ) {
      throw new KernelInputError(`minibatchSeed must be a uint32, got ${minibatchSeed}.`);
    }
    const selected = selectEngine(options.engine ?? 'auto');
    if ('error' in selected) throw new FusedPathError(selected.error);
    const engine = selected.engine;
    this.engine = engine;
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
    this.nTrain = nTrain;
    this.nTest = testX === undefined ? 0 : testX.length / d;
    if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > this.nTrain) {
      throw new KernelInputError(`batchRows must be in 1..${this.nTrain}, got ${batchRows}.`);
    }
    this.batchRows = batchRows;
    this.plan = planChunks(batchRows, engine.rowBlock);
    // Evaluation of the test set uses the training chunk size (the work buffers' size).
    const evalChunks = Math.ceil(this.nTest / this.plan.chunkRows);
    const maxChunks = Math.max(this.plan.nChunks, evalChunks);
    // Memory layout (byte offsets), after the module's own stack and data (heapBase).
    const cr = this.plan.chunkRows;
    const scratchFloats = 3 * cr * d + 8 * cr * hp;
    const layout = new RegionLayout(engine.heapBase);
    const take = (bytes: number): number => layout.take(bytes);
    const ctx = take(MLP_CTX_BYTES);
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
    this.checkWeights(weights);
    this.region = engine.create(layout.size);
    this.runner = KernelThreads.forTrainer(this.region, ctx, options.threads, this.plan.nChunks);
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
    const block = new ContextBlock(buffer, ctx);
    this.block = block;
    block.setAll(MLP_CTX, {
      ...trainerFields(
        ctx,
        ptr,
        { nParams: this.nParams, chunkRows: cr, scratchFloats },
        { beta1, beta2, epsilon, weightDecay },
      ),
      kind: kind === 'hnn' ? ModelKind.MLP_HNN : ModelKind.MLP_BASELINE,
      d,
      hp,
      nOut,
      w2t: ptr.w2t,
      rng: ptr.rng,
      perm: ptr.perm,
      permLen: this.nTrain,
      nRows: this.nTrain,
    });
    this.ownBatches = minibatchSeed !== undefined && batchRows < this.nTrain;
    if (minibatchSeed !== undefined) this.region.rngSeed(ctx, minibatchSeed);
    this.setWeights(weights);
  }

  /** Memory the trainer's region holds (bytes; at most MAX_REGION_BYTES). */
  get regionBytes(): number {
    return this.region.buffer.byteLength;
  }

  /** Five arrays of the MLP's lengths, finite in float32; throws KernelInputError otherwise. */
  private checkWeights(weights: readonly ArrayLike<number>[]): void {
    const { inputDim: d, hiddenDim: h, nOut } = this;
    if (weights.length !== 5) {
      throw new KernelInputError(
        `The fused path expects 5 weight arrays (W1, b1, W2, b2, W3), got ${weights.length}.`,
      );
    }
    const expected = [d * h, h, h * h, h, h * nOut];
    weights.forEach((w, i) => {
      const name = `Weight array ${i} (${WEIGHT_NAMES[i]})`;
      if (w.length !== expected[i]) {
        throw new KernelInputError(`${name} has length ${w.length}, expected ${expected[i]}.`);
      }
      checkFinite(name, w);
    });
  }

  /**
   * Replaces the parameters (MLP layout, see FusedTrainerOptions.weights). Checked first: on an
   * KernelInputError the trainer keeps its weights.
   */
  setWeights(weights: readonly ArrayLike<number>[]): void {
    this.checkWeights(weights);
    const { inputDim: d, hiddenDim: h, hp, nOut } = this;
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
    this.runner.beginStep(this.t);
    let rows: number;
    let idx: number;
    if (indices !== undefined) {
      // Length and every index first: nothing is copied unless the whole batch is valid.
      if (indices.length !== this.batchRows) {
        throw new KernelInputError(
          `This trainer takes batches of ${this.batchRows} rows, got ${indices.length} indices.`,
        );
      }
      for (let i = 0; i < indices.length; i++) {
        const row = indices[i] as number;
        if (!Number.isInteger(row) || row < 0 || row >= this.nTrain) {
          throw new KernelInputError(
            `Batch index ${row} (position ${i}) is outside 0..${this.nTrain - 1}: give integer ` +
              'row numbers of the training set.',
          );
        }
      }
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
      throw new KernelInputError(
        `This trainer takes batches of ${this.batchRows} rows, got ${rows}` +
          (indices === undefined ? ' (the whole training set).' : ' indices.'),
      );
    }
    return this.runChunks(this.ptr.x, this.ptr.dx, idx, rows, this.plan.nChunks, 1, this.nTrain);
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
    this.block.set(MLP_CTX.stepSize, this.learningRate / (1 - this.beta1 ** this.t));
    this.block.set(MLP_CTX.bc2Sqrt, Math.sqrt(1 - this.beta2 ** this.t));
    this.runner.reduce();
    this.runner.endStep(this.t);
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
    if (this.nTest === 0) throw new KernelInputError('This trainer has no test set.');
    const nChunks = Math.ceil(this.nTest / this.plan.chunkRows);
    return this.runChunks(this.ptr.tx, this.ptr.tdx, 0, this.nTest, nChunks, 0, this.nTest);
  }

  private runChunks(
    x: number,
    dx: number,
    idx: number,
    rows: number,
    nChunks: number,
    wantGrad: number,
    nRows: number,
  ): number {
    this.block.set(MLP_CTX.nRows, nRows);
    this.block.set(MLP_CTX.x, x);
    this.block.set(MLP_CTX.dx, dx);
    this.block.set(MLP_CTX.idx, idx);
    this.block.set(MLP_CTX.rows, rows);
    this.block.set(MLP_CTX.nChunks, nChunks);
    this.block.set(MLP_CTX.wantGrad, wantGrad);
    this.block.set(MLP_CTX.counter, 0);
    this.block.set(MLP_CTX.lossScale, 2 / (rows * this.inputDim));
    this.runner.chunks();
    let sum = 0;
    const lp = this.ptr.lossPart / 8;
    for (let c = 0; c < nChunks; c++) sum += this.f64[lp + c] as number;
    // The sum is kept in float64, but a sum beyond float32's range means the float32 gradients
    // overflow too: report it as the infinite loss TensorFlow.js's float32 mean would give.
    if (!Number.isFinite(Math.fround(sum))) return Number.POSITIVE_INFINITY;
    return sum / (rows * this.inputDim);
  }
}
