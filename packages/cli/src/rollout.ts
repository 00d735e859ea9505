import { rollout } from '@hnn/eval';
import type { RolloutOptions as EvalRolloutOptions, RolloutResult } from '@hnn/eval';
import { IntegratorInputError, stepForOutputs } from '@hnn/integrators';
import type { LoadedModel } from './model-io.js';

/**
 * @hnn/eval's rollout settings that `hnn rollout` exposes; rtol and atol default to 1e-9, and a
 * fixed step dt must divide the output spacing.
 */
export type RolloutOptions = Pick<EvalRolloutOptions, 'integrator' | 'rtol' | 'atol' | 'dt'>;

/** @hnn/eval's rollout result with the learned energy at each time (HNN and D-HNN). */
export interface Rollout extends RolloutResult {
  readonly energy: Float64Array | undefined;
}

/**
 * Rolls a loaded model out from x0 at tEval[0] to the last tEval with @hnn/eval's `rollout`
 * (adaptive Dormand-Prince RK4(5) by default, or the symplectic implicit midpoint rule), adding the
 * learned energy at every time. A fixed step must put every output time on its grid (one step
 * size for the whole run, which the symplectic guarantees assume); IntegratorInputError otherwise,
 * and for a method that does not apply to a learned field. RolloutError (@hnn/eval's) if the
 * solver stops, with what to change.
 */
export function rolloutModel(
  model: LoadedModel,
  x0: ArrayLike<number>,
  tEval: Float64Array,
  options: RolloutOptions,
): Rollout {
  const integrator = options.integrator ?? 'rk45';
  if (integrator !== 'rk45' && options.dt !== undefined) requireOnStepGrid(tEval, options.dt);
  const sol = rollout(model.odeFunction, x0, tEval, {
    integrator,
    ...(integrator === 'rk45'
      ? { rtol: options.rtol ?? 1e-9, atol: options.atol ?? 1e-9 }
      : { dt: options.dt }),
    hint:
      'the learned field may leave the region it was trained on there: start inside the data, ' +
      `shorten the time span or ${integrator === 'rk45' ? 'loosen --rtol' : 'take a smaller --dt'}`,
  });
  const h = model.hamiltonian;
  return { ...sol, energy: h === undefined ? undefined : Float64Array.from(sol.ys, (y) => h(y)) };
}

/** Every output interval must be a whole number of steps dt (within 1e-9 of one). */
function requireOnStepGrid(tEval: Float64Array, dt: number): void {
  for (let k = 1; k < tEval.length; k++) {
    const steps = ((tEval[k] as number) - (tEval[k - 1] as number)) / dt;
    if (!(Math.abs(steps - Math.round(steps)) <= 1e-9) || Math.round(steps) < 1) {
      const s = (tEval[1] as number) - (tEval[0] as number);
      throw new IntegratorInputError(
        `dt ${dt} puts the output time ${tEval[k]} off the step grid: the output spacing / dt ` +
          `= ${steps} is not a whole number of steps; use a dt that divides ${s}, such as ` +
          `${stepForOutputs(tEval, dt)}`,
      );
    }
  }
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
