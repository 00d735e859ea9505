import { RandomState } from '@hnn/random';

/** n rows of `dim` inputs and targets, uniform in [-1, 1), from RandomState(seed). */
export function randomBatch(
  n: number,
  dim: number,
  seed: number,
): { x: Float64Array; dx: Float64Array } {
  const rng = new RandomState(seed);
  const x = rng.randArray(n * dim).map((u) => 2 * u - 1);
  const dx = rng.randArray(n * dim).map((u) => 2 * u - 1);
  return { x, dx };
}
