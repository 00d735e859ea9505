import { float64LayerKernel as kernelFor } from '@hnn/kernels';
import type { Float64LayerKernel } from '@hnn/kernels';
import { fastPathPreference } from './fast-path.js';

export type { Float64LayerKernel } from '@hnn/kernels';

/**
 * @hnn/kernels' float64 layer products on the engine HNN_FAST_PATH allows, or undefined (the
 * caller keeps its scalar loops) when it is 0/off, no engine loads or the layer is small.
 */
export function float64LayerKernel(
  w: Float64Array,
  b: Float64Array | undefined,
  nIn: number,
  nOut: number,
): Float64LayerKernel | undefined {
  const { preference } = fastPathPreference(undefined);
  if (preference === 'off') return undefined;
  return kernelFor(w, b, nIn, nOut, preference);
}
