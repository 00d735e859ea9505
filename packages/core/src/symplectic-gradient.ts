import * as tf from './tf.js';
import { InvalidInputError } from './errors.js';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';

/**
 * The symplectic gradient of H from its gradient dH/dx, for x = (q, p) with q the first half:
 * (dq/dt, dp/dt) = (dH/dp, -dH/dq) (paper Eq. 2).
 */
export function symplecticFromGradient(dHdx: Tensor2D): Tensor2D {
  const dim = dHdx.shape[1];
  if (dim % 2 !== 0) {
    throw new InvalidInputError(`A Hamiltonian state (q, p) needs an even dimension, got ${dim}.`);
  }
  const half = dim / 2;
  return tf.tidy(() => {
    const dHdq = tf.slice(dHdx, [0, 0], [-1, half]);
    const dHdp = tf.slice(dHdx, [0, half], [-1, half]);
    return tf.concat([dHdp, tf.neg(dHdq)], 1);
  });
}

/**
 * Hamiltonian vector field of an arbitrary scalar network `hamiltonian` (batch x dim -> batch or
 * batch x 1) by automatic differentiation, usable inside tf.variableGrads (the loss then is a
 * second-order derivative). Every op in `hamiltonian` must have a correct second derivative in
 * TensorFlow.js: use secondOrderTanh, never tf.tanh / tf.sigmoid / tf.exp (see toolchain notes).
 */
export function symplecticGradient(hamiltonian: (x: Tensor2D) => Tensor, x: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    const dHdx = tf.grad((xx) => tf.sum(hamiltonian(xx as Tensor2D)))(x) as Tensor2D;
    return symplecticFromGradient(dHdx);
  });
}
