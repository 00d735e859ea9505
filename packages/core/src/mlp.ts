import * as tf from './tf.js';
import { RandomState } from '@hnn/random';
import { InvalidInputError } from './errors.js';
import type { Float64MlpWeights } from './float64.js';
import { checkBiasInit, initialDenseLayer } from './init.js';
import type { BiasInit } from './init.js';
import { matMul } from './mat-mul.js';
import { assignVariables, readVariables } from './network.js';
import { secondOrderTanh } from './tanh.js';
import type { Rank, Tensor2D, Variable } from '@tensorflow/tfjs-core';

export interface MlpOptions {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Width of each hidden layer (the paper: 200). */
  readonly hiddenDim?: number;
  /** Number of hidden layers (the paper: 2). */
  readonly hiddenLayers?: number;
  /** Seed of the RandomState that draws the parameters, layer 1 first (weight, then bias). */
  readonly seed: number;
  /** How the hidden layers' biases start (default 'torch', as the reference; see {@link BiasInit}). */
  readonly biasInit?: BiasInit;
}

/**
 * Which tanh a forward pass uses: 'second-order' (safe to differentiate twice, see
 * {@link secondOrderTanh}) or TensorFlow.js's 'builtin' one (correct only for first-order
 * gradients; slightly cheaper).
 */
export type TanhKind = 'second-order' | 'builtin';

/** One dense layer: y = x @ w (+ b). w is (in x out). */
export interface DenseLayer {
  readonly w: Variable<Rank.R2>;
  readonly b: Variable<Rank.R1> | undefined;
}

/**
 * The paper's MLP: input -> hidden -> ... -> output with tanh, orthogonal weights (as
 * torch.nn.init.orthogonal_), biases as torch.nn.Linear draws them (or zeros, per `biasInit`), and
 * no bias on the last layer.
 */
export interface Mlp {
  /** Layer widths, input first: [inputDim, hiddenDim, hiddenDim, outputDim] by default. */
  readonly sizes: readonly number[];
  readonly layers: readonly DenseLayer[];
  /** Trainable variables in the order [W1, b1, W2, b2, ..., W_last]. */
  readonly variables: readonly Variable[];
  /** Forward pass (batch x inputDim) -> (batch x outputDim). */
  apply(x: Tensor2D, tanh?: TanhKind): Tensor2D;
  /** Copies of the weights (float32) in the order of `variables`; W is (in x out) row-major. */
  getWeights(): Float32Array[];
  /** Replaces the weights; each array must match the length of its variable. */
  setWeights(weights: readonly ArrayLike<number>[]): void;
  /** The current weights in float64, for the float64 evaluators. */
  toFloat64Weights(): Float64MlpWeights;
  dispose(): void;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${name} must be a positive integer, got ${value}.`);
  }
}

/**
 * Builds an MLP; weights drawn from one RandomState(seed), layer 1 first. A model made of several
 * MLPs (the D-HNN) passes its own `rng` so that one seed draws all of them, one after another.
 */
export function createMlp(options: MlpOptions, rng?: RandomState): Mlp {
  const { inputDim, outputDim, hiddenDim = 200, hiddenLayers = 2, seed } = options;
  const { biasInit = 'torch' } = options;
  checkPositiveInteger('inputDim', inputDim);
  checkPositiveInteger('outputDim', outputDim);
  checkPositiveInteger('hiddenDim', hiddenDim);
  checkPositiveInteger('hiddenLayers', hiddenLayers);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new InvalidInputError(`seed must be a non-negative integer, got ${seed}.`);
  }
  checkBiasInit(biasInit);
  const sizes = [inputDim, ...Array.from({ length: hiddenLayers }, () => hiddenDim), outputDim];
  const draw = rng ?? new RandomState(seed);
  const layers: DenseLayer[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const initial = initialDenseLayer(nIn, nOut, draw, l < sizes.length - 2 ? biasInit : 'none');
    const w = tf.tidy(() =>
      tf.variable(tf.tensor2d(Float32Array.from(initial.w), [nIn, nOut], 'float32')),
    );
    const b =
      initial.b === undefined
        ? undefined
        : tf.tidy(() => tf.variable(tf.tensor1d(Float32Array.from(initial.b as Float64Array))));
    layers.push({ w, b });
  }
  return new MlpImpl(sizes, layers);
}

class MlpImpl implements Mlp {
  readonly variables: readonly Variable[];

  constructor(
    readonly sizes: readonly number[],
    readonly layers: readonly DenseLayer[],
  ) {
    this.variables = layers.flatMap(({ w, b }) => (b === undefined ? [w] : [w, b]));
  }

  apply(x: Tensor2D, tanh: TanhKind = 'second-order'): Tensor2D {
    return tf.tidy(() => {
      const last = this.layers.length - 1;
      let h: Tensor2D = x;
      this.layers.forEach(({ w, b }, l) => {
        const a = b === undefined ? matMul(h, w) : tf.add(matMul(h, w), b);
        h = (l === last ? a : tanh === 'builtin' ? tf.tanh(a) : secondOrderTanh(a)) as Tensor2D;
      });
      return h;
    });
  }

  getWeights(): Float32Array[] {
    return readVariables(this.variables);
  }

  /** Checked before anything is written: count ([W1, b1, ..., W_last]), lengths, finiteness. */
  setWeights(weights: readonly ArrayLike<number>[]): void {
    assignVariables(this.variables, weights);
  }

  toFloat64Weights(): Float64MlpWeights {
    return {
      sizes: this.sizes,
      weights: this.variables.map((v) => Float64Array.from(v.dataSync())),
    };
  }

  dispose(): void {
    tf.dispose([...this.variables]);
  }
}
