import {
  createSeparableWorkspace,
  LEAPFROG_WEIGHTS,
  separableStep,
  solveSeparable,
} from './separable-composition.js';
import type { SeparableWorkspace } from './separable-composition.js';
import type { FixedStepOutputOptions } from './step-grid.js';
import type { SeparableHamiltonian, SeparableSolution } from './types.js';

/**
 * One Störmer–Verlet (leapfrog, kick-drift-kick) step of size `h` for H = T(p) + V(q), from
 * y = (q, p) into `out` (which may alias `y`):
 *   p½ = p - (h/2)·dV/dq(q),  q' = q + h·dT/dp(p½),  p' = p½ - (h/2)·dV/dq(q').
 * Second order, symplectic and time-reversible. Standalone it calls dVdq twice and dTdp once;
 * inside {@link solveLeapfrog} consecutive steps share a dVdq call, so a step costs one of each.
 */
export function leapfrogStep(
  terms: SeparableHamiltonian,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: SeparableWorkspace = createSeparableWorkspace(y.length),
): void {
  separableStep(terms, LEAPFROG_WEIGHTS, y, h, out, work);
}

/**
 * Constant-step Störmer–Verlet over tSpan (t1 < t0 integrates backwards) for a separable
 * H(q, p) = T(p) + V(q), with y0 = (q0, p0). Outputs only at grid nodes: see
 * {@link FixedStepOutputOptions}. Costs one dTdp and one dVdq call per step, plus one dVdq at t0.
 */
export function solveLeapfrog(
  terms: SeparableHamiltonian,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: FixedStepOutputOptions,
): SeparableSolution {
  return solveSeparable(terms, LEAPFROG_WEIGHTS, 'leapfrog', tSpan, y0, options);
}
