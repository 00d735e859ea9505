import { describe, expect, it } from 'vitest';
import { finiteDifferenceDerivatives } from './finite-difference.js';

describe('finiteDifferenceDerivatives', () => {
  it('is exact for quadratics on a non-uniform grid, ends included', () => {
    const t = Float64Array.from([0, 0.1, 0.35, 0.4, 0.9, 1.5]);
    // Two components: q = 3t^2 - t + 2, p = -t^2 + 4.
    const x = new Float64Array(t.length * 2);
    t.forEach((s, i) => {
      x[2 * i] = 3 * s * s - s + 2;
      x[2 * i + 1] = -s * s + 4;
    });
    const d = finiteDifferenceDerivatives(t, x, 2);
    t.forEach((s, i) => {
      expect(d[2 * i]).toBeCloseTo(6 * s - 1, 10);
      expect(d[2 * i + 1]).toBeCloseTo(-2 * s, 10);
    });
  });

  it('uses the difference quotient for two rows', () => {
    const d = finiteDifferenceDerivatives(
      Float64Array.from([1, 1.5]),
      Float64Array.from([2, 3]),
      1,
    );
    expect(Array.from(d)).toEqual([2, 2]);
  });

  it('is second-order accurate for a smooth trajectory', () => {
    const maxError = (m: number): number => {
      const t = Float64Array.from({ length: m }, (_, i) => (3 * i) / (m - 1));
      const x = Float64Array.from(t, Math.sin);
      const d = finiteDifferenceDerivatives(t, x, 1);
      return Math.max(...Array.from(t, (s, i) => Math.abs((d[i] as number) - Math.cos(s))));
    };
    const ratio = maxError(31) / maxError(61);
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(4.5);
  });

  it('needs two rows', () => {
    expect(() =>
      finiteDifferenceDerivatives(Float64Array.from([0]), Float64Array.from([1]), 1),
    ).toThrow(RangeError);
  });
});
