export { HnnKernelsError, KernelInputError } from './errors.js';
export { FusedKernelError, FusedPathError } from './kernel-errors.js';
export type { FusedKernelErrorCode } from './kernel-errors.js';
export {
  MAX_REGION_BYTES,
  overrideEnginesForTesting,
  prepareEngine,
  selectEngine,
} from './engines.js';
export { hasRelaxedSimd } from './fused-module.js';
export type { Engine, EngineChoice, EngineInstance, EngineName } from './engines.js';
export type { FusedPathName } from './kernel-threads.js';
export { FusedTrainer } from './fused-trainer.js';
export type { FusedTrainerOptions, SampleArray } from './fused-trainer.js';
export { FusedPixelTrainer, fusedPixelUnsupportedReason } from './fused-pixel-trainer.js';
export type {
  FusedPixelTrainerOptions,
  PixelLossValues,
  PixelModelSizes,
  PixelRows,
} from './fused-pixel-trainer.js';
export { float64LayerKernel } from './float64-layer.js';
export type { Float64LayerKernel } from './float64-layer.js';
