/**
 * "Beyond the paper": the D-HNN's two experiments, each training three models (MLP, HNN, D-HNN)
 * at the D-HNN code's settings and measuring what its notebooks measure.
 */
import {
  createBaseline,
  createDhnn,
  createHnn,
  predict,
  train,
  type BiasInit,
  type DynamicsModel,
  type Float64DhnnDynamics,
  type Float64Dynamics,
} from '@hnn/core';
import { DataFileMissingError, realPendulumHowToGet } from '@hnn/datasets';
import { loadRealPendulum } from '@hnn/datasets/node';
import {
  REAL_PENDULUM_ENERGY_CONFIG,
  realPendulumRolloutMetrics,
  squaredErrorStats,
  type MeanSe,
} from '@hnn/eval';
import type { OdeFunction } from '@hnn/integrators';
import { TaskInputError } from '../errors.js';
import { createProgressBar } from '../progress.js';
import {
  dampedSpringDataset,
  dhnnRealPendulumDataset,
  type DampedSpringDataset,
  type DhnnRealPendulumDataset,
} from './data.js';

/** The tasks of the "Beyond the paper" section (not rows of Table 1). */
export const BEYOND_TASK_IDS = ['damped-spring', 'real-pendulum-dhnn'] as const;
export type BeyondTaskId = (typeof BEYOND_TASK_IDS)[number];

export const isBeyondTask = (id: string): id is BeyondTaskId =>
  (BEYOND_TASK_IDS as readonly string[]).includes(id);

export const BEYOND_MODELS = ['mlp', 'hnn', 'dhnn'] as const;
export type BeyondModel = (typeof BEYOND_MODELS)[number];

/**
 * Training settings of the D-HNN code: train.py's get_args (hidden 256, batch 128, 5000 steps, no
 * weight decay) with each notebook's learning rate (analyze_dampedspring: 1e-3; analyze_realpend:
 * 5e-3). Our MLPs are this library's (2 hidden tanh layers, orthogonal weights), not theirs (a
 * residual second layer, default torch init, a constant t input), and minibatches are seeded
 * random draws (train()) rather than their consecutive slices.
 */
export interface BeyondSpec {
  readonly id: BeyondTaskId;
  readonly title: string;
  readonly steps: number;
  readonly learningRate: number;
  readonly hiddenDim: number;
  readonly batchSize: number;
}

export const BEYOND_SPECS: Readonly<Record<BeyondTaskId, BeyondSpec>> = {
  'damped-spring': {
    id: 'damped-spring',
    title: 'Damped mass-spring',
    steps: 5000,
    learningRate: 1e-3,
    hiddenDim: 256,
    batchSize: 128,
  },
  'real-pendulum-dhnn': {
    id: 'real-pendulum-dhnn',
    title: 'Real pendulum (D-HNN protocol)',
    steps: 5000,
    learningRate: 5e-3,
    hiddenDim: 256,
    batchSize: 128,
  },
};

/** Per-model results; the task-specific metrics are null where they do not apply. */
export interface BeyondModelResult {
  readonly trainLoss: MeanSe;
  readonly testLoss: MeanSe;
  /** Damped spring: MSE of the whole field on the test points. */
  readonly fieldMse: number | null;
  /**
   * Damped spring: MSE of the model's conservative part against S on the test points (the HNN's
   * whole field is conservative; the MLP has no parts: null).
   */
  readonly conservativeMse: number | null;
  /** As above for the dissipative part against R (the HNN's is identically zero). */
  readonly dissipativeMse: number | null;
  /** Real pendulum: the notebook's energy MSE, ± = std / sqrt(n) over the test points as it prints. */
  readonly energyMse: MeanSe | null;
  readonly coordMse: MeanSe | null;
  readonly trainSeconds: number;
  readonly msPerStep: number;
  readonly fastPath: string;
}

export interface BeyondRow {
  readonly task: BeyondTaskId;
  readonly seed: number;
  readonly steps: number;
  readonly backend: string;
  readonly generatedAt: string;
  readonly settings: {
    readonly learningRate: number;
    readonly hiddenDim: number;
    readonly batch: number;
    readonly biasInit: BiasInit;
    readonly iterations: number;
    readonly dataset: unknown;
  };
  readonly models: Readonly<Record<BeyondModel, BeyondModelResult>>;
}

