import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import { RolloutError } from './rollout.js';
import { MetricInputError } from './stats.js';

/**
 * A float64 Hamiltonian vector field at a single state x = (q, p): writes
 * f = (dH/dp, -dH/dq) into `out` (paper Eq. 2). Any HNN's `toFloat64().timeDerivative` (from
 * `@hnn/core`) or a pixel model's `latentField64()` (from `@hnn/autoencoder`) is one.
 */
export type SymplecticField64 = (x: Float64Array, out: Float64Array) => void;

/** Tolerances of the adaptive Dormand-Prince solver used by the editing functions. */
export interface EnergyEditOptions {
  /** Default 1e-9. */
  readonly rtol?: number;
  /** Default 1e-9. */
  readonly atol?: number;
  /** Evenly spaced output states, both ends included (default 50). */
  readonly points?: number;
  /** Step-attempt budget of the solver (default 100,000). */
  readonly maxSteps?: number;
}

/** A path through phase space: `states[k]` at parameter `ts[k]` (time, or H change for `editEnergy`). */
export interface PhasePath {
  readonly ts: Float64Array;
  readonly states: Float64Array[];
}

function checkState(x0: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(x0);
  if (x.length === 0 || x.length % 2 !== 0) {
    throw new MetricInputError(`a phase-space state has an even number of values, got ${x.length}`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new MetricInputError(`the start state has a non-finite value at index ${i}: ${x[i]}`);
    }
  }
  return x;
}

/**
 * grad H = (dH/dq, dH/dp) recovered from a Hamiltonian field f = (dH/dp, -dH/dq):
 * dH/dq = -f_p and dH/dp = f_q. Writes into `out`; allocation-free after the first call.
 */
export function hamiltonianGradient(field: SymplecticField64): SymplecticField64 {
  let f = new Float64Array(0);
  return (x, out) => {
    if (f.length !== x.length) f = new Float64Array(x.length);
    field(x, f);
    const n = x.length / 2;
    for (let i = 0; i < n; i++) {
      out[i] = -f[n + i]!;
      out[n + i] = f[i]!;
    }
  };
}

/**
 * The Riemannian gradient field of H (paper Section 6: R_H = (dH/dq, dH/dp)), which changes H as
 * fast as possible, as an ODE right-hand side. With `normalize`, dx/dt = grad H / |grad H|^2 so
 * that dH/dt = 1 exactly and an integration time equals the change in H. `sign` -1 descends.
 */
export function riemannianField(
  field: SymplecticField64,
  options: { readonly normalize?: boolean; readonly sign?: 1 | -1 } = {},
): OdeFunction {
  const grad = hamiltonianGradient(field);
  const sign = options.sign ?? 1;
  const normalize = options.normalize ?? false;
  return (_t, y, out) => {
    grad(y, out);
    let scale: number = sign;
    if (normalize) {
      let sq = 0;
      for (let i = 0; i < out.length; i++) sq += out[i]! * out[i]!;
      // At a critical point of H there is no direction that changes it; NaN stops the solver
      // with status 'non-finite', which the callers turn into a RolloutError.
      scale = sq > 0 ? sign / sq : Number.NaN;
    }
    for (let i = 0; i < out.length; i++) out[i]! *= scale;
  };
}

function integrate(
  f: OdeFunction,
  x0: Float64Array,
  duration: number,
  what: string,
  options: EnergyEditOptions,
): PhasePath {
  const points = options.points ?? 50;
  if (!Number.isInteger(points) || points < 2) {
    throw new MetricInputError(`points must be an integer >= 2, got ${points}`);
  }
  if (!Number.isFinite(duration)) {
    throw new MetricInputError(`${what} must be finite, got ${duration}`);
  }
  const ts = new Float64Array(points);
  for (let k = 0; k < points - 1; k++) ts[k] = (duration * k) / (points - 1);
  // Exactly the end of the span: (duration * k) / k can round past it.
  ts[points - 1] = duration;
  if (duration === 0) return { ts, states: Array.from({ length: points }, () => x0.slice()) };
  const sol = solveDopri5(f, [0, duration], x0, {
    tEval: ts,
    rtol: options.rtol ?? 1e-9,
    atol: options.atol ?? 1e-9,
    maxSteps: options.maxSteps ?? 100_000,
  });
  if (sol.status !== 'success') {
    throw new RolloutError(
      `${what} from [${Array.from(x0).join(', ')}] stopped at ${sol.ts[sol.ts.length - 1] ?? 0} ` +
        `of ${duration} (${sol.status}): ${sol.message}` +
        (sol.status === 'non-finite' ? ' (grad H vanished or the field overflowed)' : ''),
    );
  }
  return { ts: sol.ts, states: sol.ys };
}

/**
 * Changes the learned H by `deltaH` (paper Section 6, "adding and removing energy"): integrates
 * dx/ds = sign(deltaH) grad H / |grad H|^2 for s in [0, |deltaH|], along which H(x(s)) =
 * H(x0) + sign(deltaH) s exactly (up to the solver's tolerance). `ts` of the result holds the
 * signed change of H reached at each state. Throws `RolloutError` if the path meets a critical
 * point of H (where grad H = 0 and no direction changes H).
 */
export function editEnergy(
  field: SymplecticField64,
  x0: ArrayLike<number>,
  deltaH: number,
  options: EnergyEditOptions = {},
): PhasePath {
  const x = checkState(x0);
  const sign = deltaH < 0 ? -1 : 1;
  const path = integrate(
    riemannianField(field, { normalize: true, sign }),
    x,
    Math.abs(deltaH),
    'editEnergy',
    options,
  );
  const ts = path.ts.map((s) => sign * s);
  return { ts, states: path.states };
}

/**
 * Follows the plain Riemannian gradient dx/dt = grad H for `duration` time units (negative
 * durations run it backwards, i.e. descend H). H changes monotonically along it, at rate
 * |grad H|^2.
 */
export function followRiemannianGradient(
  field: SymplecticField64,
  x0: ArrayLike<number>,
  duration: number,
  options: EnergyEditOptions = {},
): PhasePath {
  return integrate(riemannianField(field), checkState(x0), duration, 'Riemannian flow', options);
}

/**
 * Follows the symplectic gradient (the model's own dynamics) for `duration` time units; H is
 * conserved along it up to the solver's tolerance. The counterpart of
 * {@link followRiemannianGradient} for alternating the two, as in the paper's Figure 5.
 */
export function followSymplecticGradient(
  field: SymplecticField64,
  x0: ArrayLike<number>,
  duration: number,
  options: EnergyEditOptions = {},
): PhasePath {
  const f: OdeFunction = (_t, y, out) => field(y, out);
  return integrate(f, checkState(x0), duration, 'symplectic flow', options);
}
