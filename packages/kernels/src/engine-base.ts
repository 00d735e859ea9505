import { checkKernelArgument, FusedKernelError } from './kernel-errors.js';
import type { WasmModule } from './wasm-api.js';

// What every platform shares about engines: their types, the region layout and the argument
// checks of the entry points. No Node or browser API here (src/platform-node.ts and
// src/platform-browser.ts hold those), so both entries of the package can import it.

/**
 * Where the fused kernel (native/kernels.c) runs:
 * - 'native-avx512' / 'native-avx2': the prebuilt Node-API addon for linux-x64
 *   (prebuilds/linux-x64/node.napi.glibc.{avx512,avx2}.node), chosen by the CPU's features;
 *   optional, Node only.
 * - 'wasm-relaxed-simd': the WebAssembly build with relaxed SIMD's fused multiply-add in the
 *   matrix products (wasm/fused-step-relaxed.wasm), where the runtime validates relaxed SIMD
 *   (Chromium; Node 20 only with --experimental-wasm-relaxed-simd).
 * - 'wasm-simd': the WebAssembly SIMD128 build (wasm/fused-step.wasm), which runs wherever Node
 *   or a browser with SIMD128 does.
 */
export type EngineName = 'native-avx512' | 'native-avx2' | 'wasm-relaxed-simd' | 'wasm-simd';
/**
 * Which engines to consider: 'auto' (native when it loads, else wasm), 'native', 'wasm' (the
 * relaxed-SIMD build where the runtime has relaxed SIMD, else SIMD128), or one WebAssembly build.
 */
export type EngineChoice = 'auto' | 'native' | 'wasm' | 'wasm-relaxed-simd' | 'wasm-simd';

/**
 * Largest memory region: 4 GiB - 64 KiB. The kernel's context blocks hold buffer offsets as
 * unsigned 32-bit integers, WebAssembly's 32-bit memory holds at most 65536 pages, and the native
 * addon refuses larger allocations, so every offset into a region fits.
 */
export const MAX_REGION_BYTES = 2 ** 32 - 65536;

/**
 * One memory region holding a trainer's whole state, and the kernel's entry points over it. Each
 * entry point checks its arguments and the context block at `ctx` (native/kernel.h, "Boundary
 * checks") and throws a FusedKernelError, having touched nothing, when they are wrong.
 */
export interface EngineInstance {
  /** The region; views on it read and write data, parameters and losses. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  transposeW2(ctx: number): void;
  workChunks(ctx: number, tid: number): number;
  reduceAdam(ctx: number, part: number, parts: number): void;
  rngSeed(ctx: number, seed: number): void;
  permute(ctx: number): void;
  /** Float64 product for the rollout evaluators (Ctx64 block at `ctx`, see native/fused-mlp.c). */
  f64Product(ctx: number): void;
  /** What the worker thread needs to run the same entry points on this region. */
  readonly workerData: Readonly<Record<string, unknown>>;
}

export interface Engine {
  readonly name: EngineName;
  /** Chunk rows must be a multiple of this. */
  readonly rowBlock: number;
  /** Hidden widths are padded (with zero units) to a multiple of this. */
  readonly colBlock: number;
  /** First free byte of a region: below it lie the module's own stack and data. */
  readonly heapBase: number;
  /** A region of at least `bytes` bytes, zeroed. */
  create(bytes: number): EngineInstance;
  /** The pixel model's layout sizes (see pixel_layout in native/entry.c); throws a
   * FusedKernelError when they do not fit in int32. */
  pixelLayout(
    which: number,
    kind: number,
    dp: number,
    hp: number,
    L: number,
    lp: number,
    cr: number,
  ): number;
}

/** Byte offsets of a region's buffers, laid out one after another on 64-byte boundaries. */
export class RegionLayout {
  private top: number;

  /** Starts at `heapBase` (an engine's first free byte). */
  constructor(heapBase: number) {
    this.top = RegionLayout.align(heapBase);
  }

  static align(bytes: number): number {
    return Math.ceil(bytes / 64) * 64;
  }

  /** Reserves `bytes` and returns their offset; throws KERNEL_REGION_TOO_LARGE past the limit. */
  take(bytes: number): number {
    const at = this.top;
    this.top = RegionLayout.align(this.top + bytes);
    if (this.top > MAX_REGION_BYTES) throw regionTooLarge(this.top);
    return at;
  }

  /** Bytes the region needs for everything taken so far. */
  get size(): number {
    return this.top;
  }
}

function regionTooLarge(bytes: number): FusedKernelError {
  const gib = (n: number): string => (n / 2 ** 30).toFixed(2);
  return new FusedKernelError(
    'KERNEL_REGION_TOO_LARGE',
    `The fused trainer needs at least ${gib(bytes)} GiB of memory, more than its limit of ` +
      `${gib(MAX_REGION_BYTES)} GiB (32-bit offsets). Train on fewer rows per step (a minibatch), ` +
      'a smaller test set or hidden width, or on TensorFlow.js (HNN_FAST_PATH=0).',
  );
}

// Argument ranges of the raw entry points (the kernel checks them again against the region).
export const U32_MAX = 2 ** 32 - 1;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
export const ctxArg = (ctx: number): number =>
  checkKernelArgument('context offset', ctx, 0, U32_MAX);
export const intArg = (name: string, v: number): number =>
  checkKernelArgument(name, v, I32_MIN, I32_MAX);

export function checkRegionBytes(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1) {
    checkKernelArgument('region size', bytes, 1, MAX_REGION_BYTES);
  }
  if (bytes > MAX_REGION_BYTES) throw regionTooLarge(bytes);
}

export function layoutArgs(args: readonly number[]): void {
  args.forEach((v, i) => intArg(`pixelLayout argument ${i}`, v));
}

/** An engine, or why it does not load here. */
export type Outcome = { readonly engine: Engine } | { readonly error: string };

/** First line of an error's message. */
export function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? text;
}

/** What a kernel worker thread is started with: the region's workerData and the control words. */
export type WorkerStart = Readonly<Record<string, unknown>> & {
  readonly ctx: number;
  readonly ctrlBuffer: SharedArrayBuffer;
  readonly tid: number;
  readonly parts: number;
};

/** A started kernel worker thread. */
export interface KernelWorker {
  terminate(): Promise<void>;
}

/**
 * What the engines and threads need from the runtime; src/platform-node.ts and
 * src/platform-browser.ts implement it, and package.json's `imports` entry `#platform` picks
 * one by the `browser` condition.
 */
export interface KernelPlatform {
  /** The native addon's engine, or why there is none (always an error in a browser). */
  loadNative(): Outcome;
  /**
   * Compiles a WebAssembly file at once, or undefined where that must be asynchronous (a
   * browser's main thread may not compile a large module synchronously).
   */
  readonly compileSync: ((url: URL) => WasmModule) | undefined;
  /** Fetches or reads and compiles a WebAssembly file. */
  compile(url: URL): Promise<WasmModule>;
  /** Cores a trainer may use: 1 where no second thread can share the memory. */
  parallelism(): number;
  /**
   * Starts a worker running the kernel's two phases on the region; resolves once it waits for
   * commands. `onError` runs if it fails later, `onExit` when it ends.
   */
  startWorker(data: WorkerStart, onError: () => void, onExit: () => void): Promise<KernelWorker>;
  /** Atomics.wait where this thread may block, else a spin until the word changes or `ms` pass. */
  wait(
    words: Int32Array,
    index: number,
    value: number,
    ms: number,
  ): 'ok' | 'not-equal' | 'timed-out';
}
