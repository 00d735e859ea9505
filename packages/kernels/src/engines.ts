import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BlockQuery } from './boundary.js';
import { choosePrebuild, hostLibc, listAddons, parsePrebuildName } from './prebuilds.js';
import type { Isa } from './prebuilds.js';
import { instantiateFused, loadFusedModule, sharedMemory } from './fused-module.js';
import type { FusedExports } from './fused-module.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';
import { FusedKernelError, checkKernel, checkKernelArgument } from './kernel-errors.js';

/**
 * Where the fused kernel (native/kernels.c) runs:
 * - 'native-avx512' / 'native-avx2': the prebuilt Node-API addon for linux-x64
 *   (prebuilds/linux-x64/node.napi.glibc.{avx512,avx2}.node), chosen by the CPU's features;
 *   optional.
 * - 'wasm-simd': the WebAssembly SIMD128 build (wasm/), which runs wherever Node does.
 */
export type EngineName = 'native-avx512' | 'native-avx2' | 'wasm-simd';
/** Which engines to consider: 'auto' (native when it loads, else wasm), or one of them. */
export type EngineChoice = 'auto' | 'native' | 'wasm';

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
const U32_MAX = 2 ** 32 - 1;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const ctxArg = (ctx: number): number => checkKernelArgument('context offset', ctx, 0, U32_MAX);
const intArg = (name: string, v: number): number => checkKernelArgument(name, v, I32_MIN, I32_MAX);

function checkRegionBytes(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1) {
    checkKernelArgument('region size', bytes, 1, MAX_REGION_BYTES);
  }
  if (bytes > MAX_REGION_BYTES) throw regionTooLarge(bytes);
}

function layoutArgs(args: readonly number[]): void {
  args.forEach((v, i) => intArg(`pixelLayout argument ${i}`, v));
}

/** This platform's prebuilds: prebuilds/<platform>-<arch>/ (see src/prebuilds.ts). */
export const NATIVE_PREBUILD_DIR = new URL(
  `../prebuilds/${process.platform}-${process.arch}/`,
  import.meta.url,
);

/**
 * Where the addon is loaded from: NATIVE_PREBUILD_DIR, or the directory in HNN_NATIVE_ADDON_DIR
 * (the sanitizer build of scripts/build-sanitize.mjs, for `pnpm --filter @hnn/kernels test:sanitize`),
 * which holds files named the same way.
 */
function nativeAddonDir(): URL {
  const dir = process.env.HNN_NATIVE_ADDON_DIR;
  return dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : NATIVE_PREBUILD_DIR;
}

// Entry points return the kernel's status: >= 0, or a negative error code (see kernel-errors.ts).
interface Addon {
  alloc(bytes: number): ArrayBuffer;
  address(buffer: ArrayBuffer): bigint;
  transposeW2(address: bigint, ctx: number): number;
  workChunks(address: bigint, ctx: number, tid: number): number;
  reduceAdam(address: bigint, ctx: number, part: number, parts: number): number;
  kernelBlock(which: number): number;
  rngSeed(address: bigint, ctx: number, seed: number): number;
  permute(address: bigint, ctx: number): number;
  f64Product(address: bigint, ctx: number): number;
  pixelLayout(...args: [number, number, number, number, number, number, number]): number;
}

type Outcome = { readonly engine: Engine } | { readonly error: string };

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? text;
}

/** CPU flags from /proc/cpuinfo (Linux), or undefined. */
function cpuFlags(): Set<string> | undefined {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return line === undefined ? undefined : new Set(line.split(':')[1]?.trim().split(/\s+/));
  } catch {
    return undefined;
  }
}

// The instruction sets the two prebuilds are compiled for (clang -march=x86-64-v3 / -v4); an
// instruction the CPU lacks would kill the process, so every one must be present.
const X86_64_V3 = ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'];
const X86_64_V4 = [...X86_64_V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];

let nativeOutcome: Outcome | undefined;
let wasmOutcome: Outcome | undefined;

