import { describe, expect, it } from 'vitest';
import { nextAfter } from './next-after.js';

describe('nextAfter', () => {
  it('steps one ulp in either direction', () => {
    expect(nextAfter(1, 1)).toBe(1 + Number.EPSILON);
    expect(nextAfter(1, -1)).toBe(1 - Number.EPSILON / 2);
    expect(nextAfter(-1, -1)).toBe(-1 - Number.EPSILON);
    expect(nextAfter(-1, 1)).toBe(-1 + Number.EPSILON / 2);
    expect(nextAfter(20, 1) - 20).toBe(16 * Number.EPSILON);
  });

  it('handles zero, the subnormal range and carries across the low word', () => {
    expect(nextAfter(0, 1)).toBe(Number.MIN_VALUE);
    expect(nextAfter(0, -1)).toBe(-Number.MIN_VALUE);
    expect(nextAfter(Number.MIN_VALUE, -1)).toBe(0);
    expect(nextAfter(2 ** -1022, -1)).toBe(2 ** -1022 - Number.MIN_VALUE);
    // 2^32 ulps above 1 the low 32 bits wrap around.
    const x = 1 + (2 ** 32 - 1) * Number.EPSILON;
    expect(nextAfter(x, 1)).toBe(1 + 2 ** 32 * Number.EPSILON);
    expect(nextAfter(1 + 2 ** 32 * Number.EPSILON, -1)).toBe(x);
  });

  it('saturates at the extremes', () => {
    expect(nextAfter(Number.MAX_VALUE, 1)).toBe(Infinity);
    expect(nextAfter(Infinity, -1)).toBe(Number.MAX_VALUE);
    expect(nextAfter(NaN, 1)).toBeNaN();
  });
});
