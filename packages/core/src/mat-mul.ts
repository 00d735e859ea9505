import * as tf from './tf.js';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';

/**
 * a @ b for 2-D tensors, with a gradient made of explicit transposes and plain products:
 * da = dy @ transpose(b), db = transpose(a) @ dy.
 *
 * Why: on the wasm backend only the non-transposed product takes the fast XNNPACK path; the
 * built-in matMul gradient uses transposed products (transposeA / transposeB), which run ~10x
 * slower there (750x200 @ 200x200: ~19 ms vs ~2 ms incl. the transpose). The gradient is written
 * from the saved inputs with differentiable ops, so it is also correct at second order.
 */
export const matMul: (a: Tensor2D, b: Tensor2D) => Tensor2D = tf.customGrad<Tensor2D>(
  (...args: (Tensor | tf.GradSaveFunc)[]) => {
    const a = args[0] as Tensor2D;
    const b = args[1] as Tensor2D;
    const save = args[2] as tf.GradSaveFunc;
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const sa = saved[0] as Tensor2D;
        const sb = saved[1] as Tensor2D;
        const dy2 = dy as Tensor2D;
        return [tf.matMul(dy2, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy2)];
      },
    };
  },
);
