import {
  ModelKind,
  PIXEL_CTX,
  PIXEL_CTX_BYTES,
  PixelLayoutQuery,
  PixelSegment,
} from './boundary.js';
import { ContextBlock, trainerFields } from './context-block.js';
import { KernelInputError } from './errors.js';
import { RegionLayout, selectEngine } from './engines.js';
import type { Engine, EngineChoice, EngineInstance } from './engines.js';
import { planChunks } from './fused-trainer.js';
import { FusedPathError, KernelThreads, KernelTrainer } from './kernel-threads.js';
import { checkAdamSettings, checkFinite } from './trainer-checks.js';

/**
 * Sizes of the paper's pixel-pendulum model (Section 5.1): a ReLU autoencoder
 * inputDim -> hidden -> hidden -> hidden -> latent and back (residual middle layers), and a latent
 * dynamics MLP latent -> latentHidden -> latentHidden -> out (tanh; an HNN's scalar H or a
 * baseline's dz/dt).
 */
export interface PixelModelSizes {
  readonly kind: 'hnn' | 'baseline';
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly latentDim: number;
  readonly latentHiddenDim: number;
}

export interface FusedPixelTrainerOptions extends PixelModelSizes {
  /**
   * Initial weights in the order and layout of @hnn/autoencoder's PixelModel.getWeights():
   * autoencoder [W1, b1, ..., W8, b8] (W in x out), then the latent MLP's [W1, b1, W2, b2, W3].
   */
  readonly weights: readonly ArrayLike<number>[];
  /** Rows per training step (the paper: 200). */
  readonly batchRows: number;
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** torch-style L2 decay on every parameter (the paper: 1e-5). */
  readonly weightDecay?: number;
  /** Weight of the latent dynamics term (the paper: 0.1). */
  readonly dynamicsWeight?: number;
  /** 1 or 2 (default: 2 on a machine with two cores, timed against 1 as the MLP trainer does). */
  readonly threads?: number;
  readonly engine?: EngineChoice;
}

/** Batch-mean loss terms, as @hnn/autoencoder's pixelLoss. */
export interface PixelLossValues {
  readonly total: number;
  readonly autoencoder: number;
  readonly canonical: number;
  readonly dynamics: number;
}

/** Row-major pixel rows (n x inputDim), float32 or float64. */
export type PixelRows = Float32Array | Float64Array;

// Rows per chunk: two chunks per paper batch, one per thread; fewer, larger chunks keep the
// per-chunk gradient buffers (one full parameter set each) few.
const TARGET_CHUNK_ROWS = 100;
const N_SEGMENTS = PixelSegment.COUNT;

/** Where one of the model's weight arrays lives in the kernel's layout. */
interface Placement {
  readonly offset: number;
  /** Model shape: rows x cols (a bias: 1 x cols). */
  readonly rows: number;
  readonly cols: number;
  /** Row stride inside the kernel (padded). */
  readonly stride: number;
  /** Stored transposed (cols x rows, stride per model column). */
  readonly transposed: boolean;
}

/** Checks that the fused pixel kernel can train a model of these sizes; the reason if not. */
export function fusedPixelUnsupportedReason(
  sizes: PixelModelSizes,
  choice: EngineChoice = 'auto',
): string | undefined {
  const { latentDim } = sizes;
  if (latentDim % 2 !== 0) return `latentDim must be even, got ${latentDim}`;
  const selected = selectEngine(choice);
  return 'error' in selected ? selected.error : undefined;
}

/**
 * Trains the pixel model with the fused kernel (native/fused-pixel.c): forward, the three loss
 * terms, the exact backward pass (including the latent HNN's second derivatives, into the encoder)
 * and Adam, in float32 on one memory region, on one or two threads. Minibatches are chosen by the
 * caller and copied in per step, so the data set is never duplicated.
 */
