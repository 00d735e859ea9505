import * as tf from '@tensorflow/tfjs';
import { checkSamples } from './data.js';
import type { SampleArray } from './data.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError } from './errors.js';

/**
 * Predicted dx/dt for n states at once (x row-major, n x model.inputDim), computed by TensorFlow.js
 * in float32 and returned as float64.
 */
export function predict(model: DynamicsModel, x: SampleArray, n?: number): Float64Array {
  const dim = model.inputDim;
  const rows = checkSamples('x', x, dim);
  if (n !== undefined && n !== rows) {
    throw new InvalidInputError(`predict: n = ${n} but x holds ${rows} rows of dim ${dim}.`);
  }
  const out = tf.tidy(() =>
    model.timeDerivative(tf.tensor2d(Float32Array.from(x), [rows, dim], 'float32')),
  );
  try {
    return Float64Array.from(out.dataSync());
  } finally {
    out.dispose();
  }
}
