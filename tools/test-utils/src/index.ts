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

/** Norm-wise relative error ||a - b|| / ||b||. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}
