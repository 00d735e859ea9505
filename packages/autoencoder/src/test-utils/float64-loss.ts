import { float64DirectField, float64HamiltonianField } from '@hnn/core';
import type { Float64Dynamics } from '@hnn/core';
import { RandomState } from '@hnn/random';
import { autoencoderLayerSizes } from '../autoencoder.js';
import { float64Autoencoder } from '../float64-autoencoder.js';
import type { PixelModelKind } from '../pixel-model.js';

// Shared with the other packages' tests.
export { relativeError } from '@hnn/test-utils';

export interface TinyDims {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly latentDim: number;
  readonly latentHiddenDim: number;
}

export interface Float64LossTerms {
  readonly total: number;
  readonly autoencoder: number;
  readonly canonical: number;
  readonly dynamics: number;
}

function latentField(
  kind: PixelModelKind,
  dims: TinyDims,
  weights: Float64Array[],
): Float64Dynamics {
  const { latentDim, latentHiddenDim } = dims;
  const out = kind === 'hnn' ? 1 : latentDim;
  const mlp = { sizes: [latentDim, latentHiddenDim, latentHiddenDim, out], weights };
  return kind === 'hnn' ? float64HamiltonianField(mlp) : float64DirectField(mlp);
}

/**
 * The full pixel loss (batch means of ae, cc, dynamics and their weighted sum) in float64, from the
 * weights in the order of PixelModel.variables: an independent re-implementation of
 * pixelLossPerSample for the finite-difference gradient tests.
 */
export function float64PixelLoss(
  kind: PixelModelKind,
  dims: TinyDims,
  weights: readonly Float64Array[],
  x: Float64Array,
  xNext: Float64Array,
  dynamicsWeight = 0.1,
): Float64LossTerms {
  const { inputDim, hiddenDim, latentDim } = dims;
  const nAe = 2 * autoencoderLayerSizes(inputDim, hiddenDim, latentDim).length;
  const ae = float64Autoencoder({
    inputDim,
    hiddenDim,
    latentDim,
    weights: weights.slice(0, nAe),
  });
  const field = latentField(kind, dims, weights.slice(nAe));
  const half = latentDim / 2;
  const z = new Float64Array(latentDim);
  const zNext = new Float64Array(latentDim);
  const f = new Float64Array(latentDim);
  const xHat = new Float64Array(inputDim);
  const n = x.length / inputDim;
  let sumAe = 0;
  let sumCc = 0;
  let sumDyn = 0;
  for (let r = 0; r < n; r++) {
    const xr = x.subarray(r * inputDim, (r + 1) * inputDim);
    ae.encode(xr, z);
    ae.encode(xNext.subarray(r * inputDim, (r + 1) * inputDim), zNext);
    ae.decode(z, xHat);
    let s = 0;
    for (let i = 0; i < inputDim; i++) s += ((xr[i] as number) - (xHat[i] as number)) ** 2;
    sumAe += s / inputDim;
    field.timeDerivative(z, f);
    s = 0;
    for (let i = 0; i < latentDim; i++) {
      s += ((zNext[i] as number) - (z[i] as number) - (f[i] as number)) ** 2;
    }
    sumDyn += s / latentDim;
    s = 0;
    for (let i = 0; i < half; i++) {
      const dq = (zNext[i] as number) - (z[i] as number);
      s += ((z[half + i] as number) - dq) ** 2;
    }
    sumCc += s / half;
  }
  const autoencoder = sumAe / n;
  const canonical = sumCc / n;
  const dynamics = sumDyn / n;
  return {
    total: autoencoder + canonical + dynamicsWeight * dynamics,
    autoencoder,
    canonical,
    dynamics,
  };
}

/** Central differences (float64, step h) of `loss` with respect to every entry of `weights`. */
export function finiteDifferences(
  weights: readonly Float64Array[],
  loss: (weights: readonly Float64Array[]) => number,
  h = 1e-6,
): Float64Array[] {
  const copies = weights.map((w) => Float64Array.from(w));
  return copies.map((w) => {
    const g = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) {
      const orig = w[k] as number;
      w[k] = orig + h;
      const up = loss(copies);
      w[k] = orig - h;
      const down = loss(copies);
      w[k] = orig;
      g[k] = (up - down) / (2 * h);
    }
    return g;
  });
}

