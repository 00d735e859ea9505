import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { matMul } from './mat-mul.js';
import { secondOrderTanh } from './tanh.js';

const xs = [-2, -0.5, 0, 0.3, 1.7];
// d^2/dx^2 tanh(x) = -2 tanh(x) (1 - tanh(x)^2)
const exact = xs.map((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2));

function secondDerivative(f: (x: tf.Tensor) => tf.Tensor): Float32Array {
  return tf.tidy(() => {
    const d2 = tf.grad((x) => tf.grad((y) => tf.sum(f(y)))(x))(tf.tensor1d(xs));
    return d2.dataSync() as Float32Array;
  });
}

describe('secondOrderTanh', () => {
  it('has the right value and second derivative', () => {
    const value = tf.tidy(() => secondOrderTanh(tf.tensor1d(xs)).dataSync());
    xs.forEach((x, i) => expect(value[i]).toBeCloseTo(Math.tanh(x), 6));
    const d2 = secondDerivative(secondOrderTanh);
    exact.forEach((e, i) => expect(d2[i]).toBeCloseTo(e, 5));
  });

  it("documents the tfjs bug: built-in tf.tanh's second derivative is lost", () => {
    // Alone, the lost path makes tfjs throw; inside an MLP it silently gives wrong gradients
    // (see hnn.test.ts). If this test ever fails, tfjs has fixed issue #3252.
    expect(() => secondDerivative((x) => tf.tanh(x))).toThrow(/Cannot compute gradient/);
  });
});

describe('matMul', () => {
  it('matches tf.matMul and its gradients, also at second order', () => {
    tf.tidy(() => {
      const a = tf.tensor2d([1, 2, -1, 0.5, 3, -2], [2, 3]);
      const b = tf.tensor2d([0.2, -1, 1.5, 0.3, -0.7, 2], [3, 2]);
      const loss = (mm: typeof matMul) => (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.square(mm(x as tf.Tensor2D, y as tf.Tensor2D)));
      const ours = tf.grads(loss(matMul))([a, b]);
      const ref = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
      ours.forEach((g, i) => {
        expect(Array.from(g.dataSync())).toEqual(Array.from((ref[i] as tf.Tensor).dataSync()));
      });
      // Second order: d/da of sum(d loss / db) for both implementations.
      const second = (mm: typeof matMul) =>
        tf
          .grad((x) => tf.sum(tf.grads(loss(mm))([x, b])[1] as tf.Tensor))(a)
          .dataSync();
      const s1 = Array.from(second(matMul));
      const s2 = Array.from(second((x, y) => tf.matMul(x, y)));
      s1.forEach((v, i) => expect(v).toBeCloseTo(s2[i] as number, 4));
    });
  });
});
