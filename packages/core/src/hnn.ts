import * as tf from './tf.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError } from './errors.js';
import { markFusable } from './fast/fast-path.js';
import { float64HamiltonianField } from './float64.js';
import type { Float64Dynamics } from './float64.js';
import { matMul } from './mat-mul.js';
import type { BiasInit } from './init.js';
import { createMlp } from './mlp.js';
import type { Mlp } from './mlp.js';
import {
  assignVariables,
  checkNetworkOutput,
  readVariables,
  tensorFloat64Dynamics,
  toNetwork,
} from './network.js';
import type { Network, NetworkInput } from './network.js';
import { symplecticFromGradient, symplecticGradient } from './symplectic-gradient.js';
import type { Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';

/**
 * How an HNN computes dH/dx so that the loss's parameter gradient (a second derivative) is right:
 * - 'explicit': dH/dx written out as forward ops (backpropagation through the MLP by hand), so
 *   training needs only a first-order tf.variableGrads. The default: faster on wasm.
 * - 'autodiff': tf.grad of H built with secondOrderTanh, nested inside tf.variableGrads.
 */
export type HnnGradientMethod = 'explicit' | 'autodiff';

/** The paper's HNN: a 2-hidden-layer tanh MLP H(x) built from a seed. */
export interface HnnMlpOptions {
  /** State dimension, even: x = (q, p). */
  readonly inputDim: number;
  readonly hiddenDim?: number;
  readonly seed: number;
  readonly gradientMethod?: HnnGradientMethod;
  /** How the MLP's hidden biases start (default 'torch', as the reference). */
  readonly biasInit?: BiasInit;
  readonly network?: undefined;
}

/**
 * An HNN on a network of your own: `network` computes the scalar H(x), (batch x inputDim) ->
 * (batch x 1) or (batch); dx/dt is its symplectic gradient by automatic differentiation. See
 * {@link Network} for which ops keep the loss's second-order gradient correct. Trains on
 * TensorFlow.js (the fused kernel serves only the built-in MLP; train() reports fastPath 'none').
 */
export interface HnnNetworkOptions {
  readonly inputDim: number;
  readonly network: NetworkInput;
}

export type HnnOptions = HnnMlpOptions | HnnNetworkOptions;

/** Hamiltonian Neural Network: an MLP H(x) -> scalar; dx/dt is its symplectic gradient. */
export interface HnnModel extends DynamicsModel {
  readonly kind: 'hnn';
  readonly gradientMethod: HnnGradientMethod;
  /** H(x) for a batch (batch x inputDim) -> (batch). */
  hamiltonian(x: Tensor2D): Tensor1D;
  /** dH/dx for a batch (batch x inputDim). */
  hamiltonianGradient(x: Tensor2D): Tensor2D;
}

/** The paper's HNN, on the built-in MLP (what the fused kernel trains and the saved format stores). */
export interface MlpHnnModel extends HnnModel {
  readonly mlp: Mlp;
  readonly hiddenDim: number;
}

export function createHnn(options: HnnMlpOptions): MlpHnnModel;
export function createHnn(options: HnnNetworkOptions): HnnModel;
export function createHnn(options: HnnOptions): HnnModel;
export function createHnn(options: HnnOptions): HnnModel {
  const { inputDim } = options;
  if (!Number.isInteger(inputDim) || inputDim < 2 || inputDim % 2 !== 0) {
    throw new InvalidInputError(
      `An HNN's inputDim is the size of (q, p) and must be an even integer >= 2, got ${inputDim}.`,
    );
  }
  if (options.network !== undefined) {
    const network = toNetwork(options.network);
    checkNetworkOutput(network, inputDim, 1);
    return new NetworkHnn(network, inputDim);
  }
  const { hiddenDim = 200, seed, gradientMethod = 'explicit', biasInit } = options;
  if (gradientMethod !== 'explicit' && gradientMethod !== 'autodiff') {
    throw new InvalidInputError(
      `Unknown gradientMethod '${String(gradientMethod)}'; use 'explicit' or 'autodiff'.`,
    );
  }
  const mlp = createMlp({ inputDim, outputDim: 1, hiddenDim, seed, biasInit });
  const model = new Hnn(mlp, inputDim, hiddenDim, gradientMethod);
  // Both gradient methods compute the same function, which the fused kernel also computes.
  markFusable(model);
  return model;
}

/** An HNN whose H is a network of the caller's; dH/dx by nested automatic differentiation. */
class NetworkHnn implements HnnModel {
  readonly kind = 'hnn';
  readonly gradientMethod = 'autodiff';
  readonly variables: readonly Variable[];

  constructor(
    private readonly network: Network,
    readonly inputDim: number,
  ) {
    this.variables = network.variables;
  }

  hamiltonian(x: Tensor2D): Tensor1D {
    return tf.tidy(() => tf.reshape(this.network.apply(x), [-1]));
  }

  hamiltonianGradient(x: Tensor2D): Tensor2D {
    return tf.tidy(
      () => tf.grad((xx) => tf.sum(this.network.apply(xx as Tensor2D)))(x) as Tensor2D,
    );
  }

  timeDerivative(x: Tensor2D): Tensor2D {
    return symplecticGradient((xx) => this.network.apply(xx), x);
  }

  toFloat64(): Float64Dynamics {
    return tensorFloat64Dynamics(
      this.inputDim,
      (x) => this.timeDerivative(x),
      (x) => this.hamiltonian(x),
    );
  }

  getWeights(): Float32Array[] {
    return readVariables(this.variables);
  }

  setWeights(weights: readonly ArrayLike<number>[]): void {
    assignVariables(this.variables, weights);
  }

  dispose(): void {
    this.network.dispose?.();
  }
}

class Hnn implements MlpHnnModel {
  readonly kind = 'hnn';
  readonly variables: readonly Variable[];

  constructor(
    readonly mlp: Mlp,
    readonly inputDim: number,
    readonly hiddenDim: number,
    readonly gradientMethod: HnnGradientMethod,
  ) {
    this.variables = mlp.variables;
  }

  hamiltonian(x: Tensor2D): Tensor1D {
    return tf.tidy(() => tf.reshape(this.mlp.apply(x), [-1]));
  }

  hamiltonianGradient(x: Tensor2D): Tensor2D {
    if (this.gradientMethod === 'autodiff') {
      return tf.tidy(() => tf.grad((xx) => tf.sum(this.mlp.apply(xx as Tensor2D)))(x) as Tensor2D);
    }
    return explicitInputGradient(this.mlp, x);
  }

  timeDerivative(x: Tensor2D): Tensor2D {
    if (this.gradientMethod === 'autodiff') {
      return symplecticGradient((xx) => this.mlp.apply(xx), x);
    }
    return tf.tidy(() => symplecticFromGradient(this.hamiltonianGradient(x)));
  }

  toFloat64(): Float64Dynamics {
    return float64HamiltonianField(this.mlp.toFloat64Weights());
  }

  getWeights(): Float32Array[] {
    return this.mlp.getWeights();
  }

  setWeights(weights: readonly ArrayLike<number>[]): void {
    this.mlp.setWeights(weights);
  }

  dispose(): void {
    this.mlp.dispose();
  }
}

/**
 * dS/dx of a scalar MLP S (output width 1) written out as forward ops: the MLP's backpropagation
 * by hand. Only tf.tanh's forward value is used, so a tf.variableGrads over a loss of this
 * gradient is a first-order gradient, which TensorFlow.js computes correctly (its nested gradient
 * through tf.tanh is not, see tanh.ts). Used by the HNN (S = H) and the D-HNN (S = H and S = D).
 */
export function explicitInputGradient(mlp: Mlp, x: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    // Forward, keeping the activations h_l = tanh(h_{l-1} W_l + b_l).
    const layers = mlp.layers;
    const last = layers.length - 1;
    const hs: Tensor2D[] = [x];
    for (let l = 0; l < last; l++) {
      const { w, b } = layers[l] as (typeof layers)[number];
      const prev = hs[l] as Tensor2D;
      const a = matMul(prev, w);
      hs.push(tf.tanh(b === undefined ? a : tf.add(a, b)) as Tensor2D);
    }
    // Backward for the scalar output S = h_last W_last (W_last is hidden x 1):
    // g <- (g * (1 - h^2)) W^T.
    let g: Tensor2D = tf.reshape((layers[last] as (typeof layers)[number]).w, [1, -1]);
    for (let l = last - 1; l >= 0; l--) {
      const h = hs[l + 1] as Tensor2D;
      const da: Tensor2D = tf.mul(g, tf.sub(1, tf.square(h)));
      g = matMul(da, tf.transpose((layers[l] as (typeof layers)[number]).w));
    }
    return g;
  });
}
