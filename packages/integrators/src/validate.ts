import { IntegratorInputError } from './errors.js';

export function validateSpan(tSpan: readonly [number, number]): [number, number] {
  if (!Array.isArray(tSpan) || tSpan.length !== 2) {
    throw new IntegratorInputError('tSpan must be a pair [t0, t1].');
  }
  const [t0, t1] = tSpan;
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) {
    throw new IntegratorInputError(`tSpan must be finite, got [${t0}, ${t1}].`);
  }
  return [t0, t1];
}

export function validateInitialState(y0: ArrayLike<number>): Float64Array {
  const n = y0.length;
  if (n === 0) throw new IntegratorInputError('y0 must have at least one component.');
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = y0[i] as number;
    if (!Number.isFinite(v)) {
      throw new IntegratorInputError(`y0[${i}] is ${v}; every initial value must be finite.`);
    }
    y[i] = v;
  }
  return y;
}

/**
 * Copies `tEval` after checking it lies within the span and is strictly monotone in the
 * integration direction (as solve_ivp requires).
 */
export function validateTEval(
  tEval: ArrayLike<number>,
  t0: number,
  t1: number,
  direction: number,
): Float64Array {
  const m = tEval.length;
  const out = new Float64Array(m);
  const lo = Math.min(t0, t1);
  const hi = Math.max(t0, t1);
  for (let i = 0; i < m; i++) {
    const v = tEval[i] as number;
    if (!Number.isFinite(v)) {
      throw new IntegratorInputError(`tEval[${i}] is ${v}; output times must be finite.`);
    }
    if (v < lo || v > hi) {
      throw new IntegratorInputError(
        `tEval[${i}] = ${v} lies outside tSpan [${t0}, ${t1}]; drop it or widen tSpan.`,
      );
    }
    if (i > 0 && direction * (v - (out[i - 1] as number)) <= 0) {
      throw new IntegratorInputError(
        `tEval must be strictly ${direction > 0 ? 'increasing' : 'decreasing'} ` +
          `(the direction from t0 to t1), but tEval[${i - 1}] = ${out[i - 1]} and ` +
          `tEval[${i}] = ${v}.`,
      );
    }
    out[i] = v;
  }
  return out;
}

export function isAllFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) {
    // `x - x` is NaN exactly for NaN and ±Infinity, and avoids a call per element.
    const x = v[i] as number;
    if (x - x !== 0) return false;
  }
  return true;
}
