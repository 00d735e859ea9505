/**
 * max |H(y) - H(y0)| over the outputs in the first and in the last tenth of the time span,
 * so that runs with different output times (fixed grids, adaptive steps) compare alike.
 */
export function energyErrorTenths(
  ts: Float64Array,
  ys: readonly Float64Array[],
  energy: (y: Float64Array) => number,
): { first: number; last: number } {
  const h0 = energy(ys[0] as Float64Array);
  const t0 = ts[0] as number;
  const t1 = ts[ts.length - 1] as number;
  const tenth = 0.1 * (t1 - t0);
  let first = 0;
  let last = 0;
  for (let i = 0; i < ys.length; i++) {
    const t = ts[i] as number;
    const err = Math.abs(energy(ys[i] as Float64Array) - h0);
    if (t - t0 <= tenth) first = Math.max(first, err);
    if (t1 - t <= tenth) last = Math.max(last, err);
  }
  return { first, last };
}

/** Jacobian of a one-step map y -> out by central differences, as rows M[i][j] = d out_i / d y_j. */
export function stepJacobian(
  step: (y: Float64Array, out: Float64Array) => void,
  y: readonly number[],
  eps = 1e-5,
): number[][] {
  const n = y.length;
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const yp = Float64Array.from(y);
    const ym = Float64Array.from(y);
    yp[j] = (yp[j] as number) + eps;
    ym[j] = (ym[j] as number) - eps;
    step(yp, plus);
    step(ym, minus);
    for (let i = 0; i < n; i++) {
      (m[i] as number[])[j] = ((plus[i] as number) - (minus[i] as number)) / (2 * eps);
    }
  }
  return m;
}

/**
 * max |(MᵀJM - J)_ij| with J = [[0, I], [-I, 0]] for y = (q, p): zero exactly when the map with
 * Jacobian M preserves the symplectic form.
 */
export function symplecticDefect(m: readonly (readonly number[])[]): number {
  const n = m.length;
  const half = n / 2;
  const jAt = (i: number, j: number): number => (j === i + half ? 1 : i === j + half ? -1 : 0);
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          s += (m[i]?.[a] as number) * jAt(i, j) * (m[j]?.[b] as number);
        }
      }
      worst = Math.max(worst, Math.abs(s - jAt(a, b)));
    }
  }
  return worst;
}

/** max_i |a_i - b_i| / max_i |b_i|. */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs((a[i] as number) - (b[i] as number)));
    den = Math.max(den, Math.abs(b[i] as number));
  }
  return num / den;
}
