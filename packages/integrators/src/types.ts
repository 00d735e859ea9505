/**
 * Writes dy/dt at (t, y) into `out` (length = y.length). Must not keep references to `y` or
 * `out`: the solvers reuse both buffers between calls.
 */
export type OdeFunction = (t: number, y: Float64Array, out: Float64Array) => void;

/**
 * - `success`: reached the end of the span.
 * - `max-steps`: the step-attempt budget (`maxSteps`) ran out first.
 * - `step-size-underflow`: the adaptive step fell below 10 ulps of t (blow-up, stiffness or a
 *   discontinuity).
 * - `non-finite`: the derivative or the state became NaN/Infinity.
 */
export type SolverStatus = 'success' | 'max-steps' | 'step-size-underflow' | 'non-finite';

export interface SolverStats {
  /** Number of calls to the right-hand side `f`. */
  nfev: number;
  /** Step attempts, accepted plus rejected. */
  nsteps: number;
  naccepted: number;
  nrejected: number;
}

export interface OdeSolution {
  status: SolverStatus;
  /** Explains the status; on failure also says what to try next. */
  message: string;
  /** Output times actually reached (== tEval, or the solver's own steps when tEval is absent). */
  ts: Float64Array;
  /** State at each `ts` entry; fresh arrays owned by the caller. */
  ys: Float64Array[];
  stats: SolverStats;
}
