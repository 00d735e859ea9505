import {
  A21,
  A31,
  A32,
  A41,
  A42,
  A43,
  A51,
  A52,
  A53,
  A54,
  A61,
  A62,
  A63,
  A64,
  A65,
  B1,
  B3,
  B4,
  B5,
  B6,
  C2,
  C3,
  C4,
  C5,
  E1,
  E3,
  E4,
  E5,
  E6,
  E7,
  P1,
  P3,
  P4,
  P5,
  P6,
  P7,
} from './dormand-prince-tableau.js';
import { IntegratorInputError } from './errors.js';
import { pyMax, selectInitialStep } from './initial-step.js';
import { nextAfter } from './next-after.js';
import { SolutionRecorder } from './solution-recorder.js';
import type { OdeFunction, OdeSolution, SolverStats } from './types.js';
import { isAllFinite, validateInitialState, validateSpan, validateTEval } from './validate.js';

/** Step-size controller constants of SciPy's `RungeKutta` solvers. */
const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
/** -1 / (error estimator order + 1), the embedded solution being 4th order. */
const ERROR_EXPONENT = -1 / 5;
const ERROR_ESTIMATOR_ORDER = 4;
/** SciPy raises rtol to this floor; below it round-off dominates the error estimate. */
const MIN_RTOL = 100 * Number.EPSILON;

const SUCCESS_MESSAGE = 'The solver successfully reached the end of the integration interval.';

/**
 * Stage buffers for the Dormand–Prince pair. Fields are swapped internally (FSAL and state
 * ping-pong), so hold on to the workspace, not to its arrays.
 */
export interface Dopri5Workspace {
  k1: Float64Array;
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  k5: Float64Array;
  k6: Float64Array;
  k7: Float64Array;
  yNew: Float64Array;
  stage: Float64Array;
}

export function createDopri5Workspace(n: number): Dopri5Workspace {
  return {
    k1: new Float64Array(n),
    k2: new Float64Array(n),
    k3: new Float64Array(n),
    k4: new Float64Array(n),
    k5: new Float64Array(n),
    k6: new Float64Array(n),
    k7: new Float64Array(n),
    yNew: new Float64Array(n),
    stage: new Float64Array(n),
  };
}

/**
 * Stages 2..7 of one Dormand–Prince step, given k1 = f(t, y) already in `w.k1`. Leaves the
 * 5th-order solution in `w.yNew` and f(t + h, yNew) in `w.k7`. Six evaluations of `f`.
 * The operation order follows SciPy's `rk_step` (sum of a_ij k_j, times h, plus y).
 */
function dormandPrinceStages(
  f: OdeFunction,
  t: number,
  y: Float64Array,
  h: number,
  w: Dopri5Workspace,
): void {
  const n = y.length;
  const { k1, k2, k3, k4, k5, k6, k7, yNew, stage } = w;
  for (let i = 0; i < n; i++) {
    stage[i] = (y[i] as number) + A21 * (k1[i] as number) * h;
  }
  f(t + C2 * h, stage, k2);
  for (let i = 0; i < n; i++) {
    stage[i] = (y[i] as number) + (A31 * (k1[i] as number) + A32 * (k2[i] as number)) * h;
  }
  f(t + C3 * h, stage, k3);
  for (let i = 0; i < n; i++) {
    stage[i] =
      (y[i] as number) +
      (A41 * (k1[i] as number) + A42 * (k2[i] as number) + A43 * (k3[i] as number)) * h;
  }
  f(t + C4 * h, stage, k4);
  for (let i = 0; i < n; i++) {
    stage[i] =
      (y[i] as number) +
      (A51 * (k1[i] as number) +
        A52 * (k2[i] as number) +
        A53 * (k3[i] as number) +
        A54 * (k4[i] as number)) *
        h;
  }
  f(t + C5 * h, stage, k5);
  for (let i = 0; i < n; i++) {
    stage[i] =
      (y[i] as number) +
      (A61 * (k1[i] as number) +
        A62 * (k2[i] as number) +
        A63 * (k3[i] as number) +
        A64 * (k4[i] as number) +
        A65 * (k5[i] as number)) *
        h;
  }
  f(t + h, stage, k6);
  for (let i = 0; i < n; i++) {
    yNew[i] =
      (y[i] as number) +
      h *
        (B1 * (k1[i] as number) +
          B3 * (k3[i] as number) +
          B4 * (k4[i] as number) +
          B5 * (k5[i] as number) +
          B6 * (k6[i] as number));
  }
  f(t + h, yNew, k7);
}

