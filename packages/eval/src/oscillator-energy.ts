import type { OdeFunction } from '@hnn/integrators';
import { linspace, type HamiltonianSystem } from '@hnn/datasets';
import { RandomState } from '@hnn/random';
import { rollout } from './rollout.js';
import { groupedStats, type MeanSe } from './stats.js';

/**
 * `paper`: what the reference notebooks do, quirks included, so numbers compare with Table 1.
 * `corrected`: the true Hamiltonian and one fixed horizon for truth and models.
 */
export type Protocol = 'paper' | 'corrected';

/** Energy-metric recipe for the 1-degree-of-freedom tasks (Table 1 rows 1-2). */
export interface OscillatorEnergyConfig {
  readonly protocol: Protocol;
  /** Seed of the numpy-compatible generator that draws the start points. */
  readonly seed: number;
  /** Number of rollouts (the reference: 5 splits x 3 samples). */
  readonly trials: number;
  /** Groups for the standard error (consecutive trials). */
  readonly groups: number;
  /** Horizon of the truth rollout in the first trial. */
  readonly tEnd: number;
  /** Evaluation points per rollout. */
  readonly points: number;
  readonly rtol: number;
  readonly atol: number;
  /**
   * Factor by which the reference stretches time before integrating the models, applied in place
   * to its shared `t_span`/`t_eval` so that it compounds from trial to trial (mass-spring notebook
   * only). 1 disables it.
   */
  readonly timeStretch: number;
  /** `phase-radius`: q^2 + p^2 (the notebooks, for both tasks); `hamiltonian`: the system's H. */
  readonly energy: 'phase-radius' | 'hamiltonian';
  /**
   * How the model is rolled out (the truth always by RK45 at rtol/atol): absent, RK45 as the
   * reference; `implicit-midpoint` at step `dt`, a symplectic method, so that what remains of the
   * energy error is the model's, not the integrator's.
   */
  readonly modelIntegrator?: { readonly method: 'implicit-midpoint'; readonly dt: number };
}

/**
 * The corrected protocol with the model rolled out by the implicit midpoint rule at step 0.01
 * (20 steps between the metric's output times, spaced 20/99).
 */
export function symplecticEnergyConfig(
  task: 'mass-spring' | 'pendulum',
  seed: number,
): OscillatorEnergyConfig {
  const corrected = oscillatorEnergyConfig(task, 'corrected', seed);
  const spacing = corrected.tEnd / (corrected.points - 1);
  return { ...corrected, modelIntegrator: { method: 'implicit-midpoint', dt: spacing / 20 } };
}

const COMMON = { trials: 15, groups: 5, points: 100, rtol: 1e-12, atol: 1e-6 } as const;

/**
 * The recipe for `task` under `protocol`. Paper protocol facts (reference notebooks
 * analyze-spring/analyze-pend): 15 starts x0 ~ U(-0.8, 0.8)^2 pushed 0.2 away from the axes,
 * t in [0, 20] at 100 points, rtol 1e-12 with SciPy's default atol 1e-6, energy q^2 + p^2; for the
 * spring the models' time is stretched by 1.09 per trial in place, and the notebook's earlier
 * figure cell had already stretched the horizon once, so trial i integrates the truth to
 * 20 * 1.09^(i+1) and the models to 20 * 1.09^(i+2).
 */
export function oscillatorEnergyConfig(
  task: 'mass-spring' | 'pendulum',
  protocol: Protocol,
  seed: number,
): OscillatorEnergyConfig {
  if (protocol === 'corrected') {
    return { ...COMMON, protocol, seed, tEnd: 20, timeStretch: 1, energy: 'hamiltonian' };
  }
  const stretch = task === 'mass-spring' ? 1.09 : 1;
  return {
    ...COMMON,
    protocol,
    seed,
    tEnd: 20 * stretch,
    timeStretch: stretch,
    energy: 'phase-radius',
  };
}

export interface RolloutMetrics {
  /** MSE between true and predicted energy per trajectory, averaged; ± over groups. */
  readonly energyMse: MeanSe;
  /** MSE between true and predicted coordinates per trajectory (only where times coincide). */
  readonly coordMse: MeanSe | null;
  readonly perTrialEnergyMse: Float64Array;
  readonly starts: Float64Array[];
}

/** Start points as the notebooks draw them: U(-0.8, 0.8)^2, then 0.2 * sign added. */
export function drawOscillatorStarts(seed: number, trials: number): Float64Array[] {
  const rng = new RandomState(seed);
  const starts: Float64Array[] = [];
  for (let i = 0; i < trials; i++) {
    const x0 = new Float64Array([rng.rand() * 1.6 - 0.8, rng.rand() * 1.6 - 0.8]);
    for (let k = 0; k < 2; k++) x0[k]! += 0.2 * Math.sign(x0[k]!);
    starts.push(x0);
  }
  return starts;
}

/**
 * Energy (and coordinate) MSE of a learned vector field against the true system along rollouts
 * from the same start points, as Table 1's energy column.
 */
export function oscillatorRolloutMetrics(
  modelField: OdeFunction,
  system: HamiltonianSystem,
  config: OscillatorEnergyConfig,
): RolloutMetrics {
  const energyOf =
    config.energy === 'hamiltonian'
      ? (x: Float64Array) => system.hamiltonian(x)
      : (x: Float64Array) => x[0]! * x[0]! + x[1]! * x[1]!;
  const trueField: OdeFunction = (t, y, out) => system.timeDerivative(t, y, out);
  const starts = drawOscillatorStarts(config.seed, config.trials);
  const perTrial = new Float64Array(config.trials);
  const coordPerTrial = new Float64Array(config.trials);
  const tols = { rtol: config.rtol, atol: config.atol };

  // The reference's shared, in-place-mutated evaluation grid (see oscillatorEnergyConfig).
  const tEval = linspace(0, config.tEnd, config.points);
  for (let i = 0; i < config.trials; i++) {
    const x0 = starts[i]!;
    const truth = rollout(trueField, x0, tEval, tols).ys;
    if (config.timeStretch !== 1) {
      for (let k = 0; k < tEval.length; k++) tEval[k]! *= config.timeStretch;
    }
    const model = rollout(
      modelField,
      x0,
      tEval,
      config.modelIntegrator === undefined
        ? tols
        : { ...tols, integrator: config.modelIntegrator.method, dt: config.modelIntegrator.dt },
    ).ys;
    let se = 0;
    let sc = 0;
    for (let k = 0; k < truth.length; k++) {
      const a = truth[k]!;
      const b = model[k]!;
      se += (energyOf(a) - energyOf(b)) ** 2;
      sc += ((a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2) / 2;
    }
    perTrial[i] = se / truth.length;
    coordPerTrial[i] = sc / truth.length;
  }
  return {
    energyMse: groupedStats(perTrial, config.groups),
    coordMse: config.timeStretch === 1 ? groupedStats(coordPerTrial, config.groups) : null,
    perTrialEnergyMse: perTrial,
    starts,
  };
}
