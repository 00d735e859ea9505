import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';

/** torch.optim.Adam (L2 weight decay, amsgrad off) on one scalar, in float64. */
function torchAdam(
  p0: number,
  grads: number[],
  lr: number,
  wd: number,
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
): number[] {
  let p = p0;
  let m = 0;
  let v = 0;
  const out: number[] = [];
  grads.forEach((g0, k) => {
    const t = k + 1;
    const g = g0 + wd * p;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const denom = Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps;
    p -= (lr / (1 - b1 ** t)) * (m / denom);
    out.push(p);
  });
  return out;
}

describe('Adam', () => {
  it('first step with weight decay: p -= lr * sign(g + wd p) (bias-corrected moments)', () => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam({ learningRate: 0.01, weightDecay: 0.1 });
    tf.tidy(() => adam.step([p], [tf.tensor1d([0.5, 0.1])]));
    // g' = g + 0.1 p = [0.6, -0.1]; m_hat = g', sqrt(v_hat) = |g'|.
    const expected = [1 - 0.01 * (0.6 / (0.6 + 1e-8)), -2 + 0.01 * (0.1 / (0.1 + 1e-8))];
    const got = p.dataSync();
    expect(got[0]).toBeCloseTo(expected[0] as number, 6);
    expect(got[1]).toBeCloseTo(expected[1] as number, 6);
    adam.dispose();
    p.dispose();
  });

  it('three steps match a hand-computed torch-style update', () => {
    const grads = [
      [0.5, -0.3, 2],
      [0.4, 0.1, -1],
      [-0.2, 0.3, 0.5],
    ];
    const p0 = [0.7, -0.4, 1.5];
    const p = tf.variable(tf.tensor1d(p0));
    const adam = new Adam({ learningRate: 1e-3, weightDecay: 1e-2 });
    for (const g of grads) tf.tidy(() => adam.step([p], [tf.tensor1d(g)]));
    expect(adam.iterations).toBe(3);
    const got = p.dataSync();
    p0.forEach((x, i) => {
      const ref = torchAdam(
        x,
        grads.map((g) => g[i] as number),
        1e-3,
        1e-2,
      )[2] as number;
      expect(Math.abs((got[i] as number) - ref)).toBeLessThan(1e-6);
    });
    // Without the decay term the result differs: the test can tell the L2 form apart.
    const noDecay = torchAdam(
      p0[2] as number,
      grads.map((g) => g[2] as number),
      1e-3,
      0,
    )[2];
    expect(Math.abs((got[2] as number) - (noDecay as number))).toBeGreaterThan(1e-6);
    adam.dispose();
    p.dispose();
  });

  it('rejects mismatched params and grads, and bad hyper-parameters', () => {
    const p = tf.variable(tf.zeros([2]));
    const adam = new Adam();
    expect(() => adam.step([p], [])).toThrow(/grads/);
    expect(() => new Adam({ learningRate: -1 })).toThrow(/learningRate/);
    expect(() => new Adam({ beta2: 1 })).toThrow(/beta2/);
    adam.dispose();
    p.dispose();
  });
});
