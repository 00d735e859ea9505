import * as tf from './tf.js';
import { InvalidInputError } from './errors.js';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

export interface AdamOptions {
  /** Learning rate (the paper: 1e-3). */
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** L2 weight decay added to the gradient before the moments, as torch.optim.Adam does. */
  readonly weightDecay?: number;
}

/**
 * Adam exactly as torch.optim.Adam (amsgrad off): g += weightDecay * p; m = b1 m + (1 - b1) g;
 * v = b2 v + (1 - b2) g^2; p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * The moments live in float32 tensors, created at the first step; call dispose() when done.
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private t = 0;
  private moments: { m: Variable; v: Variable }[] | undefined;

  constructor(options: AdamOptions = {}) {
    const {
      learningRate = 1e-3,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-8,
      weightDecay = 0,
    } = options;
    const check = (name: string, value: number, ok: boolean): void => {
      if (!Number.isFinite(value) || !ok) {
        throw new InvalidInputError(`Adam: invalid ${name} ${value}.`);
      }
    };
    check('learningRate', learningRate, learningRate > 0);
    check('beta1', beta1, beta1 >= 0 && beta1 < 1);
    check('beta2', beta2, beta2 >= 0 && beta2 < 1);
    check('epsilon', epsilon, epsilon >= 0);
    check('weightDecay', weightDecay, weightDecay >= 0);
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /** Number of steps taken. */
  get iterations(): number {
    return this.t;
  }

  /** One update of `params` (in place) with `grads[i]` the gradient of `params[i]`. */
  step(params: readonly Variable[], grads: readonly Tensor[]): void {
    if (grads.length !== params.length) {
      throw new InvalidInputError(`Adam.step: ${params.length} params but ${grads.length} grads.`);
    }
    params.forEach((p, i) => {
      const g = grads[i] as Tensor;
      if (g.size !== p.size) {
        throw new InvalidInputError(
          `Adam.step: gradient ${i} has ${g.size} elements, its parameter ${p.size}.`,
        );
      }
    });
    if (this.moments === undefined) {
      this.moments = tf.tidy(() =>
        params.map((p) => ({
          m: tf.variable(tf.zerosLike(p), false),
          v: tf.variable(tf.zerosLike(p), false),
        })),
      );
    } else if (this.moments.length !== params.length) {
      throw new InvalidInputError(
        `Adam.step: this optimiser tracks ${this.moments.length} params, got ${params.length}.`,
      );
    }
    const moments = this.moments;
    this.t += 1;
    const stepSize = this.learningRate / (1 - this.beta1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** this.t);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const { m, v } = moments[i] as { m: Variable; v: Variable };
        let g = grads[i] as Tensor;
        if (this.weightDecay !== 0) g = tf.add(g, tf.mul(p, this.weightDecay));
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const denom = tf.add(tf.div(tf.sqrt(vNew), bc2Sqrt), this.epsilon);
        m.assign(mNew);
        v.assign(vNew);
        p.assign(tf.sub(p, tf.mul(tf.div(mNew, denom), stepSize)));
      });
    });
  }

  /** Releases the moment tensors. */
  dispose(): void {
    if (this.moments !== undefined) {
      for (const { m, v } of this.moments) tf.dispose([m, v]);
      this.moments = undefined;
    }
  }
}