/** What the figures get from a run: the data and float64 snapshots of the three models. */
export type BeyondArtifacts =
  | {
      readonly task: 'damped-spring';
      readonly seed: number;
      readonly data: DampedSpringDataset;
      readonly mlp: Float64Dynamics;
      readonly hnn: Float64Dynamics;
      readonly dhnn: Float64DhnnDynamics;
    }
  | {
      readonly task: 'real-pendulum-dhnn';
      readonly seed: number;
      readonly data: DhnnRealPendulumDataset;
      readonly mlp: Float64Dynamics;
      readonly hnn: Float64Dynamics;
      readonly dhnn: Float64DhnnDynamics;
    };

export interface RunBeyondOptions {
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  readonly biasInit?: BiasInit;
  /** real_pend_h_1.txt, as for Table 1's real-pendulum row. */
  readonly realPendulumPath: string | undefined;
  /** True when --tasks named this task: a missing data file then fails it instead of skipping. */
  readonly explicit: boolean;
  readonly log: (line: string) => void;
  readonly onTrained?: (artifacts: BeyondArtifacts) => Promise<void>;
}

type AnyData = DampedSpringDataset | DhnnRealPendulumDataset;

function createModel(kind: BeyondModel, spec: BeyondSpec, options: RunBeyondOptions) {
  const common = {
    inputDim: 2,
    hiddenDim: spec.hiddenDim,
    seed: options.seed,
    ...(options.biasInit === undefined ? {} : { biasInit: options.biasInit }),
  };
  return kind === 'mlp'
    ? createBaseline(common)
    : kind === 'hnn'
      ? createHnn(common)
      : createDhnn(common);
}

async function trainOne(
  spec: BeyondSpec,
  data: AnyData,
  kind: BeyondModel,
  options: RunBeyondOptions,
): Promise<{
  model: DynamicsModel;
  result: Awaited<ReturnType<typeof train>>;
  trainLoss: MeanSe;
  testLoss: MeanSe;
}> {
  const model = createModel(kind, spec, options);
  const bar = createProgressBar(`${spec.id} ${kind}`, options.steps + 1);
  let result;
  try {
    result = await train(model, {
      trainX: data.train.x,
      trainDx: data.train.dx,
      steps: options.steps,
      learningRate: spec.learningRate,
      weightDecay: 0,
      batchSize: Math.min(spec.batchSize, data.train.n),
      seed: options.seed,
      progressEvery: 10,
      onProgress: (p) => bar.update(p.step + 1, p.trainLoss),
    });
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    bar.stop();
  }
  const trainLoss = squaredErrorStats(
    predict(model, data.train.x, data.train.n),
    data.train.dx,
    data.train.n,
  );
  const testLoss = squaredErrorStats(
    predict(model, data.test.x, data.test.n),
    data.test.dx,
    data.test.n,
  );
  options.log(
    `${spec.id} ${kind}: ${result.seconds.toFixed(1)} s training (${result.msPerStep.toFixed(1)} ms/step, ` +
      `${result.fastPath}), test loss ${testLoss.mean.toExponential(2)}`,
  );
  return { model, result, trainLoss, testLoss };
}

/** Mean over points and both components of (a - b)^2, a and b row-major (n x 2). */
function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / b.length;
}

/** A float64 evaluator's method over a row-major batch of 2-d states. */
function rowsOf(f: (x: Float64Array, out: Float64Array) => void, x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / 2; r++)
    f(x.subarray(2 * r, 2 * r + 2), out.subarray(2 * r, 2 * r + 2));
  return out;
}

/** The damped spring's part-wise errors of one trained model on the test points. */
export function dampedSpringPartErrors(
  kind: BeyondModel,
  field: Float64Dynamics,
  dhnn: Float64DhnnDynamics | undefined,
  test: DampedSpringDataset['test'],
): Pick<BeyondModelResult, 'fieldMse' | 'conservativeMse' | 'dissipativeMse'> {
  const total = rowsOf(field.timeDerivative, test.x);
  const fieldMse = mse(total, test.dx);
  if (kind === 'mlp') return { fieldMse, conservativeMse: null, dissipativeMse: null };
  if (kind === 'hnn' || dhnn === undefined) {
    // An HNN's field is all conservative and its dissipative part is zero.
    return {
      fieldMse,
      conservativeMse: mse(total, test.conservative),
      dissipativeMse: mse(new Float64Array(test.x.length), test.dissipative),
    };
  }
  return {
    fieldMse,
    conservativeMse: mse(rowsOf(dhnn.conservative, test.x), test.conservative),
    dissipativeMse: mse(rowsOf(dhnn.dissipative, test.x), test.dissipative),
  };
}

