import { solveDopri5 } from '@hnn/integrators';
import { RandomState } from '@hnn/random';
import { DatasetConfigError, DatasetGenerationError } from './errors.js';
import { linspace } from './linspace.js';
import type { Dataset, HamiltonianSystem, TaskId } from './types.js';

/**
 * Recipe for the paper's one-degree-of-freedom tasks (Section 4, tasks 1 and 2), with the
 * reference code's exact choices as defaults in the per-task configs below.
 */
export interface OscillatorDatasetConfig {
  /** Seed of the numpy-compatible generator; the reference seeds numpy with the experiment seed. */
  readonly seed: number;
  /** Number of trajectories. */
  readonly trajectories: number;
  /** Time span of each trajectory. */
  readonly tSpan: readonly [number, number];
  /** Evenly spaced observation times per trajectory (numpy.linspace over tSpan). */
  readonly pointsPerTrajectory: number;
  /**
   * Start radius in phase space, drawn as `rand() * width + low` -- the reference's own expression
   * (spring `rand()*0.9 + 0.1`, pendulum `rand() + 1.3`), so the radii are numpy's to the bit
   * (writing the pendulum's as `rand() * (2.3 - 1.3) + 1.3` differs by an ulp on 39% of draws).
   */
  readonly radius: { readonly low: number; readonly width: number };
  /** Standard deviation of Gaussian noise added to q and p (targets stay exact). */
  readonly noiseStd: number;
  /** Fraction of points (in generation order) that go to the training split. */
  readonly trainFraction: number;
  /** Relative tolerance of the Dormand-Prince solver; absolute tolerance stays SciPy's 1e-6. */
  readonly rtol: number;
  readonly atol: number;
}

/** Task 1: mass-spring, as experiment-spring/data.py (50 x 30 points over [0, 3], r ~ U(0.1, 1)). */
export const MASS_SPRING_CONFIG: OscillatorDatasetConfig = {
  seed: 0,
  trajectories: 50,
  tSpan: [0, 3],
  pointsPerTrajectory: 30,
  radius: { low: 0.1, width: 0.9 },
  noiseStd: 0.1,
  trainFraction: 0.5,
  rtol: 1e-10,
  atol: 1e-6,
};

/** Task 2: ideal pendulum, as experiment-pend/data.py (50 x 45 points over [0, 3], r ~ U(1.3, 2.3)). */
export const PENDULUM_CONFIG: OscillatorDatasetConfig = {
  ...MASS_SPRING_CONFIG,
  pointsPerTrajectory: 45,
  radius: { low: 1.3, width: 1 },
};

/** What {@link oscillatorTrajectories} needs of a config: all of it but the train/test split. */
export type OscillatorTrajectoryConfig = Omit<OscillatorDatasetConfig, 'trainFraction'>;

/** One generated trajectory: observation times, noisy states and exact time derivatives. */
export interface OscillatorTrajectory {
  /** Its index in generation order. */
  readonly index: number;
  /** The observation times (the same array for every trajectory). */
  readonly t: Float64Array;
  /** Row-major (points x 2) states [q, p] with the observation noise added. */
  readonly x: Float64Array;
  /** Row-major (points x 2) exact derivatives at the noiseless states. */
  readonly dx: Float64Array;
}

function validate(config: OscillatorTrajectoryConfig & { readonly trainFraction?: number }): void {
  const { trajectories, pointsPerTrajectory, radius, noiseStd, trainFraction, tSpan } = config;
  const problems: string[] = [];
  if (!Number.isInteger(trajectories) || trajectories < 1)
    problems.push('trajectories must be a positive integer');
  if (!Number.isInteger(pointsPerTrajectory) || pointsPerTrajectory < 2)
    problems.push('pointsPerTrajectory must be an integer >= 2');
  if (!(radius.low > 0 && radius.width >= 0 && Number.isFinite(radius.width)))
    problems.push('radius must have low > 0 and a finite width >= 0');
  if (!(noiseStd >= 0)) problems.push('noiseStd must be >= 0');
  if (trainFraction !== undefined && !(trainFraction > 0 && trainFraction < 1))
    problems.push('trainFraction must be in (0, 1)');
  if (!(Number.isFinite(tSpan[0]) && Number.isFinite(tSpan[1]) && tSpan[1] > tSpan[0]))
    problems.push('tSpan must be finite and increasing');
  if (problems.length > 0) {
    throw new DatasetConfigError(`invalid dataset configuration: ${problems.join('; ')}`);
  }
}

