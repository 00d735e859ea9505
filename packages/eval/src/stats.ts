import { HnnError } from '@hnn/errors';
/** A value with its standard error, as Table 1 reports "mean ± se". */
export interface MeanSe {
  readonly mean: number;
  readonly se: number;
}

/** A metric was given unusable values (non-finite, mismatched lengths, too few samples). */
export class MetricInputError extends HnnError {
  override readonly code = 'HNN_EVAL_INVALID_INPUT';
}

function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new MetricInputError(`${what} has a non-finite value at index ${i}: ${values[i]}`);
    }
  }
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Standard deviation with `ddof` degrees of freedom removed (numpy's ddof; torch's std is ddof 1). */
export function std(values: ArrayLike<number>, ddof = 0): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i]! - m) ** 2;
  return Math.sqrt(s / (values.length - ddof));
}

/**
 * Train/test loss as the reference's train.py reports it: squared errors per element, their mean,
 * and torch's `dist.std() / sqrt(dist.shape[0])` — an unbiased std over all elements divided by the
 * square root of the number of POINTS (rows), not of elements.
 */
export function squaredErrorStats(
  predicted: Float64Array,
  target: Float64Array,
  points: number,
): MeanSe {
  if (predicted.length !== target.length) {
    throw new MetricInputError(
      `prediction has ${predicted.length} values but target has ${target.length}`,
    );
  }
  if (points < 2 || predicted.length % points !== 0) {
    throw new MetricInputError(`cannot split ${predicted.length} values into ${points} points`);
  }
  assertFinite(predicted, 'prediction');
  assertFinite(target, 'target');
  const sq = new Float64Array(predicted.length);
  for (let i = 0; i < sq.length; i++) sq[i] = (predicted[i]! - target[i]!) ** 2;
  return { mean: mean(sq), se: std(sq, 1) / Math.sqrt(points) };
}

/**
 * The "±" of the paper's energy column: split the values into `groups` consecutive groups, take
 * each group's mean, and report the mean of all values with std(group means) / sqrt(groups)
 * (numpy's std, ddof 0).
 */
export function groupedStats(values: ArrayLike<number>, groups = 5): MeanSe {
  if (values.length < groups || values.length % groups !== 0) {
    throw new MetricInputError(
      `cannot split ${values.length} values into ${groups} equal groups; use a multiple of ${groups}`,
    );
  }
  assertFinite(values, 'values');
  const size = values.length / groups;
  const means = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let i = 0; i < size; i++) s += values[g * size + i]!;
    means[g] = s / size;
  }
  return { mean: mean(values), se: std(means, 0) / Math.sqrt(groups) };
}
