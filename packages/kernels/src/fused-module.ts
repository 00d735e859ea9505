import { readFileSync } from 'node:fs';
import { wasmApi } from './wasm-api.js';
import type { WasmGlobal, WasmMemory, WasmModule } from './wasm-api.js';

/** The committed WebAssembly build of native/kernels.c (see scripts/build-wasm.mjs). */
export const FUSED_WASM_URL = new URL('../wasm/fused-step.wasm', import.meta.url);
/** Hashes of the source and the .wasm, written by the build script. */
export const FUSED_MANIFEST_URL = new URL('../wasm/fused-step.manifest.json', import.meta.url);

/**
 * The exports of fused-step.wasm; pointers are byte offsets into the shared memory. The entry
 * points return the kernel's status: >= 0, or a negative error code (src/kernel-errors.ts).
 */
export interface FusedExports {
  readonly kernel_block: (which: number) => number;
  readonly transpose_w2: (ctx: number) => number;
  readonly work_chunks: (ctx: number, tid: number) => number;
  readonly reduce_adam: (ctx: number, part: number, parts: number) => number;
  readonly rng_seed: (ctx: number, seed: number) => number;
  readonly permute: (ctx: number) => number;
  readonly f64_product: (ctx: number) => number;
  readonly pixel_layout: (
    which: number,
    kind: number,
    dp: number,
    hp: number,
    L: number,
    lp: number,
    cr: number,
  ) => number;
  readonly __heap_base: WasmGlobal;
}

export type Loaded = { readonly module: WasmModule } | { readonly error: string };
let loaded: Loaded | undefined;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Compiles the fused-step module once. Fails (with a reason, never a throw) where WebAssembly
 * SIMD, threads (shared memory, atomics) or the file itself are missing.
 */
export function loadFusedModule(): Loaded {
  if (loaded !== undefined) return loaded;
  try {
    if (wasmApi === undefined) throw new Error('WebAssembly is missing');
    if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is missing');
    const bytes = readFileSync(FUSED_WASM_URL);
    loaded = { module: new wasmApi.Module(bytes) };
  } catch (error) {
    loaded = { error: `fused-step.wasm unavailable: ${describe(error)}` };
  }
  return loaded;
}

/** A shared memory of `pages` 64 KiB pages (no growth). */
export function sharedMemory(pages: number): WasmMemory {
  if (wasmApi === undefined) throw new Error('WebAssembly is missing');
  return new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Replaces the loaded module (undefined: load again from disk). For tests of the fallback. */
export function overrideFusedModule(value: Loaded | undefined): void {
  loaded = value;
}

/** Instantiates the module over a shared memory (one instance per thread). */
export function instantiateFused(module: WasmModule, memory: WasmMemory): FusedExports {
  if (wasmApi === undefined) throw new Error('WebAssembly is missing');
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports as unknown as FusedExports;
}
