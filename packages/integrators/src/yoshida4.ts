import {
  createSeparableWorkspace,
  separableStep,
  solveSeparable,
  YOSHIDA4_WEIGHTS,
} from './separable-composition.js';
import type { SeparableWorkspace } from './separable-composition.js';
import type { FixedStepOutputOptions } from './step-grid.js';
import type { SeparableHamiltonian, SeparableSolution } from './types.js';

/**
 * One step of Yoshida's fourth-order composition for H = T(p) + V(q): three leapfrog substeps of
 * sizes w1·h, w0·h, w1·h with w1 = 1 / (2 - 2^(1/3)) ≈ 1.351 and w0 = 1 - 2·w1 ≈ -1.702 (the
 * middle substep goes backwards in time). Symplectic and time-reversible. Standalone it calls
 * dVdq four times and dTdp three times; inside {@link solveYoshida4} three of each per step.
 */
export function yoshida4Step(
  terms: SeparableHamiltonian,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: SeparableWorkspace = createSeparableWorkspace(y.length),
): void {
  separableStep(terms, YOSHIDA4_WEIGHTS, y, h, out, work);
}

/**
 * Constant-step Yoshida 4th-order composition over tSpan for a separable H(q, p) = T(p) + V(q),
 * with y0 = (q0, p0). Outputs only at grid nodes: see {@link FixedStepOutputOptions}. Costs
 * three dTdp and three dVdq calls per step, plus one dVdq at t0.
 */
export function solveYoshida4(
  terms: SeparableHamiltonian,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: FixedStepOutputOptions,
): SeparableSolution {
  return solveSeparable(terms, YOSHIDA4_WEIGHTS, 'yoshida4', tSpan, y0, options);
}
