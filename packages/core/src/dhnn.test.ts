import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { createDhnn, float64DissipativeHamiltonianField } from './dhnn.js';
import type { Float64MlpWeights } from './float64.js';
import { createHnn } from './hnn.js';
import { train } from './train.js';
import {
  finiteDifferenceGradients,
  randomBatch,
  relativeError,
  tfjsGradients,
} from './test-utils/finite-difference.js';

// As hnn.test.ts: float32 passes are accurate to ~1e-7..1e-6 relative, the float64 central
// differences to ~1e-9, and the tfjs second-order bug would give errors of order 1.
const TOLERANCE = 1e-5;

beforeAll(async () => {
  await initBackend('wasm');
});

/** H's and D's float64 weights packed as one list, so finiteDifferenceGradients perturbs both. */
function packed(model: ReturnType<typeof createDhnn>): Float64MlpWeights {
  const h = model.hamiltonianMlp.toFloat64Weights();
  const d = model.dissipationMlp.toFloat64Weights();
  return { sizes: h.sizes, weights: [...h.weights, ...d.weights] };
}

function unpacked({ sizes, weights }: Float64MlpWeights) {
  const n = weights.length / 2;
  return float64DissipativeHamiltonianField(
    { sizes, weights: weights.slice(0, n) },
    { sizes, weights: weights.slice(n) },
  );
}

/** Rows of a float64 evaluator's method over a row-major batch. */
function rows(
  f: (x: Float64Array, out: Float64Array) => void,
  x: Float64Array,
  dim: number,
): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    f(x.subarray(r * dim, (r + 1) * dim), out.subarray(r * dim, (r + 1) * dim));
  }
  return out;
}

describe('D-HNN parameter gradients match float64 finite differences', () => {
  it('all weights and biases of both H and D', () => {
    const { x, dx } = randomBatch(16, 4, 7);
    const model = createDhnn({ inputDim: 4, hiddenDim: 16, seed: 3 });
    const fd = finiteDifferenceGradients(unpacked, packed(model), x, dx);
    const got = tfjsGradients(model, x, dx);
    expect(got).toHaveLength(10);
    got.forEach((g, i) => {
      // Every array has a non-zero gradient (a missing path would give zeros and relErr 1).
      expect(Math.hypot(...(fd[i] as Float64Array))).toBeGreaterThan(1e-6);
      expect(relativeError(g, fd[i] as Float64Array)).toBeLessThan(TOLERANCE);
    });
    model.dispose();
  });
});

describe('D-HNN structure', () => {
  it('field = J dH/dx + dD/dx, in TensorFlow.js and in float64', () => {
    const model = createDhnn({ inputDim: 2, hiddenDim: 24, seed: 5 });
    const { x } = randomBatch(12, 2, 4);
    const f64 = model.toFloat64();
    const total = rows(f64.timeDerivative, x, 2);
    const cons = rows(f64.conservative, x, 2);
    const diss = rows(f64.dissipative, x, 2);
    // The parts from H's and D's values by central differences (h = 1e-6).
    const h = 1e-6;
    for (let r = 0; r < 12; r++) {
      const s = Float64Array.from(x.subarray(r * 2, r * 2 + 2));
      const grad = (fn: (v: Float64Array) => number, i: number): number => {
        const up = Float64Array.from(s);
        const down = Float64Array.from(s);
        up[i] = (up[i] as number) + h;
        down[i] = (down[i] as number) - h;
        return (fn(up) - fn(down)) / (2 * h);
      };
      const [hq, hp] = [grad(f64.hamiltonian, 0), grad(f64.hamiltonian, 1)];
      const [dq, dp] = [grad(f64.dissipation, 0), grad(f64.dissipation, 1)];
      expect(relativeError(cons.subarray(r * 2, r * 2 + 2), [hp, -hq])).toBeLessThan(1e-6);
      expect(relativeError(diss.subarray(r * 2, r * 2 + 2), [dq, dp])).toBeLessThan(1e-6);
    }
    for (let i = 0; i < total.length; i++) {
      expect(total[i]).toBeCloseTo((cons[i] as number) + (diss[i] as number), 12);
    }
    const [tTotal, tCons, tDiss] = tf.tidy(() => {
      const xt = tf.tensor2d(Float32Array.from(x), [12, 2]);
      return [
        model.timeDerivative(xt).dataSync(),
        model.conservativeField(xt).dataSync(),
        model.dissipativeField(xt).dataSync(),
      ];
    });
    expect(relativeError(tTotal as Float32Array, total)).toBeLessThan(1e-5);
    expect(relativeError(tCons as Float32Array, cons)).toBeLessThan(1e-5);
    expect(relativeError(tDiss as Float32Array, diss)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('one seed draws H then D from one generator: H starts as the HNN of that seed', () => {
    const dhnn = createDhnn({ inputDim: 2, hiddenDim: 8, seed: 9 });
    const hnn = createHnn({ inputDim: 2, hiddenDim: 8, seed: 9 });
    const again = createDhnn({ inputDim: 2, hiddenDim: 8, seed: 9 });
    const w = dhnn.getWeights();
    hnn
      .getWeights()
      .forEach((a, i) => expect(Array.from(w[i] as Float32Array)).toEqual(Array.from(a)));
    // D is drawn after H, so it differs from H; a rebuild with the same seed is identical.
    expect(Array.from(w[5] as Float32Array)).not.toEqual(Array.from(w[0] as Float32Array));
    again
      .getWeights()
      .forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(w[i] as Float32Array)));
    [dhnn, hnn, again].forEach((m) => m.dispose());
  });

  it('biasInit zeros starts every hidden bias of both MLPs at 0', () => {
    const model = createDhnn({ inputDim: 2, hiddenDim: 8, seed: 1, biasInit: 'zeros' });
    const w = model.getWeights();
    for (const i of [1, 3, 6, 8])
      expect(Array.from(w[i] as Float32Array).every((v) => v === 0)).toBe(true);
    model.dispose();
  });

  it('setWeights checks every array before writing any', () => {
    const model = createDhnn({ inputDim: 2, hiddenDim: 8, seed: 1 });
    const before = model.getWeights();
    const bad = model.getWeights();
    (bad[9] as Float32Array)[0] = Number.NaN;
    expect(() => model.setWeights(bad)).toThrow(/non-finite/);
    expect(() => model.setWeights(bad.slice(0, 5))).toThrow(/expects 10 arrays/);
    model
      .getWeights()
      .forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(before[i] as Float32Array)));
    model.dispose();
  });

  it('rejects an odd state dimension and a bad seed', () => {
    expect(() => createDhnn({ inputDim: 3, seed: 0 })).toThrow(/even integer/);
    expect(() => createDhnn({ inputDim: 2, seed: -1 })).toThrow(/seed/);
  });
});