/**
 * Smallest |pre-activation| of any ReLU unit over the samples: central differences are only
 * valid if no unit sits within a step of its kink.
 */
export function minReluMargin(
  dims: TinyDims,
  weights: readonly Float64Array[],
  samples: readonly Float64Array[],
): number {
  const { inputDim, hiddenDim, latentDim } = dims;
  const sizes = autoencoderLayerSizes(inputDim, hiddenDim, latentDim);
  let margin = Infinity;
  const dense = (h: Float64Array, l: number): Float64Array => {
    const [nIn, nOut] = sizes[l] as [number, number];
    const w = weights[2 * l] as Float64Array;
    const out = Float64Array.from(weights[2 * l + 1] as Float64Array);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++)
        out[j] = (out[j] as number) + (h[i] as number) * (w[i * nOut + j] as number);
    }
    return out;
  };
  const stack = (x: Float64Array, first: number): Float64Array => {
    let a = dense(x, first);
    for (const v of a) margin = Math.min(margin, Math.abs(v));
    let h = a.map((v) => Math.max(0, v));
    for (const l of [first + 1, first + 2]) {
      a = dense(h, l);
      for (const v of a) margin = Math.min(margin, Math.abs(v));
      h = h.map((v, j) => v + Math.max(0, a[j] as number));
    }
    return dense(h, first + 3);
  };
  for (const x of samples) {
    for (let r = 0; r < x.length / inputDim; r++) {
      stack(stack(x.subarray(r * inputDim, (r + 1) * inputDim), 0), 4);
    }
  }
  return margin;
}

/** n samples of U(lo, hi) values, row-major (n x dim). */
export function uniformRows(n: number, dim: number, seed: number, lo = 0, hi = 1): Float64Array {
  return new RandomState(seed).randArray(n * dim).map((u) => lo + (hi - lo) * u);
}

/**
 * A tiny pixel-pendulum stand-in: a pendulum angle theta(t) = A cos(omega t + phi) per trajectory,
 * each frame a Gaussian blob on a side x side grid at the bob's position, a sample = frames
 * (t, t + 1), its next = frames (t + 1, t + 2). Float32, like the real dataset.
 */
export function syntheticPendulumPixels(
  trajectories: number,
  framesPerTrajectory: number,
  side: number,
  seed: number,
): { pixels: Float32Array; nextPixels: Float32Array; n: number; angles: Float64Array } {
  const rng = new RandomState(seed);
  const frameDim = side * side;
  const dim = 2 * frameDim;
  const samples = trajectories * framesPerTrajectory;
  const pixels = new Float32Array(samples * dim);
  const nextPixels = new Float32Array(samples * dim);
  const angles = new Float64Array(samples);
  const frame = (theta: number, out: Float32Array, offset: number): void => {
    // Bob on a circle of radius 0.35 side below the pivot at the top centre.
    const cx = (side - 1) / 2 + 0.6 * (side / 2) * Math.sin(theta);
    const cy = 0.6 * (side / 2) * Math.cos(theta);
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        out[offset + r * side + c] = 0.5 * Math.exp(-((r - cy) ** 2 + (c - cx) ** 2) / 2);
      }
    }
  };
  let s = 0;
  for (let k = 0; k < trajectories; k++) {
    const amplitude = 0.3 + 0.4 * rng.rand();
    const phase = 2 * Math.PI * rng.rand();
    const omega = 0.3;
    const theta = (t: number): number => amplitude * Math.cos(omega * t + phase);
    for (let t = 0; t < framesPerTrajectory; t++, s++) {
      angles[s] = theta(t);
      frame(theta(t), pixels, s * dim);
      frame(theta(t + 1), pixels, s * dim + frameDim);
      frame(theta(t + 1), nextPixels, s * dim);
      frame(theta(t + 2), nextPixels, s * dim + frameDim);
    }
  }
  return { pixels, nextPixels, n: samples, angles };
}
