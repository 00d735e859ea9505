import type { OdeFunction } from './types.js';

/** Python's two-argument max: keeps `a` unless `b > a`, so a NaN `b` is ignored like in SciPy. */
export function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/** Python's two-argument min: keeps `a` unless `b < a`. */
export function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/** RMS of v[i] / scale[i], as SciPy's `norm(v / scale)`. */
export function scaledRmsNorm(v: Float64Array, scale: Float64Array): number {
  const n = v.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = (v[i] as number) / (scale[i] as number);
    sum += r * r;
  }
  return Math.sqrt(sum) / Math.sqrt(n);
}

/**
 * SciPy's `select_initial_step` (Hairer, Nørsett & Wanner, Sec. II.4): one explicit Euler probe,
 * then h1 = (0.01 / max(d1, d2))^(1/(order+1)), returning min(100*h0, h1, |t1-t0|, maxStep).
 * Costs exactly one evaluation of `f`. `scale`, `y1` and `f1` are caller-provided scratch
 * buffers of length y0.length.
 */
export function selectInitialStep(
  f: OdeFunction,
  t0: number,
  y0: Float64Array,
  tBound: number,
  maxStep: number,
  f0: Float64Array,
  direction: number,
  errorEstimatorOrder: number,
  rtol: number,
  atol: Float64Array,
  scale: Float64Array,
  y1: Float64Array,
  f1: Float64Array,
): number {
  const n = y0.length;
  const intervalLength = Math.abs(tBound - t0);
  if (intervalLength === 0) return 0;
  for (let i = 0; i < n; i++) scale[i] = (atol[i] as number) + Math.abs(y0[i] as number) * rtol;
  const d0 = scaledRmsNorm(y0, scale);
  const d1 = scaledRmsNorm(f0, scale);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = pyMin(h0, intervalLength);
  const hd = h0 * direction;
  for (let i = 0; i < n; i++) y1[i] = (y0[i] as number) + hd * (f0[i] as number);
  f(t0 + hd, y1, f1);
  // Reuse y1 for (f1 - f0) now that the probe state is no longer needed.
  for (let i = 0; i < n; i++) y1[i] = (f1[i] as number) - (f0[i] as number);
  const d2 = scaledRmsNorm(y1, scale) / h0;
  const h1 =
    d1 <= 1e-15 && d2 <= 1e-15
      ? pyMax(1e-6, h0 * 1e-3)
      : (0.01 / pyMax(d1, d2)) ** (1 / (errorEstimatorOrder + 1));
  return pyMin(pyMin(pyMin(100 * h0, h1), intervalLength), maxStep);
}
