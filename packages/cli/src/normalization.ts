/**
 * Input and output scaling that keeps a Hamiltonian field Hamiltonian.
 *
 * The network sees x' = (x - shift) / scale and is trained on targets timeScale * dx'/dt. Shifting
 * is a canonical transformation; scaling q_i by a and p_i by b multiplies the symplectic form by
 * 1/(ab), so when every pair (q_i, p_i) has the same product scale(q_i) * scale(p_i) = c, the
 * normalised dynamics are Hamiltonian again with H'(x') = H(x) * timeScale / c. Hence a network H'
 * trained this way gives back the data's energy as H(x) = (c / timeScale) * H'(x') (up to an
 * additive constant), and the same scaling is harmless for the baseline.
 */
export interface Normalization {
  readonly method: 'symplectic' | 'none';
  /** Subtracted from the state (per component q1..qn, p1..pn). */
  readonly shift: readonly number[];
  /** Divides the shifted state; scale(q_i) * scale(p_i) is the same for every i. */
  readonly scale: readonly number[];
  /** Multiplies the normalised time derivative to give the network's target. */
  readonly timeScale: number;
  /** c / timeScale: multiplies the network's H' to give the energy in data units. */
  readonly energyScale: number;
}

export const NORMALIZATION_METHODS = ['symplectic', 'none'] as const;
export type NormalizationMethod = (typeof NORMALIZATION_METHODS)[number];

/**
 * The spread of the normalised states (the geometric mean of their standard deviations) that
 * `--normalize symplectic` uses unless --input-spread sets another. bench/normalize.ts (table in
 * the README) found neither 1 nor 0.5 nor the raw numbers best everywhere, so `--normalize auto`
 * (the default) tries all three (AUTO_CANDIDATES in auto-normalize.ts).
 */
export const DEFAULT_INPUT_SPREAD = 1;

export const IDENTITY_NORMALIZATION = (dim: number): Normalization => ({
  method: 'none',
  shift: Array.from({ length: dim }, () => 0),
  scale: Array.from({ length: dim }, () => 1),
  timeScale: 1,
  energyScale: 1,
});

/** Per-column mean and (population) standard deviation of row-major data with dim columns. */
export function columnMeanStd(
  x: Float64Array,
  dim: number,
): { mean: Float64Array; std: Float64Array } {
  const rows = x.length / dim;
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let k = 0; k < dim; k++) mean[k]! += x[r * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k]! /= rows;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < dim; k++) std[k]! += (x[r * dim + k]! - mean[k]!) ** 2;
  }
  for (let k = 0; k < dim; k++) std[k] = Math.sqrt(std[k]! / rows);
  return { mean, std };
}

/**
 * Fits the symplectic normalisation to training states x and derivatives dx (row-major, dim
 * columns): shift = mean; per pair, scale(q_i) : scale(p_i) = std(q_i) : std(p_i) with the product
 * equal to the squared geometric mean of sqrt(std(q_i) std(p_i)) over pairs divided by spread^2,
 * so that the normalised states' standard deviations have geometric mean `spread`; timeScale
 * makes the normalised targets' RMS 1.
 */
export function fitNormalization(
  method: NormalizationMethod,
  x: Float64Array,
  dx: Float64Array,
  dim: number,
  spread: number = DEFAULT_INPUT_SPREAD,
): Normalization {
  if (!(spread > 0 && Number.isFinite(spread))) {
    throw new RangeError(`spread must be a finite positive number, got ${spread}`);
  }
  if (method === 'none') return IDENTITY_NORMALIZATION(dim);
  const rows = x.length / dim;
  const n = dim / 2;
  const { mean, std } = columnMeanStd(x, dim);
  // A constant component carries no scale; borrow the largest other one (or 1).
  const maxStd = Math.max(...std);
  const floor = maxStd > 0 ? maxStd * 1e-6 : 1;
  for (let k = 0; k < dim; k++) if (!(std[k]! > floor)) std[k] = maxStd > 0 ? maxStd : 1;
  const pairScale = Array.from({ length: n }, (_, i) => Math.sqrt(std[i]! * std[n + i]!));
  const common = Math.exp(pairScale.reduce((s, g) => s + Math.log(g), 0) / n) / spread;
  const scale = new Array<number>(dim);
  for (let i = 0; i < n; i++) {
    scale[i] = (std[i]! * common) / pairScale[i]!;
    scale[n + i] = (std[n + i]! * common) / pairScale[i]!;
  }
  let sumSq = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < dim; k++) sumSq += (dx[r * dim + k]! / scale[k]!) ** 2;
  }
  const rms = Math.sqrt(sumSq / (rows * dim));
  const timeScale = rms > 0 && Number.isFinite(rms) ? 1 / rms : 1;
  return {
    method,
    shift: Array.from(mean),
    scale,
    timeScale,
    energyScale: (common * common) / timeScale,
  };
}

/** Normalised states and training targets, row-major. */
export function normalizeSamples(
  norm: Normalization,
  x: Float64Array,
  dx: Float64Array,
  dim: number,
): { x: Float64Array; dx: Float64Array } {
  const xn = new Float64Array(x.length);
  const dxn = new Float64Array(dx.length);
  for (let i = 0; i < x.length; i++) {
    const k = i % dim;
    xn[i] = (x[i]! - norm.shift[k]!) / norm.scale[k]!;
    dxn[i] = (dx[i]! * norm.timeScale) / norm.scale[k]!;
  }
  return { x: xn, dx: dxn };
}
