/**
 * What `finiteDifferenceDerivatives` does, in words, for help texts and the model file.
 */
export const FINITE_DIFFERENCE_METHOD =
  'second-order finite differences on the (possibly non-uniform) t grid: central 3-point ' +
  'formula inside each trajectory, one-sided 3-point formulas at its first and last rows ' +
  '(like numpy.gradient with edge_order=2); a 2-row trajectory gets the plain difference quotient';

/**
 * Estimates dx/dt along one trajectory from its samples: x is row-major (t.length x dim), t
 * strictly increasing. Second-order accurate for any spacing (exact for quadratics in t).
 * Needs at least 2 rows.
 */
export function finiteDifferenceDerivatives(
  t: Float64Array,
  x: Float64Array,
  dim: number,
): Float64Array {
  const m = t.length;
  if (m < 2) throw new RangeError('finite differences need at least 2 rows');
  const out = new Float64Array(m * dim);
  const at = (i: number, k: number): number => x[i * dim + k] as number;
  if (m === 2) {
    const h = (t[1] as number) - (t[0] as number);
    for (let k = 0; k < dim; k++) {
      const d = (at(1, k) - at(0, k)) / h;
      out[k] = d;
      out[dim + k] = d;
    }
    return out;
  }
  // Lagrange 3-point derivative weights at the middle node, and at the first and last nodes.
  for (let i = 0; i < m; i++) {
    const c = i === 0 ? 1 : i === m - 1 ? m - 2 : i;
    const ta = t[c - 1] as number;
    const tb = t[c] as number;
    const tc = t[c + 1] as number;
    const s = t[i] as number;
    // d/ds of the quadratic through (ta, tb, tc) at s.
    const wa = (2 * s - tb - tc) / ((ta - tb) * (ta - tc));
    const wb = (2 * s - ta - tc) / ((tb - ta) * (tb - tc));
    const wc = (2 * s - ta - tb) / ((tc - ta) * (tc - tb));
    for (let k = 0; k < dim; k++) {
      out[i * dim + k] = wa * at(c - 1, k) + wb * at(c, k) + wc * at(c + 1, k);
    }
  }
  return out;
}
