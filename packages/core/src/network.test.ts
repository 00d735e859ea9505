import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RandomState } from '@hnn/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { createBaseline } from './baseline.js';
import { InvalidInputError } from './errors.js';
import type { Float64Dynamics, Float64MlpWeights } from './float64.js';
import { createHnn } from './hnn.js';
import type { Network } from './network.js';
import {
  finiteDifferenceGradients,
  randomBatch,
  relativeError,
  tfjsGradients,
} from './test-utils/finite-difference.js';
import { train } from './train.js';

// The same bound as the built-in models' gradient tests (hnn.test.ts): float32 rounding gives
// ~1e-7..1e-6, the tfjs second-order bug gives errors of order 1.
const TOLERANCE = 1e-5;

beforeAll(async () => {
  await initBackend('wasm');
});

type Act = 'softplus' | 'sin' | 'linear';
const ACTS: readonly Act[] = ['softplus', 'sin', 'softplus', 'linear'];
const SIZES = [4, 12, 10, 8, 1];

const act = (a: Act, v: number) =>
  a === 'softplus' ? Math.log1p(Math.exp(v)) : a === 'sin' ? Math.sin(v) : v;
const dAct = (a: Act, v: number) =>
  a === 'softplus' ? 1 / (1 + Math.exp(-v)) : a === 'sin' ? Math.cos(v) : 1;

/** The test network in float64: H(x) and its symplectic gradient by hand-written backprop. */
function float64Field(p: Float64MlpWeights): Float64Dynamics {
  const dim = SIZES[0]!;
  const layers = SIZES.length - 1;
  return {
    dim,
    timeDerivative: (x, out) => {
      const pre: Float64Array[] = [];
      const hs: Float64Array[] = [Float64Array.from(x)];
      for (let l = 0; l < layers; l++) {
        const nIn = SIZES[l]!;
        const nOut = SIZES[l + 1]!;
        const w = p.weights[2 * l]!;
        const b = l < layers - 1 ? p.weights[2 * l + 1]! : new Float64Array(nOut);
        const a = Float64Array.from(b);
        for (let i = 0; i < nIn; i++)
          for (let j = 0; j < nOut; j++) a[j] = a[j]! + hs[l]![i]! * w[i * nOut + j]!;
        pre.push(a);
        hs.push(a.map((v) => act(ACTS[l]!, v)));
      }
      let g = new Float64Array([1]);
      for (let l = layers - 1; l >= 0; l--) {
        const nIn = SIZES[l]!;
        const nOut = SIZES[l + 1]!;
        const w = p.weights[2 * l]!;
        const ga = g.map((v, j) => v * dAct(ACTS[l]!, pre[l]![j]!));
        const gIn = new Float64Array(nIn);
        for (let i = 0; i < nIn; i++)
          for (let j = 0; j < nOut; j++) gIn[i] = gIn[i]! + w[i * nOut + j]! * ga[j]!;
        g = gIn;
      }
      const half = dim / 2;
      for (let i = 0; i < half; i++) {
        out[i] = g[half + i]!;
        out[half + i] = -g[i]!;
      }
    },
  };
}

/** The same network as a {@link Network} of tf.Variables: [W1, b1, ..., W4]. */
function tfNetwork(seed: number): Network {
  const rng = new RandomState(seed);
  const variables: tf.Variable[] = [];
  for (let l = 0; l + 1 < SIZES.length; l++) {
    const nIn = SIZES[l]!;
    const nOut = SIZES[l + 1]!;
    const w = rng.randnArray(nIn * nOut).map((v) => v / Math.sqrt(nIn));
    variables.push(tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(w), [nIn, nOut]))));
    if (l + 2 < SIZES.length) {
      variables.push(
        tf.tidy(() =>
          tf.variable(tf.tensor1d(Float32Array.from(rng.randnArray(nOut)).map((v) => 0.3 * v))),
        ),
      );
    }
  }
  const apply = (x: tf.Tensor2D): tf.Tensor => {
    let h: tf.Tensor2D = x;
    for (let l = 0; l + 1 < SIZES.length; l++) {
      const w = variables[2 * l] as tf.Variable<tf.Rank.R2>;
      const a: tf.Tensor2D =
        l + 2 < SIZES.length ? tf.add(tf.matMul(h, w), variables[2 * l + 1]!) : tf.matMul(h, w);
      const kind = ACTS[l]!;
      h = kind === 'softplus' ? tf.softplus(a) : kind === 'sin' ? tf.sin(a) : a;
    }
    return h;
  };
  return { variables, apply, dispose: () => tf.dispose(variables) };
}

