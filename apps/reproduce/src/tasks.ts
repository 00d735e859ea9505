import {
  idealPendulum,
  massSpring,
  massSpringDataset,
  pendulumDataset,
  type Dataset,
  type HamiltonianSystem,
} from '@hnn/datasets';
import type { ImplementedTask } from './args.js';

/** Everything the app needs to run one Table 1 row, with the paper's settings as defaults. */
export interface TaskSpec {
  readonly id: ImplementedTask;
  readonly title: string;
  readonly system: HamiltonianSystem;
  readonly steps: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly hiddenDim: number;
  dataset(seed: number): Dataset;
}

export const TASKS: Readonly<Record<ImplementedTask, TaskSpec>> = {
  'mass-spring': {
    id: 'mass-spring',
    title: 'Ideal mass-spring',
    system: massSpring,
    steps: 2000,
    learningRate: 1e-3,
    weightDecay: 1e-4,
    hiddenDim: 200,
    dataset: (seed) => massSpringDataset({ seed }),
  },
  pendulum: {
    id: 'pendulum',
    title: 'Ideal pendulum',
    system: idealPendulum,
    steps: 2000,
    learningRate: 1e-3,
    weightDecay: 1e-4,
    hiddenDim: 200,
    dataset: (seed) => pendulumDataset({ seed }),
  },
};
