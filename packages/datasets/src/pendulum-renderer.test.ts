import { describe, expect, it } from 'vitest';
import type { CanvasBackend, CanvasBackendName } from './pendulum-renderer.js';
import {
  CanvasBackendError,
  createPendulumRenderer,
  loadCanvasBackend,
  renderPendulumFrame,
  rgbaToRgb,
} from './pendulum-renderer.js';
import {
  PIXEL_GEOMETRY,
  cropPixelBox,
  preprocessFrame,
  redMinusGreenCrop,
  resizeCrops,
  resizeCropsOneByOne,
} from './pixel-preprocess.js';

async function tryLoad(name: CanvasBackendName): Promise<CanvasBackend | null> {
  try {
    return await loadCanvasBackend(name);
  } catch (error) {
    if (error instanceof CanvasBackendError) return null;
    throw error;
  }
}

// node-canvas needs a native build (Cairo); skip its cases where it is not installed. CI has it.
const backends: Record<CanvasBackendName, CanvasBackend | null> = {
  'node-canvas': await tryLoad('node-canvas'),
  'napi-rs': await tryLoad('napi-rs'),
};

const SIZE = 400;
const PX_PER_UNIT = SIZE / 4.4;
/** Gym's th for an angle phi from the bottom. */
const gymTh = (phi: number) => Math.PI + phi;

