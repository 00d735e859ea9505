import { platform } from '#platform';
import { BlockQuery } from './boundary.js';
import { checkRegionBytes, ctxArg, describe, intArg, layoutArgs, U32_MAX } from './engine-base.js';
import type { Engine, EngineChoice, Outcome } from './engine-base.js';
import {
  hasRelaxedSimd,
  instantiateFused,
  sharedMemory,
  WASM_BUILDS,
  wasmUnavailable,
} from './fused-module.js';
import type { FusedExports, WasmBuild } from './fused-module.js';
import { checkKernel, checkKernelArgument } from './kernel-errors.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

export { MAX_REGION_BYTES, RegionLayout } from './engine-base.js';
export type { Engine, EngineChoice, EngineInstance, EngineName, Outcome } from './engine-base.js';

/** The engine of a compiled WebAssembly build. */
function wasmEngine(name: WasmBuild, module: WasmModule): Engine {
  // Block sizes and the first free byte, from a throwaway instance.
  const probe = instantiateFused(module, sharedMemory(2));
  const engine: Engine = {
    name,
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
  return engine;
}

// Per build: its engine once compiled, or why it cannot be (sticky, like the native outcome).
const wasmOutcomes = new Map<WasmBuild, Outcome>();
const compiling = new Map<WasmBuild, Promise<Outcome>>();

function wasmError(build: WasmBuild, error: unknown): { readonly error: string } {
  return { error: `${WASM_BUILDS[build].file} unavailable: ${describe(error)}` };
}

/** Why `build` cannot run here before any file is read, or undefined. */
function buildUnsupported(build: WasmBuild): { readonly error: string } | undefined {
  const missing = wasmUnavailable();
  if (missing !== undefined) return wasmError(build, missing);
  if (build === 'wasm-relaxed-simd' && !hasRelaxedSimd()) {
    return wasmError(build, 'this runtime does not validate relaxed SIMD');
  }
  return undefined;
}

/** Loads a build now where the platform compiles synchronously (Node), else reports it unprepared. */
function loadWasmSync(build: WasmBuild): Outcome {
  const known = wasmOutcomes.get(build);
  if (known !== undefined) return known;
  const unsupported = buildUnsupported(build);
  if (unsupported !== undefined) return unsupported;
  if (platform.compileSync === undefined) {
    // Not cached: an asynchronous compilation is under way or was never asked for.
    return wasmError(
      build,
      'not compiled yet; call `await prepareEngine()` before creating a trainer (browsers ' +
        'compile WebAssembly asynchronously)',
    );
  }
  let outcome: Outcome;
  try {
    outcome = { engine: wasmEngine(build, platform.compileSync(WASM_BUILDS[build].url)) };
  } catch (error) {
    outcome = wasmError(build, error);
  }
  wasmOutcomes.set(build, outcome);
  return outcome;
}

/** Compiles a build asynchronously, once. */
function loadWasmAsync(build: WasmBuild): Promise<Outcome> {
  const known = wasmOutcomes.get(build);
  if (known !== undefined) return Promise.resolve(known);
  const unsupported = buildUnsupported(build);
  if (unsupported !== undefined) return Promise.resolve(unsupported);
  let pending = compiling.get(build);
  if (pending === undefined) {
    pending = platform.compile(WASM_BUILDS[build].url).then(
      (module): Outcome => ({ engine: wasmEngine(build, module) }),
      (error: unknown): Outcome => wasmError(build, error),
    );
    pending = pending.then((outcome) => {
      wasmOutcomes.set(build, outcome);
      compiling.delete(build);
      return outcome;
    });
    compiling.set(build, pending);
  }
  return pending;
}

/** The WebAssembly builds `choice` allows, best first: relaxed SIMD where validated, SIMD128. */
function wasmBuilds(choice: EngineChoice): WasmBuild[] {
  if (choice === 'wasm-simd' || choice === 'wasm-relaxed-simd') return [choice];
  return hasRelaxedSimd() ? ['wasm-relaxed-simd', 'wasm-simd'] : ['wasm-simd'];
}

/** The first build that loads, with why the better ones did not in `notes`. */
function firstWasm(outcomes: readonly Outcome[]): Outcome & { readonly notes?: string } {
  const errors: string[] = [];
  for (const outcome of outcomes) {
    if ('engine' in outcome) {
      return errors.length > 0 ? { ...outcome, notes: errors.join('; ') } : outcome;
    }
    errors.push(outcome.error);
  }
  return { error: errors.join('; ') };
}

function chooseFrom(
  choice: EngineChoice,
  wasm: () => Outcome & { readonly notes?: string },
): Outcome & { readonly notes?: string } {
  if (forced !== undefined) return forced;
  if (choice !== 'auto' && choice !== 'native') return wasm();
  const native = platform.loadNative();
  if ('engine' in native || choice === 'native') return native;
  const fallback = wasm();
  if ('engine' in fallback) {
    const notes = [native.error, fallback.notes].filter((n) => n !== undefined).join('; ');
    return { engine: fallback.engine, notes };
  }
  return { error: `${native.error}; ${fallback.error}` };
}

let forced: { readonly error: string } | undefined;
/** Makes every engine unavailable with this reason (undefined: back to normal). For tests. */
export function overrideEnginesForTesting(value: { readonly error: string } | undefined): void {
  forced = value;
}

/**
 * The fastest engine allowed by `choice` that loads here, or why none does. 'auto' tries native,
 * then WebAssembly (relaxed SIMD where the runtime validates it, else SIMD128). In Node every
 * engine loads on first use; in a browser a WebAssembly build must first be compiled by
 * `prepareEngine`, and until then this reports it unprepared.
 */
export function selectEngine(choice: EngineChoice = 'auto'): Outcome & { readonly notes?: string } {
  return chooseFrom(choice, () => firstWasm(lazyOutcomes(wasmBuilds(choice))));
}

/** Outcomes of `builds`, each loaded only when the ones before it failed. */
function lazyOutcomes(builds: readonly WasmBuild[]): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const build of builds) {
    const outcome = loadWasmSync(build);
    outcomes.push(outcome);
    if ('engine' in outcome) break;
  }
  return outcomes;
}

/**
 * Compiles the WebAssembly build `choice` needs without blocking (fetch + compile in a browser,
 * a file read + WebAssembly.compile in Node) and returns the engine selectEngine(choice) gives
 * from then on. Await it once before creating trainers in a browser; in Node it is optional.
 */
export async function prepareEngine(
  choice: EngineChoice = 'auto',
): Promise<Outcome & { readonly notes?: string }> {
  if (forced !== undefined) return forced;
  if (choice === 'auto' || choice === 'native') {
    if ('engine' in platform.loadNative() || choice === 'native') return selectEngine(choice);
  }
  for (const build of wasmBuilds(choice)) {
    if ('engine' in (await loadWasmAsync(build))) break;
  }
  return selectEngine(choice);
}
