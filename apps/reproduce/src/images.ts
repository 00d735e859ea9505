import sharp from 'sharp';
import { writeFileAtomic } from './write-atomic.js';

/**
 * Lays out square grey tiles (values in [0, 1], row-major side x side) on a grid with a 1-pixel
 * white gutter, `cols` tiles per row.
 */
export function tileGrid(
  tiles: readonly Float32Array[],
  side: number,
  cols: number,
): { pixels: Float32Array; width: number; height: number } {
  const rows = Math.ceil(tiles.length / cols);
  const width = cols * (side + 1) + 1;
  const height = rows * (side + 1) + 1;
  const pixels = new Float32Array(width * height).fill(1);
  tiles.forEach((tile, k) => {
    const x0 = 1 + (k % cols) * (side + 1);
    const y0 = 1 + Math.floor(k / cols) * (side + 1);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) pixels[(y0 + y) * width + x0 + x] = tile[y * side + x]!;
    }
  });
  return { pixels, width, height };
}

/**
 * Writes a grey image (values clamped to [0, 1]; 0 is black) as a PNG, enlarged `scale` times
 * with nearest-neighbour so the 28 x 28 frames stay crisp. Written atomically.
 */
export async function writeGreyPng(
  path: string,
  image: { pixels: Float32Array; width: number; height: number },
  scale = 4,
): Promise<void> {
  const bytes = Buffer.alloc(image.width * image.height);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Math.round(255 * Math.min(1, Math.max(0, image.pixels[i]!)));
  }
  const png = await sharp(bytes, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(image.width * scale, image.height * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
  await writeFileAtomic(path, png);
}