/**
 * One Dormand–Prince step of size `h` from (t, y): writes the 5th-order solution into `out`
 * (which may alias `y`) and, if `errOut` is given, the local error estimate (5th minus embedded
 * 4th order solution) into it. Exposed for fixed-step use and convergence studies; the adaptive
 * solver uses the same stage code. Costs 7 evaluations of `f` (the 7th is needed only for the
 * error estimate, but is always made so the cost is predictable).
 */
export function dopri5Step(
  f: OdeFunction,
  t: number,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: Dopri5Workspace = createDopri5Workspace(y.length),
  errOut?: Float64Array,
): void {
  const n = y.length;
  f(t, y, work.k1);
  dormandPrinceStages(f, t, y, h, work);
  if (errOut) {
    const { k1, k3, k4, k5, k6, k7 } = work;
    for (let i = 0; i < n; i++) {
      errOut[i] =
        (E1 * (k1[i] as number) +
          E3 * (k3[i] as number) +
          E4 * (k4[i] as number) +
          E5 * (k5[i] as number) +
          E6 * (k6[i] as number) +
          E7 * (k7[i] as number)) *
        h;
    }
  }
  out.set(work.yNew);
}

export interface Dopri5Options {
  /**
   * Output times, strictly monotone in the direction of integration and inside tSpan. Values are
   * taken from the 4th-order continuous extension of the step containing them (SciPy's RK45
   * dense output); a point equal to t0 returns y0 exactly.
   */
  tEval?: ArrayLike<number>;
  /** Relative tolerance, default 1e-3. Values below 100 * Number.EPSILON are raised to it. */
  rtol?: number;
  /** Absolute tolerance (scalar or per component), default 1e-6. Zero is allowed, as in SciPy. */
  atol?: number | ArrayLike<number>;
  /** Maximum number of step attempts (accepted + rejected), default 100000. */
  maxSteps?: number;
  /** Initial step magnitude; by default chosen by SciPy's `select_initial_step`. */
  firstStep?: number;
  /** Largest allowed step magnitude, default Infinity. */
  maxStep?: number;
}