function loadNative(): Outcome {
  if (nativeOutcome !== undefined) return nativeOutcome;
  nativeOutcome = (() => {
    const dir = nativeAddonDir();
    const files = listAddons(dir);
    if (files.length === 0) {
      return { error: `no native prebuild for ${process.platform}-${process.arch}` };
    }
    // The two x86-64 builds need every flag of their level; elsewhere there is no such build yet.
    const flags = process.arch === 'x64' ? cpuFlags() : undefined;
    if (process.arch === 'x64' && flags === undefined)
      return { error: 'cannot read /proc/cpuinfo' };
    const has = (level: readonly string[]): boolean => level.every((f) => flags?.has(f));
    // HNN_NATIVE_ISA=avx2 keeps an AVX-512 machine on the AVX2 build (to test or compare it).
    const capped = process.env.HNN_NATIVE_ISA === 'avx2';
    const isas: Isa[] = [];
    if (!capped && has(X86_64_V4)) isas.push('avx512');
    if (has(X86_64_V3)) isas.push('avx2');
    const libc = hostLibc();
    const file = choosePrebuild(files, { libc, isas });
    if (file === undefined) {
      return {
        error:
          `no prebuild in ${fileURLToPath(dir)} fits this machine (` +
          `CPU: ${isas.length > 0 ? isas.join(', ') : 'no AVX2/FMA'}; libc: ${libc ?? 'none'})`,
      };
    }
    const isa = parsePrebuildName(file)?.isa;
    const path = fileURLToPath(new URL(file, dir));
    let addon: Addon;
    try {
      addon = createRequire(import.meta.url)(path) as Addon;
    } catch (error) {
      return { error: `native addon unavailable: ${describe(error)}` };
    }
    if (isa === undefined) return { error: `${file} names no instruction set` };
    const name: EngineName = isa === 'avx512' ? 'native-avx512' : 'native-avx2';
    const engine: Engine = {
      name,
      rowBlock: addon.kernelBlock(BlockQuery.ROWS),
      colBlock: addon.kernelBlock(BlockQuery.COLUMNS),
      heapBase: 0,
      pixelLayout: (...args) => {
        layoutArgs(args);
        return checkKernel(addon.pixelLayout(...args), 'pixel_layout');
      },
      create(bytes) {
        checkRegionBytes(bytes);
        const buffer = addon.alloc(bytes);
        const address = addon.address(buffer);
        return {
          buffer,
          transposeW2: (ctx) => {
            checkKernel(addon.transposeW2(address, ctxArg(ctx)), 'transpose_w2');
          },
          workChunks: (ctx, tid) =>
            checkKernel(addon.workChunks(address, ctxArg(ctx), intArg('tid', tid)), 'work_chunks'),
          reduceAdam: (ctx, part, parts) => {
            const status = addon.reduceAdam(
              address,
              ctxArg(ctx),
              intArg('part', part),
              intArg('parts', parts),
            );
            checkKernel(status, 'reduce_adam');
          },
          rngSeed: (ctx, seed) => {
            const s = checkKernelArgument('seed', seed, 0, U32_MAX);
            checkKernel(addon.rngSeed(address, ctxArg(ctx), s | 0), 'rng_seed');
          },
          permute: (ctx) => {
            checkKernel(addon.permute(address, ctxArg(ctx)), 'permute');
          },
          f64Product: (ctx) => {
            checkKernel(addon.f64Product(address, ctxArg(ctx)), 'f64_product');
          },
          workerData: { engine: 'native', addonPath: path, address },
        };
      },
    };
    return { engine };
  })();
  return nativeOutcome;
}

function loadWasm(): Outcome {
  if (wasmOutcome !== undefined) return wasmOutcome;
  const loaded = loadFusedModule();
  if ('error' in loaded) return loaded;
  const module: WasmModule = loaded.module;
  // Block sizes and the first free byte, from a throwaway instance.
  const probe = instantiateFused(module, sharedMemory(2));
  const engine: Engine = {
    name: 'wasm-simd',
    rowBlock: probe.kernel_block(BlockQuery.ROWS),
    colBlock: probe.kernel_block(BlockQuery.COLUMNS),
    heapBase: probe.__heap_base.value as number,
    pixelLayout: (...args) => {
      layoutArgs(args);
      return checkKernel(probe.pixel_layout(...args), 'pixel_layout');
    },
    create(bytes) {
      checkRegionBytes(bytes);
      const memory: WasmMemory = sharedMemory(Math.ceil(bytes / 65536));
      const ex: FusedExports = instantiateFused(module, memory);
      // WebAssembly converts arguments with ToInt32 (wrapping): the ranges are checked first, as
      // the native addon does, so both engines refuse the same calls.
      return {
        buffer: memory.buffer,
        transposeW2: (ctx) => {
          checkKernel(ex.transpose_w2(ctxArg(ctx)), 'transpose_w2');
        },
        workChunks: (ctx, tid) =>
          checkKernel(ex.work_chunks(ctxArg(ctx), intArg('tid', tid)), 'work_chunks'),
        reduceAdam: (ctx, part, parts) => {
          checkKernel(
            ex.reduce_adam(ctxArg(ctx), intArg('part', part), intArg('parts', parts)),
            'reduce_adam',
          );
        },
        rngSeed: (ctx, seed) => {
          const s = checkKernelArgument('seed', seed, 0, U32_MAX);
          checkKernel(ex.rng_seed(ctxArg(ctx), s | 0), 'rng_seed');
        },
        permute: (ctx) => {
          checkKernel(ex.permute(ctxArg(ctx)), 'permute');
        },
        f64Product: (ctx) => {
          checkKernel(ex.f64_product(ctxArg(ctx)), 'f64_product');
        },
        workerData: { engine: 'wasm', module, memory },
      };
    },
  };
  wasmOutcome = { engine };
  return wasmOutcome;
}

let forced: { readonly error: string } | undefined;
/** Makes every engine unavailable with this reason (undefined: back to normal). For tests. */
export function overrideEnginesForTesting(value: { readonly error: string } | undefined): void {
  forced = value;
}

/**
 * The fastest engine allowed by `choice` that loads here, or why none does.
 * 'auto' tries native, then wasm.
 */
export function selectEngine(choice: EngineChoice = 'auto'): Outcome & { readonly notes?: string } {
  if (forced !== undefined) return forced;
  if (choice === 'wasm') return loadWasm();
  const native = loadNative();
  if ('engine' in native || choice === 'native') return native;
  const wasm = loadWasm();
  return 'engine' in wasm
    ? { ...wasm, notes: native.error }
    : { error: `${native.error}; ${wasm.error}` };
}
