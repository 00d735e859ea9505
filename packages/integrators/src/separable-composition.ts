import { IntegratorInputError } from './errors.js';
import { failAtStart, resolveStepGrid, runStepGrid } from './step-grid.js';
import type { FixedStepOutputOptions } from './step-grid.js';
import type { SeparableHamiltonian, SeparableSolution, SeparableSolverStats } from './types.js';
import { isAllFinite, validateInitialState } from './validate.js';

/**
 * Buffers for the separable (kick-drift-kick) methods, each of length m = n / 2. `force` holds
 * dV/dq at the current `q` between steps, which is what lets consecutive steps share one
 * evaluation (the last kick of a step and the first kick of the next use the same q).
 */
export interface SeparableWorkspace {
  readonly q: Float64Array;
  readonly p: Float64Array;
  readonly force: Float64Array;
  readonly velocity: Float64Array;
}

/** `n` is the full state dimension (q and p together), which must be even. */
export function createSeparableWorkspace(n: number): SeparableWorkspace {
  const m = halfDimension(n);
  return {
    q: new Float64Array(m),
    p: new Float64Array(m),
    force: new Float64Array(m),
    velocity: new Float64Array(m),
  };
}

function halfDimension(n: number): number {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) {
    throw new IntegratorInputError(
      `A separable Hamiltonian needs a state y = (q, p) of even length, got length ${n}.`,
    );
  }
  return n / 2;
}

function validateTerms(terms: SeparableHamiltonian): void {
  if (typeof terms?.dTdp !== 'function' || typeof terms?.dVdq !== 'function') {
    throw new IntegratorInputError(
      'terms must provide dTdp(p, out) and dVdq(q, out) functions for H = T(p) + V(q).',
    );
  }
}

/**
 * One composition step: for each weight w, a Störmer–Verlet kick-drift-kick substep of size w·h.
 * Expects w.force = dV/dq(w.q) on entry and leaves it so on exit. Calls each term once per
 * weight; allocates nothing.
 */
function compositionStep(
  terms: SeparableHamiltonian,
  work: SeparableWorkspace,
  weights: Float64Array,
  h: number,
): void {
  const { q, p, force, velocity } = work;
  const m = q.length;
  for (let s = 0; s < weights.length; s++) {
    const hs = (weights[s] as number) * h;
    const halfHs = 0.5 * hs;
    for (let i = 0; i < m; i++) p[i] = (p[i] as number) - halfHs * (force[i] as number);
    terms.dTdp(p, velocity);
    for (let i = 0; i < m; i++) q[i] = (q[i] as number) + hs * (velocity[i] as number);
    terms.dVdq(q, force);
    for (let i = 0; i < m; i++) p[i] = (p[i] as number) - halfHs * (force[i] as number);
  }
}

/** Störmer–Verlet is the one-stage composition. */
export const LEAPFROG_WEIGHTS = Float64Array.of(1);

/**
 * Yoshida (1990)'s fourth-order "triple jump": leapfrog with steps w1·h, w0·h, w1·h, where
 * w1 = 1 / (2 - 2^(1/3)) and w0 = 1 - 2·w1 (negative), chosen so the third-order error terms of
 * the symmetric composition cancel.
 */
const W1 = 1 / (2 - Math.cbrt(2));
export const YOSHIDA4_WEIGHTS = Float64Array.of(W1, 1 - 2 * W1, W1);

export function separableStep(
  terms: SeparableHamiltonian,
  weights: Float64Array,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: SeparableWorkspace,
): void {
  const { q, p, force } = work;
  const m = q.length;
  for (let i = 0; i < m; i++) {
    q[i] = y[i] as number;
    p[i] = y[m + i] as number;
  }
  terms.dVdq(q, force);
  compositionStep(terms, work, weights, h);
  for (let i = 0; i < m; i++) {
    out[i] = q[i] as number;
    out[m + i] = p[i] as number;
  }
}

export function solveSeparable(
  terms: SeparableHamiltonian,
  weights: Float64Array,
  solverName: string,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: FixedStepOutputOptions,
): SeparableSolution {
  validateTerms(terms);
  const grid = resolveStepGrid(tSpan, options, solverName);
  const y = validateInitialState(y0);
  const work = createSeparableWorkspace(y.length);
  const { q, p, force } = work;
  const m = q.length;
  for (let i = 0; i < m; i++) {
    q[i] = y[i] as number;
    p[i] = y[m + i] as number;
  }
  const stats: SeparableSolverStats = {
    nfev: 0,
    nsteps: 0,
    naccepted: 0,
    nrejected: 0,
    ndTdp: 0,
    ndVdq: 0,
  };
  const stages = weights.length;
  const snapshot = (): Float64Array => {
    const out = new Float64Array(2 * m);
    out.set(q);
    out.set(p, m);
    return out;
  };

  terms.dVdq(q, force);
  stats.ndVdq = 1;
  stats.nfev = 1;
  if (!isAllFinite(force)) {
    const failed = failAtStart(grid, snapshot, stats, {
      status: 'non-finite',
      message:
        `dVdq(q0) returned a non-finite value (NaN or Infinity) at t=${grid.t0}. ` +
        'Check dVdq and y0.',
    });
    return { ...failed, stats };
  }

  const solution = runStepGrid(
    grid,
    (_k, t, h) => {
      compositionStep(terms, work, weights, h);
      stats.ndTdp += stages;
      stats.ndVdq += stages;
      stats.nfev = Math.max(stats.ndTdp, stats.ndVdq);
      if (!isAllFinite(q) || !isAllFinite(p)) {
        return {
          status: 'non-finite',
          message:
            `The state became non-finite (NaN or Infinity) in the ${solverName} step from ` +
            `t=${t} to t=${t + h}. Check dTdp and dVdq for singularities, or reduce dt.`,
        };
      }
      return undefined;
    },
    snapshot,
    stats,
  );
  return { ...solution, stats };
}