/**
 * Generates trajectories of a 1-degree-of-freedom system the way the reference does: per trajectory
 * draw y0 ~ U(-1, 1)^2, rescale to a radius ~ U(low, low + width), integrate with Dormand-Prince at
 * the observation times, take exact targets from the true field at the solved states, then add
 * Gaussian noise to q and p only. The order of random draws is the reference's, so with the same
 * seed the start points and noise are numpy's. One trajectory at a time, so that a caller can
 * stream a large data set (the `hnn make-data` command writes each as CSV rows).
 */
export function* oscillatorTrajectories(
  system: HamiltonianSystem,
  config: OscillatorTrajectoryConfig,
): Generator<OscillatorTrajectory, void, undefined> {
  validate(config);
  if (system.dim !== 2) {
    throw new DatasetConfigError(
      `${system.name}: oscillator datasets need a 2-d system, got dim ${system.dim}`,
    );
  }
  const rng = new RandomState(config.seed);
  const { trajectories, pointsPerTrajectory: m, noiseStd } = config;
  const tEval = linspace(config.tSpan[0], config.tSpan[1], m);
  const deriv = new Float64Array(2);
  const f = (t: number, y: Float64Array, out: Float64Array) => system.timeDerivative(t, y, out);

  for (let s = 0; s < trajectories; s++) {
    const y0 = new Float64Array([rng.rand() * 2 - 1, rng.rand() * 2 - 1]);
    const radius = rng.rand() * config.radius.width + config.radius.low;
    const norm = Math.sqrt(y0[0]! * y0[0]! + y0[1]! * y0[1]!);
    y0[0] = (y0[0]! / norm) * radius;
    y0[1] = (y0[1]! / norm) * radius;

    const sol = solveDopri5(f, config.tSpan, y0, {
      tEval,
      rtol: config.rtol,
      atol: config.atol,
    });
    if (sol.status !== 'success' || sol.ys.length !== m) {
      throw new DatasetGenerationError(
        `${system.name}: trajectory ${s} failed (${sol.status}): ${sol.message}`,
      );
    }
    const x = new Float64Array(m * 2);
    const dx = new Float64Array(m * 2);
    for (let i = 0; i < m; i++) {
      const y = sol.ys[i]!;
      system.timeDerivative(tEval[i]!, y, deriv);
      x[i * 2] = y[0]!;
      x[i * 2 + 1] = y[1]!;
      dx[i * 2] = deriv[0]!;
      dx[i * 2 + 1] = deriv[1]!;
    }
    // numpy draws all of q's noise, then all of p's.
    for (let i = 0; i < m; i++) x[i * 2]! += rng.randn() * noiseStd;
    for (let i = 0; i < m; i++) x[i * 2 + 1]! += rng.randn() * noiseStd;
    yield { index: s, t: tEval, x, dx };
  }
}

/**
 * The reference's data set of a 1-degree-of-freedom system: {@link oscillatorTrajectories}, its
 * points concatenated in generation order and split at int(total * trainFraction).
 */
export function generateOscillatorDataset(
  task: TaskId,
  system: HamiltonianSystem,
  config: OscillatorDatasetConfig,
): Dataset<OscillatorDatasetConfig> {
  validate(config);
  const { trajectories, pointsPerTrajectory: m } = config;
  const total = trajectories * m;
  const x = new Float64Array(total * 2);
  const dx = new Float64Array(total * 2);
  for (const trajectory of oscillatorTrajectories(system, config)) {
    x.set(trajectory.x, trajectory.index * m * 2);
    dx.set(trajectory.dx, trajectory.index * m * 2);
  }
  // The reference splits the concatenated points (not trajectories) at int(total * fraction).
  const nTrain = Math.floor(total * config.trainFraction);
  return {
    task,
    dim: 2,
    train: { x: x.slice(0, nTrain * 2), dx: dx.slice(0, nTrain * 2), n: nTrain },
    test: { x: x.slice(nTrain * 2), dx: dx.slice(nTrain * 2), n: total - nTrain },
    config,
  };
}
