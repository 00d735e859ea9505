export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { getBackendInfo, initBackend, resolveTrainBackend } from './backend.js';
export type {
  BackendInfo,
  BackendName,
  BackendPreference,
  InitBackendOptions,
  TrainBackendOption,
} from './backend.js';
export { createBaseline } from './baseline.js';
export type {
  BaselineMlpOptions,
  BaselineModel,
  BaselineNetworkOptions,
  BaselineOptions,
  MlpBaselineModel,
} from './baseline.js';
export type { SampleArray } from './data.js';
export { createDhnn, float64DissipativeHamiltonianField } from './dhnn.js';
export type { DhnnModel, DhnnOptions, Float64DhnnDynamics } from './dhnn.js';
export type { DynamicsModel } from './dynamics-model.js';
export {
  BackendUnavailableError,
  HnnCoreError,
  InvalidInputError,
  TrainingAbortedError,
  TrainingDivergedError,
} from './errors.js';
// The base of every @hnn error and its cross-copy check, so core's users need one import.
export { HnnError, isHnnError } from '@hnn/errors';
export { fastPathAvailable } from './fast/fast-path.js';
export type { FastPathName, FastPathPreference } from './fast/fast-path.js';
// train() throws these when the fused path fails; re-exported so callers need not import
// @hnn/kernels to catch them.
export { FusedKernelError, FusedPathError } from '@hnn/kernels';
export type { FusedKernelErrorCode, FusedPathName } from '@hnn/kernels';
export { fastPathPreference } from './fast/fast-path.js';
export { float64DirectField, float64HamiltonianField, float64ScalarGradient } from './float64.js';
export type { Float64Dynamics, Float64MlpWeights } from './float64.js';
export { createHnn } from './hnn.js';
export type {
  HnnGradientMethod,
  HnnMlpOptions,
  HnnModel,
  HnnNetworkOptions,
  HnnOptions,
  MlpHnnModel,
} from './hnn.js';
export type { LayersModelLike, Network, NetworkInput } from './network.js';
export { mseLoss } from './loss.js';
export { matMul } from './mat-mul.js';
export { BIAS_INITS, checkBiasInit, initialDenseLayer } from './init.js';
export type { BiasInit, InitialDenseLayer } from './init.js';
export { createMlp } from './mlp.js';
export type { DenseLayer, Mlp, MlpOptions, TanhKind } from './mlp.js';
export { orthogonalTorchLayout, orthogonalWeight } from './orthogonal.js';
export { predict, PREDICT_CHUNK_ROWS } from './predict.js';
export { symplecticFromGradient, symplecticGradient } from './symplectic-gradient.js';
export { secondOrderTanh } from './tanh.js';
export { train } from './train.js';
export type {
  EarlyStoppingOptions,
  EarlyStoppingResult,
  TrainHistoryEntry,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from './train.js';
export { SILENT_LOGGER } from './logger.js';
export type { Logger } from './logger.js';
export { checkMaxBlockMs, runTrainingLoop } from './training-loop.js';
export type { LoopTiming, TrainingLoopOptions, TrainingLoopResult } from './training-loop.js';
export { yieldToEventLoop } from './yield.js';
export {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  SavedModelError,
  artifactsFromWeights,
  decodeModelJson,
  deserializeFloat64,
  deserializeModel,
  deserializeWeights,
  encodeModelJson,
  restoreWeights,
  serializeModel,
  validateManifest,
} from './saved-model.js';
export type {
  DeserializeOptions,
  ModelArtifacts,
  ModelManifest,
  MlpWeightsDescription,
  SavedMlpModel,
  SavedWeightSpec,
  SerializeModelOptions,
} from './saved-model.js';
