import { solveHamiltonian } from '@hnn/integrators';
import type { IntegratorName, SolverStats } from '@hnn/integrators';
import { RolloutError } from '@hnn/eval';
import type { LoadedModel } from './model-io.js';

export interface RolloutOptions {
  /**
   * 'rk45' (default): adaptive Dormand-Prince with rtol/atol. 'implicit-midpoint': symplectic,
   * fixed step dt, on the field alone (what a learned H is). 'leapfrog' / 'yoshida4' need a
   * separable H, which a learned one is not known to be: refused with that reason.
   */
  readonly integrator?: IntegratorName;
  /** Relative tolerance of the Dormand-Prince solver (rk45 only). */
  readonly rtol?: number;
  /** Absolute tolerance (rk45 only). */
  readonly atol?: number;
  /** Fixed step of the symplectic methods; it must divide the output spacing. */
  readonly dt?: number;
}

export interface Rollout {
  readonly ts: Float64Array;
  /** One state per time. */
  readonly ys: readonly Float64Array[];
  /** The learned energy at each time (HNN and D-HNN). */
  readonly energy: Float64Array | undefined;
  readonly stats: SolverStats;
}

/**
 * Integrates a loaded model's field from x0 at tEval[0] to the last tEval (adaptive
 * Dormand-Prince RK4(5) by default, or a symplectic method), returning the states at every tEval.
 * RolloutError (@hnn/eval's) if the solver stops; UsageError (via IntegratorInputError) for a method that does
 * not apply.
 */
export function rolloutModel(
  model: LoadedModel,
  x0: ArrayLike<number>,
  tEval: Float64Array,
  options: RolloutOptions,
): Rollout {
  const t0 = tEval[0] as number;
  const t1 = tEval[tEval.length - 1] as number;
  const integrator = options.integrator ?? 'rk45';
  const sol = solveHamiltonian({ field: model.odeFunction }, [t0, t1], x0, {
    integrator,
    tEval,
    ...(integrator === 'rk45'
      ? { rtol: options.rtol ?? 1e-9, atol: options.atol ?? 1e-9 }
      : { dt: options.dt }),
  });
  if (sol.status !== 'success' || sol.ys.length !== tEval.length) {
    throw new RolloutError(
      `the solver stopped (${sol.status}): ${sol.message.split('\n', 1)[0]}; the learned field ` +
        'may leave the region it was trained on there: start inside the data, shorten the time ' +
        `span or ${integrator === 'rk45' ? 'loosen --rtol' : 'take a smaller --dt'}`,
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

/**
 * The energy a D-HNN's learned D removes along a rollout, two ways: `byRate` integrates
 * -dH/dt = -grad H . grad D over the output times (trapezoid rule), `byEnergy` is H(t0) - H(t1).
 * They agree up to the quadrature and solver errors, since the conservative part keeps H; a
 * positive value is energy taken out.
 */
export function energyRemoved(
  ts: Float64Array,
  energy: Float64Array,
  rates: Float64Array,
): { byRate: number; byEnergy: number } {
  let integral = 0;
  for (let i = 1; i < ts.length; i++) {
    integral +=
      (((rates[i] as number) + (rates[i - 1] as number)) / 2) *
      ((ts[i] as number) - (ts[i - 1] as number));
  }
  return {
    byRate: -integral,
    byEnergy: (energy[0] as number) - (energy[energy.length - 1] as number),
  };
}

/** max_t |H(t) - H(t0)| along a rollout. */
export function energyDrift(energy: Float64Array): number {
  const h0 = energy[0] as number;
  let max = 0;
  for (const h of energy) max = Math.max(max, Math.abs(h - h0));
  return max;
}