/**
 * analyze_realpend.ipynb's energy metric: integrate from the first test state over the test times
 * (shifted to 0) with solve_ivp's defaults (RK45, rtol 1e-3, atol 1e-6; realPendulumRolloutMetrics
 * uses exactly those), compare E = 2.4 (1 - cos q) + p^2 point by point; it prints the mean and
 * std / sqrt(n) of the squared errors.
 */
function realPendulumEnergy(field: Float64Dynamics, data: DhnnRealPendulumDataset) {
  const ode: OdeFunction = (_t, y, out) => field.timeDerivative(y, out);
  // One group per test point: groupedStats' ± is then std / sqrt(n), the notebook's.
  const m = realPendulumRolloutMetrics(ode, data, {
    ...REAL_PENDULUM_ENERGY_CONFIG,
    groups: data.test.n,
  });
  return { energyMse: m.energyMse, coordMse: m.coordMse };
}

async function prepare(
  id: BeyondTaskId,
  options: RunBeyondOptions,
): Promise<AnyData | { skip: string }> {
  if (id === 'damped-spring') return dampedSpringDataset(options.seed);
  if (options.realPendulumPath === undefined) {
    const reason = `no data file given. ${realPendulumHowToGet()}`;
    if (options.explicit) throw new TaskInputError(`--tasks names ${id} but ${reason}`);
    return { skip: reason };
  }
  try {
    return dhnnRealPendulumDataset(await loadRealPendulum(options.realPendulumPath));
  } catch (err) {
    if (err instanceof DataFileMissingError && !options.explicit) return { skip: err.message };
    throw err;
  }
}

/** Trains MLP, HNN and D-HNN on one task and seed and measures them; a skip when data is absent. */
export async function runBeyondTask(
  id: BeyondTaskId,
  options: RunBeyondOptions,
): Promise<BeyondRow | { skip: string }> {
  const spec = BEYOND_SPECS[id];
  const data = await prepare(id, options);
  if ('skip' in data) return data;
  options.log(`${id}: ${data.train.n} train / ${data.test.n} test points`);
  const results = {} as Record<BeyondModel, BeyondModelResult>;
  const fields = {} as Record<BeyondModel, Float64Dynamics>;
  let dhnnField: Float64DhnnDynamics | undefined;
  for (const kind of BEYOND_MODELS) {
    const { model, result, trainLoss, testLoss } = await trainOne(spec, data, kind, options);
    let field: Float64Dynamics;
    try {
      if (kind === 'dhnn') {
        dhnnField = (model as ReturnType<typeof createDhnn>).toFloat64();
        field = dhnnField;
      } else {
        field = model.toFloat64();
      }
    } finally {
      model.dispose();
    }
    fields[kind] = field;
    const specific =
      'conservative' in data.test
        ? {
            ...dampedSpringPartErrors(
              kind,
              field,
              kind === 'dhnn' ? dhnnField : undefined,
              data.test,
            ),
            energyMse: null,
            coordMse: null,
          }
        : {
            fieldMse: null,
            conservativeMse: null,
            dissipativeMse: null,
            ...realPendulumEnergy(field, data as DhnnRealPendulumDataset),
          };
    results[kind] = {
      trainLoss,
      testLoss,
      ...specific,
      trainSeconds: result.seconds,
      msPerStep: result.msPerStep,
      fastPath: result.fastPath,
    };
  }
  if (dhnnField === undefined) throw new Error('the D-HNN was not trained');
  const common = { seed: options.seed, mlp: fields.mlp, hnn: fields.hnn, dhnn: dhnnField };
  await options.onTrained?.(
    id === 'damped-spring'
      ? { task: id, data: data as DampedSpringDataset, ...common }
      : { task: id, data: data as DhnnRealPendulumDataset, ...common },
  );
  return {
    task: id,
    seed: options.seed,
    steps: options.steps,
    backend: options.backend,
    generatedAt: new Date().toISOString(),
    settings: {
      learningRate: spec.learningRate,
      hiddenDim: spec.hiddenDim,
      batch: spec.batchSize,
      biasInit: options.biasInit ?? 'torch',
      iterations: options.steps + 1,
      dataset: data.config,
    },
    models: results,
  };
}
