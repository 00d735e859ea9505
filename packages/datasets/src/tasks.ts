import {
  MASS_SPRING_CONFIG,
  PENDULUM_CONFIG,
  generateOscillatorDataset,
  type OscillatorDatasetConfig,
} from './oscillator-dataset.js';
import { idealPendulum, massSpring } from './systems.js';
import type { Dataset } from './types.js';

/** Task 1 of the paper: the ideal mass-spring dataset (750 train / 750 test points by default). */
export function massSpringDataset(
  overrides: Partial<OscillatorDatasetConfig> = {},
): Dataset<OscillatorDatasetConfig> {
  return generateOscillatorDataset('mass-spring', massSpring, {
    ...MASS_SPRING_CONFIG,
    ...overrides,
  });
}

/** Task 2 of the paper: the ideal pendulum dataset (1125 train / 1125 test points by default). */
export function pendulumDataset(
  overrides: Partial<OscillatorDatasetConfig> = {},
): Dataset<OscillatorDatasetConfig> {
  return generateOscillatorDataset('pendulum', idealPendulum, { ...PENDULUM_CONFIG, ...overrides });
}
