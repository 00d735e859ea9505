// The browser-safe entry point: systems, dataset generators and parsers in plain float64
// TypeScript, with no Node built-in and no native dependency (checked by entry-points.test.ts).
// Files and caches are in '@hnn/datasets/node'; the pixel pendulum is in '@hnn/datasets/pixel'.
export { TASK_IDS } from './types.js';
export type { Dataset, DatasetSplit, HamiltonianSystem, TaskId } from './types.js';
export { DatasetConfigError, DatasetGenerationError } from './errors.js';
export { linspace } from './linspace.js';
export { massSpring, idealPendulum } from './systems.js';
export {
  MASS_SPRING_CONFIG,
  PENDULUM_CONFIG,
  generateOscillatorDataset,
  oscillatorTrajectories,
  type OscillatorDatasetConfig,
  type OscillatorTrajectory,
  type OscillatorTrajectoryConfig,
} from './oscillator-dataset.js';
export { massSpringDataset, pendulumDataset } from './tasks.js';
export {
  LipsonFormatError,
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
  realPendulumDataset,
  realPendulumHowToGet,
  type RealPendulumConfig,
  type RealPendulumDataset,
  type RealPendulumDatasetOptions,
  type RealPendulumRows,
} from './real-pendulum.js';
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
