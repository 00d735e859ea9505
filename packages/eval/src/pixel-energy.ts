import { linspace } from '@hnn/datasets';
import type { OdeFunction } from '@hnn/integrators';
import { rollout } from './rollout.js';
import { groupedStats, MetricInputError, type MeanSe } from './stats.js';

/**
 * Energy-metric recipe for Table 1 row 5 (pixel pendulum), as the reference's analyze-pixels
 * notebook does it: integrate the latent field from the encoding of the held-out trajectory's first
 * sample with solve_ivp's defaults (RK45, rtol 1e-3, atol 1e-6) over t_span = [0, 0.98 T] with
 * t_eval = linspace(0, 0.98 T, T) for T frames (so one frame is 0.98 T / (T - 1) ≈ 0.985 latent
 * time units, not exactly the 1 unit that the training loss's Euler step implies), map the path to
 * canonical coordinates with a linear map, and compare E = 1.9 (1 - cos q) + p^2 with the truth
 * frame by frame; "±" over 5 consecutive groups of frames.
 */
export interface PixelEnergyConfig {
  /** t_span = [0, timeSpanFactor x frames] (the notebook: 0.98; use (T - 1) / T for 1 unit per frame). */
  readonly timeSpanFactor: number;
  readonly rtol: number;
  readonly atol: number;
  /** Consecutive groups of per-frame errors for the "±" (200 frames = 5 x 40). */
  readonly groups: number;
}

export const PIXEL_ENERGY_CONFIG: PixelEnergyConfig = {
  timeSpanFactor: 0.98,
  rtol: 1e-3,
  atol: 1e-6,
  groups: 5,
};

/**
 * The energy the reference assigns to the pixel pendulum's canonical coordinates
 * (q, p) = (theta, 0.25 thetadot): 1.9 (1 - cos q) + p^2 (its `hamiltonian_fn`, k = 1.9 "fit to
 * the data").
 */
export function pixelPendulumEnergy(q: number, p: number): number {
  return 1.9 * (1 - Math.cos(q)) + p * p;
}

