import { DatasetConfigError } from './errors.js';
import { HnnError } from '@hnn/errors';

/** Which Canvas 2D implementation drew the frames. */
export type CanvasBackendName = 'node-canvas' | 'napi-rs';
export type CanvasBackendPreference = CanvasBackendName | 'auto';

/** The part of the Canvas 2D API the renderer uses; node-canvas and @napi-rs/canvas both have it. */
export interface Canvas2dContext {
  fillStyle: unknown;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  translate(x: number, y: number): void;
  scale(x: number, y: number): void;
  rotate(angle: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  fill(): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

export interface CanvasLike {
  getContext(kind: '2d'): Canvas2dContext;
}

export interface CanvasBackend {
  readonly name: CanvasBackendName;
  createCanvas(width: number, height: number): CanvasLike;
}

/** Raised when no Canvas 2D implementation can be loaded; the message says what to install. */
export class CanvasBackendError extends HnnError {
  override readonly code = 'HNN_DATASETS_CANVAS_UNAVAILABLE';
}

const MODULES: Record<CanvasBackendName, string> = {
  'node-canvas': 'canvas',
  'napi-rs': '@napi-rs/canvas',
};

async function importBackend(name: CanvasBackendName): Promise<CanvasBackend> {
  // A variable specifier keeps TypeScript from requiring the optional `canvas` package's types.
  const specifier = MODULES[name];
  const mod = (await import(specifier)) as {
    createCanvas?: CanvasBackend['createCanvas'];
    default?: { createCanvas?: CanvasBackend['createCanvas'] };
  };
  const createCanvas = mod.createCanvas ?? mod.default?.createCanvas;
  if (typeof createCanvas !== 'function') {
    throw new CanvasBackendError(`${specifier} loaded but has no createCanvas export`);
  }
  return { name, createCanvas: (w, h) => createCanvas(w, h) };
}

/**
 * Loads a Canvas 2D implementation. 'auto' prefers node-canvas (`canvas`, Cairo, the usual choice)
 * and falls back to `@napi-rs/canvas` (Skia, prebuilt) where node-canvas' native build is missing.
 * The returned `name` says which one will draw.
 */
export async function loadCanvasBackend(
  preference: CanvasBackendPreference = 'auto',
): Promise<CanvasBackend> {
  const order: CanvasBackendName[] =
    preference === 'auto' ? ['node-canvas', 'napi-rs'] : [preference];
  const failures: string[] = [];
  for (const name of order) {
    try {
      return await importBackend(name);
    } catch (error) {
      failures.push(`${MODULES[name]}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new CanvasBackendError(
    `no Canvas 2D backend could be loaded (${failures.join('; ')}). Install '@napi-rs/canvas' ` +
      "(prebuilt) or 'canvas' (node-canvas; needs Cairo and Pango development libraries to build).",
  );
}

/** Gym's classic-control Pendulum viewer, the picture the reference renders (Pendulum-v0). */
export const GYM_PENDULUM_VIEW = {
  /** World bounds [-bound, bound]^2 (`viewer.set_bounds(-2.2, 2.2, -2.2, 2.2)`). */
  bound: 2.2,
  /** `make_capsule(1, .2)`: length from the pivot and full width. */
  rodLength: 1,
  rodWidth: 0.2,
  /** `rod.set_color(.8, .3, .3)` as 8-bit values (OpenGL rounds c * 255: 204, 76.5 -> 77). */
  rodRgb: [204, 77, 77] as const,
  /** `make_circle(.05)` in black. */
  axleRadius: 0.05,
  /** Gym draws circles as 30-sided polygons (`make_circle(radius, res=30)`). */
  circleSegments: 30,
  /** The paper's frame size, 400 x 400 x 3. */
  size: 400,
} as const;

function circlePath(ctx: Canvas2dContext, cx: number, cy: number, r: number, segments: number) {
  ctx.moveTo(cx + r, cy);
  for (let i = 1; i < segments; i++) {
    const a = (2 * Math.PI * i) / segments;
    ctx.lineTo(cx + Math.cos(a) * r, cy + Math.sin(a) * r);
  }
  ctx.closePath();
}

/** A rectangle of canvas pixels: columns [left, left + width), rows [top, top + height). */
export interface CanvasRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Draws frames of one size on one reusable canvas. */
export interface PendulumRenderer {
  readonly backend: CanvasBackendName;
  readonly size: number;
  /**
   * Draws gym's picture for gym angle `th` (0 = upright) on the whole size x size canvas and
   * returns its RGBA pixels (alpha always 255), row-major from the top-left: all of them, or only
   * `region`'s (region.width x region.height x 4). Reading back only the crop gives the same
   * pixels and is 5-10x cheaper: the read-back, not the drawing, dominates a frame's cost.
   */
  render(th: number, region?: CanvasRegion): Uint8ClampedArray;
}

export function createPendulumRenderer(
  backend: CanvasBackend,
  size: number = GYM_PENDULUM_VIEW.size,
): PendulumRenderer {
  if (!Number.isInteger(size) || size < 8) {
    throw new DatasetConfigError(`canvas size must be an integer >= 8, got ${size}`);
  }
  const v = GYM_PENDULUM_VIEW;
  const canvas = backend.createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  const pxPerUnit = size / (2 * v.bound);
  const rodFill = `rgb(${v.rodRgb[0]}, ${v.rodRgb[1]}, ${v.rodRgb[2]})`;
  const halfWidth = v.rodWidth / 2;
  return {
    backend: backend.name,
    size,
    render(th: number, region?: CanvasRegion): Uint8ClampedArray {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, size, size);
      // World (x right, y up) centred on the pivot, as gym's OpenGL viewer; the returned image is
      // top row first, as gym's get_array flips OpenGL's bottom-up rows.
      ctx.translate(size / 2, size / 2);
      ctx.scale(pxPerUnit, -pxPerUnit);
      // Gym: pole_transform.set_rotation(th + pi/2) on a capsule along +x, so th = 0 points up
      // and th = pi (the reference's theta = 0) hangs straight down.
      ctx.rotate(th + Math.PI / 2);
      ctx.fillStyle = rodFill;
      ctx.beginPath();
      ctx.moveTo(0, -halfWidth);
      ctx.lineTo(v.rodLength, -halfWidth);
      ctx.lineTo(v.rodLength, halfWidth);
      ctx.lineTo(0, halfWidth);
      ctx.closePath();
      circlePath(ctx, 0, 0, halfWidth, v.circleSegments);
      circlePath(ctx, v.rodLength, 0, halfWidth, v.circleSegments);
      ctx.fill();
      ctx.rotate(-(th + Math.PI / 2));
      ctx.fillStyle = '#000000';
      ctx.beginPath();
      circlePath(ctx, 0, 0, v.axleRadius, v.circleSegments);
      ctx.fill();
      if (region === undefined) return ctx.getImageData(0, 0, size, size).data;
      return ctx.getImageData(region.left, region.top, region.width, region.height).data;
    },
  };
}

/** One frame with a fresh canvas; for many frames reuse `createPendulumRenderer`. */
export function renderPendulumFrame(
  backend: CanvasBackend,
  th: number,
  size: number = GYM_PENDULUM_VIEW.size,
): Uint8ClampedArray {
  return createPendulumRenderer(backend, size).render(th).slice();
}

/** Drops the alpha channel: size x size x 4 RGBA to size x size x 3 RGB, as gym's rgb_array. */
export function rgbaToRgb(rgba: Uint8ClampedArray): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = rgba[4 * i]!;
    out[3 * i + 1] = rgba[4 * i + 1]!;
    out[3 * i + 2] = rgba[4 * i + 2]!;
  }
  return out;
}
