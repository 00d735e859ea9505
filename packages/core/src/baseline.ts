import type * as tf from '@tensorflow/tfjs';
import type { DynamicsModel } from './dynamics-model.js';
import { markFusable } from './fast/fast-path.js';
import { float64DirectField } from './float64.js';
import type { Float64Dynamics } from './float64.js';
import type { BiasInit } from './init.js';
import { createMlp } from './mlp.js';
import type { Mlp } from './mlp.js';

export interface BaselineOptions {
  /** State dimension; the MLP maps it to a vector of the same size. */
  readonly inputDim: number;
  readonly hiddenDim?: number;
  readonly seed: number;
  /** How the MLP's hidden biases start (default 'torch', as the reference). */
  readonly biasInit?: BiasInit;
}

/** The paper's baseline: the same MLP, predicting dx/dt directly (output size = input size). */
export interface BaselineModel extends DynamicsModel {
  readonly kind: 'baseline';
}

export function createBaseline(options: BaselineOptions): BaselineModel {
  const { inputDim, hiddenDim = 200, seed, biasInit } = options;
  const mlp = createMlp({ inputDim, outputDim: inputDim, hiddenDim, seed, biasInit });
  const model = new Baseline(mlp, inputDim, hiddenDim);
  markFusable(model);
  return model;
}

class Baseline implements BaselineModel {
  readonly kind = 'baseline';
  readonly variables: readonly tf.Variable[];

  constructor(
    readonly mlp: Mlp,
    readonly inputDim: number,
    readonly hiddenDim: number,
  ) {
    this.variables = mlp.variables;
  }

  timeDerivative(x: tf.Tensor2D): tf.Tensor2D {
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
