import { IntegratorInputError } from './errors.js';
import { SolutionRecorder } from './solution-recorder.js';
import type { OdeFunction, OdeSolution, SolverStats } from './types.js';
import { isAllFinite, validateInitialState, validateSpan, validateTEval } from './validate.js';

/** Scratch buffers for {@link rk4Step}; reuse one per system size to avoid allocation. */
export interface Rk4Workspace {
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  readonly k3: Float64Array;
  readonly k4: Float64Array;
  readonly stage: Float64Array;
}

export function createRk4Workspace(n: number): Rk4Workspace {
  return {
    k1: new Float64Array(n),
    k2: new Float64Array(n),
    k3: new Float64Array(n),
    k4: new Float64Array(n),
    stage: new Float64Array(n),
  };
}

/**
 * One classic fourth-order Runge–Kutta step of size `h` (negative to go backwards) from (t, y),
 * written into `out`. `out` may be the same array as `y`. Allocation-free when `work` is given.
 * Costs 4 evaluations of `f`.
 */
export function rk4Step(
  f: OdeFunction,
  t: number,
  y: Float64Array,
  h: number,
  out: Float64Array,
  work: Rk4Workspace = createRk4Workspace(y.length),
): void {
  const n = y.length;
  const { k1, k2, k3, k4, stage } = work;
  const half = 0.5 * h;
  f(t, y, k1);
  for (let i = 0; i < n; i++) stage[i] = (y[i] as number) + half * (k1[i] as number);
  f(t + half, stage, k2);
  for (let i = 0; i < n; i++) stage[i] = (y[i] as number) + half * (k2[i] as number);
  f(t + half, stage, k3);
  for (let i = 0; i < n; i++) stage[i] = (y[i] as number) + h * (k3[i] as number);
  f(t + h, stage, k4);
  const sixth = h / 6;
  for (let i = 0; i < n; i++) {
    out[i] =
      (y[i] as number) +
      sixth *
        ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
  }
}

export interface Rk4Options {
  /** Step size magnitude (> 0); the sign comes from tSpan. */
  dt: number;
  /**
   * Output times, strictly monotone in the direction of integration and inside tSpan. The solver
   * steps exactly onto each of them (splitting the regular step that contains one), so outputs
   * carry no interpolation error.
   */
  tEval?: ArrayLike<number>;
}

/**
 * Fixed-step classic RK4 over tSpan = [t0, t1] (t1 < t0 integrates backwards).
 *
 * The nominal grid is t0 + k*dt*sign(t1 - t0), computed by multiplication so round-off does not
 * accumulate; the last step is shortened to land on t1 exactly. Requested `tEval` points are hit
 * by stepping onto them; a grid node closer than 1e-9*dt to a tEval point or to t1 is merged
 * into it, which avoids wasted near-zero steps when they coincide up to round-off.
 *
 * Without `tEval`, `ts` holds every node reached, starting with t0.
 */
export function solveRk4(
  f: OdeFunction,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: Rk4Options,
): OdeSolution {
  const [t0, t1] = validateSpan(tSpan);
  let y: Float64Array = validateInitialState(y0);
  const dt = options?.dt;
  if (typeof dt !== 'number' || !(dt > 0) || !Number.isFinite(dt)) {
    throw new IntegratorInputError(`options.dt must be a positive finite number, got ${dt}.`);
  }
  const direction = t1 >= t0 ? 1 : -1;
  const tEval =
    options.tEval === undefined ? undefined : validateTEval(options.tEval, t0, t1, direction);
  const n = y.length;
  const work = createRk4Workspace(n);
  let yNext: Float64Array = new Float64Array(n);
  const h = direction * dt;
  const snap = 1e-9 * dt;
  const stats: SolverStats = { nfev: 0, nsteps: 0, naccepted: 0, nrejected: 0 };
  const recorder = new SolutionRecorder(
    tEval ? tEval.length : Math.min(Math.ceil(Math.abs(t1 - t0) / dt) + 1, 1 << 20),
  );

  let ie = 0;
  if (tEval) {
    if (tEval.length > 0 && tEval[0] === t0) {
      recorder.push(t0, y);
      ie = 1;
    }
  } else {
    recorder.push(t0, y);
  }

  let t = t0;
  let k = 0;
  while (direction * (t1 - t) > 0) {
    let target = t0 + (k + 1) * h;
    if (direction * (t1 - target) <= snap) target = t1;
    let consumesNode = true;
    let isEvalPoint = false;
    if (tEval && ie < tEval.length) {
      const te = tEval[ie] as number;
      const gap = direction * (target - te);
      if (gap >= -snap) {
        isEvalPoint = true;
        consumesNode = gap <= snap;
        target = te;
      }
    }
    rk4Step(f, t, y, target - t, yNext, work);
    stats.nfev += 4;
    stats.nsteps++;
    stats.naccepted++;
    if (!isAllFinite(yNext)) {
      return recorder.finish(
        'non-finite',
        `The state became non-finite (NaN or Infinity) in the RK4 step from t=${t} to ` +
          `t=${target}. Check f for singularities or domain errors, or reduce dt.`,
        stats,
      );
    }
    const swap = y;
    y = yNext;
    yNext = swap;
    t = target;
    if (consumesNode) k++;
    if (isEvalPoint) recorder.push(tEval?.[ie++] as number, y);
    else if (!tEval) recorder.push(t, y);
  }
  return recorder.finish(
    'success',
    'The solver successfully reached the end of the integration interval.',
    stats,
  );
}
