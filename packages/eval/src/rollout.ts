import {
  solveHamiltonian,
  type IntegratorName,
  type OdeFunction,
  type SolverStats,
} from '@hnn/integrators';
import { HnnError } from '@hnn/errors';
import { MetricInputError } from './stats.js';

/**
 * The solver could not integrate the field over the requested span (it blew up or stalled).
 * `ts`/`ys` hold the states reached before it stopped, starting with x0.
 */
export class RolloutError extends HnnError {
  override readonly code = 'HNN_EVAL_ROLLOUT_FAILED';
  constructor(
    message: string,
    readonly ts: Float64Array = new Float64Array(0),
    readonly ys: readonly Float64Array[] = [],
  ) {
    super(message);
  }
}

export interface RolloutOptions {
  /**
   * 'rk45' (default): the SciPy-compatible Dormand-Prince solver at rtol/atol, as the reference's
   * `solve_ivp` calls. 'implicit-midpoint': the symplectic implicit midpoint rule, which adds no
   * secular energy drift of its own to a Hamiltonian field, at steps of at most `dt`. 'leapfrog'
   * and 'yoshida4' need a separable H, which a field alone is not known to be: refused
   * (IntegratorInputError, from @hnn/integrators, saying what to use instead).
   */
  readonly integrator?: IntegratorName;
  /** Relative tolerance (rk45). */
  readonly rtol?: number;
  /** Absolute tolerance (rk45). */
  readonly atol?: number;
  /** Step-attempt limit (rk45; @hnn/integrators' default when absent). */
  readonly maxSteps?: number;
  /**
   * Largest step of a fixed-step method. Each output interval [t(k-1), t(k)] is split into the
   * fewest equal steps of at most dt, so that any output times work (measured ones are not on
   * one grid); when dt divides the spacing of evenly spaced times, every step is dt.
   */
  readonly dt?: number;
  /** Appended to a RolloutError's message: what the caller's user can change. */
  readonly hint?: string;
}

export interface RolloutResult {
  /** The output times (a copy of tEval). */
  readonly ts: Float64Array;
  /** One state per output time, starting with x0. */
  readonly ys: Float64Array[];
  /** Work done, summed over the solves. */
  readonly stats: SolverStats;
}

/**
 * Integrates `field` from `x0` at tEval[0] and returns the states at every tEval (at least two
 * increasing times). The one rollout of the workspace: the Table 1 metrics, `hnn rollout`,
 * `hnn eval` and the playground all go through it. Throws MetricInputError for unusable times,
 * IntegratorInputError for a method or option that does not apply, and RolloutError (with the
 * states reached) when the solver stops before the last time.
 */
export function rollout(
  field: OdeFunction,
  x0: ArrayLike<number>,
  tEval: Float64Array,
  options: RolloutOptions,
): RolloutResult {
  const t0 = tEval[0];
  const tEnd = tEval[tEval.length - 1];
  if (tEval.length < 2 || t0 === undefined || tEnd === undefined) {
    throw new MetricInputError('a rollout needs at least two evaluation times');
  }
  const integrator = options.integrator ?? 'rk45';
  const fail = (
    at: number,
    status: string,
    message: string,
    ts: Float64Array,
    ys: Float64Array[],
  ) =>
    new RolloutError(
      `${integrator} rollout from [${Array.from(x0).join(', ')}] stopped at t=${at} ` +
        `(${status}): ${message.split('\n', 1)[0]}${options.hint === undefined ? '' : `; ${options.hint}`}`,
      ts,
      ys,
    );

  if (integrator === 'rk45') {
    const sol = solveHamiltonian({ field }, [t0, tEnd], x0, {
      integrator,
      tEval,
      rtol: options.rtol,
      atol: options.atol,
      maxSteps: options.maxSteps,
    });
    if (sol.status !== 'success' || sol.ys.length !== tEval.length) {
      throw fail(sol.ts[sol.ts.length - 1] ?? t0, sol.status, sol.message, sol.ts, sol.ys);
    }
    return { ts: Float64Array.from(tEval), ys: sol.ys, stats: sol.stats };
  }

  const dt = options.dt;
  if (dt === undefined || !(dt > 0)) {
    throw new MetricInputError(`a ${integrator} rollout needs a step dt > 0`);
  }
  const stats: SolverStats = { nfev: 0, nsteps: 0, naccepted: 0, nrejected: 0 };
  const ys: Float64Array[] = [Float64Array.from(x0)];
  for (let k = 1; k < tEval.length; k++) {
    const a = tEval[k - 1]!;
    const b = tEval[k]!;
    if (!(b > a)) throw new MetricInputError(`evaluation times must increase (index ${k})`);
    const steps = Math.max(1, Math.ceil((b - a) / dt - 1e-9));
    const sol = solveHamiltonian({ field }, [a, b], ys[k - 1]!, {
      integrator,
      dt: (b - a) / steps,
      saveEvery: steps,
    });
    stats.nfev += sol.stats.nfev;
    stats.nsteps += sol.stats.nsteps;
    stats.naccepted += sol.stats.naccepted;
    stats.nrejected += sol.stats.nrejected;
    const end = sol.ys[sol.ys.length - 1];
    if (sol.status !== 'success' || end === undefined) {
      throw fail(sol.ts[sol.ts.length - 1] ?? a, sol.status, sol.message, tEval.slice(0, k), ys);
    }
    ys.push(end);
  }
  return { ts: Float64Array.from(tEval), ys, stats };
}
