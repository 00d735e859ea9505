export {
  mean,
  std,
  squaredErrorStats,
  groupedStats,
  MetricInputError,
  type MeanSe,
} from './stats.js';
export { rollout, RolloutError, type RolloutOptions, type RolloutResult } from './rollout.js';
export {
  oscillatorEnergyConfig,
  symplecticEnergyConfig,
  oscillatorRolloutMetrics,
  drawOscillatorStarts,
  type OscillatorEnergyConfig,
  type Protocol,
  type RolloutMetrics,
} from './oscillator-energy.js';
export {
  PAPER_TABLE1,
  TABLE1_SCALE,
  TABLE1_ENERGY_SCALE,
  mergeTable1,
  renderTable1Markdown,
  type ModelResult,
  type PaperModelResult,
  type Table1,
  type Table1Row,
} from './table1.js';
export {
  summariseSeeds,
  type ModelSeedSummary,
  type SeedMetric,
  type SeedStat,
  type TaskSeedSummary,
} from './seeds.js';
export {
  REFERENCE_RERUN,
  REFERENCE_RERUN_SOURCE,
  REFERENCE_TWO_BODY_HNN_ENERGY_BY_SEED,
} from './reference-rerun.js';
export {
  REAL_PENDULUM_ENERGY_CONFIG,
  realPendulumEnergy,
  realPendulumRolloutMetrics,
  type RealPendulumEnergyConfig,
  type RealPendulumRolloutMetrics,
  type RealPendulumTestData,
} from './real-pendulum-energy.js';
export {
  THREE_BODY_ENERGY_CONFIG,
  TWO_BODY_ENERGY_CONFIG,
  drawOrbitStarts,
  orbitRolloutMetrics,
  type OrbitEnergyConfig,
  type OrbitRolloutMetrics,
} from './orbit-energy.js';
export {
  PIXEL_ENERGY_CONFIG,
  fitLatentToCanonical,
  pixelEnergyMetric,
  pixelModelEnergyMetric,
  pixelPendulumEnergy,
  type LatentToCanonicalMap,
  type PixelEnergyConfig,
  type PixelEnergyInput,
  type PixelEnergyModel,
  type PixelSamples,
  type PixelEnergyResult,
} from './pixel-energy.js';
export {
  editEnergy,
  followRiemannianGradient,
  followSymplecticGradient,
  hamiltonianGradient,
  riemannianField,
  type EnergyEditOptions,
  type PhasePath,
  type SymplecticField64,
} from './energy-editing.js';
export {
  returnError,
  reversibilityMetric,
  type ReturnError,
  type ReversibilityOptions,
  type ReversibilityResult,
} from './reversibility.js';
