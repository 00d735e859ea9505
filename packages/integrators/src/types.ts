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
 * - `no-convergence`: an implicit method's nonlinear solve (implicit midpoint's fixed-point
 *   iteration) did not reach its tolerance within its iteration budget.
 */
export type SolverStatus =
  'success' | 'max-steps' | 'step-size-underflow' | 'non-finite' | 'no-convergence';

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

/**
 * The two gradient terms of a separable Hamiltonian H(q, p) = T(p) + V(q), for the state
 * y = (q, p) with q = y[0..m) and p = y[m..2m). Hamilton's equations are dq/dt = dT/dp and
 * dp/dt = -dV/dq. Like {@link OdeFunction}, each term writes into `out` (length m) and must not
 * keep references to its arguments. H is autonomous: a time-dependent H is not separable in
 * this sense.
 */
export interface SeparableHamiltonian {
  /** Writes dT/dp at p into out (the velocity dq/dt). */
  readonly dTdp: (p: Float64Array, out: Float64Array) => void;
  /** Writes dV/dq at q into out (minus the force dp/dt). */
  readonly dVdq: (q: Float64Array, out: Float64Array) => void;
}

/** Statistics of the separable solvers, which call the two terms separately. */
export interface SeparableSolverStats extends SolverStats {
  /**
   * Full-field equivalents: max(ndTdp, ndVdq), since one call of each term costs what one
   * evaluation of the whole field (dT/dp, -dV/dq) does.
   */
  nfev: number;
  ndTdp: number;
  ndVdq: number;
}

export interface SeparableSolution extends OdeSolution {
  stats: SeparableSolverStats;
}

/** Statistics of an implicit solver: nfev counts every field evaluation, iterations included. */
export interface ImplicitSolverStats extends SolverStats {
  /** Fixed-point iterations over all steps (each costs one evaluation of f). */
  niterations: number;
  /** The most iterations any single step needed. */
  maxStepIterations: number;
}

export interface ImplicitSolution extends OdeSolution {
  stats: ImplicitSolverStats;
}
