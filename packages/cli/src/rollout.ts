import { solveDopri5 } from '@hnn/integrators';
import type { SolverStats } from '@hnn/integrators';
import { RolloutError } from './errors.js';
import type { LoadedModel } from './model-io.js';

export interface RolloutOptions {
  /** Relative tolerance of the Dormand-Prince solver. */
  readonly rtol: number;
  /** Absolute tolerance. */
  readonly atol: number;
}

export interface Rollout {
  readonly ts: Float64Array;
  /** One state per time. */
  readonly ys: readonly Float64Array[];
  /** The learned energy at each time (HNN only). */
  readonly energy: Float64Array | undefined;
  readonly stats: SolverStats;
}

/**
 * Integrates a loaded model's field from x0 at tEval[0] to the last tEval with adaptive
 * Dormand-Prince RK4(5), returning the states at every tEval. RolloutError if the solver stops.
 */
export function rolloutModel(
  model: LoadedModel,
  x0: ArrayLike<number>,
  tEval: Float64Array,
  options: RolloutOptions,
): Rollout {
  const t0 = tEval[0] as number;
  const t1 = tEval[tEval.length - 1] as number;
  const sol = solveDopri5(model.odeFunction, [t0, t1], x0, {
    tEval,
    rtol: options.rtol,
    atol: options.atol,
  });
  if (sol.status !== 'success' || sol.ys.length !== tEval.length) {
    throw new RolloutError(
      `the solver stopped (${sol.status}): ${sol.message.split('\n', 1)[0]}; the learned field ` +
        'may leave the region it was trained on there: start inside the data, shorten the time ' +
        'span or loosen --rtol',
    );
  }
  const h = model.hamiltonian;
  return {
    ts: sol.ts,
    ys: sol.ys,
    energy: h === undefined ? undefined : Float64Array.from(sol.ys, (y) => h(y)),
    stats: sol.stats,
  };
}

/** max_t |H(t) - H(t0)| along a rollout. */
export function energyDrift(energy: Float64Array): number {
  const h0 = energy[0] as number;
  let max = 0;
  for (const h of energy) max = Math.max(max, Math.abs(h - h0));
  return max;
}
