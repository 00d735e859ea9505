import { describe, expect, it } from 'vitest';
import { gflopsPerSecond, mlpStepFlops, pixelStepFlops } from './flops.js';

describe('step FLOP counts', () => {
  it('counts the HNN step of the spring: 6 products per 200-wide layer, 5 for the data layer', () => {
    // 2 * 750 * (5 * 2 * 200 + 6 * 200 * 200 + 6 * 200 * 1)
    expect(mlpStepFlops('hnn', 750, 2)).toBe(2 * 750 * (2000 + 240_000 + 1200));
    expect(mlpStepFlops('hnn', 750, 2) / 1e9).toBeCloseTo(0.365, 3);
  });

  it('counts the baseline as forward + weight gradient + input gradient (none into the data)', () => {
    expect(mlpStepFlops('baseline', 200, 8)).toBe(2 * 200 * (2 * 8 * 200 + 3 * 40_000 + 3 * 1600));
  });

  it('counts the pixel model: encoder on both frames, decoder on one, latent model on z', () => {
    const encoder = 2 * 400 * (2 * 1568 * 200 + 3 * 40_000 * 2 + 3 * 400);
    const decoder = 2 * 200 * (3 * 400 + 3 * 40_000 * 2 + 3 * 1568 * 200);
    const hnnLatent = 2 * 200 * 6 * (400 + 40_000 + 200);
    const baselineLatent = 2 * 200 * 3 * (400 + 40_000 + 400);
    expect(pixelStepFlops('hnn', 200, 1568)).toBe(encoder + decoder + hnnLatent);
    expect(pixelStepFlops('baseline', 200, 1568)).toBe(encoder + decoder + baselineLatent);
  });

  it('converts FLOPs and ms to GFLOP/s', () => {
    expect(gflopsPerSecond(0.5e9, 5)).toBe(100);
  });
});
