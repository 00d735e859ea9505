import { describe, expect, it } from 'vitest';
import { timingStats } from './stats.js';

describe('timingStats', () => {
  it('gives the median and quartiles with linear interpolation', () => {
    expect(timingStats([4, 1, 3, 2, 5])).toEqual({
      median: 3,
      p25: 2,
      p75: 4,
      min: 1,
      max: 5,
      n: 5,
    });
    expect(timingStats([1, 2]).median).toBe(1.5);
  });

  it('refuses an empty sample', () => {
    expect(() => timingStats([])).toThrow(/no timing samples/);
  });
});
