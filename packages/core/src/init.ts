import type { RandomState } from '@hnn/random';
import { InvalidInputError } from './errors.js';
import { orthogonalWeight } from './orthogonal.js';

/**
 * How a dense layer's bias starts.
 * - 'torch' (the default): U(-1/sqrt(fanIn), +1/sqrt(fanIn)), what torch.nn.Linear's constructor
 *   draws and what the reference keeps: it re-initialises only the weights, with orthogonal_
 *   (reference-protocol.md, "Shared model and training setup"). With fan-in 2 the first layer's
 *   biases spread over ±0.71, so the tanh units' hyperplanes do not all pass through the origin.
 * - 'zeros': every bias starts at 0 (this library's default before 0.1; weaker on raw inputs).
 */
export type BiasInit = 'torch' | 'zeros';

export const BIAS_INITS: readonly BiasInit[] = ['torch', 'zeros'];

/** Throws an InvalidInputError unless `value` is a {@link BiasInit}. */
export function checkBiasInit(value: unknown): asserts value is BiasInit {
  if (!BIAS_INITS.includes(value as BiasInit)) {
    throw new InvalidInputError(`Unknown biasInit '${String(value)}'; use 'torch' or 'zeros'.`);
  }
}

/** A dense layer's initial parameters in float64: w (in x out, row-major) and b (out) or none. */
export interface InitialDenseLayer {
  readonly w: Float64Array;
  readonly b: Float64Array | undefined;
}

/**
 * Initial parameters of one dense layer y = x @ w (+ b), drawn from `rng` in a fixed order: the
 * orthogonal weight first (as torch.nn.init.orthogonal_, see {@link orthogonalWeight}), then, when
 * the layer has a bias, its nOut values per `biasInit` ('zeros' draws nothing). Every model of
 * this library draws its layers in order, first layer first, through this function, so one seed
 * gives one set of parameters.
 */
export function initialDenseLayer(
  nIn: number,
  nOut: number,
  rng: RandomState,
  bias: BiasInit | 'none',
): InitialDenseLayer {
  if (bias !== 'none') checkBiasInit(bias);
  const w = orthogonalWeight(nIn, nOut, rng);
  if (bias === 'none') return { w, b: undefined };
  if (bias === 'zeros') return { w, b: new Float64Array(nOut) };
  const bound = 1 / Math.sqrt(nIn);
  return { w, b: rng.randArray(nOut).map((u) => (2 * u - 1) * bound) };
}
