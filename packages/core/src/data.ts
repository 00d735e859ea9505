import { InvalidInputError } from './errors.js';

/** Float64 or float32 samples, row-major: n rows of `dim` values. */
export type SampleArray = Float64Array | Float32Array;

/** Checks a row-major sample array and returns its number of rows. */
export function checkSamples(name: string, data: SampleArray, dim: number): number {
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw new InvalidInputError(`${name} must be a Float64Array or Float32Array.`);
  }
  if (data.length === 0 || data.length % dim !== 0) {
    throw new InvalidInputError(
      `${name} has ${data.length} values, which is not a positive multiple of dim = ${dim}.`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InvalidInputError(
        `${name} holds a non-finite value (${data[i]}) at row ${Math.floor(i / dim)}, ` +
          `column ${i % dim}; clean or drop that sample.`,
      );
    }
  }
  return data.length / dim;
}
