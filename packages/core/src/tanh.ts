import * as tf from './tf.js';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * tanh whose gradient can itself be differentiated correctly.
 *
 * TensorFlow.js's built-in tf.tanh computes its gradient from the saved *output*, and the engine
 * loses that path in a nested gradient (tfjs issue #3252): a nested tf.grad through tf.tanh is
 * silently wrong (bias gradients come out zero). Here the gradient is written from the saved
 * *input* with ordinary differentiable ops, so tf.grad inside tf.grad / tf.variableGrads is exact.
 * Use it in any network whose input gradient is part of a loss (an HNN's H).
 */
export const secondOrderTanh: (x: Tensor) => Tensor = tf.customGrad<Tensor>(
  (...args: (Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    return {
      value: tf.tanh(x),
      // d tanh(x)/dx = 1 - tanh(x)^2, recomputed from x. The tf.tanh here is differentiated only
      // once more (by the outer gradient), which TensorFlow.js does correctly.
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const input = saved[0] as Tensor;
        const t = tf.tanh(input);
        return [tf.mul(dy, tf.sub(1, tf.mul(t, t)))];
      },
    };
  },
);