function resolveAtol(atol: number | ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  if (typeof atol === 'number') {
    if (!(atol >= 0) || !Number.isFinite(atol)) {
      throw new IntegratorInputError(`atol must be a finite number >= 0, got ${atol}.`);
    }
    out.fill(atol);
    return out;
  }
  if (atol.length !== n) {
    throw new IntegratorInputError(
      `atol has ${atol.length} entries but y0 has ${n}; pass a scalar or one value per component.`,
    );
  }
  for (let i = 0; i < n; i++) {
    const v = atol[i] as number;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new IntegratorInputError(`atol[${i}] must be a finite number >= 0, got ${v}.`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Adaptive Dormand–Prince RK4(5) with local extrapolation, a step-for-step port of SciPy's
 * `solve_ivp(method='RK45')`: same tableau, initial step selection, error norm, step-size
 * controller, step-size underflow test and dense output. With equal inputs it takes the same
 * steps and makes the same number of `f` evaluations, and the states agree to round-off.
 *
 * Differences from SciPy: `maxSteps` (SciPy has no limit); NaN/Infinity is reported as status
 * `non-finite` instead of SciPy's eventual step-size failure; invalid input throws
 * {@link IntegratorInputError}.
 */
export function solveDopri5(
  f: OdeFunction,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: Dopri5Options = {},
): OdeSolution {
  const [t0, t1] = validateSpan(tSpan);
  let y: Float64Array = validateInitialState(y0);
  const n = y.length;
  const direction = t1 >= t0 ? 1 : -1;
  const tEval =
    options.tEval === undefined ? undefined : validateTEval(options.tEval, t0, t1, direction);

  let rtol = options.rtol ?? 1e-3;
  if (typeof rtol !== 'number' || !(rtol > 0) || !Number.isFinite(rtol)) {
    throw new IntegratorInputError(`rtol must be a positive finite number, got ${rtol}.`);
  }
  if (rtol < MIN_RTOL) rtol = MIN_RTOL;
  const atol = resolveAtol(options.atol ?? 1e-6, n);
  const maxSteps = options.maxSteps ?? 100_000;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new IntegratorInputError(`maxSteps must be a positive integer, got ${maxSteps}.`);
  }
  const maxStep = options.maxStep ?? Infinity;
  if (typeof maxStep !== 'number' || !(maxStep > 0)) {
    throw new IntegratorInputError(`maxStep must be positive (Infinity allowed), got ${maxStep}.`);
  }
  const firstStep = options.firstStep;
  if (firstStep !== undefined) {
    if (typeof firstStep !== 'number' || !(firstStep > 0) || !Number.isFinite(firstStep)) {
      throw new IntegratorInputError(
        `firstStep must be a positive finite number, got ${firstStep}.`,
      );
    }
    if (firstStep > Math.abs(t1 - t0)) {
      throw new IntegratorInputError(
        `firstStep = ${firstStep} exceeds the span length ${Math.abs(t1 - t0)}; make it smaller.`,
      );
    }
  }

  const w = createDopri5Workspace(n);
  const q = new Float64Array(4 * n);
  const stats: SolverStats = { nfev: 0, nsteps: 0, naccepted: 0, nrejected: 0 };
  const recorder = new SolutionRecorder(tEval ? tEval.length : 64);
  const nEval = tEval ? tEval.length : 0;
  let ie = 0;

  if (tEval) {
    // Strict monotonicity means at most the first point can equal t0.
    if (nEval > 0 && tEval[0] === t0) {
      recorder.push(t0, y);
      ie = 1;
    }
  } else {
    recorder.push(t0, y);
  }

  f(t0, y, w.k1);
  stats.nfev++;
  if (!isAllFinite(w.k1)) {
    return recorder.finish(
      'non-finite',
      `f(t0, y0) returned a non-finite derivative (NaN or Infinity) at t=${t0}. ` +
        'Check f and y0.',
      stats,
    );
  }
  if (t0 === t1) return recorder.finish('success', SUCCESS_MESSAGE, stats);

  let hAbs: number;
  if (firstStep !== undefined) {
    hAbs = firstStep;
  } else {
    hAbs = selectInitialStep(
      f,
      t0,
      y,
      t1,
      maxStep,
      w.k1,
      direction,
      ERROR_ESTIMATOR_ORDER,
      rtol,
      atol,
      w.stage,
      w.yNew,
      w.k2,
    );
    stats.nfev++;
  }

  let t = t0;
  while (direction * (t - t1) < 0) {
    const minStep = 10 * Math.abs(nextAfter(t, direction) - t);
    let hTry = hAbs > maxStep ? maxStep : hAbs < minStep ? minStep : hAbs;
    let rejected = false;
    let lastRejectNonFinite = false;
    let tNew = t;
    let h = 0;

    for (;;) {
      if (hTry < minStep) {
        if (lastRejectNonFinite) {
          return recorder.finish(
            'non-finite',
            `The derivative or state became non-finite (NaN or Infinity) in every step tried ` +
              `from t=${t}, down to the smallest step possible there. Check f for ` +
              'singularities or domain errors near this t.',
            stats,
          );
        }
        return recorder.finish(
          'step-size-underflow',
          `Required step size fell below 10 ulps of t at t=${t} (step ${hTry}). The solution ` +
            'may blow up in finite time near this t, or the problem is stiff or discontinuous; ' +
            'check f, shorten tSpan, or loosen rtol/atol.',
          stats,
        );
      }
      if (stats.nsteps >= maxSteps) {
        return recorder.finish(
          'max-steps',
          `Reached maxSteps = ${maxSteps} step attempts at t=${t} before t1=${t1}. Raise ` +
            'maxSteps or loosen rtol/atol; a very large step count may also signal a stiff ' +
            'problem.',
          stats,
        );
      }

      tNew = t + hTry * direction;
      if (direction * (tNew - t1) > 0) tNew = t1;
      h = tNew - t;
      hTry = Math.abs(h);

      dormandPrinceStages(f, t, y, h, w);
      stats.nfev += 6;
      stats.nsteps++;

      const { k1, k3, k4, k5, k6, k7, yNew } = w;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const yi = y[i] as number;
        const yNewi = yNew[i] as number;
        const err =
          (E1 * (k1[i] as number) +
            E3 * (k3[i] as number) +
            E4 * (k4[i] as number) +
            E5 * (k5[i] as number) +
            E6 * (k6[i] as number) +
            E7 * (k7[i] as number)) *
          h;
        const scale = (atol[i] as number) + Math.max(Math.abs(yi), Math.abs(yNewi)) * rtol;
        const r = err / scale;
        sum += r * r;
      }
      const errorNorm = Math.sqrt(sum) / Math.sqrt(n);

      if (errorNorm < 1) {
        let factor =
          errorNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errorNorm ** ERROR_EXPONENT);
        if (rejected) factor = Math.min(1, factor);
        hTry *= factor;
        stats.naccepted++;
        break;
      }
      // pyMax: a NaN error norm must shrink by MIN_FACTOR, exactly as in SciPy.
      hTry *= pyMax(MIN_FACTOR, SAFETY * errorNorm ** ERROR_EXPONENT);
      rejected = true;
      lastRejectNonFinite = !Number.isFinite(errorNorm);
      stats.nrejected++;
    }

    if (!isAllFinite(w.yNew) || !isAllFinite(w.k7)) {
      return recorder.finish(
        'non-finite',
        `The state or derivative became non-finite (NaN or Infinity) at t=${tNew}. ` +
          'Check f for singularities or domain errors.',
        stats,
      );
    }

    if (tEval) {
      if (ie < nEval && direction * ((tEval[ie] as number) - tNew) <= 0) {
        buildDenseCoefficients(w, q, n);
        do {
          const te = tEval[ie] as number;
          recorder.pushOwned(te, evalDense(q, y, t, h, te, n));
          ie++;
        } while (ie < nEval && direction * ((tEval[ie] as number) - tNew) <= 0);
      }
    }

    const yOld = y;
    y = w.yNew;
    w.yNew = yOld;
    const fOld = w.k1;
    w.k1 = w.k7;
    w.k7 = fOld;
    t = tNew;
    hAbs = hTry;
    if (!tEval) recorder.push(t, y);
  }

  return recorder.finish('success', SUCCESS_MESSAGE, stats);
}