export class FusedPixelTrainer extends KernelTrainer {
  readonly sizes: PixelModelSizes;
  protected readonly engine: Engine;
  private readonly region: EngineInstance;
  protected readonly runner: KernelThreads;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly ctx: number;
  private readonly block: ContextBlock;
  private readonly dp: number;
  private readonly nParams: number;
  private readonly placements: readonly Placement[];
  private readonly chunkRows: number;
  private readonly nChunks: number;
  private readonly batchRows: number;
  private readonly ptr: Readonly<Record<'batch' | 'p' | 'm' | 'v' | 'grads' | 'lossPart', number>>;
  private readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly dynamicsWeight: number;
  private t = 0;

  constructor(options: FusedPixelTrainerOptions) {
    super();
    const { kind, inputDim: D, hiddenDim: H, latentDim: L, latentHiddenDim: Hl } = options;
    const {
      batchRows,
      learningRate = 1e-3,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-8,
      weightDecay = 0,
      dynamicsWeight = 0.1,
    } = options;
    if (kind !== 'hnn' && kind !== 'baseline') {
      throw new KernelInputError(`Unknown kind '${String(kind)}'; use 'hnn' or 'baseline'.`);
    }
    for (const [name, value] of [
      ['inputDim', D],
      ['hiddenDim', H],
      ['latentDim', L],
      ['latentHiddenDim', Hl],
      ['batchRows', batchRows],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new KernelInputError(`${name} must be a positive integer, got ${value}.`);
      }
    }
    if (L % 2 !== 0) throw new KernelInputError(`latentDim must be even, got ${L}.`);
    if (!Number.isFinite(dynamicsWeight) || dynamicsWeight < 0) {
      throw new KernelInputError(`dynamicsWeight must be finite and >= 0, got ${dynamicsWeight}.`);
    }
    checkAdamSettings({ learningRate, beta1, beta2, epsilon, weightDecay });
    const selected = selectEngine(options.engine ?? 'auto');
    if ('error' in selected) throw new FusedPathError(selected.error);
    const engine = selected.engine;
    this.engine = engine;
    this.sizes = { kind, inputDim: D, hiddenDim: H, latentDim: L, latentHiddenDim: Hl };
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.dynamicsWeight = dynamicsWeight;
    this.batchRows = batchRows;

    const pad = (n: number): number => Math.ceil(n / engine.colBlock) * engine.colBlock;
    const dp = pad(D);
    const hp = pad(H);
    const lp = pad(Hl);
    this.dp = dp;
    const kindCode = kind === 'hnn' ? ModelKind.PIXEL_HNN : ModelKind.PIXEL_BASELINE;
    const plan = planChunks(batchRows, engine.rowBlock, TARGET_CHUNK_ROWS);
    this.chunkRows = plan.chunkRows;
    this.nChunks = plan.nChunks;
    const cr = plan.chunkRows;
    const layout = (which: number): number =>
      engine.pixelLayout(which, kindCode, dp, hp, L, lp, cr);
    this.nParams = layout(PixelLayoutQuery.PARAMS);
    const scratchFloats = layout(PixelLayoutQuery.SCRATCH);
    const wtFloats = layout(PixelLayoutQuery.TRANSPOSED);
    const seg = (s: number): number => layout(PixelLayoutQuery.SEGMENT + s);
    const nOut = kind === 'hnn' ? 1 : L;
    // The model's 21 arrays, in PixelModel.getWeights() order, and where each goes.
    const mat = (s: number, rows: number, cols: number, stride: number): Placement => ({
      offset: seg(s),
      rows,
      cols,
      stride,
      transposed: false,
    });
    const vec = (s: number, n: number): Placement => mat(s, 1, n, n);
    const tr = (s: number, rows: number, cols: number, stride: number): Placement => ({
      ...mat(s, rows, cols, stride),
      transposed: true,
    });
    const S = PixelSegment;
    this.placements = [
      mat(S.W1, D, H, hp),
      vec(S.B1, H),
      mat(S.W2, H, H, hp),
      vec(S.B2, H),
      mat(S.W3, H, H, hp),
      vec(S.B3, H),
      tr(S.W4T, H, L, hp),
      vec(S.B4, L),
      mat(S.W5, L, H, hp),
      vec(S.B5, H),
      mat(S.W6, H, H, hp),
      vec(S.B6, H),
      mat(S.W7, H, H, hp),
      vec(S.B7, H),
      mat(S.W8, H, D, dp),
      vec(S.B8, D),
      mat(S.V1, L, Hl, lp),
      vec(S.C1, Hl),
      mat(S.V2, Hl, Hl, lp),
      vec(S.C2, Hl),
      tr(S.V3T, Hl, nOut, lp),
    ];
    if (this.placements.length !== N_SEGMENTS) throw new Error('pixel layout table mismatch');

    const regionLayout = new RegionLayout(engine.heapBase);
    const take = (bytes: number): number => regionLayout.take(bytes);
    const ctx = take(PIXEL_CTX_BYTES);
    const ptr = {
      batch: take(this.nChunks * 2 * cr * dp * 4),
      p: take(this.nParams * 4),
      m: take(this.nParams * 4),
      v: take(this.nParams * 4),
      grads: take(this.nChunks * this.nParams * 4),
      lossPart: take(this.nChunks * 4 * 8),
      wt: take(wtFloats * 4),
      scratch: take(2 * scratchFloats * 4),
    };
    this.region = engine.create(regionLayout.size);
    this.ctx = ctx;
    this.ptr = ptr;
    const buffer = this.region.buffer;
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    const block = new ContextBlock(buffer, ctx);
    this.block = block;
    block.setAll(PIXEL_CTX, {
      ...trainerFields(
        ctx,
        ptr,
        { nParams: this.nParams, chunkRows: cr, scratchFloats },
        { beta1, beta2, epsilon, weightDecay },
      ),
      kind: kindCode,
      dp,
      dTrue: D,
      hp,
      L,
      lp,
      batch: ptr.batch,
      wt: ptr.wt,
    });

    this.runner = KernelThreads.forTrainer(this.region, ctx, options.threads, this.nChunks);
    this.setWeights(options.weights);
  }

