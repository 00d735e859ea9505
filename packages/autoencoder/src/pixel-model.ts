import * as tf from '@tensorflow/tfjs';
import { createBaseline, createHnn, InvalidInputError } from '@hnn/core';
import type { Float64Dynamics, MlpBaselineModel, MlpHnnModel } from '@hnn/core';
import { RandomState } from '@hnn/random';
import { createAutoencoder } from './autoencoder.js';
import type { Autoencoder, BiasInit } from './autoencoder.js';
import { checkRows } from './data.js';
import { float64Autoencoder } from './float64-autoencoder.js';
import type { Float64Autoencoder } from './float64-autoencoder.js';

/** 'hnn': a Hamiltonian on z (paper Section 5); 'baseline': an MLP predicting dz/dt directly. */
export type PixelModelKind = 'hnn' | 'baseline';

export interface PixelModelOptions {
  readonly kind: PixelModelKind;
  /** Pixels per sample: two consecutive 28 x 28 frames (the paper: 1568). */
  readonly inputDim?: number;
  /** Width of the autoencoder's hidden layers (the paper: 200). */
  readonly hiddenDim?: number;
  /** Size of z = (z_q, z_p); even (the paper: 2). */
  readonly latentDim?: number;
  /** Width of the latent MLP's two tanh layers (the paper: 200, as in Section 3). */
  readonly latentHiddenDim?: number;
  /**
   * Seed: the autoencoder draws from RandomState(seed), the latent MLP from
   * RandomState(seed + 1) (through @hnn/core's createHnn / createBaseline).
   */
  readonly seed: number;
  /** Initial biases of the autoencoder and the latent MLP (default 'torch', as the reference). */
  readonly biasInit?: BiasInit;
}

/** A latent vector field in float64: writes dz/dt at z into out (both latentDim long). */
export type LatentField64 = (z: Float64Array, out: Float64Array) => void;

/** Float64 snapshot of a whole pixel model (weights copied at the time of the call). */
export interface Float64PixelModel {
  readonly autoencoder: Float64Autoencoder;
  /** The latent dynamics; `hamiltonian` is set for an HNN. */
  readonly latent: Float64Dynamics;
}

