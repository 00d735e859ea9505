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
