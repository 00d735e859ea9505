import type { OdeFunction } from '@hnn/integrators';
import { linspace, nBodySystem, randomOrbitState, solveOrbit } from '@hnn/datasets';
import { RandomState } from '@hnn/random';
import { RolloutError, rollout } from './rollout.js';
import { groupedStats, MetricInputError, type MeanSe } from './stats.js';

/**
 * Energy-metric recipe for the orbit tasks, as the reference notebooks run it
 * (analyze-2body.ipynb / analyze-3body.ipynb):
 *
 *     for trial_ix in range(15):
 *         np.random.seed(trial_ix); state = random_config()
 *         orbit = get_orbit(state, t_points, t_span)              # truth, rtol 1e-9
 *         base_orbit = get_orbit(state, ..., update_fn=model)     # same solver, same tolerances
 *         true_energies.append(total_energy(orbit)); ...
 *     MSE = mean((true - model)^2) over the [15, t_points] array
 *     +/- = std of the means of np.split(distance, 5) (5 groups of 3 trials) / sqrt(5)
 */
export interface OrbitEnergyConfig {
  readonly nbodies: 2 | 3;
  /** Trial i draws its start from RandomState(seed0 + i) (the notebooks: np.random.seed(i)). */
  readonly seed0: number;
  readonly trials: number;
  /** Groups of consecutive trials for the standard error (the notebooks' `splits = 5`). */
  readonly groups: number;
  readonly tSpan: readonly [number, number];
  /** Evenly spaced evaluation times over tSpan (numpy.linspace). */
  readonly points: number;
  /** get_orbit's rtol 1e-9 with SciPy's default atol 1e-6, for truth and models alike. */
  readonly rtol: number;
  readonly atol: number;
  /**
   * How the model is rolled out (the truth always by RK45): absent, RK45 at rtol/atol as the
   * reference; `implicit-midpoint` with steps of at most `dt`, a symplectic method.
   */
  readonly modelIntegrator?: { readonly method: 'implicit-midpoint'; readonly dt: number };
}

/** Two-body (Table 1 row 4): 15 trials over t in [0, 25] at 500 points. */
export const TWO_BODY_ENERGY_CONFIG: OrbitEnergyConfig = {
  nbodies: 2,
  seed0: 0,
  trials: 15,
  groups: 5,
  tSpan: [0, 25],
  points: 500,
  rtol: 1e-9,
  atol: 1e-6,
};

/**
 * Three-body (appendix B): the analyze-3body energy loop uses t_span [0, 3] with 500 points and
 * the same 15 seeded trials (the dataset's horizon is [0, 5]).
 */
export const THREE_BODY_ENERGY_CONFIG: OrbitEnergyConfig = {
  ...TWO_BODY_ENERGY_CONFIG,
  nbodies: 3,
  tSpan: [0, 3],
};

export interface OrbitRolloutMetrics {
  /** MSE between true and model total energy over all trials x points; ± over trial groups. */
  readonly energyMse: MeanSe;
  /** MSE between true and model canonical coordinates (mean over dims), same grouping. */
  readonly coordMse: MeanSe;
  readonly perTrialEnergyMse: Float64Array;
  readonly perTrialCoordMse: Float64Array;
  /** Canonical start state of each trial. */
  readonly starts: Float64Array[];
  /** Total energy along the true and model rollouts, one array of `points` values per trial. */
  readonly trueEnergies: Float64Array[];
  readonly modelEnergies: Float64Array[];
  readonly config: OrbitEnergyConfig;
}

function validate(config: OrbitEnergyConfig): void {
  const { trials, groups, points, tSpan, seed0 } = config;
  const problems: string[] = [];
  if (config.nbodies !== 2 && config.nbodies !== 3) problems.push('nbodies must be 2 or 3');
  if (!Number.isInteger(trials) || trials < 1) problems.push('trials must be a positive integer');
  if (!Number.isInteger(groups) || groups < 1 || trials % groups !== 0)
    problems.push(`trials (${trials}) must split into ${groups} equal groups`);
  if (!Number.isInteger(points) || points < 2) problems.push('points must be an integer >= 2');
  if (!(tSpan[1] > tSpan[0])) problems.push('tSpan must be increasing');
  if (!Number.isInteger(seed0) || seed0 < 0) problems.push('seed0 must be a non-negative integer');
  if (problems.length > 0) {
    throw new MetricInputError(`invalid orbit energy configuration: ${problems.join('; ')}`);
  }
}

