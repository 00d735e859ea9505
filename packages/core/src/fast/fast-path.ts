import type { DynamicsModel } from '../dynamics-model.js';
import { readEnv } from '../env.js';
import { InvalidInputError } from '../errors.js';
import { selectEngine } from '@hnn/kernels';
import type { EngineChoice, FusedPathName } from '@hnn/kernels';

/** What ran a training: a fused kernel (engine and threads), or 'none' (TensorFlow.js ops). */
export type FastPathName = FusedPathName | 'none';
/**
 * 'auto': the fused kernel for the models it supports, on the native addon where it loads, else
 * WebAssembly; 'native' / 'wasm': only that engine ('wasm-simd' / 'wasm-relaxed-simd': only that
 * WebAssembly build); 'off': always TensorFlow.js.
 */
export type FastPathPreference = EngineChoice | 'off';

// Models whose forward pass is exactly the paper's MLP as built by createHnn/createBaseline.
// A user's own DynamicsModel (any other timeDerivative) is never fused.
const fusable = new WeakSet<DynamicsModel>();

/** Marks a model built by createHnn/createBaseline as computable by the fused kernel. */
export function markFusable(model: DynamicsModel): void {
  fusable.add(model);
}

/** True when a fused-kernel engine loads here (the native addon, or WebAssembly SIMD + threads). */
export function fastPathAvailable(): boolean {
  return 'engine' in selectEngine('auto');
}

/** Why the fused path cannot train this model, or undefined when it can. */
export function fusedUnsupportedReason(
  model: DynamicsModel,
  choice: EngineChoice = 'auto',
): string | undefined {
  const mlp = model.mlp;
  if (!fusable.has(model) || mlp === undefined) {
    return 'not a model built by createHnn/createBaseline with the built-in MLP';
  }
  const sizes = mlp.sizes;
  if (sizes.length !== 4)
    return `the fused kernel has 2 hidden layers, this MLP ${sizes.length - 2}`;
  if (sizes[1] !== sizes[2]) return 'the fused kernel needs equal hidden widths';
  const layers = mlp.layers;
  if (layers.length !== 3 || layers[0]?.b === undefined || layers[1]?.b === undefined) {
    return 'unexpected MLP layout';
  }
  const selected = selectEngine(choice);
  return 'error' in selected ? selected.error : undefined;
}

function parsePreference(value: string, source: string): FastPathPreference {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || v === '1' || v === 'on' || v === 'true') return 'auto';
  if (v === 'off' || v === '0' || v === 'false') return 'off';
  if (v === 'native' || v === 'wasm' || v === 'wasm-simd' || v === 'wasm-relaxed-simd') return v;
  throw new InvalidInputError(
    `Unknown fast path setting '${value}' (from ${source}); use auto, native, wasm, wasm-simd, ` +
      'wasm-relaxed-simd or off.',
  );
}

/**
 * The preference from the argument, else env HNN_FAST_PATH (0/off disables; native/wasm pick the
 * engine), else 'auto'.
 */
export function fastPathPreference(option: FastPathPreference | undefined): {
  readonly preference: FastPathPreference;
  readonly source: string;
} {
  if (option !== undefined)
    return {
      preference: parsePreference(option, 'the fastPath option'),
      source: 'the fastPath option',
    };
  const env = readEnv('HNN_FAST_PATH');
  if (env !== undefined && env !== '') {
    return { preference: parsePreference(env, 'env HNN_FAST_PATH'), source: 'env HNN_FAST_PATH' };
  }
  return { preference: 'auto', source: 'default' };
}
