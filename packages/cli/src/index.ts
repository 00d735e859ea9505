export { processIo } from './cli-io.js';
export type { CliIo } from './cli-io.js';
export { DataFileError, HnnCliError, ModelFormatError, UsageError } from './errors.js';
export { FINITE_DIFFERENCE_METHOD, finiteDifferenceDerivatives } from './finite-difference.js';
export { EXIT_CODES, runCli } from './main.js';
export {
  createModelFile,
  KIND_LABELS,
  loadModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_KINDS,
  READABLE_MODEL_FORMAT_VERSIONS,
  readModelFile,
  serializeModel,
  validateModelFile,
} from './model-io.js';
export type {
  CreateModelFileOptions,
  LoadedModel,
  LoadModelOptions,
  ModelFile,
  ModelKind,
  TrainingRecord,
  WeightRecord,
} from './model-io.js';
export { fitNormalization, normalizeSamples } from './normalization.js';
export type { Normalization, NormalizationMethod } from './normalization.js';
export { energyDrift, rolloutModel } from './rollout.js';
export type { Rollout, RolloutOptions } from './rollout.js';
export { splitTrajectories } from './split.js';
export { generatePaperSystemCsv, PAPER_SYSTEMS, paperSystemCsvChunks } from './systems.js';
export { LIMITS } from './limits.js';
export type { GenerateOptions, PaperSystem, PaperSystemName } from './systems.js';
export {
  CSV_HEADER_HINT,
  parseTrajectoryCsv,
  readTrajectoryCsv,
  trajectoryDerivatives,
} from './trajectory-csv.js';
export type { Trajectory, TrajectoryData } from './trajectory-csv.js';
export { TRAIN_DEFAULTS } from './train-command.js';
