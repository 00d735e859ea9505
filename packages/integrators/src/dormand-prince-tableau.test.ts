import { describe, expect, it } from 'vitest';
import * as T from './dormand-prince-tableau.js';

const c = [0, T.C2, T.C3, T.C4, T.C5, 1, 1];
const A = [
  [],
  [T.A21],
  [T.A31, T.A32],
  [T.A41, T.A42, T.A43],
  [T.A51, T.A52, T.A53, T.A54],
  [T.A61, T.A62, T.A63, T.A64, T.A65],
  [T.B1, 0, T.B3, T.B4, T.B5, T.B6],
];
const b = [T.B1, 0, T.B3, T.B4, T.B5, T.B6, 0];
const e = [T.E1, 0, T.E3, T.E4, T.E5, T.E6, T.E7];
const P = [T.P1, [0, 0, 0, 0], T.P3, T.P4, T.P5, T.P6, T.P7];

const dot = (u: readonly number[], v: readonly number[]) =>
  u.reduce((s, ui, i) => s + ui * (v[i] ?? 0), 0);

describe('Dormand–Prince tableau', () => {
  it('has consistent row sums (c_i = sum_j a_ij)', () => {
    A.forEach((row, i) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(c[i] as number, 14));
  });

  it('satisfies the order conditions up to order 5 for b', () => {
    const c2 = c.map((v) => v * v);
    const c3 = c.map((v) => v ** 3);
    const c4 = c.map((v) => v ** 4);
    expect(dot(b, [1, 1, 1, 1, 1, 1, 1])).toBeCloseTo(1, 14);
    expect(dot(b, c)).toBeCloseTo(1 / 2, 14);
    expect(dot(b, c2)).toBeCloseTo(1 / 3, 14);
    expect(dot(b, c3)).toBeCloseTo(1 / 4, 14);
    expect(dot(b, c4)).toBeCloseTo(1 / 5, 14);
    const Ac = A.map((row) => dot(row, c));
    expect(dot(b, Ac)).toBeCloseTo(1 / 6, 14);
  });

  it('has error weights that vanish on constants (both solutions are consistent)', () => {
    expect(dot(e, [1, 1, 1, 1, 1, 1, 1])).toBeCloseTo(0, 15);
    // The embedded 4th-order weights b - e still integrate t^3 exactly.
    const bHat = b.map((v, i) => v - (e[i] as number));
    expect(
      dot(
        bHat,
        c.map((v) => v ** 3),
      ),
    ).toBeCloseTo(1 / 4, 14);
  });

  it('has a continuous extension that starts at y_old and ends at the 5th-order solution', () => {
    // At x = 1 the interpolant weights sum_j P_ij must equal b_i.
    P.forEach((row, i) => {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(b[i] as number, 12);
    });
  });
});
