/**
 * The few WebAssembly JS API types the fused path uses. TypeScript declares them only in the DOM
 * library, which this package does not load; these match Node 20 and browsers.
 */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

export interface WasmMemory {
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
}

export interface WasmGlobal {
  readonly value: unknown;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: ArrayBuffer | Uint8Array): Promise<WasmModule>;
  /** Browsers: compiles while the response streams in. */
  compileStreaming?: (response: unknown) => Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

/** globalThis.WebAssembly, or undefined where it does not exist. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
