import type { PendulumRenderer } from './pendulum-renderer.js';
import type { PixelGeometry } from './pixel-preprocess.js';
import { cropPixelBox, redMinusGreenCrop, resizeCrops } from './pixel-preprocess.js';

/** Frames rendered and cropped before one sharp call (see `resizeCrops`). */
const BATCH = 128;

/**
 * Renders gym angles `ths` and preprocesses each frame (red - green, crop, resize) to
 * side x side uint8 values, concatenated: frame i is `out[i*side*side .. (i+1)*side*side)`.
 * Divide by 255 for the network's [0, 1] input; uint8 is exact and a quarter of the size, so it
 * is what we cache. While sharp resizes one batch on libuv's thread pool the next is drawn.
 */
export async function renderPixelFrames(
  renderer: PendulumRenderer,
  ths: ArrayLike<number>,
  geometry: PixelGeometry,
  onProgress?: (framesDone: number) => void,
): Promise<Uint8Array> {
  if (renderer.size !== geometry.canvasSize) {
    throw new Error(
      `renderer draws ${renderer.size}px frames, geometry wants ${geometry.canvasSize}`,
    );
  }
  const box = cropPixelBox(geometry);
  // Only the crop is read back; red - green then runs over the whole read-back region.
  const whole = { left: 0, top: 0, width: box.width, height: box.height };
  const frame = geometry.side * geometry.side;
  const out = new Uint8Array(ths.length * frame);
  let pending: Promise<void> = Promise.resolve();
  for (let start = 0; start < ths.length; start += BATCH) {
    const end = Math.min(start + BATCH, ths.length);
    const crops: Uint8Array[] = [];
    for (let i = start; i < end; i++) {
      crops.push(redMinusGreenCrop(renderer.render(ths[i]!, box), box.width, whole));
    }
    await pending;
    pending = resizeCrops(crops, box, geometry.side).then((bytes) => {
      out.set(bytes, start * frame);
      onProgress?.(end);
    });
  }
  await pending;
  return out;
}