/**
 * Start states of the energy metric: trial i draws `random_config()` from RandomState(seed0 + i).
 */
export function drawOrbitStarts(nbodies: 2 | 3, seed0: number, trials: number): Float64Array[] {
  const starts: Float64Array[] = [];
  for (let i = 0; i < trials; i++)
    starts.push(randomOrbitState(nbodies, new RandomState(seed0 + i)));
  return starts;
}

/**
 * Energy and coordinate MSE of a learned vector field (on canonical coordinates
 * [qx.., qy.., px.., py..]) against the true N-body dynamics along rollouts from the metric's
 * seeded start states. Both rollouts use the reference's solver setup (Dormand-Prince on the
 * per-body layout [m, qx, qy, px, py], rtol 1e-9, atol 1e-6). Energy is the true total energy
 * sum |p|^2/2 - sum 1/r evaluated on both paths. Throws `RolloutError` if a rollout stops early
 * (the reference would crash reshaping a short solution).
 */
export function orbitRolloutMetrics(
  modelField: OdeFunction,
  nbodies: 2 | 3,
  options: Partial<Omit<OrbitEnergyConfig, 'nbodies'>> = {},
): OrbitRolloutMetrics {
  const base = nbodies === 2 ? TWO_BODY_ENERGY_CONFIG : THREE_BODY_ENERGY_CONFIG;
  const config: OrbitEnergyConfig = { ...base, ...options, nbodies };
  validate(config);
  const system = nBodySystem(nbodies);
  const dim = system.dim;
  const trueField: OdeFunction = (t, y, out) => system.timeDerivative(t, y, out);
  const tEval = linspace(config.tSpan[0], config.tSpan[1], config.points);
  const tols = { rtol: config.rtol, atol: config.atol };
  const starts = drawOrbitStarts(nbodies, config.seed0, config.trials);

  const { trials, points } = config;
  const energySq = new Float64Array(trials * points);
  const coordSq = new Float64Array(trials * points);
  const perTrialEnergyMse = new Float64Array(trials);
  const perTrialCoordMse = new Float64Array(trials);
  const trueEnergies: Float64Array[] = [];
  const modelEnergies: Float64Array[] = [];

  const run = (field: OdeFunction, which: string, i: number) => {
    const sol = solveOrbit(field, nbodies, starts[i]!, tEval, tols);
    if (sol.status !== 'success') {
      throw new RolloutError(
        `${which} rollout of trial ${i} stopped after ${sol.states.length} of ${points} points: ` +
          sol.message,
      );
    }
    return sol.states;
  };

  for (let i = 0; i < trials; i++) {
    const truth = run(trueField, 'true', i);
    const model =
      config.modelIntegrator === undefined
        ? run(modelField, 'model', i)
        : rollout(modelField, starts[i]!, tEval, {
            ...tols,
            integrator: config.modelIntegrator.method,
            dt: config.modelIntegrator.dt,
          }).ys;
    const eTrue = new Float64Array(points);
    const eModel = new Float64Array(points);
    let se = 0;
    let sc = 0;
    for (let k = 0; k < points; k++) {
      const a = truth[k]!;
      const b = model[k]!;
      eTrue[k] = system.hamiltonian(a);
      eModel[k] = system.hamiltonian(b);
      const de = (eTrue[k]! - eModel[k]!) ** 2;
      let dc = 0;
      for (let d = 0; d < dim; d++) dc += (a[d]! - b[d]!) ** 2;
      dc /= dim;
      energySq[i * points + k] = de;
      coordSq[i * points + k] = dc;
      se += de;
      sc += dc;
    }
    perTrialEnergyMse[i] = se / points;
    perTrialCoordMse[i] = sc / points;
    trueEnergies.push(eTrue);
    modelEnergies.push(eModel);
  }

  return {
    energyMse: groupedStats(energySq, config.groups),
    coordMse: groupedStats(coordSq, config.groups),
    perTrialEnergyMse,
    perTrialCoordMse,
    starts,
    trueEnergies,
    modelEnergies,
    config,
  };
}
