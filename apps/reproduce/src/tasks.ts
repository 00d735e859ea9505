import {
  DataFileMissingError,
  THREE_BODY_CONFIG,
  TWO_BODY_CONFIG,
  generateOrbitsDataset,
  idealPendulum,
  massSpring,
  massSpringDataset,
  pendulumDataset,
  realPendulumDataset,
  realPendulumHowToGet,
  type Dataset,
  type HamiltonianSystem,
  type TaskId,
} from '@hnn/datasets';
import { cachedDataset, loadRealPendulum } from '@hnn/datasets/node';
import {
  REAL_PENDULUM_ENERGY_CONFIG,
  RolloutError,
  THREE_BODY_ENERGY_CONFIG,
  TWO_BODY_ENERGY_CONFIG,
  drawOrbitStarts,
  drawOscillatorStarts,
  oscillatorEnergyConfig,
  symplecticEnergyConfig,
  orbitRolloutMetrics,
  oscillatorRolloutMetrics,
  realPendulumRolloutMetrics,
  reversibilityMetric,
  type MeanSe,
  type ReversibilityResult,
} from '@hnn/eval';
import type { OdeFunction } from '@hnn/integrators';
import { TaskInputError } from './errors.js';

export interface TaskContext {
  readonly seed: number;
  /**
   * Path of real_pend_h_1.txt, from --real-pendulum-data or HNN_REAL_PENDULUM_DATA (absolute, or
   * '' when the flag was given empty: loadRealPendulum reports that).
   */
  readonly realPendulumPath: string | undefined;
  /** Generated-dataset cache; null when the directory is unusable and the run goes on without. */
  readonly cacheDir: string | null;
  /** True when --tasks named this task: then a missing input fails it instead of skipping it. */
  readonly explicit: boolean;
  readonly log: (line: string) => void;
}

export interface TaskMetrics {
  /** Energy MSE under the paper protocol. */
  readonly energyMse: MeanSe;
  /** Energy MSE under the corrected protocol; null where the paper's metric has no quirk to fix. */
  readonly energyMseCorrected: MeanSe | null;
  /** The corrected protocol with the model rolled out by the implicit midpoint rule (rows 1-2). */
  readonly energyMseSymplectic?: MeanSe;
  readonly coordMse: MeanSe;
  /** Forward-then-backward return error over the metric's start points (paper Section 6). */
  readonly reversibility: ReversibilityResult;
}

/** A task's data, ready to train on, and the rollout metrics to apply to a trained field. */
export interface PreparedTask {
  readonly data: Dataset;
  readonly generationSeconds: number;
  readonly cacheHit?: boolean;
  metrics(field: OdeFunction): TaskMetrics;
}

export interface SkippedTask {
  readonly skip: string;
}

/** Everything the app needs to run one Table 1 row, with the paper's settings as defaults. */
export interface TaskSpec {
  readonly id: VectorFieldTask;
  readonly title: string;
  readonly steps: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly hiddenDim: number;
  /** Minibatch size; full batch when undefined. */
  readonly batchSize: number | undefined;
  prepare(ctx: TaskContext): Promise<PreparedTask | SkippedTask>;
}

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Rows 1-2: paper protocol (notebook quirks) and corrected protocol (true H, fixed horizon). */
function oscillatorTask(
  id: 'mass-spring' | 'pendulum',
  title: string,
  system: HamiltonianSystem,
  make: (seed: number) => Dataset,
): TaskSpec {
  return {
    id,
    title,
    steps: 2000,
    learningRate: 1e-3,
    weightDecay: 1e-4,
    hiddenDim: 200,
    batchSize: undefined,
    prepare: (ctx) => {
      const { value: data, seconds } = timed(() => make(ctx.seed));
      return Promise.resolve({
        data,
        generationSeconds: seconds,
        metrics: (field) => {
          const paper = oscillatorRolloutMetrics(
            field,
            system,
            oscillatorEnergyConfig(id, 'paper', ctx.seed),
          );
          const corrected = oscillatorRolloutMetrics(
            field,
            system,
            oscillatorEnergyConfig(id, 'corrected', ctx.seed),
          );
          if (!corrected.coordMse) throw new Error('the corrected protocol always has coordinates');
          // The same, with the model rolled out by a symplectic method: what is left of the
          // energy error is the model's, not RK45's.
          const symplectic = oscillatorRolloutMetrics(
            field,
            system,
            symplecticEnergyConfig(id, ctx.seed),
          );
          // Round trips over the corrected protocol's horizon from its 15 start points.
          const reversibility = reversibilityMetric(
            field,
            drawOscillatorStarts(ctx.seed, 15),
            oscillatorEnergyConfig(id, 'corrected', ctx.seed).tEnd,
          );
          return {
            energyMse: paper.energyMse,
            energyMseCorrected: corrected.energyMse,
            energyMseSymplectic: symplectic.energyMse,
            coordMse: corrected.coordMse,
            reversibility,
          };
        },
      });
    },
  };
}

