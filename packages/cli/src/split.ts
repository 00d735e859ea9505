import { RandomState } from '@hnn/random';

/**
 * Which trajectories are held out for testing: round(count * fraction) of them (at least one
 * when fraction > 0, never all), drawn by a RandomState(seed) permutation. Returns sorted
 * indices.
 */
export function splitTrajectories(
  count: number,
  fraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  let nTest = Math.round(count * fraction);
  if (fraction > 0) nTest = Math.min(Math.max(nTest, 1), count - 1);
  const order = new RandomState(seed).permutation(count);
  const test = Array.from(order.subarray(0, nTest)).sort((a, b) => a - b);
  const held = new Set(test);
  const train = Array.from({ length: count }, (_, i) => i).filter((i) => !held.has(i));
  return { train, test };
}