function pixel(rgba: Uint8ClampedArray, row: number, col: number): [number, number, number] {
  const i = (row * SIZE + col) * 4;
  return [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
}

/** Output pixel (row, col) of the 28 x 28 frame containing world point (x, y). */
function worldToOut(x: number, y: number): [number, number] {
  const box = cropPixelBox(PIXEL_GEOMETRY);
  const col = (x + 2.2) * PX_PER_UNIT - box.left;
  const row = (2.2 - y) * PX_PER_UNIT - box.top;
  return [Math.floor((row * 28) / box.height), Math.floor((col * 28) / box.width)];
}

describe('loadCanvasBackend', () => {
  it("'auto' loads one of the two and says which", async () => {
    const b = await loadCanvasBackend('auto');
    expect(['node-canvas', 'napi-rs']).toContain(b.name);
    if (backends['node-canvas'] !== null) expect(b.name).toBe('node-canvas');
  });
});

describe.each(['node-canvas', 'napi-rs'] as const)('%s', (name) => {
  const backend = backends[name];

  it.skipIf(backend === null)('draws gym: white view, red capsule rod, black axle', () => {
    const rgba = renderPendulumFrame(backend!, gymTh(0));
    expect(rgba.length).toBe(SIZE * SIZE * 4);
    expect(rgbaToRgb(rgba).length).toBe(SIZE * SIZE * 3);
    const white = [255, 255, 255];
    const rod = [204, 77, 77];
    // Hanging: pivot at the centre (200, 200), rod down to y = -1 (row 291), cap to row 300.
    expect(pixel(rgba, 200, 200)).toEqual([0, 0, 0]);
    expect(pixel(rgba, 199, 199)).toEqual([0, 0, 0]);
    for (const row of [215, 250, 290, 296]) {
      expect(pixel(rgba, row, 199)).toEqual(rod);
      expect(pixel(rgba, row, 200)).toEqual(rod);
    }
    expect(pixel(rgba, 250, 200 + 15)).toEqual(white); // rod half-width 0.1 = 9 px
    expect(pixel(rgba, 250, 200 - 16)).toEqual(white);
    expect(pixel(rgba, 305, 200)).toEqual(white); // beyond the cap
    expect(pixel(rgba, 150, 200)).toEqual(white); // nothing above the pivot
    expect(pixel(rgba, 0, 0)).toEqual(white);
    expect(pixel(rgba, 399, 399)).toEqual(white);
  });

  it.skipIf(backend === null)('orients as gym: th = 0 up, th = pi/2 left', () => {
    const r = createPendulumRenderer(backend!);
    const up = r.render(0);
    expect(pixel(up, 150, 200)).toEqual([204, 77, 77]);
    expect(pixel(up, 250, 200)).toEqual([255, 255, 255]);
    const left = r.render(Math.PI / 2);
    expect(pixel(left, 200, 150)).toEqual([204, 77, 77]);
    expect(pixel(left, 200, 250)).toEqual([255, 255, 255]);
  });

  it.skipIf(backend === null)(
    'preprocesses to 28 x 28 in [0, 1] with a zero background',
    async () => {
      const f = await preprocessFrame(renderPendulumFrame(backend!, gymTh(0)));
      expect(f).toBeInstanceOf(Float32Array);
      expect(f.length).toBe(784);
      expect(Math.min(...f)).toBe(0);
      expect(Math.max(...f)).toBeLessThanOrEqual(1);
      // The rod is 204 - 77 = 127 -> 0.498 where it covers a whole output pixel.
      expect(Math.max(...f)).toBeCloseTo(127 / 255, 6);
      // Hanging straight down: columns 13 and 14 (centre 14.0, half-width 1.9 px) from below the
      // axle (pivot at row 4.9) to the tip (y = -1 at row 23.7); the cap reaches y = +-0.1 beyond
      // pivot and tip (rows 3.1 and 25.5) and the filter adds about a pixel; nothing elsewhere.
      for (let row = 7; row <= 22; row++) {
        expect(f[row * 28 + 13]).toBeGreaterThan(0.45);
        expect(f[row * 28 + 14]).toBeGreaterThan(0.45);
      }
      for (let row = 0; row < 28; row++) {
        for (let col = 0; col < 28; col++) {
          const nearRod = col >= 11 && col <= 16 && row >= 2 && row <= 25;
          if (!nearRod) expect(f[row * 28 + col]).toBe(0);
        }
      }
    },
  );

  it.skipIf(backend === null)(
    'puts the rod where the angle says, mirror-symmetric in +-theta',
    async () => {
      const phi = Math.PI / 6;
      const right = await preprocessFrame(renderPendulumFrame(backend!, gymTh(phi)));
      const left = await preprocessFrame(renderPendulumFrame(backend!, gymTh(-phi)));
      // Positive theta (from the bottom) swings the rod to the right of the image.
      for (const d of [0.3, 0.5, 0.7, 0.9]) {
        const [row, col] = worldToOut(d * Math.sin(phi), -d * Math.cos(phi));
        expect(right[row * 28 + col]).toBeGreaterThan(0.3);
        expect(left[row * 28 + 27 - col]).toBeGreaterThan(0.3);
        expect(right[row * 28 + 27 - col]).toBe(0);
      }
      let maxDiff = 0;
      for (let row = 0; row < 28; row++) {
        for (let col = 0; col < 28; col++) {
          maxDiff = Math.max(
            maxDiff,
            Math.abs(right[row * 28 + col]! - left[row * 28 + 27 - col]!),
          );
        }
      }
      expect(maxDiff).toBeLessThanOrEqual(3 / 255);
    },
  );

  it.skipIf(backend === null)('reads back only the crop with the same pixels', () => {
    const r = createPendulumRenderer(backend!);
    const box = cropPixelBox(PIXEL_GEOMETRY);
    expect(box).toEqual({ left: 132, top: 176, width: 136, height: 136 });
    for (const phi of [0, 0.4, -0.5]) {
      const full = redMinusGreenCrop(r.render(gymTh(phi)), SIZE, box);
      const region = r.render(gymTh(phi), box);
      expect(region.length).toBe(136 * 136 * 4);
      const fromRegion = redMinusGreenCrop(region, box.width, { ...box, left: 0, top: 0 });
      expect(Buffer.from(fromRegion).equals(Buffer.from(full))).toBe(true);
    }
  });

  it.skipIf(backend === null)('stacked resizing equals resizing each frame alone', async () => {
    const r = createPendulumRenderer(backend!);
    const box = cropPixelBox(PIXEL_GEOMETRY);
    // Small angles (border of the crop empty: stacked) and large ones (the rod leaves the crop:
    // resized alone), interleaved.
    const angles = Array.from({ length: 24 }, (_, i) =>
      gymTh(i % 3 === 0 ? (i / 24) * 2 * Math.PI : 0.6 * Math.sin(i)),
    );
    const crops = angles.map((th) => redMinusGreenCrop(r.render(th), SIZE, box));
    const stacked = await resizeCrops(crops, box, 28);
    const alone = await resizeCropsOneByOne(crops, box, 28);
    expect(Buffer.from(stacked).equals(Buffer.from(alone))).toBe(true);
  });
});

describe.skipIf(backends['node-canvas'] === null || backends['napi-rs'] === null)(
  'node-canvas and @napi-rs/canvas',
  () => {
    it('give nearly the same preprocessed frames (they antialias edges differently)', async () => {
      for (const phi of [0, 0.2, -0.45]) {
        const a = await preprocessFrame(renderPendulumFrame(backends['node-canvas']!, gymTh(phi)));
        const b = await preprocessFrame(renderPendulumFrame(backends['napi-rs']!, gymTh(phi)));
        let maxDiff = 0;
        for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        expect(maxDiff).toBeLessThan(0.05);
      }
    });
  },
);
