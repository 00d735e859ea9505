import * as tf from './tf.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError } from './errors.js';
import { markFusable } from './fast/fast-path.js';
import { float64DirectField } from './float64.js';
import type { Float64Dynamics } from './float64.js';
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
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';

/** The paper's baseline: a 2-hidden-layer tanh MLP built from a seed. */
export interface BaselineMlpOptions {
  /** State dimension; the MLP maps it to a vector of the same size. */
  readonly inputDim: number;
  readonly hiddenDim?: number;
  readonly seed: number;
  /** How the MLP's hidden biases start (default 'torch', as the reference). */
  readonly biasInit?: BiasInit;
  readonly network?: undefined;
}

/**
 * A baseline on a network of your own: `network` maps (batch x inputDim) to dx/dt
 * (batch x inputDim). Trains on TensorFlow.js (first-order gradients only).
 */
export interface BaselineNetworkOptions {
  readonly inputDim: number;
  readonly network: NetworkInput;
}

export type BaselineOptions = BaselineMlpOptions | BaselineNetworkOptions;

/** The paper's baseline: the same MLP, predicting dx/dt directly (output size = input size). */
export interface BaselineModel extends DynamicsModel {
  readonly kind: 'baseline';
}

/** The paper's baseline, on the built-in MLP. */
export interface MlpBaselineModel extends BaselineModel {
  readonly mlp: Mlp;
  readonly hiddenDim: number;
}

export function createBaseline(options: BaselineMlpOptions): MlpBaselineModel;
export function createBaseline(options: BaselineNetworkOptions): BaselineModel;
export function createBaseline(options: BaselineOptions): BaselineModel;
export function createBaseline(options: BaselineOptions): BaselineModel {
  const { inputDim } = options;
  if (options.network !== undefined) {
    if (!Number.isInteger(inputDim) || inputDim < 1) {
      throw new InvalidInputError(`inputDim must be a positive integer, got ${inputDim}.`);
    }
    const network = toNetwork(options.network);
    checkNetworkOutput(network, inputDim, inputDim);
    return new NetworkBaseline(network, inputDim);
  }
  const { hiddenDim = 200, seed, biasInit } = options;
  const mlp = createMlp({ inputDim, outputDim: inputDim, hiddenDim, seed, biasInit });
  const model = new Baseline(mlp, inputDim, hiddenDim);
  markFusable(model);
  return model;
}

class NetworkBaseline implements BaselineModel {
  readonly kind = 'baseline';
  readonly variables: readonly Variable[];

  constructor(
    private readonly network: Network,
    readonly inputDim: number,
  ) {
    this.variables = network.variables;
  }

  timeDerivative(x: Tensor2D): Tensor2D {
    return tf.tidy(() => tf.reshape(this.network.apply(x), [-1, this.inputDim]));
  }

  toFloat64(): Float64Dynamics {
    return tensorFloat64Dynamics(this.inputDim, (x) => this.timeDerivative(x));
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

class Baseline implements MlpBaselineModel {
  readonly kind = 'baseline';
  readonly variables: readonly Variable[];

  constructor(
    readonly mlp: Mlp,
    readonly inputDim: number,
    readonly hiddenDim: number,
  ) {
    this.variables = mlp.variables;
  }

  timeDerivative(x: Tensor2D): Tensor2D {
    // Only first-order gradients flow through here, which the built-in tanh gets right.
    return this.mlp.apply(x, 'builtin');
  }

  toFloat64(): Float64Dynamics {
    return float64DirectField(this.mlp.toFloat64Weights());
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
