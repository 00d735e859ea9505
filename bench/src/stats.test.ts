import { describe, expect, it } from 'vitest';
import { ratioStats, timingStats } from './stats.js';

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

describe('ratioStats', () => {
  it('divides round by round and gives the median and the min-max spread', () => {
    // Rounds: 2/4 = 0.5, 3/4 = 0.75, 1/5 = 0.2.
    expect(ratioStats([2, 3, 1], [4, 4, 5])).toEqual({
      median: 0.5,
      min: 0.2,
      max: 0.75,
      perRound: [0.5, 0.75, 0.2],
    });
  });

  it('pairs each round with its own rival time, not the pooled medians', () => {
    // Pooled: median(ours) / median(theirs) = 2 / 2 = 1; per round every ratio is 0.5 or 2.
    const r = ratioStats([1, 2, 4], [2, 1, 2]);
    expect(r.perRound).toEqual([0.5, 2, 2]);
    expect(r.median).toBe(2);
  });

  it('takes the mean of the middle two for an even number of rounds', () => {
    expect(ratioStats([1, 3], [2, 2]).median).toBe(1);
  });

  it('refuses mismatched rounds and times that are not positive and finite', () => {
    expect(() => ratioStats([], [])).toThrow(/one time per round/);
    expect(() => ratioStats([1, 2], [1])).toThrow(/one time per round/);
    expect(() => ratioStats([1], [0])).toThrow(/round 0/);
    expect(() => ratioStats([Number.NaN], [1])).toThrow(/round 0/);
    expect(() => ratioStats([1], [Number.POSITIVE_INFINITY])).toThrow(/round 0/);
  });
});
