import * as tf from '@tensorflow/tfjs';
import { initBackend, InvalidInputError } from '@hnn/core';
import { RandomState } from '@hnn/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialAutoencoderWeights } from './autoencoder.js';
import { createPixelModel } from './pixel-model.js';
import type { PixelModel } from './pixel-model.js';
import { relativeError, uniformRows } from './test-utils/float64-loss.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('createPixelModel at the paper size', () => {
  let hnn: PixelModel;
  let baseline: PixelModel;
  beforeAll(() => {
    hnn = createPixelModel({ kind: 'hnn', seed: 0 });
    baseline = createPixelModel({ kind: 'baseline', seed: 0 });
  });
  afterAll(() => {
    hnn.dispose();
    baseline.dispose();
  });

  it('has the paper layer sizes: 1568-200-200-200-2 and back, latent MLP 2-200-200-(1|2)', () => {
    expect(hnn.autoencoder.layers.map((l) => l.w.shape)).toEqual([
      [1568, 200],
      [200, 200],
      [200, 200],
      [200, 2],
      [2, 200],
      [200, 200],
      [200, 200],
      [200, 1568],
    ]);
    expect(hnn.latent.mlp.sizes).toEqual([2, 200, 200, 1]);
    expect(baseline.latent.mlp.sizes).toEqual([2, 200, 200, 2]);
    expect(hnn.variables).toHaveLength(16 + 5);
    expect(hnn.kind).toBe('hnn');
    expect(hnn.latent.kind).toBe('hnn');
    expect(baseline.latent.kind).toBe('baseline');
  });

  it('maps shapes: encode (b x 1568) -> (b x 2), decode back, latent field (b x 2)', () => {
    const shapes = tf.tidy(() => {
      const x = tf.zeros<tf.Rank.R2>([3, 1568]);
      const z = hnn.encode(x);
      return [z.shape, hnn.decode(z).shape, hnn.latentTimeDerivative(z).shape];
    });
    expect(shapes).toEqual([
      [3, 2],
      [3, 1568],
      [3, 2],
    ]);
  });

  it('orthogonal weights (W^T W = I on the square layers) and torch-style bias bounds', () => {
    const w = hnn.getWeights();
    const square = w[2] as Float32Array; // W2: 200 x 200
    for (const [i, j] of [
      [0, 0],
      [0, 1],
      [17, 17],
      [5, 150],
    ] as const) {
      let dot = 0;
      for (let k = 0; k < 200; k++)
        dot += (square[k * 200 + i] as number) * (square[k * 200 + j] as number);
      expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    const b1 = w[1] as Float32Array;
    expect(Math.max(...b1.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(1568));
    expect(Math.max(...b1.map(Math.abs))).toBeGreaterThan(0.5 / Math.sqrt(1568));
    const zeros = initialAutoencoderWeights({
      inputDim: 4,
      hiddenDim: 3,
      latentDim: 2,
      rng: new RandomState(0),
      biasInit: 'zeros',
    });
    expect(Array.from(zeros[1] as Float64Array)).toEqual([0, 0, 0]);
  });
});

