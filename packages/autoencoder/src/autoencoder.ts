import * as tf from '@tensorflow/tfjs';
import { checkBiasInit, InvalidInputError, initialDenseLayer, matMul } from '@hnn/core';
import type { BiasInit } from '@hnn/core';
import type { RandomState } from '@hnn/random';

/** How the autoencoder's biases start: @hnn/core's {@link BiasInit} (default 'torch'). */
export type { BiasInit } from '@hnn/core';

export interface AutoencoderOptions {
  /** Pixels per sample (the paper: two 28 x 28 frames, 1568). */
  readonly inputDim: number;
  /** Width of the six hidden layers (the paper: 200). */
  readonly hiddenDim: number;
  /** Size of z (the paper: 2). */
  readonly latentDim: number;
  /** Generator for the weights, drawn layer by layer (weight, then bias), encoder first. */
  readonly rng: RandomState;
  readonly biasInit?: BiasInit;
}

/** One dense layer y = x @ w + b, w stored (in x out). */
export interface AutoencoderLayer {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

/**
 * The paper's fully connected autoencoder (Section 5.1; the reference's `MLPAutoencoder` with
 * ReLU): encoder input -> h -> h -> h -> z, decoder z -> h -> h -> h -> input, where the second and
 * third layer of each side are residual (h <- h + relu(h W + b)), the first is relu(x W + b), and
 * the last is linear.
 */
export interface Autoencoder {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly latentDim: number;
  /** The 8 layers, encoder first: sizes in -> h, h -> h, h -> h, h -> z, z -> h, ..., h -> in. */
  readonly layers: readonly AutoencoderLayer[];
  /** [W1, b1, ..., W8, b8]. */
  readonly variables: readonly tf.Variable[];
  encode(x: tf.Tensor2D): tf.Tensor2D;
  decode(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** Layer widths of the 8 layers as [in, out] pairs. */
export function autoencoderLayerSizes(
  inputDim: number,
  hiddenDim: number,
  latentDim: number,
): [number, number][] {
  return [
    [inputDim, hiddenDim],
    [hiddenDim, hiddenDim],
    [hiddenDim, hiddenDim],
    [hiddenDim, latentDim],
    [latentDim, hiddenDim],
    [hiddenDim, hiddenDim],
    [hiddenDim, hiddenDim],
    [hiddenDim, inputDim],
  ];
}

/**
 * Initial weights in float64, [W1, b1, ..., W8, b8] with W (in x out) row-major: orthogonal W as
 * torch.nn.init.orthogonal_, biases per `biasInit`, both drawn by @hnn/core's initialDenseLayer.
 */
export function initialAutoencoderWeights(options: AutoencoderOptions): Float64Array[] {
  const { inputDim, hiddenDim, latentDim, rng, biasInit = 'torch' } = options;
  const out: Float64Array[] = [];
  for (const [nIn, nOut] of autoencoderLayerSizes(inputDim, hiddenDim, latentDim)) {
    const { w, b } = initialDenseLayer(nIn, nOut, rng, biasInit);
    out.push(w, b as Float64Array);
  }
  return out;
}

export function createAutoencoder(options: AutoencoderOptions): Autoencoder {
  const { inputDim, hiddenDim, latentDim, biasInit = 'torch' } = options;
  for (const [name, value] of [
    ['inputDim', inputDim],
    ['hiddenDim', hiddenDim],
    ['latentDim', latentDim],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidInputError(`${name} must be a positive integer, got ${value}.`);
    }
  }
  checkBiasInit(biasInit);
  const initial = initialAutoencoderWeights(options);
  const sizes = autoencoderLayerSizes(inputDim, hiddenDim, latentDim);
  const layers = sizes.map(([nIn, nOut], l) =>
    tf.tidy(() => ({
      w: tf.variable(
        tf.tensor2d(Float32Array.from(initial[2 * l] as Float64Array), [nIn, nOut], 'float32'),
      ),
      b: tf.variable(tf.tensor1d(Float32Array.from(initial[2 * l + 1] as Float64Array), 'float32')),
    })),
  );
  return new AutoencoderImpl(inputDim, hiddenDim, latentDim, layers);
}

class AutoencoderImpl implements Autoencoder {
  readonly variables: readonly tf.Variable[];

  constructor(
    readonly inputDim: number,
    readonly hiddenDim: number,
    readonly latentDim: number,
    readonly layers: readonly AutoencoderLayer[],
  ) {
    this.variables = layers.flatMap(({ w, b }) => [w, b]);
  }

  private dense(h: tf.Tensor2D, l: number): tf.Tensor2D {
    const { w, b } = this.layers[l] as AutoencoderLayer;
    return tf.add(matMul(h, w), b);
  }

  /** Layers first..first+3 of the 4-layer stack: relu, residual, residual, linear. */
  private stack(x: tf.Tensor2D, first: number): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.relu(this.dense(x, first));
      h = tf.add(h, tf.relu(this.dense(h, first + 1)));
      h = tf.add(h, tf.relu(this.dense(h, first + 2)));
      return this.dense(h, first + 3);
    });
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return this.stack(x, 0);
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return this.stack(z, 4);
  }

  dispose(): void {
    tf.dispose([...this.variables]);
  }
}