/** The pixel-pendulum model: autoencoder + latent dynamics (HNN or baseline). */
export interface PixelModel {
  readonly kind: PixelModelKind;
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly latentDim: number;
  readonly autoencoder: Autoencoder;
  /** The latent dynamics model from @hnn/core. */
  readonly latent: MlpHnnModel | MlpBaselineModel;
  /** Autoencoder variables [W1, b1, ..., W8, b8], then the latent MLP's [W1, b1, W2, b2, W3]. */
  readonly variables: readonly tf.Variable[];
  /** z for a batch of pixel pairs (batch x inputDim) -> (batch x latentDim). */
  encode(x: tf.Tensor2D): tf.Tensor2D;
  /** Reconstruction (batch x inputDim) of latents (batch x latentDim). */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * dz/dt (batch x latentDim), differentiable with respect to the latent model's variables and to
   * z (for the HNN, dH/dz is written out as forward ops: see @hnn/core's 'explicit' gradients).
   */
  latentTimeDerivative(z: tf.Tensor2D): tf.Tensor2D;
  /** Encodes n pixel pairs (row-major n x inputDim) in float32; latents returned as float64. */
  encodeBatch(pixels: Float32Array | Float64Array, n?: number): Float64Array;
  /** Decodes n latents (row-major n x latentDim) in float32. */
  decodeBatch(z: ArrayLike<number>, n?: number): Float32Array;
  /** Float64 snapshot of the latent field (for ODE rollouts). */
  latentField64(): LatentField64;
  /** Float64 snapshot of the learned H(z); undefined for the baseline. */
  hamiltonian64(): ((z: Float64Array) => number) | undefined;
  /** Float64 snapshot of the whole model. */
  toFloat64(): Float64PixelModel;
  /** Copies of all weights in the order of `variables`; W is (in x out) row-major. */
  getWeights(): Float32Array[];
  setWeights(weights: readonly ArrayLike<number>[]): void;
  dispose(): void;
}

// Models built by createPixelModel: exactly the architecture @hnn/kernels' fused pixel kernel
// computes, so trainPixelModel may train them with it.
const fusable = new WeakSet<PixelModel>();

/** True for a model built by createPixelModel (trainable by the fused pixel kernel). */
export function isFusablePixelModel(model: PixelModel): boolean {
  return fusable.has(model);
}

/** Rows per TensorFlow.js call in the batched helpers (bounds peak memory). */
const CHUNK_ROWS = 1000;

export function createPixelModel(options: PixelModelOptions): PixelModel {
  const {
    kind,
    inputDim = 1568,
    hiddenDim = 200,
    latentDim = 2,
    latentHiddenDim = hiddenDim,
    seed,
    biasInit = 'torch',
  } = options;
  if (kind !== 'hnn' && kind !== 'baseline') {
    throw new InvalidInputError(`Unknown kind '${String(kind)}'; use 'hnn' or 'baseline'.`);
  }
  if (!Number.isInteger(latentDim) || latentDim < 2 || latentDim % 2 !== 0) {
    throw new InvalidInputError(
      `latentDim must be an even integer >= 2 (z = (z_q, z_p)), got ${latentDim}.`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed >= 0xffffffff) {
    throw new InvalidInputError(`seed must be an integer in [0, 2^32 - 2], got ${seed}.`);
  }
  const autoencoder = createAutoencoder({
    inputDim,
    hiddenDim,
    latentDim,
    rng: new RandomState(seed),
    biasInit,
  });
  let latent: MlpHnnModel | MlpBaselineModel;
  try {
    latent =
      kind === 'hnn'
        ? createHnn({
            inputDim: latentDim,
            hiddenDim: latentHiddenDim,
            seed: seed + 1,
            gradientMethod: 'explicit',
            biasInit,
          })
        : createBaseline({
            inputDim: latentDim,
            hiddenDim: latentHiddenDim,
            seed: seed + 1,
            biasInit,
          });
  } catch (error) {
    autoencoder.dispose();
    throw error;
  }
  const model = new PixelModelImpl(kind, autoencoder, latent);
  fusable.add(model);
  return model;
}

class PixelModelImpl implements PixelModel {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly latentDim: number;
  readonly variables: readonly tf.Variable[];

  constructor(
    readonly kind: PixelModelKind,
    readonly autoencoder: Autoencoder,
    readonly latent: MlpHnnModel | MlpBaselineModel,
  ) {
    this.inputDim = autoencoder.inputDim;
    this.hiddenDim = autoencoder.hiddenDim;
    this.latentDim = autoencoder.latentDim;
    this.variables = [...autoencoder.variables, ...latent.variables];
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return this.autoencoder.encode(x);
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return this.autoencoder.decode(z);
  }

  latentTimeDerivative(z: tf.Tensor2D): tf.Tensor2D {
    return this.latent.timeDerivative(z);
  }

  encodeBatch(pixels: Float32Array | Float64Array, n?: number): Float64Array {
    const rows = checkRows('pixels', pixels, this.inputDim, n);
    return this.mapRows(pixels, rows, this.inputDim, this.latentDim, (x) => this.encode(x));
  }

  decodeBatch(z: ArrayLike<number>, n?: number): Float32Array {
    const values =
      z instanceof Float32Array || z instanceof Float64Array ? z : Float64Array.from(z);
    const rows = checkRows('z', values, this.latentDim, n);
    return Float32Array.from(
      this.mapRows(values, rows, this.latentDim, this.inputDim, (zz) => this.decode(zz)),
    );
  }

  private mapRows(
    data: Float32Array | Float64Array,
    rows: number,
    dimIn: number,
    dimOut: number,
    fn: (x: tf.Tensor2D) => tf.Tensor2D,
  ): Float64Array {
    const out = new Float64Array(rows * dimOut);
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows - start);
      const chunk = data.subarray(start * dimIn, (start + count) * dimIn);
      const y = tf.tidy(() => fn(tf.tensor2d(Float32Array.from(chunk), [count, dimIn], 'float32')));
      try {
        out.set(y.dataSync(), start * dimOut);
      } finally {
        y.dispose();
      }
    }
    return out;
  }

  latentField64(): LatentField64 {
    return this.latent.toFloat64().timeDerivative;
  }

  hamiltonian64(): ((z: Float64Array) => number) | undefined {
    return this.kind === 'hnn' ? this.latent.toFloat64().hamiltonian : undefined;
  }

  toFloat64(): Float64PixelModel {
    return {
      autoencoder: float64Autoencoder({
        inputDim: this.inputDim,
        hiddenDim: this.hiddenDim,
        latentDim: this.latentDim,
        weights: this.autoencoder.variables.map((v) => Float64Array.from(v.dataSync())),
      }),
      latent: this.latent.toFloat64(),
    };
  }

  getWeights(): Float32Array[] {
    return this.variables.map((v) => Float32Array.from(v.dataSync()));
  }

  setWeights(weights: readonly ArrayLike<number>[]): void {
    const nAe = this.autoencoder.variables.length;
    if (weights.length !== this.variables.length) {
      throw new InvalidInputError(
        `setWeights expects ${this.variables.length} arrays (${nAe} autoencoder, ` +
          `${this.latent.variables.length} latent), got ${weights.length}.`,
      );
    }
    this.autoencoder.variables.forEach((v, i) => {
      const data = weights[i] as ArrayLike<number>;
      if (data.length !== v.size) {
        throw new InvalidInputError(
          `setWeights: array ${i} has length ${data.length}, expected ${v.size} ` +
            `(shape ${JSON.stringify(v.shape)}).`,
        );
      }
      for (let k = 0; k < data.length; k++) {
        if (!Number.isFinite(data[k])) {
          throw new InvalidInputError(`setWeights: array ${i} holds a non-finite value at ${k}.`);
        }
      }
    });
    // The latent model validates its own part before anything is assigned.
    this.latent.setWeights(weights.slice(nAe));
    tf.tidy(() => {
      this.autoencoder.variables.forEach((v, i) => {
        v.assign(tf.tensor(Float32Array.from(weights[i] as ArrayLike<number>), v.shape, 'float32'));
      });
    });
  }

  dispose(): void {
    this.autoencoder.dispose();
    this.latent.dispose();
  }
}
