import type { RandomState } from '@hnn/random';

/**
 * Orthogonal initialisation as torch.nn.init.orthogonal_ does it, for a torch weight of shape
 * (rows, cols) = (out, in): draw rows*cols standard normals in row-major order, transpose if
 * rows < cols, take the QR factorisation in float64 (Householder), scale Q's columns by
 * sign(diag(R)) so the factorisation is unique, transpose back.
 *
 * Returns the torch-layout matrix (rows x cols, row-major) in float64.
 */
export function orthogonalTorchLayout(rows: number, cols: number, rng: RandomState): Float64Array {
  const normals = rng.randnArray(rows * cols);
  const transpose = rows < cols;
  // A is m x n with m >= n, row-major.
  const m = transpose ? cols : rows;
  const n = transpose ? rows : cols;
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = normals[i * cols + j] as number;
      if (transpose) a[j * n + i] = v;
      else a[i * n + j] = v;
    }
  }
  const q = householderQ(a, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out[i * cols + j] = (transpose ? q[j * n + i] : q[i * n + j]) as number;
    }
  }
  return out;
}

/**
 * Orthogonal weight for `x @ W` (shape in x out, row-major, float64): the transpose of the torch
 * weight (out x in) drawn by {@link orthogonalTorchLayout}.
 */
export function orthogonalWeight(inDim: number, outDim: number, rng: RandomState): Float64Array {
  const torchW = orthogonalTorchLayout(outDim, inDim, rng);
  const w = new Float64Array(inDim * outDim);
  for (let o = 0; o < outDim; o++) {
    for (let i = 0; i < inDim; i++) w[i * outDim + o] = torchW[o * inDim + i] as number;
  }
  return w;
}

/**
 * Reduced QR of a (m x n, m >= n, row-major; overwritten) by Householder reflections; returns
 * Q (m x n) with its columns multiplied by sign(diag(R)), i.e. the Q of the unique QR with a
 * non-negative diagonal of R, whatever sign convention the reflections use.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += (a[i * n + k] as number) ** 2;
    norm = Math.sqrt(norm);
    const akk = a[k * n + k] as number;
    const alpha = akk >= 0 ? -norm : norm;
    // v = a[k:, k] - alpha e_1, reflection H = I - 2 v v^T / (v^T v) maps a[k:, k] to alpha e_1.
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k] as number;
    v[0] = akk - alpha;
    let vtv = 0;
    for (let i = 0; i < v.length; i++) vtv += (v[i] as number) ** 2;
    if (vtv > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += (v[i - k] as number) * (a[i * n + j] as number);
        const f = (2 * dot) / vtv;
        for (let i = k; i < m; i++)
          a[i * n + j] = (a[i * n + j] as number) - f * (v[i - k] as number);
      }
    }
    rDiag[k] = vtv > 0 ? alpha : akk;
    vs.push(vtv > 0 ? v : new Float64Array(0));
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k] as Float64Array;
    if (v.length === 0) continue;
    let vtv = 0;
    for (let i = 0; i < v.length; i++) vtv += (v[i] as number) ** 2;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += (v[i - k] as number) * (q[i * n + j] as number);
      const f = (2 * dot) / vtv;
      for (let i = k; i < m; i++)
        q[i * n + j] = (q[i * n + j] as number) - f * (v[i - k] as number);
    }
  }
  for (let j = 0; j < n; j++) {
    // torch: d.sign() is 0 for a zero diagonal, which would zero the column; keep it instead
    // (R has a zero diagonal only for a rank-deficient draw, which has probability zero).
    const s = (rDiag[j] as number) < 0 ? -1 : 1;
    if (s < 0) for (let i = 0; i < m; i++) q[i * n + j] = -(q[i * n + j] as number);
  }
  return q;
}
