import * as tf from './tf.js';
import { RandomState } from '@hnn/random';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError } from './errors.js';
import { float64ScalarGradient } from './float64.js';
import type { Float64Dynamics, Float64MlpWeights } from './float64.js';
import { explicitInputGradient } from './hnn.js';
import type { BiasInit } from './init.js';
import { createMlp } from './mlp.js';
import { assignVariables, readVariables } from './network.js';
import type { Mlp } from './mlp.js';
import { symplecticFromGradient } from './symplectic-gradient.js';
import type { Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';

/** A Dissipative HNN built from a seed: two 2-hidden-layer tanh MLPs, H(x) and D(x). */
export interface DhnnOptions {
  /** State dimension, even: x = (q, p). */
  readonly inputDim: number;
  /** Hidden width of each of the two MLPs (default 200, as the HNN). */
  readonly hiddenDim?: number;
  /** Seed of the one RandomState that draws H's layers, then D's. */
  readonly seed: number;
  /** How both MLPs' hidden biases start (default 'torch', as the HNN and the baseline). */
  readonly biasInit?: BiasInit;
}

/** The D-HNN's float64 evaluator: the field and each of its two parts at a single state. */
export interface Float64DhnnDynamics extends Float64Dynamics {
  readonly hamiltonian: (x: Float64Array) => number;
  /** The learned Rayleigh dissipation function D(x). */
  readonly dissipation: (x: Float64Array) => number;
  /** Writes the conservative part J dH/dx = (dH/dp, -dH/dq) at x into out. */
  readonly conservative: (x: Float64Array, out: Float64Array) => void;
  /** Writes the dissipative part dD/dx at x into out. */
  readonly dissipative: (x: Float64Array, out: Float64Array) => void;
}

/**
 * Dissipative Hamiltonian Neural Network (Sosanya & Greydanus 2022): two learned scalars, a
 * Hamiltonian H(x) and a Rayleigh dissipation function D(x); dx/dt = J dH/dx + dD/dx, a Helmholtz
 * decomposition of the field into a divergence-free (conservative) part and a curl-free
 * (dissipative) part. dH/dt along the field is dH/dx . dD/dx: the energy D removes (or adds).
 */
export interface DhnnModel extends DynamicsModel {
  readonly kind: 'dhnn';
  readonly hiddenDim: number;
  /** The MLP computing H (output width 1). */
  readonly hamiltonianMlp: Mlp;
  /** The MLP computing D (output width 1). */
  readonly dissipationMlp: Mlp;
  /** H(x) for a batch (batch x inputDim) -> (batch). */
  hamiltonian(x: Tensor2D): Tensor1D;
  /** D(x) for a batch (batch x inputDim) -> (batch). */
  dissipation(x: Tensor2D): Tensor1D;
  /** The conservative part J dH/dx for a batch (batch x inputDim); differentiable. */
  conservativeField(x: Tensor2D): Tensor2D;
  /** The dissipative part dD/dx for a batch (batch x inputDim); differentiable. */
  dissipativeField(x: Tensor2D): Tensor2D;
  toFloat64(): Float64DhnnDynamics;
}

/**
 * Builds a D-HNN. Two MLPs, not one MLP with two outputs: the authors' models.py ships `DHNN` as
 * two MLPs (mlp_h, mlp_d), with the one-network, two-output version commented out. Separate
 * networks keep the two scalars from sharing hidden features, so neither part is pulled by the
 * other's loss through shared weights, and each half is exactly the HNN's MLP: the same explicit
 * (first-order-only) input gradient serves both, and with the same seed H starts as createHnn's H.
 * Trains with train() on TensorFlow.js ops (the fused kernel serves the HNN and the baseline only,
 * so train() reports fastPath 'none').
 */
export function createDhnn(options: DhnnOptions): DhnnModel {
  const { inputDim, hiddenDim = 200, seed, biasInit } = options;
  if (!Number.isInteger(inputDim) || inputDim < 2 || inputDim % 2 !== 0) {
    throw new InvalidInputError(
      `A D-HNN's inputDim is the size of (q, p) and must be an even integer >= 2, got ${inputDim}.`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new InvalidInputError(`seed must be a non-negative integer, got ${seed}.`);
  }
  // One generator, H's layers first, then D's: one seed gives one set of parameters, as
  // initialDenseLayer's contract asks of every model.
  const rng = new RandomState(seed);
  const mlpOptions = { inputDim, outputDim: 1, hiddenDim, seed, biasInit };
  const h = createMlp(mlpOptions, rng);
  const d = createMlp(mlpOptions, rng);
  return new Dhnn(h, d, inputDim, hiddenDim);
}

/**
 * The D-HNN's field in float64 from H's and D's MLP weights: used by toFloat64() and by the
 * finite-difference gradient check.
 */
export function float64DissipativeHamiltonianField(
  h: Float64MlpWeights,
  d: Float64MlpWeights,
): Float64DhnnDynamics {
  const dim = h.sizes[0] as number;
  if (d.sizes[0] !== dim) {
    throw new InvalidInputError(`H takes ${dim} inputs but D takes ${String(d.sizes[0])}.`);
  }
  const half = dim / 2;
  const hs = float64ScalarGradient(h);
  const ds = float64ScalarGradient(d);
  const conservative = (x: Float64Array, out: Float64Array): void => {
    const g = hs.gradient(x);
    for (let i = 0; i < half; i++) {
      out[i] = g[half + i] as number;
      out[half + i] = -(g[i] as number);
    }
  };
  const dissipative = (x: Float64Array, out: Float64Array): void => {
    out.set(ds.gradient(x));
  };
  return {
    dim,
    timeDerivative: (x, out) => {
      conservative(x, out);
      const g = ds.gradient(x);
      for (let i = 0; i < dim; i++) out[i] = (out[i] as number) + (g[i] as number);
    },
    hamiltonian: hs.value,
    dissipation: ds.value,
    conservative,
    dissipative,
  };
}

class Dhnn implements DhnnModel {
  readonly kind = 'dhnn';
  readonly variables: readonly Variable[];

  constructor(
    readonly hamiltonianMlp: Mlp,
    readonly dissipationMlp: Mlp,
    readonly inputDim: number,
    readonly hiddenDim: number,
  ) {
    this.variables = [...hamiltonianMlp.variables, ...dissipationMlp.variables];
  }

  hamiltonian(x: Tensor2D): Tensor1D {
    return tf.tidy(() => tf.reshape(this.hamiltonianMlp.apply(x), [-1]));
  }

  dissipation(x: Tensor2D): Tensor1D {
    return tf.tidy(() => tf.reshape(this.dissipationMlp.apply(x), [-1]));
  }

  conservativeField(x: Tensor2D): Tensor2D {
    return tf.tidy(() => symplecticFromGradient(explicitInputGradient(this.hamiltonianMlp, x)));
  }

  dissipativeField(x: Tensor2D): Tensor2D {
    return explicitInputGradient(this.dissipationMlp, x);
  }

  timeDerivative(x: Tensor2D): Tensor2D {
    return tf.tidy(() => tf.add(this.conservativeField(x), this.dissipativeField(x)));
  }

  toFloat64(): Float64DhnnDynamics {
    return float64DissipativeHamiltonianField(
      this.hamiltonianMlp.toFloat64Weights(),
      this.dissipationMlp.toFloat64Weights(),
    );
  }

  getWeights(): Float32Array[] {
    return readVariables(this.variables);
  }

  /** Weights in the order of `variables`: H's MLP, then D's; all checked before any is written. */
  setWeights(weights: readonly ArrayLike<number>[]): void {
    assignVariables(this.variables, weights);
  }

  dispose(): void {
    this.hamiltonianMlp.dispose();
    this.dissipationMlp.dispose();
  }
}
