import * as tf from '@tensorflow/tfjs';

/** Mean squared error over points and dimensions (the reference's L2_loss). */
export function mseLoss(predicted: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(predicted, target)));
}
