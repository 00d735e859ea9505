import { RandomState } from '@hnn/random';
import { describe, expect, it } from 'vitest';
import { createMlp } from './mlp.js';
import { orthogonalTorchLayout, orthogonalWeight } from './orthogonal.js';

/** Largest |G - I| for G the smaller Gram matrix of a (rows x cols) row-major matrix. */
function orthogonalityDefect(m: Float64Array | Float32Array, rows: number, cols: number): number {
  const byRows = rows <= cols; // rows orthonormal if there are fewer of them
  const k = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const at = (v: number, t: number): number =>
    (byRows ? m[v * cols + t] : m[t * cols + v]) as number;
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < len; t++) s += at(i, t) * at(j, t);
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthogonal initialisation', () => {
  it.each([
    [200, 2],
    [2, 200],
    [30, 30],
    [1, 50],
  ])('torch layout %i x %i is orthogonal', (rows, cols) => {
    const w = orthogonalTorchLayout(rows, cols, new RandomState(0));
    expect(orthogonalityDefect(w, rows, cols)).toBeLessThan(1e-12);
  });

  it('x @ W layout is the transpose of the torch layout from the same draws', () => {
    const torch = orthogonalTorchLayout(5, 3, new RandomState(4));
    const w = orthogonalWeight(3, 5, new RandomState(4));
    for (let o = 0; o < 5; o++) {
      for (let i = 0; i < 3; i++) expect(w[i * 5 + o]).toBe(torch[o * 3 + i]);
    }
  });

  it('is the Q of a QR with a non-negative diagonal of R (unique, like torch)', () => {
    // For a square matrix: R = Q^T A must be upper triangular with diag(R) >= 0.
    const n = 6;
    const a = new RandomState(9).randnArray(n * n);
    const q = orthogonalTorchLayout(n, n, new RandomState(9));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let r = 0;
        for (let t = 0; t < n; t++) r += (q[t * n + i] as number) * (a[t * n + j] as number);
        if (j < i) expect(Math.abs(r)).toBeLessThan(1e-12);
        else expect(r).toBeGreaterThan(0);
      }
    }
  });

  it('MLP weights are orthogonal, no last bias; same seed same weights', () => {
    const a = createMlp({ inputDim: 2, outputDim: 1, hiddenDim: 40, seed: 0 });
    const b = createMlp({ inputDim: 2, outputDim: 1, hiddenDim: 40, seed: 0 });
    const c = createMlp({ inputDim: 2, outputDim: 1, hiddenDim: 40, seed: 1 });
    const [w1, b1, w2, b2, w3, ...rest] = a.getWeights();
    expect(rest).toHaveLength(0);
    expect(orthogonalityDefect(w1 as Float32Array, 2, 40)).toBeLessThan(1e-6);
    expect(orthogonalityDefect(w2 as Float32Array, 40, 40)).toBeLessThan(1e-5);
    expect(orthogonalityDefect(w3 as Float32Array, 40, 1)).toBeLessThan(1e-6);
    expect(b1).toHaveLength(40);
    expect(b2).toHaveLength(40);
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(c.getWeights()[2]).not.toEqual(a.getWeights()[2]);
    [a, b, c].forEach((m) => m.dispose());
  });
});
