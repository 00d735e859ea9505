import type { Float64Dynamics } from './float64.js';
import type { Mlp } from './mlp.js';
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';

/** What the HNN, the D-HNN and the baseline have in common: a learned vector field dx/dt = f(x). */
export interface DynamicsModel {
  readonly kind: 'hnn' | 'dhnn' | 'baseline';
  /** State dimension (for an HNN, 2 x the number of coordinates q). */
  readonly inputDim: number;
  /** Hidden width of the built-in MLP; undefined for a network of your own. */
  readonly hiddenDim?: number;
  /** The built-in MLP (what the fused kernel and the saved format serve); undefined for a network of your own. */
  readonly mlp?: Mlp;
  /** Trainable variables: [W1, b1, W2, b2, W3] for the built-in MLP, else the network's. */
  readonly variables: readonly Variable[];
  /**
   * Predicted dx/dt for a batch (batch x inputDim), differentiable with respect to `variables`
   * (for the HNN this is a second-order derivative, computed correctly).
   */
  timeDerivative(x: Tensor2D): Tensor2D;
  /** Snapshot of the current weights as a float64 plain-JS evaluator (fast single-state calls). */
  toFloat64(): Float64Dynamics;
  getWeights(): Float32Array[];
  setWeights(weights: readonly ArrayLike<number>[]): void;
  dispose(): void;
}
