import { IntegratorInputError } from './errors.js';
import { failAtStart, resolveStepGrid, runStepGrid } from './step-grid.js';
import type { FixedStepOutputOptions } from './step-grid.js';
import type { ImplicitSolution, ImplicitSolverStats, OdeFunction } from './types.js';
import { isAllFinite, validateInitialState } from './validate.js';

/** Buffers for {@link implicitMidpointStep}; reuse one per system size to avoid allocation. */
export interface ImplicitMidpointWorkspace {
  /** The midpoint stage Y = (y + y') / 2 being solved for. */
  readonly stage: Float64Array;
  /** f at the latest iterate; on entry to a warm-started step, the predictor's slope. */
  readonly deriv: Float64Array;
  /** f at the midpoint of the step before, for the extrapolated predictor. */
  readonly previousDeriv: Float64Array;
  /** Iterations used by the last step. */
  iterations: number;
  /** The last fixed-point update, max_i |ΔY_i| / max(1, |Y_i|). */
  update: number;
}

export function createImplicitMidpointWorkspace(n: number): ImplicitMidpointWorkspace {
  return {
    stage: new Float64Array(n),
    deriv: new Float64Array(n),
    previousDeriv: new Float64Array(n),
    iterations: 0,
    update: 0,
  };
}

export interface ImplicitMidpointSolveOptions {
  /**
   * Accept the stage when the fixed-point update max_i |ΔY_i| / max(1, |Y_i|) is at most `tol`.
   * Default 4·Number.EPSILON (≈ 8.9e-16): the step is solved to round-off, which is what keeps
   * the method symplectic and time-reversible in practice (a looser tol breaks both at about the
   * tol level, and the errors of successive steps add up). Must be >= Number.EPSILON. Whatever
   * tol is, an update that has stopped shrinking below 1e-13 is accepted as the round-off floor.
   */
  tol?: number;
  /** Iteration budget per step, default 100; exceeding it ends the solve with `no-convergence`. */
  maxIterations?: number;
}

export interface ImplicitMidpointOptions
  extends FixedStepOutputOptions, ImplicitMidpointSolveOptions {}

const DEFAULT_TOL = 4 * Number.EPSILON;
const MIN_TOL = Number.EPSILON;
/**
 * Near the solution, round-off in y + (h/2)·f(Y) keeps the update from reaching 0; it then
 * hovers at a few ulps. An update that stops shrinking below this level has reached that floor.
 */
const ROUND_OFF_FLOOR = 1e-13;
const DEFAULT_MAX_ITERATIONS = 100;

// Two functions returning plain numbers rather than one returning an object, so that
// implicitMidpointStep allocates nothing per call.
function resolveTol(options: ImplicitMidpointSolveOptions | undefined): number {
  const tol = options?.tol ?? DEFAULT_TOL;
  if (typeof tol !== 'number' || !(tol >= MIN_TOL) || !Number.isFinite(tol)) {
    throw new IntegratorInputError(
      `tol must be a finite number >= Number.EPSILON (${MIN_TOL}), got ${tol}; the ` +
        'fixed-point update is measured relative to max(1, |Y|), so smaller values are below ' +
        'round-off.',
    );
  }
  return tol;
}

function resolveMaxIterations(options: ImplicitMidpointSolveOptions | undefined): number {
  const maxIterations = options?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    throw new IntegratorInputError(
      `maxIterations must be a positive integer, got ${maxIterations}.`,
    );
  }
  return maxIterations;
}

/**
 * Solves Y = y + (h/2)·f(t + h/2, Y) by fixed-point iteration from the predictor
 * Y⁰ = y + (h/2)·work.deriv, then sets out = y + h·f(Y). Returns whether it converged; on
 * failure `out` is left untouched. `out` may alias `y`.
 */
function solveMidpoint(
  f: OdeFunction,
  t: number,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: ImplicitMidpointWorkspace,
  tol: number,
  maxIterations: number,
  extrapolate: boolean,
): boolean {
  const n = y.length;
  const { stage, deriv } = work;
  const halfH = 0.5 * h;
  const tMid = t + halfH;
  const prev = work.previousDeriv;
  if (extrapolate) {
    // The slopes at the last two midpoints, one step apart, extrapolated to this midpoint.
    for (let i = 0; i < n; i++) {
      const d = deriv[i] as number;
      stage[i] = (y[i] as number) + halfH * (2 * d - (prev[i] as number));
    }
  } else {
    for (let i = 0; i < n; i++) stage[i] = (y[i] as number) + halfH * (deriv[i] as number);
  }
  prev.set(deriv);
  let iterations = 0;
  let update = Infinity;
  let converged = false;
  while (iterations < maxIterations) {
    const previous = update;
    f(tMid, stage, deriv);
    iterations++;
    update = 0;
    for (let i = 0; i < n; i++) {
      const next = (y[i] as number) + halfH * (deriv[i] as number);
      const delta = Math.abs(next - (stage[i] as number)) / Math.max(1, Math.abs(next));
      // `!(delta <= update)` also catches NaN, which then stays in `update`.
      if (!(delta <= update)) update = delta;
      stage[i] = next;
    }
    if (update <= tol || (update <= ROUND_OFF_FLOOR && update >= previous)) {
      converged = true;
      break;
    }
    if (update !== update) break;
  }
  work.iterations = iterations;
  work.update = update;
  if (!converged) return false;
  // deriv = f(Y_k) with Y_(k+1) = y + (h/2)·deriv, so this equals 2·Y_(k+1) - y.
  for (let i = 0; i < n; i++) out[i] = (y[i] as number) + h * (deriv[i] as number);
  return true;
}

