import * as tf from './tf.js';
import { checkSamples } from './data.js';
import type { SampleArray } from './data.js';
import type { DynamicsModel } from './dynamics-model.js';
import { InvalidInputError } from './errors.js';

/**
 * Rows per TensorFlow.js call. Every intermediate of a call (a dozen hidden-width tensors for an
 * HNN) lives until the call ends, and the wasm backend's heap never shrinks: one call over a
 * 100,000-row set grew the process by ~800 MB. Chunks keep that bounded.
 */
export const PREDICT_CHUNK_ROWS = 4096;

/**
 * Predicted dx/dt for n states (x row-major, n x model.inputDim), computed by TensorFlow.js in
 * float32, PREDICT_CHUNK_ROWS rows per call, and returned as float64.
 */
export function predict(model: DynamicsModel, x: SampleArray, n?: number): Float64Array {
  const dim = model.inputDim;
  const rows = checkSamples('x', x, dim);
  if (n !== undefined && n !== rows) {
    throw new InvalidInputError(`predict: n = ${n} but x holds ${rows} rows of dim ${dim}.`);
  }
  const result = new Float64Array(rows * dim);
  for (let start = 0; start < rows; start += PREDICT_CHUNK_ROWS) {
    const count = Math.min(PREDICT_CHUNK_ROWS, rows - start);
    const chunk = Float32Array.from(x.subarray(start * dim, (start + count) * dim));
    const out = tf.tidy(() => model.timeDerivative(tf.tensor2d(chunk, [count, dim], 'float32')));
    try {
      result.set(out.dataSync(), start * dim);
    } finally {
      out.dispose();
    }
  }
  return result;
}
