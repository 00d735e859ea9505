import { wasmApi } from './wasm-api.js';
import type { WasmGlobal, WasmMemory, WasmModule } from './wasm-api.js';

// The URLs are written out in full (`new URL('<literal>', import.meta.url)`) so that bundlers
// (Vite, esbuild, webpack) copy the .wasm files next to a browser bundle.

/** The committed WebAssembly SIMD128 build of native/kernels.c (see scripts/build-wasm.mjs). */
export const FUSED_WASM_URL = new URL('../wasm/fused-step.wasm', import.meta.url);
/** Hashes of the source and the .wasm, written by the build script. */
export const FUSED_MANIFEST_URL = new URL('../wasm/fused-step.manifest.json', import.meta.url);
/** The same source built with relaxed SIMD: fused multiply-add in the matrix products. */
export const RELAXED_WASM_URL = new URL('../wasm/fused-step-relaxed.wasm', import.meta.url);
export const RELAXED_MANIFEST_URL = new URL(
  '../wasm/fused-step-relaxed.manifest.json',
  import.meta.url,
);

/** The two WebAssembly builds, by engine name. */
export type WasmBuild = 'wasm-relaxed-simd' | 'wasm-simd';

export const WASM_BUILDS: Readonly<
  Record<WasmBuild, { readonly url: URL; readonly file: string }>
> = {
  'wasm-relaxed-simd': { url: RELAXED_WASM_URL, file: 'fused-step-relaxed.wasm' },
  'wasm-simd': { url: FUSED_WASM_URL, file: 'fused-step.wasm' },
};

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

// The smallest module that uses a relaxed-SIMD instruction: one function returning
// f32x4.relaxed_madd (opcode 0xfd 0x105) of three v128.const zeros.
const V128_ZERO = [0xfd, 0x0c, ...Array.from({ length: 16 }, () => 0)];
const RELAXED_BODY = [0x00, ...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02, 0x0b];
const RELAXED_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, RELAXED_BODY.length + 2, 0x01, RELAXED_BODY.length, ...RELAXED_BODY], // code
]);

let relaxed: boolean | undefined;

/** True when this runtime's WebAssembly validates relaxed SIMD (feature detection). */
export function hasRelaxedSimd(): boolean {
  relaxed ??= wasmApi?.validate(RELAXED_PROBE) ?? false;
  return relaxed;
}

/**
 * Checks that WebAssembly and shared memories exist (the builds import a shared memory). A
 * browser page that is not cross-origin isolated has no SharedArrayBuffer constructor, yet
 * creates shared WebAssembly memories, so the memory is what is tried.
 */
export function wasmUnavailable(): string | undefined {
  if (wasmApi === undefined) return 'WebAssembly is missing';
  try {
    sharedMemory(1);
    return undefined;
  } catch (error) {
    return `shared WebAssembly memory is missing (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** A shared memory of `pages` 64 KiB pages (no growth). */
export function sharedMemory(pages: number): WasmMemory {
  if (wasmApi === undefined) throw new Error('WebAssembly is missing');
  return new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Instantiates the module over a shared memory (one instance per thread). */
export function instantiateFused(module: WasmModule, memory: WasmMemory): FusedExports {
  if (wasmApi === undefined) throw new Error('WebAssembly is missing');
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports as unknown as FusedExports;
}