/** Row 3: the Schmidt & Lipson measurements, read from a path the user gives (never committed). */
const realPendulumTask: TaskSpec = {
  id: 'real-pendulum',
  title: 'Real pendulum',
  steps: 2000,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  hiddenDim: 200,
  batchSize: undefined,
  prepare: async (ctx) => {
    // The data is not ours to ship, so in a run of every task its absence is a skip (exit 0);
    // a run that names the task asked for it, so there it is a failure. A file that is there but
    // wrong (directory, checksum, malformed) is always a failure: the user meant to give it.
    if (ctx.realPendulumPath === undefined) {
      const reason = `no data file given. ${realPendulumHowToGet()}`;
      if (ctx.explicit) throw new TaskInputError(`--tasks names real-pendulum but ${reason}`);
      return { skip: reason };
    }
    const t0 = performance.now();
    let data;
    try {
      data = realPendulumDataset(await loadRealPendulum(ctx.realPendulumPath));
    } catch (err) {
      if (err instanceof DataFileMissingError && !ctx.explicit) return { skip: err.message };
      throw err;
    }
    return {
      data,
      generationSeconds: (performance.now() - t0) / 1000,
      metrics: (field) => {
        const m = realPendulumRolloutMetrics(field, data);
        const symplectic = symplecticOrUndefined(() =>
          realPendulumRolloutMetrics(field, data, {
            ...REAL_PENDULUM_ENERGY_CONFIG,
            // 20 steps per 1/6 s measurement interval at most.
            modelIntegrator: { method: 'implicit-midpoint', dt: 1 / 6 / 20 },
          }),
        );
        // Five measured test states, 22 apart, each out and back over the test window (18.2 s).
        const starts = [0, 22, 44, 66, 88].map((k) => data.test.x.slice(2 * k, 2 * k + 2));
        const T = data.testTimes[data.testTimes.length - 1]! - data.testTimes[0]!;
        return {
          energyMse: m.energyMse,
          energyMseCorrected: null,
          ...(symplectic === undefined ? {} : { energyMseSymplectic: symplectic.energyMse }),
          coordMse: m.coordMse,
          reversibility: reversibilityMetric(field, starts, T),
        };
      },
    };
  },
};

/**
 * A metric with the model rolled out by the implicit midpoint rule, or undefined when that
 * rollout cannot finish (its fixed-point iteration need not converge where a learned field is
 * steep, e.g. a close encounter of the bodies); the row then has no symplectic value.
 */
function symplecticOrUndefined<T>(measure: () => T): T | undefined {
  try {
    return measure();
  } catch (err) {
    if (err instanceof RolloutError) return undefined;
    throw err;
  }
}

/**
 * Row 4 (two-body) and the appendix's three-body task: generated orbits, cached on disk by their
 * full configuration; energy MSE over 15 seeded orbits (trial i from seed i, as the notebooks).
 */
function orbitTask(
  id: 'two-body' | 'three-body',
  title: string,
  options: { steps: number; batchSize: number; weightDecay: number },
): TaskSpec {
  const nbodies = id === 'two-body' ? 2 : 3;
  const base = nbodies === 2 ? TWO_BODY_CONFIG : THREE_BODY_CONFIG;
  return {
    id,
    title,
    steps: options.steps,
    learningRate: 1e-3,
    weightDecay: options.weightDecay,
    hiddenDim: 200,
    batchSize: options.batchSize,
    prepare: async (ctx) => {
      const config = { ...base, seed: ctx.seed };
      const cached = await cachedDataset(
        { task: id, config },
        () => generateOrbitsDataset(config),
        { dir: ctx.cacheDir },
      );
      if (cached.note !== undefined) ctx.log(`${id}: ${cached.note}`);
      return {
        data: cached.dataset,
        generationSeconds: cached.seconds,
        cacheHit: cached.hit,
        metrics: (field) => {
          const m = orbitRolloutMetrics(field, nbodies);
          const energy = nbodies === 2 ? TWO_BODY_ENERGY_CONFIG : THREE_BODY_ENERGY_CONFIG;
          const spacing = (energy.tSpan[1] - energy.tSpan[0]) / (energy.points - 1);
          const symplectic = symplecticOrUndefined(() =>
            orbitRolloutMetrics(field, nbodies, {
              modelIntegrator: { method: 'implicit-midpoint', dt: spacing / 20 },
            }),
          );
          // The energy metric's 15 orbits, each out and back over its horizon.
          const reversibility = reversibilityMetric(
            field,
            drawOrbitStarts(nbodies, energy.seed0, energy.trials),
            energy.tSpan[1] - energy.tSpan[0],
          );
          return {
            energyMse: m.energyMse,
            energyMseCorrected: null,
            ...(symplectic === undefined ? {} : { energyMseSymplectic: symplectic.energyMse }),
            coordMse: m.coordMse,
            reversibility,
          };
        },
      };
    },
  };
}

/** Tasks trained on (state, derivative) pairs; the pixel pendulum has its own runner. */
export type VectorFieldTask = Exclude<TaskId, 'pixel-pendulum'>;

export const TASKS: Readonly<Record<VectorFieldTask, TaskSpec>> = {
  'mass-spring': oscillatorTask('mass-spring', 'Ideal mass-spring', massSpring, (seed) =>
    massSpringDataset({ seed }),
  ),
  pendulum: oscillatorTask('pendulum', 'Ideal pendulum', idealPendulum, (seed) =>
    pendulumDataset({ seed }),
  ),
  'real-pendulum': realPendulumTask,
  // Protocol: minibatch 200, 10,000 steps, no weight decay.
  'two-body': orbitTask('two-body', 'Two-body', { steps: 10000, batchSize: 200, weightDecay: 0 }),
  // experiment-3body/train.py: minibatch 600, 10,000 steps, weight decay 1e-4.
  'three-body': orbitTask('three-body', 'Three-body (appendix B)', {
    steps: 10000,
    batchSize: 600,
    weightDecay: 1e-4,
  }),
};
