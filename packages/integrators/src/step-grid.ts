import { IntegratorInputError } from './errors.js';
import { SolutionRecorder } from './solution-recorder.js';
import type { OdeSolution, SolverStats, SolverStatus } from './types.js';
import { validateSpan, validateTEval } from './validate.js';

/**
 * Output options shared by the constant-step symplectic solvers. Their guarantees (bounded
 * energy error, exact reversibility) hold for one step size kept for the whole run: a shortened
 * step to land on an output time changes the modified Hamiltonian the method conserves, so these
 * solvers only output at grid nodes t0 + k·dt instead of stepping onto arbitrary times.
 */
export interface FixedStepOutputOptions {
  /**
   * Step size magnitude (> 0); the sign comes from tSpan. (t1 - t0) / dt must be a whole number
   * of steps (within 1e-9 of one), e.g. dt = (t1 - t0) / N.
   */
  dt: number;
  /**
   * Output times, strictly monotone in the direction of integration, inside tSpan and each on the
   * step grid t0 + k·dt (within 1e-9·dt). For a linspace with spacing s, any dt = s / m works.
   * Cannot be combined with `saveEvery`.
   */
  tEval?: ArrayLike<number>;
  /**
   * Output every `saveEvery` steps: t0, then steps saveEvery, 2·saveEvery, ..., and always t1.
   * Default 1 (every step) when `tEval` is absent.
   */
  saveEvery?: number;
}

/** The grid of a constant-step solve: which step indices produce an output, and at what time. */
export interface StepGrid {
  readonly t0: number;
  readonly t1: number;
  /** Signed step size. */
  readonly h: number;
  readonly nSteps: number;
  /** Step indices (0 = the initial state) whose state is recorded, increasing. */
  readonly outSteps: Float64Array;
  /** The time reported for each recorded step (tEval verbatim, t0 + k·h otherwise, t1 pinned). */
  readonly outTimes: Float64Array;
}

/** Distance, in steps, within which a time counts as a grid node (as solveRk4's merging rule). */
const GRID_SNAP = 1e-9;

export function resolveStepGrid(
  tSpan: readonly [number, number],
  options: FixedStepOutputOptions,
  solverName: string,
): StepGrid {
  const [t0, t1] = validateSpan(tSpan);
  const dt = options?.dt;
  if (typeof dt !== 'number' || !(dt > 0) || !Number.isFinite(dt)) {
    throw new IntegratorInputError(`options.dt must be a positive finite number, got ${dt}.`);
  }
  const direction = t1 >= t0 ? 1 : -1;
  const h = direction * dt;
  const exactSteps = (t1 - t0) / h;
  const nSteps = Math.round(exactSteps);
  if (Math.abs(exactSteps - nSteps) > GRID_SNAP) {
    const span = Math.abs(t1 - t0);
    const above = Math.ceil(exactSteps);
    const below = Math.floor(exactSteps);
    const options =
      below >= 1
        ? `dt = ${span / above} (${above} steps) or dt = ${span / below} (${below} steps)`
        : `dt = ${span} (one step)`;
    throw new IntegratorInputError(
      `${solverName} keeps one step size for the whole run, but |t1 - t0| / dt = ` +
        `${exactSteps} is not a whole number of steps. Use ${options}.`,
    );
  }
  if (!Number.isSafeInteger(nSteps)) {
    throw new IntegratorInputError(
      `|t1 - t0| / dt = ${exactSteps} steps is too many; use a larger dt or a shorter tSpan.`,
    );
  }

  if (options.tEval !== undefined && options.saveEvery !== undefined) {
    throw new IntegratorInputError(
      'Pass either tEval or saveEvery, not both: both choose the output times.',
    );
  }

  if (options.tEval !== undefined) {
    const tEval = validateTEval(options.tEval, t0, t1, direction);
    const outSteps = new Float64Array(tEval.length);
    for (let i = 0; i < tEval.length; i++) {
      const te = tEval[i] as number;
      const k = (te - t0) / h;
      const node = Math.round(k);
      if (Math.abs(k - node) > GRID_SNAP) {
        const lo = t0 + Math.floor(k) * h;
        const hi = t0 + Math.ceil(k) * h;
        throw new IntegratorInputError(
          `tEval[${i}] = ${te} is not on the step grid t0 + k·dt of ${solverName} (nearest ` +
            `nodes ${lo} and ${hi}). Choose dt so that every output spacing is a whole number ` +
            'of steps, or use saveEvery.',
        );
      }
      outSteps[i] = node;
    }
    return { t0, t1, h, nSteps, outSteps, outTimes: tEval };
  }

  const every = options.saveEvery ?? 1;
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new IntegratorInputError(`saveEvery must be a positive integer, got ${every}.`);
  }
  const nOut = Math.floor(nSteps / every) + 1 + (nSteps % every === 0 ? 0 : 1);
  const outSteps = new Float64Array(nOut);
  const outTimes = new Float64Array(nOut);
  for (let j = 0; j < nOut; j++) {
    const k = Math.min(j * every, nSteps);
    outSteps[j] = k;
    // Multiplying instead of accumulating keeps the grid free of round-off drift.
    outTimes[j] = k === nSteps ? t1 : t0 + k * h;
  }
  return { t0, t1, h, nSteps, outSteps, outTimes };
}

/**
 * Advances the state one step from grid node `k` (time t) by the signed step h. Returns undefined
 * on success, or the failure to report (the state is then left unspecified).
 */
export type GridStepper = (k: number, t: number, h: number) => StepFailure | undefined;

/** What a stepper reports when it cannot continue. */
export interface StepFailure {
  readonly status: Exclude<SolverStatus, 'success'>;
  readonly message: string;
}

/**
 * Ends a solve before its first step (for example when the field is non-finite at y0), still
 * returning the outputs requested at t0, as the other solvers do.
 */
export function failAtStart(
  grid: StepGrid,
  snapshot: () => Float64Array,
  stats: SolverStats,
  failure: StepFailure,
): OdeSolution {
  const recorder = new SolutionRecorder(1);
  for (let io = 0; io < grid.outSteps.length && grid.outSteps[io] === 0; io++) {
    recorder.pushOwned(grid.outTimes[io] as number, snapshot());
  }
  return recorder.finish(failure.status, failure.message, stats);
}

/**
 * Runs `advance` over every step of the grid, recording `snapshot()` at each output step. The
 * loop itself allocates nothing but the recorded copies.
 */
export function runStepGrid(
  grid: StepGrid,
  advance: GridStepper,
  snapshot: () => Float64Array,
  stats: SolverStats,
): OdeSolution {
  const { t0, h, nSteps, outSteps, outTimes } = grid;
  const recorder = new SolutionRecorder(outSteps.length);
  let io = 0;
  while (io < outSteps.length && outSteps[io] === 0) {
    recorder.pushOwned(outTimes[io] as number, snapshot());
    io++;
  }
  for (let k = 0; k < nSteps; k++) {
    const failure = advance(k, t0 + k * h, h);
    stats.nsteps++;
    if (failure !== undefined) {
      // The failed attempt counts as rejected, so nsteps stays naccepted + nrejected.
      stats.nrejected++;
      return recorder.finish(failure.status, failure.message, stats);
    }
    stats.naccepted++;
    while (io < outSteps.length && outSteps[io] === k + 1) {
      recorder.pushOwned(outTimes[io] as number, snapshot());
      io++;
    }
  }
  return recorder.finish(
    'success',
    'The solver successfully reached the end of the integration interval.',
    stats,
  );
}
