import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@hnn/core';
import type { PixelModel } from './pixel-model.js';

/** The paper's weight of the latent dynamics term (Section 5.1; the reference's `1e-1`). */
export const DYNAMICS_LOSS_WEIGHT = 0.1;

/** The three loss terms and their weighted sum. */
export interface PixelLossTerms<T> {
  /** autoencoder + canonical + dynamicsWeight x dynamics. */
  readonly total: T;
  /** Pixel L2: mean over pixels of (x - decode(encode(x)))^2. */
  readonly autoencoder: T;
  /**
   * Auxiliary canonical-coordinate loss (paper Eq. 7): mean over the latent half of
   * (z_p - (z_q(t+1) - z_q(t)))^2, which makes z_p behave like the velocity of z_q.
   */
  readonly canonical: T;
  /**
   * Latent dynamics loss: mean over latent dims of (z(t+1) - (z(t) + f(z(t))))^2, one Euler step of
   * unit length per frame through the learned field f (the HNN's symplectic gradient, or the
   * baseline's output).
   */
  readonly dynamics: T;
}

export interface PixelLossOptions {
  /** Weight of the dynamics term (default 0.1, the paper's). */
  readonly dynamicsWeight?: number;
}

/**
 * Per-sample loss terms (each a vector of length batch) for pixel pairs x and the pairs one frame
 * later xNext (both batch x inputDim), as the reference's `pixelhnn_loss(..., return_scalar=False)`.
 * Gradients flow into every weight, including the encoder through z(t+1).
 */
export function pixelLossPerSample(
  model: PixelModel,
  x: tf.Tensor2D,
  xNext: tf.Tensor2D,
  options: PixelLossOptions = {},
): PixelLossTerms<tf.Tensor1D> {
  const { dynamicsWeight = DYNAMICS_LOSS_WEIGHT } = options;
  if (x.rank !== 2 || x.shape[1] !== model.inputDim) {
    throw new InvalidInputError(
      `x must be (batch x ${model.inputDim}), got shape ${JSON.stringify(x.shape)}.`,
    );
  }
  if (xNext.rank !== 2 || xNext.shape[0] !== x.shape[0] || xNext.shape[1] !== x.shape[1]) {
    throw new InvalidInputError(
      `xNext must have the shape of x ${JSON.stringify(x.shape)}, got ${JSON.stringify(xNext.shape)}.`,
    );
  }
  if (!Number.isFinite(dynamicsWeight) || dynamicsWeight < 0) {
    throw new InvalidInputError(`dynamicsWeight must be finite and >= 0, got ${dynamicsWeight}.`);
  }
  const batch = x.shape[0];
  const half = model.latentDim / 2;
  return tf.tidy(() => {
    // One encoder pass over both frames' pairs: the same products as two passes, fewer kernels.
    const zBoth = model.encode(tf.concat([x, xNext], 0));
    const z = tf.slice(zBoth, [0, 0], [batch, -1]);
    const zNext = tf.slice(zBoth, [batch, 0], [batch, -1]);

    const autoencoder = tf.mean(tf.squaredDifference(x, model.decode(z)), 1);

    const zHatNext = tf.add(z, model.latentTimeDerivative(z));
    const dynamics = tf.mean(tf.squaredDifference(zNext, zHatNext), 1);

    const zq = tf.slice(z, [0, 0], [-1, half]);
    const zp = tf.slice(z, [0, half], [-1, half]);
    const zqNext = tf.slice(zNext, [0, 0], [-1, half]);
    const canonical = tf.mean(tf.squaredDifference(zp, tf.sub(zqNext, zq)), 1);

    const total = tf.add(tf.add(autoencoder, canonical), tf.mul(dynamics, dynamicsWeight));
    return {
      total: total as tf.Tensor1D,
      autoencoder: autoencoder as tf.Tensor1D,
      canonical: canonical as tf.Tensor1D,
      dynamics: dynamics as tf.Tensor1D,
    };
  });
}

/** Batch-mean loss terms (scalars); `total` is what training minimises. */
export function pixelLoss(
  model: PixelModel,
  x: tf.Tensor2D,
  xNext: tf.Tensor2D,
  options: PixelLossOptions = {},
): PixelLossTerms<tf.Scalar> {
  return tf.tidy(() => {
    const s = pixelLossPerSample(model, x, xNext, options);
    return {
      total: tf.mean<tf.Scalar>(s.total),
      autoencoder: tf.mean<tf.Scalar>(s.autoencoder),
      canonical: tf.mean<tf.Scalar>(s.canonical),
      dynamics: tf.mean<tf.Scalar>(s.dynamics),
    };
  });
}