  /** Replaces the parameters (PixelModel.getWeights() order) and resets Adam. */
  setWeights(weights: readonly ArrayLike<number>[]): void {
    if (weights.length !== N_SEGMENTS) {
      throw new KernelInputError(
        `The fused pixel path expects ${N_SEGMENTS} weight arrays (16 autoencoder, 5 latent), ` +
          `got ${weights.length}.`,
      );
    }
    this.placements.forEach(({ rows, cols }, i) => {
      const w = weights[i] as ArrayLike<number>;
      if (w.length !== rows * cols) {
        throw new KernelInputError(
          `Weight array ${i} has length ${w.length}, expected ${rows * cols}.`,
        );
      }
      checkFinite(`Weight array ${i}`, w);
    });
    const f = this.f32;
    const p = this.ptr.p / 4;
    f.fill(0, p, p + this.nParams);
    this.placements.forEach((pl, i) => {
      const w = weights[i] as ArrayLike<number>;
      const { rows, cols, stride, transposed } = pl;
      const base = p + pl.offset;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const at = transposed ? c * stride + r : r * stride + c;
          f[base + at] = w[r * cols + c] as number;
        }
      }
    });
    f.fill(0, this.ptr.m / 4, this.ptr.m / 4 + this.nParams);
    f.fill(0, this.ptr.v / 4, this.ptr.v / 4 + this.nParams);
    this.t = 0;
    this.region.transposeW2(this.ctx);
  }

  /** Memory the trainer's region holds (bytes; at most MAX_REGION_BYTES). */
  get regionBytes(): number {
    return this.region.buffer.byteLength;
  }

  /** The parameters in PixelModel.getWeights() order (float32 copies). */
  getWeights(): Float32Array[] {
    return this.fromInternal(this.f32, this.ptr.p / 4);
  }

  private fromInternal(f: Float32Array, p: number): Float32Array[] {
    return this.placements.map(({ offset, rows, cols, stride, transposed }) => {
      const out = new Float32Array(rows * cols);
      const base = p + offset;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          out[r * cols + c] = f[base + (transposed ? c * stride + r : r * stride + c)] as number;
        }
      }
      return out;
    });
  }

  /**
   * Loss terms and gradients on rows `indices` of (pixels, nextPixels), exactly batchRows of
   * them. Parameters are not changed: call applyAdam() next.
   */
  computeGradients(
    pixels: PixelRows,
    nextPixels: PixelRows,
    indices: ArrayLike<number>,
  ): PixelLossValues {
    this.checkOpen();
    if (indices.length !== this.batchRows) {
      throw new KernelInputError(
        `This trainer takes batches of ${this.batchRows} rows, got ${indices.length}.`,
      );
    }
    this.runner.beginStep(this.t);
    this.load(pixels, nextPixels, indices, 0, indices.length);
    this.setCall(indices.length, this.nChunks, 1);
    this.runner.chunks();
    return this.lossValues(this.nChunks, indices.length);
  }

  /** One Adam update from the gradients of the last computeGradients(). */
  applyAdam(): void {
    this.checkOpen();
    this.t += 1;
    this.block.set(PIXEL_CTX.stepSize, this.learningRate / (1 - this.beta1 ** this.t));
    this.block.set(PIXEL_CTX.bc2Sqrt, Math.sqrt(1 - this.beta2 ** this.t));
    this.runner.reduce();
    this.runner.endStep(this.t);
  }

  /** One training step: gradients, then Adam; returns the loss terms before the update. */
  step(pixels: PixelRows, nextPixels: PixelRows, indices: ArrayLike<number>): PixelLossValues {
    const loss = this.computeGradients(pixels, nextPixels, indices);
    this.applyAdam();
    return loss;
  }

  /**
   * Loss terms (batch means) on rows `indices`, any number of them, with the current parameters;
   * no gradients, on the main thread.
   */
  evaluate(pixels: PixelRows, nextPixels: PixelRows, indices: ArrayLike<number>): PixelLossValues {
    this.checkOpen();
    const n = indices.length;
    if (n < 1) throw new KernelInputError('evaluate needs at least one row.');
    const sums: [number, number, number] = [0, 0, 0];
    for (let start = 0; start < n; start += this.batchRows) {
      const rows = Math.min(this.batchRows, n - start);
      const nChunks = Math.ceil(rows / this.chunkRows);
      this.load(pixels, nextPixels, indices, start, rows);
      this.setCall(rows, nChunks, 0);
      this.runner.chunksHere();
      this.addSums(sums, nChunks);
    }
    return this.fromSums(sums, n);
  }

  /** Parameter gradients of the last computeGradients() (no weight decay), model layout. */
  gradients(): Float32Array[] {
    const sum = new Float32Array(this.nParams);
    const g = this.ptr.grads / 4;
    for (let c = 0; c < this.nChunks; c++) {
      for (let k = 0; k < this.nParams; k++) {
        sum[k] = (sum[k] as number) + (this.f32[g + c * this.nParams + k] as number);
      }
    }
    return this.fromInternal(sum, 0);
  }

  /** Copies rows indices[start .. start + rows) into the chunked batch buffer (zero padding). */
  private load(
    pixels: PixelRows,
    nextPixels: PixelRows,
    indices: ArrayLike<number>,
    start: number,
    rows: number,
  ): void {
    const D = this.sizes.inputDim;
    const { dp, chunkRows: cr } = this;
    if (
      !(pixels instanceof Float32Array || pixels instanceof Float64Array) ||
      !(nextPixels instanceof Float32Array || nextPixels instanceof Float64Array)
    ) {
      throw new KernelInputError('pixels and nextPixels must be Float32Array or Float64Array.');
    }
    if (pixels.length % D !== 0 || pixels.length !== nextPixels.length) {
      throw new KernelInputError(
        `pixels (${pixels.length} values) and nextPixels (${nextPixels.length}) must hold the ` +
          `same whole number of rows of inputDim = ${D}.`,
      );
    }
    const nTotal = pixels.length / D;
    // Every index and the rows they name are checked before anything is copied.
    for (let r = 0; r < rows; r++) {
      const i = indices[start + r] as number;
      if (!Number.isInteger(i) || i < 0 || i >= nTotal) {
        throw new KernelInputError(`Row index ${i} is outside 0..${nTotal - 1}.`);
      }
      checkFinite(`pixels row ${i}`, pixels.subarray(i * D, (i + 1) * D));
      checkFinite(`nextPixels row ${i}`, nextPixels.subarray(i * D, (i + 1) * D));
    }
    const f = this.f32;
    const batch = this.ptr.batch / 4;
    for (let r = 0; r < rows; r++) {
      const i = indices[start + r] as number;
      const chunk = Math.floor(r / cr);
      const within = r - chunk * cr;
      const xAt = batch + (chunk * 2 * cr + within) * dp;
      f.set(pixels.subarray(i * D, (i + 1) * D), xAt);
      f.set(nextPixels.subarray(i * D, (i + 1) * D), xAt + cr * dp);
    }
    // Rows past the end of the last chunk are zero (their losses are masked; zeros keep them finite).
    const used = Math.ceil(rows / cr);
    const tail = rows - (used - 1) * cr;
    if (tail < cr) {
      const at = batch + (used - 1) * 2 * cr * dp;
      f.fill(0, at + tail * dp, at + cr * dp);
      f.fill(0, at + (cr + tail) * dp, at + 2 * cr * dp);
    }
  }

  private setCall(rows: number, nChunks: number, wantGrad: number): void {
    const { inputDim: D, latentDim: L } = this.sizes;
    this.block.set(PIXEL_CTX.rows, rows);
    this.block.set(PIXEL_CTX.nChunks, nChunks);
    this.block.set(PIXEL_CTX.wantGrad, wantGrad);
    this.block.set(PIXEL_CTX.counter, 0);
    this.block.set(PIXEL_CTX.aeScale, 2 / (rows * D));
    this.block.set(PIXEL_CTX.ccScale, 2 / (rows * (L / 2)));
    this.block.set(PIXEL_CTX.dynScale, (2 * this.dynamicsWeight) / (rows * L));
  }

  /** Adds the chunks' [ae, cc, dynamics] sums of squares (in chunk order). */
  private addSums(sums: [number, number, number], nChunks: number): void {
    const lp = this.ptr.lossPart / 8;
    for (let c = 0; c < nChunks; c++) {
      for (let k = 0; k < 3; k++) {
        sums[k] = (sums[k] as number) + (this.f64[lp + 4 * c + k] as number);
      }
    }
  }

  private lossValues(nChunks: number, rows: number): PixelLossValues {
    const sums: [number, number, number] = [0, 0, 0];
    this.addSums(sums, nChunks);
    return this.fromSums(sums, rows);
  }

  private fromSums(sums: readonly [number, number, number], rows: number): PixelLossValues {
    const { inputDim: D, latentDim: L } = this.sizes;
    const autoencoder = sums[0] / (rows * D);
    const canonical = sums[1] / (rows * (L / 2));
    const dynamics = sums[2] / (rows * L);
    // Float32 overflow in the kernel shows as an infinite sum; report it like the tfjs path would.
    const total = autoencoder + canonical + this.dynamicsWeight * dynamics;
    return {
      total: Number.isNaN(total) || Number.isFinite(Math.fround(total)) ? total : Infinity,
      autoencoder,
      canonical,
      dynamics,
    };
  }
}