/**
 * One implicit midpoint step y' = y + h·f(t + h/2, (y + y') / 2) of size `h` from (t, y) into
 * `out` (which may alias `y`). Second order, symplectic for any Hamiltonian field f = J∇H (and
 * time-reversible for any f), solved by fixed-point iteration. Returns false, leaving `out`
 * untouched, if the iteration did not converge (or produced NaN) within `maxIterations`; then
 * `work.update` holds the last update. Costs 1 + `work.iterations` evaluations of f (the first
 * gives the predictor; {@link solveImplicitMidpoint} reuses the previous step's slope instead).
 */
export function implicitMidpointStep(
  f: OdeFunction,
  t: number,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: ImplicitMidpointWorkspace = createImplicitMidpointWorkspace(y.length),
  options?: ImplicitMidpointSolveOptions,
): boolean {
  const tol = resolveTol(options);
  const maxIterations = resolveMaxIterations(options);
  f(t, y, work.deriv);
  return solveMidpoint(f, t, y, h, out, work, tol, maxIterations, false);
}

/**
 * Constant-step implicit midpoint rule over tSpan (t1 < t0 integrates backwards) for any field
 * f, in particular a learned Hamiltonian field J∇H whose H is not separable. Outputs only at grid
 * nodes: see {@link FixedStepOutputOptions}.
 *
 * Each step solves Y = y + (h/2)·f(Y) by fixed-point iteration, started from the previous step's
 * slope. The iteration contracts when |h|/2 times the Lipschitz constant of f is below 1; if it
 * does not reach `tol` within `maxIterations` the solve stops with status `no-convergence` and
 * returns the points before that step, so no unconverged state is ever reported.
 */
export function solveImplicitMidpoint(
  f: OdeFunction,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: ImplicitMidpointOptions,
): ImplicitSolution {
  if (typeof f !== 'function') {
    throw new IntegratorInputError('f must be a function (t, y, out) => void writing dy/dt.');
  }
  const grid = resolveStepGrid(tSpan, options, 'implicit-midpoint');
  const tol = resolveTol(options);
  const maxIterations = resolveMaxIterations(options);
  let y: Float64Array = validateInitialState(y0);
  let yNext: Float64Array = new Float64Array(y.length);
  const work = createImplicitMidpointWorkspace(y.length);
  const stats: ImplicitSolverStats = {
    nfev: 0,
    nsteps: 0,
    naccepted: 0,
    nrejected: 0,
    niterations: 0,
    maxStepIterations: 0,
  };
  const snapshot = (): Float64Array => y.slice();

  f(grid.t0, y, work.deriv);
  stats.nfev = 1;
  if (!isAllFinite(work.deriv)) {
    const failed = failAtStart(grid, snapshot, stats, {
      status: 'non-finite',
      message:
        `f(t0, y0) returned a non-finite derivative (NaN or Infinity) at t=${grid.t0}. ` +
        'Check f and y0.',
    });
    return { ...failed, stats };
  }

  const solution = runStepGrid(
    grid,
    (k, t, h) => {
      // From the third step on, the last two slopes are at midpoints one step apart.
      const converged = solveMidpoint(f, t, y, h, yNext, work, tol, maxIterations, k > 1);
      stats.nfev += work.iterations;
      stats.niterations += work.iterations;
      if (work.iterations > stats.maxStepIterations) stats.maxStepIterations = work.iterations;
      if (!converged || !isAllFinite(yNext)) {
        if (work.update !== work.update || !isAllFinite(work.deriv) || converged) {
          return {
            status: 'non-finite',
            message:
              `f or the state became non-finite (NaN or Infinity) in the implicit midpoint ` +
              `step from t=${t} to t=${t + h}. Check f for singularities, or reduce dt.`,
          };
        }
        return {
          status: 'no-convergence',
          message:
            `The implicit midpoint fixed-point iteration did not converge in the step from ` +
            `t=${t} to t=${t + h}: after ${work.iterations} iterations the update was ` +
            `${work.update}, above tol = ${tol}. The iteration contracts only when |dt|/2 times the ` +
            'Lipschitz constant of f is below 1: reduce dt, or raise maxIterations or tol.',
        };
      }
      const swap = y;
      y = yNext;
      yNext = swap;
      return undefined;
    },
    snapshot,
    stats,
  );
  return { ...solution, stats };
}
