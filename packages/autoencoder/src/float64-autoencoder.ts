import { autoencoderLayerSizes } from './autoencoder.js';

/** The autoencoder's weights in float64: [W1, b1, ..., W8, b8], W (in x out) row-major. */
export interface Float64AutoencoderWeights {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly latentDim: number;
  readonly weights: readonly Float64Array[];
}

/** Single-sample float64 encoder and decoder; allocation-free per call, not re-entrant. */
export interface Float64Autoencoder {
  readonly inputDim: number;
  readonly latentDim: number;
  /** Writes z (latentDim) for one sample x (inputDim). */
  readonly encode: (x: ArrayLike<number>, out: Float64Array) => void;
  /** Writes the reconstruction (inputDim) of one latent z (latentDim). */
  readonly decode: (z: ArrayLike<number>, out: Float64Array) => void;
}

interface Layer {
  readonly nIn: number;
  readonly nOut: number;
  readonly w: Float64Array;
  readonly b: Float64Array;
}

/** out = b + h W for one row h. */
function affine(h: ArrayLike<number>, { nIn, nOut, w, b }: Layer, out: Float64Array): void {
  out.set(b);
  for (let i = 0; i < nIn; i++) {
    const hi = h[i] as number;
    if (hi === 0) continue;
    const row = i * nOut;
    for (let j = 0; j < nOut; j++) out[j] = (out[j] as number) + hi * (w[row + j] as number);
  }
}

/**
 * A float64 evaluator of the autoencoder (same layers as the TensorFlow.js model): for latent
 * rollouts and metrics, and as the reference forward pass of the gradient tests.
 */
export function float64Autoencoder(params: Float64AutoencoderWeights): Float64Autoencoder {
  const { inputDim, hiddenDim, latentDim, weights } = params;
  const sizes = autoencoderLayerSizes(inputDim, hiddenDim, latentDim);
  if (weights.length !== 2 * sizes.length) {
    throw new RangeError(`expected ${2 * sizes.length} weight arrays, got ${weights.length}`);
  }
  const layers: Layer[] = sizes.map(([nIn, nOut], l) => {
    const w = weights[2 * l] as Float64Array;
    const b = weights[2 * l + 1] as Float64Array;
    if (w.length !== nIn * nOut || b.length !== nOut) {
      throw new RangeError(`layer ${l + 1}: expected ${nIn}x${nOut} weights and ${nOut} biases`);
    }
    return { nIn, nOut, w, b };
  });
  const h = new Float64Array(hiddenDim);
  const a = new Float64Array(hiddenDim);

  const stack = (x: ArrayLike<number>, first: number, out: Float64Array): void => {
    affine(x, layers[first] as Layer, h);
    for (let j = 0; j < hiddenDim; j++) h[j] = Math.max(0, h[j] as number);
    for (const l of [first + 1, first + 2]) {
      affine(h, layers[l] as Layer, a);
      for (let j = 0; j < hiddenDim; j++) h[j] = (h[j] as number) + Math.max(0, a[j] as number);
    }
    affine(h, layers[first + 3] as Layer, out);
  };

  return {
    inputDim,
    latentDim,
    encode: (x, out) => stack(x, 0, out),
    decode: (z, out) => stack(z, 4, out),
  };
}
