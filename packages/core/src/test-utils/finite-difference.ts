import * as tf from '@tensorflow/tfjs-core';
import type { DynamicsModel } from '../dynamics-model.js';
import type { Float64Dynamics, Float64MlpWeights } from '../float64.js';
import { mseLoss } from '../loss.js';

// Shared with the other packages' tests.
export { randomBatch, relativeError } from '@hnn/test-utils';

/** MSE of a float64 vector field against targets, over points and dims, all in float64. */
export function float64Mse(field: Float64Dynamics, x: Float64Array, dx: Float64Array): number {
  const dim = field.dim;
  const out = new Float64Array(dim);
  let sum = 0;
  for (let r = 0; r < x.length / dim; r++) {
    field.timeDerivative(x.subarray(r * dim, (r + 1) * dim), out);
    for (let i = 0; i < dim; i++) sum += ((out[i] as number) - (dx[r * dim + i] as number)) ** 2;
  }
  return sum / x.length;
}

/**
 * Central finite differences, in float64, of the float64 loss with respect to every weight.
 * The weights are float64 copies of the model's float32 ones, so both sides are evaluated at
 * exactly the same point.
 */
export function finiteDifferenceGradients(
  makeField: (weights: Float64MlpWeights) => Float64Dynamics,
  weights: Float64MlpWeights,
  x: Float64Array,
  dx: Float64Array,
  h = 1e-6,
): Float64Array[] {
  const copies = weights.weights.map((w) => Float64Array.from(w));
  const loss = (): number =>
    float64Mse(makeField({ sizes: weights.sizes, weights: copies }), x, dx);
  return copies.map((w) => {
    const g = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) {
      const orig = w[k] as number;
      w[k] = orig + h;
      const up = loss();
      w[k] = orig - h;
      const down = loss();
      w[k] = orig;
      g[k] = (up - down) / (2 * h);
    }
    return g;
  });
}

/** Parameter gradients of the MSE loss by TensorFlow.js, in the order of model.variables. */
export function tfjsGradients(
  model: DynamicsModel,
  x: Float64Array,
  dx: Float64Array,
  timeDerivative: (x: tf.Tensor2D) => tf.Tensor2D = (xx) => model.timeDerivative(xx),
): Float32Array[] {
  const dim = model.inputDim;
  return tf.tidy(() => {
    const xt = tf.tensor2d(Float32Array.from(x), [x.length / dim, dim]);
    const dxt = tf.tensor2d(Float32Array.from(dx), [dx.length / dim, dim]);
    const { grads } = tf.variableGrads(
      () => mseLoss(timeDerivative(xt), dxt),
      model.variables as tf.Variable[],
    );
    // tfjs omits a variable it finds no path to; its gradient is then zero.
    return model.variables.map((v) => {
      const g = grads[v.name];
      return g === undefined ? new Float32Array(v.size) : Float32Array.from(g.dataSync());
    });
  });
}