describe('D-HNN learns the right part', () => {
  // A field on [-1, 1]^2 with known parts: rotation a (p, -q) = J grad (a (q^2 + p^2) / 2) and
  // decay b (-q, -p) = grad (-b (q^2 + p^2) / 2). The split of a field into J grad H + grad D is
  // unique only up to a field that is both (a harmonic gradient: constants, (q, -p), (p, q), ...),
  // which the loss cannot see: trained like this on pure rotation or pure decay, each part carried
  // such a field with MSE ~0.05 (against a field mean square of 1/3). What the data does fix: div(grad D) = div f (J grad H is divergence-free) and
  // curl(J grad H) = curl f (grad D is curl-free). A model whose parts were swapped or mixed up
  // fails both checks.
  it('the dissipative part carries the divergence, the conservative part the curl', async () => {
    const [a, b] = [1, 0.5];
    const n = 15;
    const x = new Float64Array(n * n * 2);
    const dx = new Float64Array(n * n * 2);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const r = i * n + j;
        const q = -1 + (2 * i) / (n - 1);
        const p = -1 + (2 * j) / (n - 1);
        x.set([q, p], 2 * r);
        dx.set([a * p - b * q, -a * q - b * p], 2 * r);
      }
    }
    const model = createDhnn({ inputDim: 2, hiddenDim: 32, seed: 0 });
    const result = await train(model, { trainX: x, trainDx: dx, steps: 400, learningRate: 1e-2 });
    expect(result.fastPath).toBe('none');
    expect(result.finalTrainLoss).toBeLessThan(1e-3);
    const f = model.toFloat64();
    // Central differences of each part at interior points (h = 1e-4: truncation ~1e-8).
    const h = 1e-4;
    const at = (part: typeof f.conservative, q: number, p: number): Float64Array => {
      const out = new Float64Array(2);
      part(Float64Array.of(q, p), out);
      return out;
    };
    const divergence = (part: typeof f.conservative, q: number, p: number): number =>
      ((at(part, q + h, p)[0] as number) - (at(part, q - h, p)[0] as number)) / (2 * h) +
      ((at(part, q, p + h)[1] as number) - (at(part, q, p - h)[1] as number)) / (2 * h);
    const curl = (part: typeof f.conservative, q: number, p: number): number =>
      ((at(part, q + h, p)[1] as number) - (at(part, q - h, p)[1] as number)) / (2 * h) -
      ((at(part, q, p + h)[0] as number) - (at(part, q, p - h)[0] as number)) / (2 * h);
    let divErr = 0;
    let curlErr = 0;
    let count = 0;
    for (let q = -0.8; q <= 0.81; q += 0.2) {
      for (let p = -0.8; p <= 0.81; p += 0.2) {
        // The truth: div f = -2b, curl f = -2a.
        divErr += Math.abs(divergence(f.dissipative, q, p) + 2 * b);
        curlErr += Math.abs(curl(f.conservative, q, p) + 2 * a);
        // And the other way round each part contributes nothing, by construction.
        expect(Math.abs(divergence(f.conservative, q, p))).toBeLessThan(1e-5);
        expect(Math.abs(curl(f.dissipative, q, p))).toBeLessThan(1e-5);
        count++;
      }
    }
    // Mean absolute error against |div f| = 1 and |curl f| = 2.
    expect(divErr / count).toBeLessThan(0.1);
    expect(curlErr / count).toBeLessThan(0.1);
    model.dispose();
  }, 60_000);
});
