import { InvalidInputError } from '@hnn/core';

/**
 * Samples of the pixel pendulum, row-major: `pixels[i]` is a pair of consecutive frames (frame t
 * and t + 1, each 28 x 28, flattened and concatenated: 1568 values), `nextPixels[i]` the pair one
 * frame later (frames t + 1 and t + 2), as the reference's `pixels` / `next_pixels`.
 */
export interface PixelSplit {
  readonly pixels: Float32Array | Float64Array;
  readonly nextPixels: Float32Array | Float64Array;
  /** Number of samples. */
  readonly n: number;
}

/**
 * Checks a row-major array (typed, finite, a whole number of rows of `dim`, `n` rows when given)
 * and returns its number of rows.
 */
export function checkRows(
  name: string,
  data: Float32Array | Float64Array,
  dim: number,
  n?: number,
): number {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new InvalidInputError(`${name} must be a Float32Array (or Float64Array).`);
  }
  if (data.length === 0 || data.length % dim !== 0) {
    throw new InvalidInputError(
      `${name} has ${data.length} values, which is not a positive multiple of ${dim} per sample.`,
    );
  }
  const rows = data.length / dim;
  if (n !== undefined && n !== rows) {
    throw new InvalidInputError(
      `${name} holds ${rows} samples of ${dim} values but n = ${n}; pass n = ${rows} or fix the array.`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InvalidInputError(
        `${name} holds a non-finite value (${data[i]}) at sample ${Math.floor(i / dim)}, ` +
          `index ${i % dim}; clean or drop that sample.`,
      );
    }
  }
  return rows;
}

/** Validates a split for a model with `inputDim` pixels per sample. */
export function checkSplit(name: string, split: PixelSplit, inputDim: number): void {
  if (split === null || typeof split !== 'object') {
    throw new InvalidInputError(`${name} must be an object { pixels, nextPixels, n }.`);
  }
  const { pixels, nextPixels, n } = split;
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidInputError(`${name}.n must be a positive integer, got ${n}.`);
  }
  checkRows(`${name}.pixels`, pixels, inputDim, n);
  checkRows(`${name}.nextPixels`, nextPixels, inputDim, n);
}

/** Gathers rows `indices` of a row-major array into a new float32 array (batch x dim). */
export function gatherRows(
  data: Float32Array | Float64Array,
  dim: number,
  indices: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(indices.length * dim);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    out.set(data.subarray(i * dim, (i + 1) * dim), r * dim);
  }
  return out;
}
