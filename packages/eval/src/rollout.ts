import { solveDopri5, solveImplicitMidpoint, type OdeFunction } from '@hnn/integrators';
import { MetricInputError } from './stats.js';
import { HnnError } from '@hnn/errors';

/** The solver could not integrate the field over the requested span (it blew up or stalled). */
export class RolloutError extends HnnError {
  override readonly code = 'HNN_EVAL_ROLLOUT_FAILED';
}

export interface RolloutOptions {
  readonly rtol: number;
  readonly atol: number;
  readonly maxSteps?: number;
  /**
   * 'rk45' (default): the Dormand-Prince solver at rtol/atol. 'implicit-midpoint': the symplectic
   * implicit midpoint rule at the constant step `dt` (rtol/atol unused), which adds no secular
   * energy drift of its own to a Hamiltonian field.
   */
  readonly integrator?: 'rk45' | 'implicit-midpoint';
  /** Step of the implicit midpoint rule; the spacing of tEval must be a whole number of steps. */
  readonly dt?: number;
}

/**
 * Integrates `field` from `x0` and returns the states at `tEval` (which must start at 0 and run
 * to the end of the span). Uses the SciPy-compatible Dormand-Prince solver, as the reference's
 * `solve_ivp` calls do.
 */
export function rollout(
  field: OdeFunction,
  x0: ArrayLike<number>,
  tEval: Float64Array,
  options: RolloutOptions,
): Float64Array[] {
  const tEnd = tEval[tEval.length - 1];
  if (tEval.length < 2 || tEnd === undefined) {
    throw new MetricInputError('a rollout needs at least two evaluation times');
  }
  if (options.integrator === 'implicit-midpoint') {
    const dt = options.dt;
    if (dt === undefined || !(dt > 0)) {
      throw new MetricInputError('an implicit-midpoint rollout needs a step dt > 0');
    }
    // One constant-step solve per output interval, with the largest step <= dt that divides it,
    // so that any output times work (measured ones are not on one grid).
    const ys: Float64Array[] = [Float64Array.from(x0)];
    for (let k = 1; k < tEval.length; k++) {
      const a = tEval[k - 1]!;
      const b = tEval[k]!;
      const steps = Math.max(1, Math.ceil((b - a) / dt - 1e-9));
      const sol = solveImplicitMidpoint(field, [a, b], ys[k - 1]!, {
        dt: (b - a) / steps,
        saveEvery: steps,
      });
      const end = sol.ys[sol.ys.length - 1];
      if (sol.status !== 'success' || end === undefined) {
        throw new RolloutError(
          `implicit-midpoint rollout from [${Array.from(x0).join(', ')}] stopped at ` +
            `t=${sol.ts[sol.ts.length - 1] ?? a} (${sol.status}): ${sol.message}`,
        );
      }
      ys.push(end);
    }
    return ys;
  }
  const sol = solveDopri5(field, [tEval[0]!, tEnd], x0, {
    tEval,
    rtol: options.rtol,
    atol: options.atol,
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
  });
  if (sol.status !== 'success') {
    throw new RolloutError(
      `rollout from [${Array.from(x0).join(', ')}] stopped at t=${sol.ts[sol.ts.length - 1] ?? tEval[0]} ` +
        `(${sol.status}): ${sol.message}`,
    );
  }
  return sol.ys;
}
