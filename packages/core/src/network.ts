import * as tf from './tf.js';
import { InvalidInputError } from './errors.js';
import type { Float64Dynamics } from './float64.js';
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';

/**
 * A differentiable network of your own, for {@link createHnn} (a scalar H(x)) or
 * {@link createBaseline} (dx/dt directly): a function of a (batch x inputDim) float32 tensor and
 * the trainable variables it reads. For an HNN the training loss differentiates `apply` twice, so
 * every op in it must have a correct second derivative in TensorFlow.js: relu, softplus, sin, cos,
 * square, matMul, add, mul and @hnn/core's `secondOrderTanh` do; the built-in tf.tanh, tf.sigmoid
 * and tf.exp silently do not (their gradients are built from their saved outputs).
 */
export interface Network {
  readonly variables: readonly Variable[];
  apply(x: Tensor2D): Tensor;
  /** Called by the model's dispose(); absent: the caller keeps ownership of the variables. */
  dispose?(): void;
}

/**
 * A TensorFlow.js LayersModel (`tf.sequential()`, `tf.model()`), typed by what @hnn/core uses so
 * that it needs no tfjs-layers types: `apply`, and `trainableWeights` whose `read()` gives the
 * underlying tf.Variable.
 */
export interface LayersModelLike {
  apply(x: Tensor2D): unknown;
  /** tfjs-layers' LayerVariables; `read()` returns the Variable behind each (checked). */
  readonly trainableWeights: readonly { read(): Tensor }[];
  dispose?(): unknown;
}

/** What `network` options accept. */
export type NetworkInput = Network | LayersModelLike;

function isLayersModel(input: NetworkInput): input is LayersModelLike {
  return 'trainableWeights' in input && Array.isArray(input.trainableWeights);
}

/** Normalises a {@link NetworkInput} to a {@link Network} and checks its variables. */
export function toNetwork(input: NetworkInput): Network {
  if (typeof input !== 'object' || input === null || typeof input.apply !== 'function') {
    throw new InvalidInputError(
      'network must be { variables, apply(x) } or a TensorFlow.js LayersModel (tf.sequential / tf.model).',
    );
  }
  let network: Network;
  if (isLayersModel(input)) {
    const model = input;
    network = {
      variables: model.trainableWeights.map((w) => w.read() as Variable),
      apply: (x) => {
        const y = model.apply(x);
        if (!(y instanceof tf.Tensor)) {
          throw new InvalidInputError('the LayersModel must have one input and one output tensor.');
        }
        return y;
      },
      dispose: () => void model.dispose?.(),
    };
  } else {
    network = input;
  }
  if (!Array.isArray(network.variables) || network.variables.length === 0) {
    throw new InvalidInputError(
      'network.variables must list the trainable tf.Variables the network reads (none were given).',
    );
  }
  for (const v of network.variables) {
    if (!(v instanceof tf.Variable) || v.dtype !== 'float32') {
      throw new InvalidInputError(
        'every entry of network.variables must be a float32 tf.Variable.',
      );
    }
  }
  return network;
}

/**
 * Runs `network` on one all-zero state and checks its output width: `outputDim` columns (or, for
 * outputDim 1, a vector). Catches a wrong network before any training.
 */
export function checkNetworkOutput(network: Network, inputDim: number, outputDim: number): void {
  const shape = tf.tidy(() => network.apply(tf.zeros([2, inputDim])).shape);
  const ok =
    (shape.length === 2 && shape[0] === 2 && shape[1] === outputDim) ||
    (outputDim === 1 && shape.length === 1 && shape[0] === 2);
  if (!ok) {
    throw new InvalidInputError(
      `network maps a (batch x ${inputDim}) input to shape [${shape.join(', ')}]; ` +
        `expected (batch x ${outputDim})${outputDim === 1 ? ' or (batch)' : ''}.`,
    );
  }
}

/** Float32 copies of the variables' values, in order. */
export function readVariables(variables: readonly Variable[]): Float32Array[] {
  return variables.map((v) => Float32Array.from(v.dataSync()));
}

/** Assigns new values to `variables` after checking count, lengths and finiteness. */
export function assignVariables(
  variables: readonly Variable[],
  weights: readonly ArrayLike<number>[],
): void {
  if (weights.length !== variables.length) {
    throw new InvalidInputError(
      `setWeights expects ${variables.length} arrays (one per variable), got ${weights.length}.`,
    );
  }
  variables.forEach((v, i) => {
    const data = weights[i] as ArrayLike<number>;
    if (data.length !== v.size) {
      throw new InvalidInputError(
        `setWeights: array ${i} has length ${data.length}, expected ${v.size} (shape ${JSON.stringify(v.shape)}).`,
      );
    }
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        throw new InvalidInputError(`setWeights: array ${i} holds a non-finite value at ${k}.`);
      }
    }
  });
  tf.tidy(() => {
    variables.forEach((v, i) => {
      v.assign(tf.tensor(Float32Array.from(weights[i] as ArrayLike<number>), v.shape, 'float32'));
    });
  });
}

/**
 * A float64-interface evaluator for a model without a plain-JavaScript twin (a network of your
 * own): each call runs the model's TensorFlow.js `timeDerivative` (and `hamiltonian`) on one
 * state. The arithmetic is the model's float32; it is ~100x slower per call than the built-in
 * MLP's float64 evaluator, which rollouts of the paper's models use.
 */
export function tensorFloat64Dynamics(
  dim: number,
  timeDerivative: (x: Tensor2D) => Tensor2D,
  hamiltonian?: (x: Tensor2D) => Tensor1D,
): Float64Dynamics {
  const one = (x: Float64Array) => tf.tensor2d(Float32Array.from(x), [1, dim]);
  const read = (f: () => Tensor): Float32Array => {
    const t = tf.tidy(f);
    try {
      return t.dataSync() as Float32Array;
    } finally {
      t.dispose();
    }
  };
  return {
    dim,
    timeDerivative: (x, out) => {
      const values = read(() => timeDerivative(one(x)));
      for (let i = 0; i < dim; i++) out[i] = values[i] as number;
    },
    ...(hamiltonian === undefined
      ? {}
      : { hamiltonian: (x: Float64Array) => read(() => hamiltonian(one(x)))[0] as number }),
  };
}
