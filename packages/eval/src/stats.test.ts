import { describe, expect, it } from 'vitest';
import { MetricInputError, groupedStats, squaredErrorStats, std } from './stats.js';

describe('squaredErrorStats', () => {
  it('reports the mean squared error and torch std / sqrt(points)', () => {
    // 2 points x 2 dims; squared errors 1, 4, 0, 9
    const pred = new Float64Array([1, 2, 3, 4]);
    const target = new Float64Array([0, 0, 3, 1]);
    const s = squaredErrorStats(pred, target, 2);
    expect(s.mean).toBeCloseTo(3.5, 14);
    // unbiased std of [1, 4, 0, 9] = sqrt(((2.5^2)+(0.5^2)+(3.5^2)+(5.5^2))/3) = sqrt(49/3)
    expect(s.se).toBeCloseTo(Math.sqrt(49 / 3) / Math.sqrt(2), 14);
  });

  it('rejects mismatched lengths and non-finite values', () => {
    expect(() => squaredErrorStats(new Float64Array(4), new Float64Array(3), 2)).toThrow(
      MetricInputError,
    );
    expect(() =>
      squaredErrorStats(new Float64Array([NaN, 0]), new Float64Array([0, 0]), 2),
    ).toThrow(/non-finite/);
  });
});

describe('groupedStats', () => {
  it('uses the std (ddof 0) of consecutive group means over sqrt(groups)', () => {
    const values = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5];
    const s = groupedStats(values, 5);
    expect(s.mean).toBe(3);
    expect(s.se).toBeCloseTo(std([1, 2, 3, 4, 5], 0) / Math.sqrt(5), 14);
    expect(std([1, 2, 3, 4, 5], 0)).toBeCloseTo(Math.sqrt(2), 14);
  });

  it('needs a multiple of the group count', () => {
    expect(() => groupedStats([1, 2, 3], 5)).toThrow(/multiple of 5/);
  });
});