/** Q = K^T P (SciPy's `RkDenseOutput.Q`), stored column-major: q[j * n + i]. */
function buildDenseCoefficients(w: Dopri5Workspace, q: Float64Array, n: number): void {
  const { k1, k3, k4, k5, k6, k7 } = w;
  for (let j = 0; j < 4; j++) {
    const p1 = P1[j] as number;
    const p3 = P3[j] as number;
    const p4 = P4[j] as number;
    const p5 = P5[j] as number;
    const p6 = P6[j] as number;
    const p7 = P7[j] as number;
    const off = j * n;
    for (let i = 0; i < n; i++) {
      q[off + i] =
        (k1[i] as number) * p1 +
        (k3[i] as number) * p3 +
        (k4[i] as number) * p4 +
        (k5[i] as number) * p5 +
        (k6[i] as number) * p6 +
        (k7[i] as number) * p7;
    }
  }
}

/** y_old + h * Q @ [x, x^2, x^3, x^4] with x = (te - tOld) / h, as SciPy's `RkDenseOutput`. */
function evalDense(
  q: Float64Array,
  yOld: Float64Array,
  tOld: number,
  h: number,
  te: number,
  n: number,
): Float64Array {
  const x = (te - tOld) / h;
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x3 * x;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] =
      h *
        ((q[i] as number) * x +
          (q[n + i] as number) * x2 +
          (q[2 * n + i] as number) * x3 +
          (q[3 * n + i] as number) * x4) +
      (yOld[i] as number);
  }
  return out;
}