describe('createPixelModel: seeds, snapshots and weights (tiny)', () => {
  const options = { inputDim: 10, hiddenDim: 16, latentDim: 2, seed: 5 } as const;

  it('is deterministic by seed, and different seeds differ', () => {
    const a = createPixelModel({ kind: 'hnn', ...options });
    const b = createPixelModel({ kind: 'hnn', ...options });
    const c = createPixelModel({ kind: 'hnn', ...options, seed: 6 });
    const wa = a.getWeights();
    expect(b.getWeights()).toEqual(wa);
    expect(relativeError(c.getWeights()[0] as Float32Array, wa[0] as Float32Array)).toBeGreaterThan(
      0.1,
    );
    [a, b, c].forEach((m) => m.dispose());
  });

  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: float64 snapshot agrees with TensorFlow.js to float32 precision`, () => {
      const model = createPixelModel({ kind, ...options });
      const x = Float32Array.from(uniformRows(7, 10, 1));
      const z = model.encodeBatch(x, 7);
      expect(z).toBeInstanceOf(Float64Array);
      expect(z).toHaveLength(14);
      const f64 = model.toFloat64();
      const z64 = new Float64Array(14);
      for (let r = 0; r < 7; r++)
        f64.autoencoder.encode(x.subarray(r * 10, r * 10 + 10), z64.subarray(2 * r, 2 * r + 2));
      expect(relativeError(z, z64)).toBeLessThan(1e-5);

      const decoded = model.decodeBatch(z64, 7);
      expect(decoded).toBeInstanceOf(Float32Array);
      const d64 = new Float64Array(70);
      for (let r = 0; r < 7; r++)
        f64.autoencoder.decode(z64.subarray(2 * r, 2 * r + 2), d64.subarray(10 * r, 10 * r + 10));
      expect(relativeError(decoded, d64)).toBeLessThan(1e-5);

      const field = model.latentField64();
      const f = new Float64Array(14);
      for (let r = 0; r < 7; r++)
        field(z64.subarray(2 * r, 2 * r + 2), f.subarray(2 * r, 2 * r + 2));
      const tfF = tf.tidy(() =>
        model.latentTimeDerivative(tf.tensor2d(Float32Array.from(z64), [7, 2])).dataSync(),
      );
      expect(relativeError(tfF, f)).toBeLessThan(1e-5);

      const h = model.hamiltonian64();
      if (kind === 'hnn') {
        expect(h).toBeDefined();
        expect(Number.isFinite(h?.(z64.subarray(0, 2)))).toBe(true);
      } else {
        expect(h).toBeUndefined();
      }
      model.dispose();
    });
  }

  it('setWeights round-trips and rejects wrong counts, lengths and NaN', () => {
    const model = createPixelModel({ kind: 'hnn', ...options });
    const other = createPixelModel({ kind: 'hnn', ...options, seed: 9 });
    model.setWeights(other.getWeights());
    expect(model.getWeights()).toEqual(other.getWeights());
    const w = model.getWeights();
    expect(() => model.setWeights(w.slice(1))).toThrow(InvalidInputError);
    const short = w.map((a, i) => (i === 3 ? a.subarray(1) : a));
    expect(() => model.setWeights(short)).toThrow(/length/);
    const nan = w.map((a, i) =>
      i === 18 ? Float32Array.from(a, (v, k) => (k === 0 ? NaN : v)) : a,
    );
    expect(() => model.setWeights(nan)).toThrow(/non-finite/);
    // A rejected call leaves the weights unchanged.
    expect(model.getWeights()).toEqual(other.getWeights());
    model.dispose();
    other.dispose();
  });

  it('rejects invalid options and malformed batches with typed errors', () => {
    expect(() => createPixelModel({ kind: 'hnn', ...options, latentDim: 3 })).toThrow(/even/);
    expect(() => createPixelModel({ kind: 'rnn' as 'hnn', ...options })).toThrow(InvalidInputError);
    expect(() => createPixelModel({ kind: 'hnn', ...options, seed: -1 })).toThrow(
      InvalidInputError,
    );
    expect(() => createPixelModel({ kind: 'hnn', ...options, hiddenDim: 0 })).toThrow(
      InvalidInputError,
    );
    const model = createPixelModel({ kind: 'baseline', ...options });
    expect(() => model.encodeBatch(new Float32Array(15))).toThrow(/multiple of 10/);
    expect(() => model.encodeBatch(new Float32Array(20), 3)).toThrow(/n = 3/);
    expect(() => model.encodeBatch(Float32Array.from([NaN, ...new Float32Array(9)]))).toThrow(
      /non-finite/,
    );
    expect(() => model.encodeBatch([1, 2] as unknown as Float32Array)).toThrow(/Float32Array/);
    model.dispose();
  });
});
