import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import { groupedStats, mean, MetricInputError, std, type MeanSe } from './stats.js';

/**
 * Reversibility as a measurement (paper Section 6, "perfect reversibility"): integrate a field
 * forward from x0 for a time T, then backward for T from the end state, and report how far the
 * result lands from x0.
 *
 * Why it separates the models although every smooth ODE's flow map is invertible: the solver's
 * local errors made on the way out are carried back by the inverse flow. A Hamiltonian field's
 * flow preserves phase-space volume (Liouville), so it neither contracts on the way out nor
 * expands on the way back and the return error stays at the solver's tolerance. A learned
 * baseline field that spirals in (Figure 1) contracts forward and so expands backward, magnifying
 * every error by the amount it contracted.
 */
export interface ReversibilityOptions {
  /** Solver tolerances for both legs (default rtol 1e-9, atol 1e-9). */
  readonly rtol?: number;
  readonly atol?: number;
  /** Step-attempt budget per leg (default 100,000). */
  readonly maxSteps?: number;
}

export interface ReturnError {
  /** |x_back - x0| (Euclidean); Infinity when a leg could not be integrated. */
  readonly error: number;
  /** State after the forward leg (null when it failed). */
  readonly end: Float64Array | null;
  /** State after the backward leg (null when either leg failed). */
  readonly back: Float64Array | null;
  /** Solver status of the leg that failed, if any. */
  readonly failure?: string;
}

function finish(
  f: OdeFunction,
  from: number,
  to: number,
  y0: Float64Array,
  options: ReversibilityOptions,
): { y: Float64Array | null; status: string } {
  const sol = solveDopri5(f, [from, to], y0, {
    tEval: [to],
    rtol: options.rtol ?? 1e-9,
    atol: options.atol ?? 1e-9,
    maxSteps: options.maxSteps ?? 100_000,
  });
  return { y: sol.status === 'success' ? (sol.ys[0] ?? null) : null, status: sol.status };
}

/** Forward for `T`, backward for `T`: the distance from `x0` of where the round trip ends. */
export function returnError(
  field: OdeFunction,
  x0: ArrayLike<number>,
  T: number,
  options: ReversibilityOptions = {},
): ReturnError {
  if (!(T > 0) || !Number.isFinite(T)) {
    throw new MetricInputError(`the horizon T must be a positive finite number, got ${T}`);
  }
  const start = Float64Array.from(x0);
  for (let i = 0; i < start.length; i++) {
    if (!Number.isFinite(start[i])) {
      throw new MetricInputError(`x0 has a non-finite value at index ${i}: ${start[i]}`);
    }
  }
  const out = finish(field, 0, T, start, options);
  if (!out.y) return { error: Infinity, end: null, back: null, failure: `forward: ${out.status}` };
  const back = finish(field, T, 0, out.y, options);
  if (!back.y) {
    return { error: Infinity, end: out.y, back: null, failure: `backward: ${back.status}` };
  }
  let sq = 0;
  for (let i = 0; i < start.length; i++) sq += (back.y[i]! - start[i]!) ** 2;
  return { error: Math.sqrt(sq), end: out.y, back: back.y };
}

/** The reversibility of one model on one task: return errors over a set of start points. */
export interface ReversibilityResult {
  /** Horizon of each leg. */
  readonly T: number;
  readonly rtol: number;
  readonly atol: number;
  /**
   * Mean return error ± standard error over the start points whose round trip finished: over 5
   * consecutive groups when their number is a multiple of 5 (as Table 1's "±"), else std / sqrt(n).
   */
  readonly error: MeanSe;
  /** Largest return error among the finished round trips. */
  readonly max: number;
  readonly starts: number;
  /** Round trips a leg of which the solver could not finish (blow-up); left out of `error`. */
  readonly failed: number;
}

/**
 * {@link returnError} from each of `starts` (e.g. a Table 1 metric's start points) with horizon
 * `T`, aggregated. Returns `error: { mean: NaN, se: NaN }` only when every round trip failed.
 */
export function reversibilityMetric(
  field: OdeFunction,
  starts: readonly ArrayLike<number>[],
  T: number,
  options: ReversibilityOptions = {},
): ReversibilityResult {
  if (starts.length === 0) throw new MetricInputError('reversibility needs at least one start');
  const errors: number[] = [];
  let failed = 0;
  for (const x0 of starts) {
    const r = returnError(field, x0, T, options);
    if (Number.isFinite(r.error)) errors.push(r.error);
    else failed++;
  }
  let error: MeanSe;
  if (errors.length === 0) error = { mean: Number.NaN, se: Number.NaN };
  else if (errors.length % 5 === 0) error = groupedStats(errors, 5);
  else if (errors.length === 1) error = { mean: errors[0]!, se: 0 };
  else error = { mean: mean(errors), se: std(errors, 1) / Math.sqrt(errors.length) };
  return {
    T,
    rtol: options.rtol ?? 1e-9,
    atol: options.atol ?? 1e-9,
    error,
    max: errors.length === 0 ? Number.NaN : Math.max(...errors),
    starts: starts.length,
    failed,
  };
}
