import * as tf from './tf.js';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';

/** Mean squared error over points and dimensions (the reference's L2_loss). */
export function mseLoss(predicted: Tensor, target: Tensor): Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(predicted, target)));
}
