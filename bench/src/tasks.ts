import {
  THREE_BODY_CONFIG,
  TWO_BODY_CONFIG,
  generateOrbitsDataset,
  idealPendulum,
  massSpring,
  massSpringDataset,
  pendulumDataset,
  realPendulumDataset,
  TASK_IDS,
  type Dataset,
  type TaskId,
} from '@hnn/datasets';
import { loadRealPendulum } from '@hnn/datasets/node';
import {
  oscillatorEnergyConfig,
  orbitRolloutMetrics,
  oscillatorRolloutMetrics,
  realPendulumRolloutMetrics,
} from '@hnn/eval';
import type { OdeFunction } from '@hnn/integrators';

export const BENCH_TASKS = TASK_IDS;
export type BenchTaskId = TaskId;
export const BENCH_MODELS = ['baseline', 'hnn'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

/** A vector-field task at the paper's settings: its data and the rollouts of its energy metric. */
export interface PreparedVectorTask {
  readonly data: Dataset;
  /** Minibatch size; undefined = full batch (the paper's choice for tasks 1-3). */
  readonly batchSize: number | undefined;
  readonly weightDecay: number;
  /** Runs the rollouts Table 1's energy column needs, as apps/reproduce does. */
  readonly metrics: (field: OdeFunction) => void;
}

export class SkipTask extends Error {}

/**
 * Data at the paper's settings (quick: a small set of the same shape, only to check the bench
 * runs). Real pendulum reads HNN_REAL_PENDULUM_DATA; without it the task is skipped.
 */
export async function prepareVectorTask(
  id: Exclude<BenchTaskId, 'pixel-pendulum'>,
  quick: boolean,
): Promise<PreparedVectorTask> {
  switch (id) {
    case 'mass-spring':
    case 'pendulum': {
      const system = id === 'mass-spring' ? massSpring : idealPendulum;
      const data =
        id === 'mass-spring' ? massSpringDataset({ seed: 0 }) : pendulumDataset({ seed: 0 });
      return {
        data,
        batchSize: undefined,
        weightDecay: 1e-4,
        metrics: (field) => {
          oscillatorRolloutMetrics(field, system, oscillatorEnergyConfig(id, 'paper', 0));
          oscillatorRolloutMetrics(field, system, oscillatorEnergyConfig(id, 'corrected', 0));
        },
      };
    }
    case 'real-pendulum': {
      const path = process.env.HNN_REAL_PENDULUM_DATA;
      if (path === undefined || path === '') {
        throw new SkipTask('set HNN_REAL_PENDULUM_DATA to real_pend_h_1.txt to include it');
      }
      const data = realPendulumDataset(await loadRealPendulum(path));
      return {
        data,
        batchSize: undefined,
        weightDecay: 1e-5,
        metrics: (field) => {
          realPendulumRolloutMetrics(field, data);
        },
      };
    }
    case 'two-body':
    case 'three-body': {
      const nbodies = id === 'two-body' ? 2 : 3;
      const base = nbodies === 2 ? TWO_BODY_CONFIG : THREE_BODY_CONFIG;
      const batchSize = nbodies === 2 ? 200 : 600;
      // Quick: enough orbits for one minibatch.
      const config = quick
        ? { ...base, seed: 0, trials: Math.ceil((2 * batchSize) / base.timesteps) }
        : { ...base, seed: 0 };
      const data = generateOrbitsDataset(config);
      return {
        data,
        batchSize,
        weightDecay: 0,
        metrics: (field) => {
          orbitRolloutMetrics(field, nbodies, quick ? { trials: 5, points: 50 } : {});
        },
      };
    }
  }
}