/** cc = z W + b for a latent row z (2) and canonical row cc (2); W row-major 2 x 2. */
export interface LatentToCanonicalMap {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export interface PixelEnergyInput {
  /** The model's latent vector field in float64 (e.g. @hnn/autoencoder's `latentField64()`). */
  readonly latentField: (z: Float64Array, out: Float64Array) => void;
  /**
   * Encodings of the held-out trajectory's T samples (pixel pairs), row-major T x 2. Row 0 is the
   * start of the rollout.
   */
  readonly latentsOfTrajectory: Float64Array;
  /** The same samples' ground-truth canonical coordinates (theta, 0.25 thetadot), T x 2. */
  readonly canonical: Float64Array;
  /**
   * Pairs (latents, canonical coordinates), each n x 2, to fit the linear map on. Default: the
   * held-out trajectory itself. The reference fits on the whole training set's encodings and
   * coordinates (`learn_z2canonical(data['latents'], data['coords'])`); pass those to match it.
   */
  readonly fit?: { readonly latents: Float64Array; readonly canonical: Float64Array };
  /**
   * Applied to the rolled-out latents (m x 2, row-major) before the map; the reference decodes
   * them to pixels and encodes those again (`pix2cc(model, decode(z))`). E.g.
   * `(z) => model.encodeBatch(model.decodeBatch(z))`. Default: identity.
   */
  readonly reencode?: (z: Float64Array) => Float64Array;
}

export interface PixelEnergyResult {
  /** Mean over the T frames of (E(true) - E(predicted))^2; ± over 5 consecutive groups. */
  readonly energyMse: MeanSe;
  /** Mean over frames of the squared (q, p) error averaged over the two coordinates; same ±. */
  readonly coordMse: MeanSe;
  /** The fitted latent -> canonical map (least squares with bias, float64). */
  readonly map: LatentToCanonicalMap;
  /** Latent times of the T frames. */
  readonly times: Float64Array;
  /** The rolled-out latents (T x 2; row 0 is the start). */
  readonly latentPath: Float64Array;
  /**
   * Predicted canonical coordinates (T x 2). Row 0 is the true start, as in the reference, which
   * integrates to t_eval[1:] and prepends the true initial coordinates.
   */
  readonly canonicalPath: Float64Array;
  readonly trueEnergy: Float64Array;
  readonly predictedEnergy: Float64Array;
  readonly energySquaredErrors: Float64Array;
}

function checkPairs(name: string, values: Float64Array, rows?: number): number {
  if (!(values instanceof Float64Array)) {
    throw new MetricInputError(`${name} must be a Float64Array (rows of 2 values)`);
  }
  if (values.length === 0 || values.length % 2 !== 0) {
    throw new MetricInputError(
      `${name} has ${values.length} values; expected rows of 2 (z or q, p)`,
    );
  }
  if (rows !== undefined && values.length !== 2 * rows) {
    throw new MetricInputError(`${name} has ${values.length / 2} rows, expected ${rows}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new MetricInputError(`${name} has a non-finite value at row ${i >> 1}: ${values[i]}`);
    }
  }
  return values.length / 2;
}

/**
 * Least-squares affine map cc ≈ z W + b in float64 (centred normal equations, 2 x 2). The
 * reference trains a torch Linear(2, 2) on the same objective with Adam (4000 steps of 400
 * samples); this is the minimiser it approaches.
 */
export function fitLatentToCanonical(
  latents: Float64Array,
  canonical: Float64Array,
): LatentToCanonicalMap {
  const n = checkPairs('fit latents', latents);
  checkPairs('fit canonical coordinates', canonical, n);
  if (n < 3) throw new MetricInputError('fitting an affine 2-d map needs at least 3 samples');
  let mz0 = 0;
  let mz1 = 0;
  let mc0 = 0;
  let mc1 = 0;
  for (let i = 0; i < n; i++) {
    mz0 += latents[2 * i]!;
    mz1 += latents[2 * i + 1]!;
    mc0 += canonical[2 * i]!;
    mc1 += canonical[2 * i + 1]!;
  }
  mz0 /= n;
  mz1 /= n;
  mc0 /= n;
  mc1 /= n;
  // A = Zc^T Zc (2 x 2, symmetric), B = Zc^T Cc (2 x 2).
  let a00 = 0;
  let a01 = 0;
  let a11 = 0;
  let b00 = 0;
  let b01 = 0;
  let b10 = 0;
  let b11 = 0;
  for (let i = 0; i < n; i++) {
    const z0 = latents[2 * i]! - mz0;
    const z1 = latents[2 * i + 1]! - mz1;
    const c0 = canonical[2 * i]! - mc0;
    const c1 = canonical[2 * i + 1]! - mc1;
    a00 += z0 * z0;
    a01 += z0 * z1;
    a11 += z1 * z1;
    b00 += z0 * c0;
    b01 += z0 * c1;
    b10 += z1 * c0;
    b11 += z1 * c1;
  }
  const det = a00 * a11 - a01 * a01;
  if (!(Math.abs(det) > 1e-12 * Math.max(a00 * a11, Number.MIN_VALUE))) {
    throw new MetricInputError(
      'the latents used for the fit are (nearly) collinear, so no linear map to (q, p) is determined; ' +
        'fit on more varied samples (e.g. the training set)',
    );
  }
  // W = A^{-1} B.
  const weights = new Float64Array([
    (a11 * b00 - a01 * b10) / det,
    (a11 * b01 - a01 * b11) / det,
    (a00 * b10 - a01 * b00) / det,
    (a00 * b11 - a01 * b01) / det,
  ]);
  const bias = new Float64Array([
    mc0 - mz0 * weights[0]! - mz1 * weights[2]!,
    mc1 - mz0 * weights[1]! - mz1 * weights[3]!,
  ]);
  return { weights, bias };
}

/**
 * Table 1's energy column for the pixel pendulum (see {@link PixelEnergyConfig} for the recipe).
 * Latents must be 2-d (the paper's z = (z_q, z_p)).
 */
export function pixelEnergyMetric(
  input: PixelEnergyInput,
  config: PixelEnergyConfig = PIXEL_ENERGY_CONFIG,
): PixelEnergyResult {
  const { latentField, latentsOfTrajectory, canonical, fit, reencode } = input;
  const frames = checkPairs('latentsOfTrajectory', latentsOfTrajectory);
  checkPairs('canonical', canonical, frames);
  if (frames < 2) throw new MetricInputError('the held-out trajectory needs at least two frames');
  if (!(config.timeSpanFactor > 0)) {
    throw new MetricInputError(`timeSpanFactor must be positive, got ${config.timeSpanFactor}`);
  }
  const map = fit
    ? fitLatentToCanonical(fit.latents, fit.canonical)
    : fitLatentToCanonical(latentsOfTrajectory, canonical);

  const times = linspace(0, config.timeSpanFactor * frames, frames);
  const field: OdeFunction = (_t, y, out) => latentField(y, out);
  const path = rollout(field, latentsOfTrajectory.subarray(0, 2), times, {
    rtol: config.rtol,
    atol: config.atol,
  }).ys;
  const latentPath = new Float64Array(2 * frames);
  path.forEach((y, k) => latentPath.set(y.subarray(0, 2), 2 * k));

  const mapped = reencode ? reencode(latentPath.slice(2)) : latentPath.slice(2);
  checkPairs('reencode(latents)', mapped, frames - 1);
  const canonicalPath = new Float64Array(2 * frames);
  canonicalPath[0] = canonical[0]!;
  canonicalPath[1] = canonical[1]!;
  const w = map.weights;
  for (let k = 1; k < frames; k++) {
    const z0 = mapped[2 * (k - 1)]!;
    const z1 = mapped[2 * (k - 1) + 1]!;
    canonicalPath[2 * k] = z0 * w[0]! + z1 * w[2]! + map.bias[0]!;
    canonicalPath[2 * k + 1] = z0 * w[1]! + z1 * w[3]! + map.bias[1]!;
  }

  const trueEnergy = new Float64Array(frames);
  const predictedEnergy = new Float64Array(frames);
  const energySq = new Float64Array(frames);
  const coordSq = new Float64Array(frames);
  for (let k = 0; k < frames; k++) {
    const q = canonical[2 * k]!;
    const p = canonical[2 * k + 1]!;
    const qHat = canonicalPath[2 * k]!;
    const pHat = canonicalPath[2 * k + 1]!;
    trueEnergy[k] = pixelPendulumEnergy(q, p);
    predictedEnergy[k] = pixelPendulumEnergy(qHat, pHat);
    energySq[k] = (trueEnergy[k]! - predictedEnergy[k]!) ** 2;
    coordSq[k] = ((q - qHat) ** 2 + (p - pHat) ** 2) / 2;
  }
  return {
    energyMse: groupedStats(energySq, config.groups),
    coordMse: groupedStats(coordSq, config.groups),
    map,
    times,
    latentPath,
    canonicalPath,
    trueEnergy,
    predictedEnergy,
    energySquaredErrors: energySq,
  };
}

/** What `pixelModelEnergyMetric` needs of a pixel model (e.g. @hnn/autoencoder's PixelModel). */
export interface PixelEnergyModel {
  latentField64(): (z: Float64Array, out: Float64Array) => void;
  encodeBatch(pixels: Float32Array, n: number): Float64Array;
  decodeBatch(z: Float64Array, n: number): Float32Array;
}

/** Pixel pairs with their canonical coordinates (a dataset split or a rendered trajectory). */
export interface PixelSamples {
  readonly pixels: Float32Array;
  readonly coords: Float64Array;
  readonly n: number;
}

/**
 * The pixel energy metric of a trained model, the way the reference computes it: the
 * latent -> (theta, 0.25 thetadot) map is fitted on the training set's encodings, and the rolled-out
 * latents are decoded and encoded again before they are mapped. Also returns the encodings of the
 * held-out trajectory.
 */
export function pixelModelEnergyMetric(
  model: PixelEnergyModel,
  trajectory: PixelSamples,
  train: PixelSamples,
  config: PixelEnergyConfig = PIXEL_ENERGY_CONFIG,
): PixelEnergyResult & { readonly trajectoryLatents: Float64Array } {
  const trajectoryLatents = model.encodeBatch(trajectory.pixels, trajectory.n);
  const result = pixelEnergyMetric(
    {
      latentField: model.latentField64(),
      latentsOfTrajectory: trajectoryLatents,
      canonical: trajectory.coords,
      fit: { latents: model.encodeBatch(train.pixels, train.n), canonical: train.coords },
      reencode: (z) => model.encodeBatch(model.decodeBatch(z, z.length / 2), z.length / 2),
    },
    config,
  );
  return { ...result, trajectoryLatents };
}
