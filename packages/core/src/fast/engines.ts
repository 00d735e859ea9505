import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { instantiateFused, loadFusedModule, sharedMemory } from './fused-module.js';
import type { FusedExports } from './fused-module.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

/**
 * Where the fused kernel (native/fused-step.c) runs:
 * - 'native-avx512' / 'native-avx2': the prebuilt Node-API addon for linux-x64 (prebuilds/),
 *   chosen by the CPU's features; optional.
 * - 'wasm-simd': the WebAssembly SIMD128 build (wasm/), which runs wherever Node does.
 */
export type EngineName = 'native-avx512' | 'native-avx2' | 'wasm-simd';
/** Which engines to consider: 'auto' (native when it loads, else wasm), or one of them. */
export type EngineChoice = 'auto' | 'native' | 'wasm';

/** One memory region holding a trainer's whole state, and the kernel's entry points over it. */
export interface EngineInstance {
  /** The region; views on it read and write data, parameters and losses. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  transposeW2(ctx: number): void;
  workChunks(ctx: number, tid: number): number;
  reduceAdam(ctx: number, part: number, parts: number): void;
  rngSeed(ctx: number, seed: number): void;
  permute(ctx: number): void;
  /** Float64 product for the rollout evaluators (Ctx64 block at `ctx`, see fused-step.c). */
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
  /** The pixel model's layout sizes (see pixel_layout in native/fused-step.c). */
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

  /** Reserves `bytes` and returns their offset. */
  take(bytes: number): number {
    const at = this.top;
    this.top = RegionLayout.align(this.top + bytes);
    return at;
  }

  /** Bytes the region needs for everything taken so far. */
  get size(): number {
    return this.top;
  }
}

export const NATIVE_PREBUILD_DIR = new URL('../../prebuilds/linux-x64/', import.meta.url);

interface Addon {
  alloc(bytes: number): ArrayBuffer;
  address(buffer: ArrayBuffer): bigint;
  transposeW2(address: bigint, ctx: number): void;
  workChunks(address: bigint, ctx: number, tid: number): number;
  reduceAdam(address: bigint, ctx: number, part: number, parts: number): void;
  kernelBlock(which: number): number;
  rngSeed(address: bigint, ctx: number, seed: number): void;
  permute(address: bigint, ctx: number): void;
  f64Product(address: bigint, ctx: number): void;
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
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      return { error: `no native prebuild for ${process.platform}-${process.arch}` };
    }
    const flags = cpuFlags();
    if (flags === undefined) return { error: 'cannot read /proc/cpuinfo' };
    // HNN_NATIVE_ISA=avx2 keeps an AVX-512 machine on the AVX2 build (to test or compare it).
    const capped = process.env.HNN_NATIVE_ISA === 'avx2';
    const isa =
      !capped && X86_64_V4.every((f) => flags.has(f))
        ? 'avx512'
        : X86_64_V3.every((f) => flags.has(f))
          ? 'avx2'
          : undefined;
    if (isa === undefined) return { error: 'the CPU lacks AVX2/FMA' };
    const path = fileURLToPath(new URL(`fused-step-${isa}.node`, NATIVE_PREBUILD_DIR));
    let addon: Addon;
    try {
      addon = createRequire(import.meta.url)(path) as Addon;
    } catch (error) {
      return { error: `native addon unavailable: ${describe(error)}` };
    }
    const name: EngineName = isa === 'avx512' ? 'native-avx512' : 'native-avx2';
    const engine: Engine = {
      name,
      rowBlock: addon.kernelBlock(0),
      colBlock: addon.kernelBlock(1),
      heapBase: 0,
      pixelLayout: (...args) => addon.pixelLayout(...args),
      create(bytes) {
        const buffer = addon.alloc(bytes);
        const address = addon.address(buffer);
        return {
          buffer,
          transposeW2: (ctx) => addon.transposeW2(address, ctx),
          workChunks: (ctx, tid) => addon.workChunks(address, ctx, tid),
          reduceAdam: (ctx, part, parts) => addon.reduceAdam(address, ctx, part, parts),
          rngSeed: (ctx, seed) => addon.rngSeed(address, ctx, seed),
          permute: (ctx) => addon.permute(address, ctx),
          f64Product: (ctx) => addon.f64Product(address, ctx),
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
    rowBlock: probe.kernel_block(0),
    colBlock: probe.kernel_block(1),
    heapBase: probe.__heap_base.value as number,
    pixelLayout: (...args) => probe.pixel_layout(...args),
    create(bytes) {
      const memory: WasmMemory = sharedMemory(Math.ceil(bytes / 65536));
      const ex: FusedExports = instantiateFused(module, memory);
      return {
        buffer: memory.buffer,
        transposeW2: (ctx) => ex.transpose_w2(ctx),
        workChunks: (ctx, tid) => ex.work_chunks(ctx, tid),
        reduceAdam: (ctx, part, parts) => ex.reduce_adam(ctx, part, parts),
        rngSeed: (ctx, seed) => ex.rng_seed(ctx, seed),
        permute: (ctx) => ex.permute(ctx),
        f64Product: (ctx) => ex.f64_product(ctx),
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
