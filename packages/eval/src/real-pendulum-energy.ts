import type { DatasetSplit } from '@hnn/datasets';
import type { OdeFunction } from '@hnn/integrators';
import { rollout } from './rollout.js';
import { groupedStats, MetricInputError, type MeanSe } from './stats.js';

/**
 * What the real-pendulum metric needs from the dataset (`RealPendulumDataset` of `@hnn/datasets`
 * has it): the test points in time order and their measurement times.
 */
export interface RealPendulumTestData {
  readonly dim: number;
  readonly test: DatasetSplit;
  /** Time (s) of each test point; 81.0 ... 99.1667 for the pinned file. */
  readonly testTimes: Float64Array;
}

/** Energy-metric recipe for Table 1 row 3 (the reference's analyze-real notebook). */
export interface RealPendulumEnergyConfig {
  /** SciPy's solve_ivp defaults, which the notebook keeps. */
  readonly rtol: number;
  readonly atol: number;
  /** Consecutive groups of per-point errors for the "±" (110 = 5 x 22). */
  readonly groups: number;
  /**
   * How the model is rolled out: absent, RK45 at rtol/atol as the notebook; `implicit-midpoint`
   * with steps of at most `dt`, a symplectic method that adds no energy drift of its own.
   */
  readonly modelIntegrator?: { readonly method: 'implicit-midpoint'; readonly dt: number };
}

export const REAL_PENDULUM_ENERGY_CONFIG: RealPendulumEnergyConfig = {
  rtol: 1e-3,
  atol: 1e-6,
  groups: 5,
};

/** The energy the notebook assigns to a real-pendulum state (q, p): 2.4 (1 - cos q) + p^2. */
export function realPendulumEnergy(q: number, p: number): number {
  return 2.4 * (1 - Math.cos(q)) + p * p;
}

export interface RealPendulumRolloutMetrics {
  /** Mean over the test points of (E(measured) - E(model path))^2; ± over 5 consecutive groups. */
  readonly energyMse: MeanSe;
  /** Mean over the test points of the squared coordinate error averaged over (q, p); same ±. */
  readonly coordMse: MeanSe;
  /** The model's path at the test times (one state per test point). */
  readonly path: Float64Array[];
  /** Evaluation times: the test times shifted to start at 0. */
  readonly times: Float64Array;
  /** Per-point squared energy errors, in test order. */
  readonly energySquaredErrors: Float64Array;
}

/**
 * Table 1's energy column for the real pendulum: integrate `modelField` with Dormand-Prince from
 * the first test point over the test times shifted to start at 0 (0 ... 18.17 s for the pinned
 * file), at SciPy's default tolerances, and compare E = 2.4 (1 - cos q) + p^2 of the model's path
 * with that of the measured test points, point by point.
 */
export function realPendulumRolloutMetrics(
  modelField: OdeFunction,
  data: RealPendulumTestData,
  config: RealPendulumEnergyConfig = REAL_PENDULUM_ENERGY_CONFIG,
): RealPendulumRolloutMetrics {
  const { test, testTimes } = data;
  if (data.dim !== 2) {
    throw new MetricInputError(`the real-pendulum metric needs 2-d states, got dim ${data.dim}`);
  }
  if (test.n !== testTimes.length || test.x.length !== 2 * test.n) {
    throw new MetricInputError(
      `the test split has ${test.n} points and ${test.x.length} values but ${testTimes.length} ` +
        'test times; pass the dataset from realPendulumDataset',
    );
  }
  const t0 = testTimes[0];
  if (test.n < 2 || t0 === undefined) {
    throw new MetricInputError('the real-pendulum metric needs at least two test points');
  }
  const times = new Float64Array(test.n);
  for (let k = 0; k < test.n; k++) {
    times[k] = testTimes[k]! - t0;
    if (k > 0 && !(times[k]! > times[k - 1]!)) {
      throw new MetricInputError(`test times must strictly increase (index ${k})`);
    }
  }
  const path = rollout(
    modelField,
    test.x.subarray(0, 2),
    times,
    config.modelIntegrator === undefined
      ? config
      : { ...config, integrator: config.modelIntegrator.method, dt: config.modelIntegrator.dt },
  ).ys;
  const energySq = new Float64Array(test.n);
  const coordSq = new Float64Array(test.n);
  for (let k = 0; k < test.n; k++) {
    const q = test.x[2 * k]!;
    const p = test.x[2 * k + 1]!;
    const y = path[k]!;
    energySq[k] = (realPendulumEnergy(q, p) - realPendulumEnergy(y[0]!, y[1]!)) ** 2;
    coordSq[k] = ((q - y[0]!) ** 2 + (p - y[1]!) ** 2) / 2;
  }
  return {
    energyMse: groupedStats(energySq, config.groups),
    coordMse: groupedStats(coordSq, config.groups),
    path,
    times,
    energySquaredErrors: energySq,
  };
}