describe('an HNN on a network of your own', () => {
  const { x, dx } = randomBatch(12, 4, 5);
  let before = 0;
  beforeAll(() => {
    before = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has parameter gradients (softplus, sin, depth 3) equal to float64 finite differences', () => {
    const model = createHnn({ inputDim: 4, network: tfNetwork(1) });
    const weights = { sizes: SIZES, weights: model.getWeights().map((w) => Float64Array.from(w)) };
    const fd = finiteDifferenceGradients(float64Field, weights, x, dx);
    const got = tfjsGradients(model, x, dx);
    expect(got).toHaveLength(7);
    got.forEach((g, i) => expect(relativeError(g, fd[i]!)).toBeLessThan(TOLERANCE));
    expect(model.mlp).toBeUndefined();
    model.dispose();
  });

  it('trains on TensorFlow.js (fastPath none), and its float64 evaluator follows the model', async () => {
    const model = createHnn({ inputDim: 4, network: tfNetwork(2) });
    const { x: tx, dx: tdx } = randomBatch(64, 4, 9);
    const result = await train(model, { trainX: tx, trainDx: tdx, dim: 4, steps: 30, seed: 0 });
    expect(result.fastPath).toBe('none');
    const losses = result.history.map((h) => h.trainLoss);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    const field = model.toFloat64();
    const out = new Float64Array(4);
    field.timeDerivative(tx.subarray(0, 4), out);
    const viaTensors = tf.tidy(() =>
      model.timeDerivative(tf.tensor2d(Float32Array.from(tx.subarray(0, 4)), [1, 4])).dataSync(),
    );
    expect(Array.from(out)).toEqual(Array.from(viaTensors));
    expect(field.hamiltonian).toBeDefined();
    model.dispose();
  });

  it('takes a TensorFlow.js LayersModel (softplus layers), with correct second-order gradients', () => {
    const layers = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [2],
          units: 8,
          activation: 'softplus',
          kernelInitializer: 'glorotNormal',
          biasInitializer: 'randomNormal',
        }),
        tfl.layers.dense({ units: 1, useBias: false }),
      ],
    });
    const model = createHnn({ inputDim: 2, network: layers });
    expect(model.variables).toHaveLength(3);
    const w = model.getWeights().map((a) => Float64Array.from(a));
    // The float64 reference: one softplus layer, then linear.
    const field: (p: Float64MlpWeights) => Float64Dynamics = (p) => ({
      dim: 2,
      timeDerivative: (s, out) => {
        const [w1, b1, w2] = p.weights as Float64Array[];
        const g = [0, 0];
        for (let j = 0; j < 8; j++) {
          const a = s[0]! * w1![j]! + s[1]! * w1![8 + j]! + b1![j]!;
          const d = w2![j]! / (1 + Math.exp(-a));
          g[0]! += w1![j]! * d;
          g[1]! += w1![8 + j]! * d;
        }
        out[0] = g[1]!;
        out[1] = -g[0]!;
      },
    });
    const { x: x2, dx: dx2 } = randomBatch(10, 2, 3);
    const fd = finiteDifferenceGradients(field, { sizes: [2, 8, 1], weights: w }, x2, dx2);
    tfjsGradients(model, x2, dx2).forEach((g, i) =>
      expect(relativeError(g, fd[i]!)).toBeLessThan(TOLERANCE),
    );
    model.dispose();
  });

  it('refuses a network with the wrong output width or no variables, naming the fix', () => {
    const net = tfNetwork(3);
    expect(() => createBaseline({ inputDim: 4, network: net })).toThrow(
      /maps a \(batch x 4\) input to shape \[2, 1\]; expected \(batch x 4\)/,
    );
    expect(() => createHnn({ inputDim: 4, network: { variables: [], apply: (v) => v } })).toThrow(
      InvalidInputError,
    );
    net.dispose?.();
  });
});

describe('a baseline on a network of your own', () => {
  it('trains its variables with first-order gradients', async () => {
    const w = tf.variable(tf.randomNormal([2, 2], 0, 0.5, 'float32', 1));
    const model = createBaseline({
      inputDim: 2,
      network: { variables: [w], apply: (x) => tf.matMul(x, w) },
    });
    // Targets from the linear field dx/dt = (2p, -2q): the baseline can fit it exactly.
    const { x } = randomBatch(50, 2, 4);
    const dx = new Float64Array(100);
    for (let r = 0; r < 50; r++) {
      dx[2 * r] = 2 * x[2 * r + 1]!;
      dx[2 * r + 1] = -2 * x[2 * r]!;
    }
    const result = await train(model, {
      trainX: x,
      trainDx: dx,
      dim: 2,
      steps: 800,
      seed: 0,
      learningRate: 0.02,
    });
    expect(result.history.at(-1)!.trainLoss).toBeLessThan(1e-4);
    const learned = model.getWeights()[0]!;
    [0, -2, 2, 0].forEach((v, k) => expect(learned[k]).toBeCloseTo(v, 2));
    model.dispose();
  });
});
