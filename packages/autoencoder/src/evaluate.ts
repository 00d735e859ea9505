import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@hnn/core';
import { checkSplit } from './data.js';
import type { PixelSplit } from './data.js';
import { pixelLossPerSample } from './pixel-loss.js';
import type { PixelLossOptions, PixelLossTerms } from './pixel-loss.js';
import type { PixelModel } from './pixel-model.js';

/** A mean with its standard error ("mean ± se", as Table 1). */
export interface MeanSe {
  readonly mean: number;
  readonly se: number;
}

export interface PixelLossEvaluation extends PixelLossTerms<MeanSe> {
  /** Number of samples scored. */
  readonly n: number;
  /** Per-sample total losses, in sample order. */
  readonly perSampleTotal: Float64Array;
}

export interface EvaluatePixelLossesOptions extends PixelLossOptions {
  /** Samples per TensorFlow.js call (default 500; bounds memory, not the result). */
  readonly chunkSize?: number;
}

/** mean and torch's std() (n - 1) / sqrt(n). */
function meanSe(values: Float64Array): MeanSe {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  if (n < 2) return { mean, se: Number.NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1)) / Math.sqrt(n) };
}

/**
 * Final train/test losses as the reference's experiment-pixels/train.py prints them (and Table 1's
 * pixel-pendulum rows report): the per-sample loss ae + cc + 0.1 x dynamics over the whole split,
 * its mean ± std / sqrt(number of samples) (torch's unbiased std). The three terms are summarised
 * the same way. Evaluated in float32 by TensorFlow.js.
 */
export function evaluatePixelLosses(
  model: PixelModel,
  split: PixelSplit,
  options: EvaluatePixelLossesOptions = {},
): PixelLossEvaluation {
  const { chunkSize = 500, ...lossOptions } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new InvalidInputError(`chunkSize must be a positive integer, got ${chunkSize}.`);
  }
  const dim = model.inputDim;
  checkSplit('split', split, dim);
  const { n } = split;
  const columns = {
    total: new Float64Array(n),
    autoencoder: new Float64Array(n),
    canonical: new Float64Array(n),
    dynamics: new Float64Array(n),
  };
  for (let start = 0; start < n; start += chunkSize) {
    const count = Math.min(chunkSize, n - start);
    const rows = (data: Float32Array | Float64Array): tf.Tensor2D =>
      tf.tensor2d(
        Float32Array.from(data.subarray(start * dim, (start + count) * dim)),
        [count, dim],
        'float32',
      );
    const stacked = tf.tidy(() => {
      const s = pixelLossPerSample(model, rows(split.pixels), rows(split.nextPixels), lossOptions);
      return tf.stack([s.total, s.autoencoder, s.canonical, s.dynamics]);
    });
    const values = stacked.dataSync();
    stacked.dispose();
    (['total', 'autoencoder', 'canonical', 'dynamics'] as const).forEach((key, k) => {
      columns[key].set(values.subarray(k * count, (k + 1) * count), start);
    });
  }
  return {
    n,
    total: meanSe(columns.total),
    autoencoder: meanSe(columns.autoencoder),
    canonical: meanSe(columns.canonical),
    dynamics: meanSe(columns.dynamics),
    perSampleTotal: columns.total,
  };
}
