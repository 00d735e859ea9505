import { KernelInputError } from './errors.js';

/** Largest float32 magnitude: a larger finite float64 becomes Infinity in the kernel. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Throws KernelInputError unless `value` is an integer >= 1. */
export function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new KernelInputError(`${name} must be a positive integer, got ${value}.`);
  }
}

/**
 * Throws KernelInputError at the first value of `data` that is NaN, infinite or beyond float32's
 * range, naming the array, the index and (for row-major data of `columns` columns) row and column.
 * The fused kernels compute in float32 on every engine; rejecting such values up front gives one
 * behaviour everywhere (the engines' min/max propagate NaN differently).
 */
export function checkFinite(name: string, data: ArrayLike<number>, columns?: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX) continue;
    const where =
      columns === undefined ? '' : ` (row ${Math.floor(i / columns)}, column ${i % columns})`;
    throw new KernelInputError(
      `${name} holds ${v} at index ${i}${where}; the fused trainer computes in float32 and needs ` +
        'finite values within +-3.4e38: fix or drop that value.',
    );
  }
}

/** Adam's settings as @hnn/core's Adam checks them (torch.optim.Adam's ranges). */
export function checkAdamSettings(settings: {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}): void {
  const { learningRate, beta1, beta2, epsilon, weightDecay } = settings;
  const check = (name: string, value: number, ok: boolean, range: string): void => {
    if (!Number.isFinite(value) || !ok) {
      throw new KernelInputError(`${name} must be ${range}, got ${value}.`);
    }
  };
  check('learningRate', learningRate, learningRate > 0, 'finite and > 0');
  check('beta1', beta1, beta1 >= 0 && beta1 < 1, 'in [0, 1)');
  check('beta2', beta2, beta2 >= 0 && beta2 < 1, 'in [0, 1)');
  check('epsilon', epsilon, epsilon >= 0, 'finite and >= 0');
  check('weightDecay', weightDecay, weightDecay >= 0, 'finite and >= 0');
}
