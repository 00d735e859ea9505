export { TASK_IDS } from './types.js';
export type { Dataset, DatasetSplit, HamiltonianSystem, TaskId } from './types.js';
export { DatasetConfigError, DatasetGenerationError } from './errors.js';
export { linspace } from './linspace.js';
export { massSpring, idealPendulum } from './systems.js';
export {
  MASS_SPRING_CONFIG,
  PENDULUM_CONFIG,
  generateOscillatorDataset,
  type OscillatorDatasetConfig,
} from './oscillator-dataset.js';
export { massSpringDataset, pendulumDataset } from './tasks.js';
export {
  DataFileError,
  lipsonLineOfRow,
  parseLipsonText,
  type LipsonTable,
  type ParseLipsonOptions,
} from './lipson-format.js';
export {
  DataFileChecksumError,
  DataFileMissingError,
  DataFileUnreadableError,
  REAL_PENDULUM_COLUMNS,
  REAL_PENDULUM_ENV_VAR,
  REAL_PENDULUM_FETCH_COMMAND,
  REAL_PENDULUM_FILE_NAME,
  REAL_PENDULUM_FLAG,
  REAL_PENDULUM_SHA256,
  REAL_PENDULUM_SOURCES,
  checkRealPendulumRows,
  loadRealPendulum,
  realPendulumDataset,
  realPendulumHowToGet,
  sha256Hex,
  type LoadRealPendulumOptions,
  type RealPendulumConfig,
  type RealPendulumDataset,
  type RealPendulumDatasetOptions,
  type RealPendulumRows,
} from './real-pendulum.js';
export {
  FETCH_REAL_PENDULUM_USAGE,
  RealPendulumFetchError,
  fetchRealPendulum,
  runFetchRealPendulumCli,
  type FetchAttempt,
  type FetchCliIo,
  type FetchLike,
  type FetchRealPendulumOptions,
  type FetchRealPendulumResult,
} from './fetch-real-pendulum.js';
export {
  nBodySystem,
  totalMomentum,
  centreOfMass,
  canonicalToReferenceState,
  referenceToCanonicalState,
  referenceLayoutField,
} from './n-body.js';
export {
  TWO_BODY_CONFIG,
  THREE_BODY_CONFIG,
  generateOrbitsDataset,
  twoBodyDataset,
  threeBodyDataset,
  randomTwoBodyState,
  randomThreeBodyState,
  randomOrbitState,
  solveOrbit,
  type OrbitsDatasetConfig,
  type OrbitStartOptions,
  type OrbitSolveOptions,
} from './orbits-dataset.js';
export {
  DATASET_CACHE_FORMAT_VERSION,
  DatasetCacheError,
  CacheDirError,
  cachedDataset,
  ensureCacheDir,
  canonicalJson,
  datasetCacheKey,
  datasetCachePath,
  defaultDatasetCacheDir,
  type CachedDatasetResult,
  type DatasetCacheKey,
  type DatasetCacheOptions,
  type UncachedDatasetResult,
} from './dataset-cache.js';
export {
  GYM_PENDULUM,
  GYM_START_RULE,
  fromCanonical,
  getTheta,
  gymPendulumStep,
  gymPendulumTrajectory,
  sampleGymStart,
  toCanonical,
  type GymPendulumState,
  type GymStartRule,
} from './gym-pendulum.js';
export {
  CanvasBackendError,
  GYM_PENDULUM_VIEW,
  createPendulumRenderer,
  loadCanvasBackend,
  renderPendulumFrame,
  rgbaToRgb,
  type CanvasBackend,
  type CanvasBackendName,
  type CanvasBackendPreference,
  type CanvasRegion,
  type PendulumRenderer,
} from './pendulum-renderer.js';
export {
  PIXEL_CROP_WORLD,
  PIXEL_GEOMETRY,
  cropPixelBox,
  preprocessFrame,
  redMinusGreenCrop,
  resizeCrops,
  toUnitInterval,
  type PixelBox,
  type PixelGeometry,
  type WorldBox,
} from './pixel-preprocess.js';
export {
  pixelRenderWorkersAvailable,
  renderFramesInParallel,
  type RenderFramesOptions,
  type RenderFramesResult,
} from './pixel-render-pool.js';
export {
  HELD_OUT_FRAMES,
  HELD_OUT_START_RULE,
  PIXEL_PENDULUM_CONFIG,
  buildPixelPendulumDataset,
  pairPixelFrames,
  pixelGeometry,
  renderHeldOutPixelTrajectory,
  renderPixelTrajectory,
  simulatePixelPendulumTrials,
  splitPixelSamples,
  type BuildPixelPendulumOptions,
  type PixelPendulumConfig,
  type PixelPendulumDataset,
  type PixelPendulumSplit,
  type PixelPendulumTiming,
  type PixelTrajectory,
} from './pixel-pendulum-dataset.js';
