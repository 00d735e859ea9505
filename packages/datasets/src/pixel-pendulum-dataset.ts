import { performance } from 'node:perf_hooks';
import { RandomState } from '@hnn/random';
import { defaultDatasetCacheDir } from './dataset-cache.js';
import { DatasetConfigError } from './errors.js';
import type { GymPendulumState, GymStartRule } from './gym-pendulum.js';
import {
  gymPendulumStep,
  gymPendulumTrajectory,
  sampleGymStart,
  toCanonical,
} from './gym-pendulum.js';
import type {
  CanvasBackend,
  CanvasBackendName,
  CanvasBackendPreference,
} from './pendulum-renderer.js';
import { GYM_PENDULUM_VIEW, loadCanvasBackend } from './pendulum-renderer.js';
import { deletePixelCacheFile, readPixelCache, writePixelCache } from './pixel-pendulum-cache.js';
import type { PixelGeometry, WorldBox } from './pixel-preprocess.js';
import { PIXEL_CROP_WORLD, cropPixelBox, toUnitInterval } from './pixel-preprocess.js';
import { renderFramesInParallel } from './pixel-render-pool.js';

/**
 * Task 5 of the paper (pixel pendulum), with the reference's `experiment-pixels/data.py`
 * choices as defaults: gym Pendulum-v0 with zero torque, 200 trials of 103 frames, start angle
 * 0 < |theta| < pi/6 from the bottom, 28 x 28 frames, test = the first 20% of samples.
 */
export interface PixelPendulumConfig {
  /** Seed of the numpy-compatible generator drawing the start states. */
  readonly seed: number;
  readonly trials: number;
  /** Frames rendered per trial; the pairing and finite differences leave timesteps - 3 samples. */
  readonly timesteps: number;
  /** Frame side after preprocessing. */
  readonly side: number;
  /** Fraction of samples, from the start, in the test split (the reference's test_split). */
  readonly testFraction: number;
  /** Accepted start angles from the bottom: minAngle < |theta| < maxAngle. */
  readonly startRule: GymStartRule;
  /** Rendered frame size (square) and world bounds of gym's view. */
  readonly canvasSize: number;
  readonly bound: number;
  /** The crop, in world units. */
  readonly crop: WorldBox;
}

export const PIXEL_PENDULUM_CONFIG: PixelPendulumConfig = {
  seed: 0,
  trials: 200,
  timesteps: 103,
  side: 28,
  testFraction: 0.2,
  startRule: { minAngle: 0, maxAngle: Math.PI / 6 },
  canvasSize: GYM_PENDULUM_VIEW.size,
  bound: GYM_PENDULUM_VIEW.bound,
  crop: PIXEL_CROP_WORLD,
};

/** Start angles of the energy metric's held-out trajectory: pi/11 < |theta| < pi/10. */
export const HELD_OUT_START_RULE: GymStartRule = { minAngle: Math.PI / 11, maxAngle: Math.PI / 10 };

/**
 * Samples of one split, row-major. With frames F_t (rendered before the t-th `env.step`) and
 * coordinates C_t (recorded after it, so C_t belongs to the state of F_{t+1}), sample k of a trial
 * is, as in the reference's `make_gym_dataset`:
 *   pixels[k]     = [F_{k+1} | F_{k+2}]   (two frames, 784 values each, earlier frame first)
 *   nextPixels[k] = [F_{k+2} | F_{k+3}]
 *   coords[k]     = C_{k+2}               (the state of F_{k+3}: one step after the pair's
 *                                          later frame, the reference's offset, kept as is)
 *   dcoords[k]    = C_{k+2} - C_{k+1}     (a finite difference per step, not divided by dt)
 */
export interface PixelPendulumSplit {
  /** n x 2 side^2, in [0, 1], float32. */
  readonly pixels: Float32Array;
  /** n x 2 side^2: the same pair one step later. */
  readonly nextPixels: Float32Array;
  /** n x 2 canonical (theta from the bottom, 0.25 thdot), float64. */
  readonly coords: Float64Array;
  /** n x 2 one-step differences of the canonical coordinates, float64. */
  readonly dcoords: Float64Array;
  readonly n: number;
}

export interface PixelPendulumTiming {
  /** Rolling out the dynamics (the start-state draws included). */
  readonly simulateSeconds: number;
  /** Rendering and preprocessing every frame (0 on a cache hit). */
  readonly renderSeconds: number;
  /** Worker threads that rendered (0: the calling thread). */
  readonly renderWorkers: number;
  /** Reading and verifying the cache file (0 when there was no valid file). */
  readonly cacheReadSeconds: number;
  /** Pairing frames into inputs and splitting. */
  readonly assembleSeconds: number;
  readonly totalSeconds: number;
}

export interface PixelPendulumDataset {
  readonly task: 'pixel-pendulum';
  /** Input size of the autoencoder: two frames, 2 x side x side (1568 at 28). */
  readonly inputDim: number;
  readonly side: number;
  readonly samplesPerTrial: number;
  readonly train: PixelPendulumSplit;
  readonly test: PixelPendulumSplit;
  readonly config: PixelPendulumConfig;
  /** The Canvas 2D implementation that drew the frames (node-canvas or @napi-rs/canvas). */
  readonly renderer: CanvasBackendName;
  /** `reason`: why a cache file that was there could not be used (it was then rebuilt). */
  readonly cache: { readonly hit: boolean; readonly path: string | null; readonly reason?: string };
  readonly timing: PixelPendulumTiming;
  /** Anything worth telling the user (e.g. workers unavailable). */
  readonly notes: readonly string[];
}

export interface BuildPixelPendulumOptions {
  /** Cache directory; default env HNN_CACHE_DIR, else `<cwd>/.cache/hnn`; null disables caching. */
  readonly cacheDir?: string | null;
  /** Canvas implementation, or which to load; default 'auto' (node-canvas, else @napi-rs/canvas). */
  readonly backend?: CanvasBackend | CanvasBackendPreference;
  /** Render worker threads, 0 for none; default 'auto' (see `renderFramesInParallel`). */
  readonly workers?: number | 'auto';
  /** Frames rendered so far and in all, for a progress bar; not called on a cache hit. */
  readonly onProgress?: (framesDone: number, framesTotal: number) => void;
}

export function pixelGeometry(config: PixelPendulumConfig): PixelGeometry {
  return {
    canvasSize: config.canvasSize,
    bound: config.bound,
    crop: config.crop,
    side: config.side,
  };
}

function validate(config: PixelPendulumConfig): void {
  const problems: string[] = [];
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 0xffffffff)
    problems.push('seed must be an integer in [0, 2^32 - 1]');
  if (!Number.isInteger(config.trials) || config.trials < 1)
    problems.push('trials must be a positive integer');
  if (!Number.isInteger(config.timesteps) || config.timesteps < 4)
    problems.push('timesteps must be an integer >= 4 (the pairing and differences use 3)');
  if (!(config.testFraction >= 0 && config.testFraction < 1))
    problems.push('testFraction must be in [0, 1)');
  if (problems.length > 0) {
    throw new DatasetConfigError(`invalid pixel-pendulum configuration: ${problems.join('; ')}`);
  }
  cropPixelBox(pixelGeometry(config));
}

/** Gym angles of the frames and canonical coordinates after each step, for one start state. */
interface Rollout {
  /** Gym `th` of frame t (the state before the t-th step). */
  readonly ths: Float64Array;
  /** C_t = canonical coordinates of the state after the t-th step, (q, p) pairs. */
  readonly coords: Float64Array;
}

function rollout(
  start: GymPendulumState,
  timesteps: number,
  ths: Float64Array,
  coords: Float64Array,
  offset = 0,
): void {
  let s = start;
  for (let t = 0; t < timesteps; t++) {
    ths[offset + t] = s.th;
    s = gymPendulumStep(s);
    const [q, p] = toCanonical(s);
    coords[2 * (offset + t)] = q;
    coords[2 * (offset + t) + 1] = p;
  }
}

/**
 * The reference's `sample_gym` without the pictures: for each trial, reset until the start angle
 * is accepted, then step `timesteps` times with zero torque, recording the angle each frame is
 * drawn at and the canonical coordinates after each step.
 */
export function simulatePixelPendulumTrials(
  config: PixelPendulumConfig,
): Rollout & { readonly starts: GymPendulumState[] } {
  validate(config);
  const rng = new RandomState(config.seed);
  const total = config.trials * config.timesteps;
  const ths = new Float64Array(total);
  const coords = new Float64Array(total * 2);
  const starts: GymPendulumState[] = [];
  for (let r = 0; r < config.trials; r++) {
    const { state } = sampleGymStart(rng, config.startRule);
    starts.push(state);
    rollout(state, config.timesteps, ths, coords, r * config.timesteps);
  }
  return { ths, coords, starts };
}

/**
 * Pairs frames and canonical coordinates per trial with the reference's offsets (see
 * `PixelPendulumSplit`) and concatenates the trials. `frames` are side^2 values per frame, uint8
 * (scaled by 1/255) or already in [0, 1].
 */
export function pairPixelFrames(
  frames: Uint8Array | Float32Array,
  coords: Float64Array,
  trials: number,
  timesteps: number,
  side: number,
): PixelPendulumSplit {
  const f = side * side;
  if (frames.length !== trials * timesteps * f || coords.length !== trials * timesteps * 2) {
    throw new DatasetConfigError(
      `expected ${trials * timesteps} frames of ${f} values and as many coordinate pairs, got ` +
        `${frames.length / f} frames and ${coords.length / 2} pairs`,
    );
  }
  const unit =
    frames instanceof Float32Array
      ? frames
      : toUnitInterval(frames, new Float32Array(frames.length));
  const per = timesteps - 3;
  const n = trials * per;
  const pixels = new Float32Array(n * 2 * f);
  const nextPixels = new Float32Array(n * 2 * f);
  const cc = new Float64Array(n * 2);
  const dcc = new Float64Array(n * 2);
  const frame = (r: number, t: number) =>
    unit.subarray((r * timesteps + t) * f, (r * timesteps + t + 1) * f);
  for (let r = 0; r < trials; r++) {
    for (let k = 0; k < per; k++) {
      const i = r * per + k;
      pixels.set(frame(r, k + 1), i * 2 * f);
      pixels.set(frame(r, k + 2), i * 2 * f + f);
      nextPixels.set(frame(r, k + 2), i * 2 * f);
      nextPixels.set(frame(r, k + 3), i * 2 * f + f);
      const c1 = 2 * (r * timesteps + k + 1);
      const c2 = c1 + 2;
      cc[2 * i] = coords[c2]!;
      cc[2 * i + 1] = coords[c2 + 1]!;
      dcc[2 * i] = coords[c2]! - coords[c1]!;
      dcc[2 * i + 1] = coords[c2 + 1]! - coords[c1 + 1]!;
    }
  }
  return { pixels, nextPixels, coords: cc, dcoords: dcc, n };
}

/** Rows [from, to) of a split, as views on the same buffers (no copy). */
function sliceSplit(s: PixelPendulumSplit, from: number, to: number): PixelPendulumSplit {
  const w = s.n === 0 ? 0 : s.pixels.length / s.n;
  return {
    pixels: s.pixels.subarray(from * w, to * w),
    nextPixels: s.nextPixels.subarray(from * w, to * w),
    coords: s.coords.subarray(from * 2, to * 2),
    dcoords: s.dcoords.subarray(from * 2, to * 2),
    n: to - from,
  };
}

/**
 * The reference's split: test = the first int(n * testFraction) samples, train = the rest. The
 * splits are views on `all`'s buffers (the full dataset's pairs take 250 MB in float32).
 */
export function splitPixelSamples(
  all: PixelPendulumSplit,
  testFraction: number,
): { train: PixelPendulumSplit; test: PixelPendulumSplit } {
  const splitIx = Math.floor(all.n * testFraction);
  return { test: sliceSplit(all, 0, splitIx), train: sliceSplit(all, splitIx, all.n) };
}

async function resolveBackend(
  backend: CanvasBackend | CanvasBackendPreference | undefined,
): Promise<CanvasBackend> {
  return typeof backend === 'object' ? backend : loadCanvasBackend(backend ?? 'auto');
}

/**
 * Builds (or loads from the cache) the pixel-pendulum dataset: simulate the trials, render every
 * frame with gym's picture, preprocess (red - green, crop, 28 x 28, / 255) and pair frames with
 * the reference's offsets. The cache holds the preprocessed frames and coordinates, keyed by the
 * configuration and the canvas implementation (Cairo and Skia antialias edges differently).
 */
export async function buildPixelPendulumDataset(
  config: PixelPendulumConfig = PIXEL_PENDULUM_CONFIG,
  options: BuildPixelPendulumOptions = {},
): Promise<PixelPendulumDataset> {
  const t0 = performance.now();
  validate(config);
  const backend = await resolveBackend(options.backend);
  const cacheDir = options.cacheDir === undefined ? defaultDatasetCacheDir() : options.cacheDir;
  const what = { task: 'pixel-pendulum', config, renderer: backend.name };
  const notes: string[] = [];
  const total = config.trials * config.timesteps;
  const frameSize = config.side * config.side;

  let frames: Uint8Array | null = null;
  let coords: Float64Array | null = null;
  let cache: PixelPendulumDataset['cache'] = { hit: false, path: null };
  let cacheReadSeconds = 0;
  if (cacheDir !== null) {
    const tRead = performance.now();
    const read = await readPixelCache(cacheDir, what);
    if (
      read.record !== null &&
      read.record.frames.length === total * frameSize &&
      read.record.coords.length === total * 2
    ) {
      frames = read.record.frames;
      coords = read.record.coords;
      cacheReadSeconds = (performance.now() - tRead) / 1000;
      cache = { hit: true, path: read.path };
    } else {
      const reason = read.record === null ? read.reason : 'unexpected sizes';
      cache = { hit: false, path: read.path, reason };
      if (reason !== 'no file') {
        // Delete before rebuilding, so an interrupted rebuild does not leave the bad file behind.
        await deletePixelCacheFile(read.path);
        notes.push(`cache file ${read.path} was corrupt (${reason}): deleted and rebuilt`);
      }
    }
  }

  let simulateSeconds = 0;
  let renderSeconds = 0;
  let renderWorkers = 0;
  if (frames === null || coords === null) {
    const tSim = performance.now();
    const sim = simulatePixelPendulumTrials(config);
    simulateSeconds = (performance.now() - tSim) / 1000;
    const rendered = await renderFramesInParallel(backend, sim.ths, pixelGeometry(config), {
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    if (rendered.note !== undefined) notes.push(rendered.note);
    renderSeconds = rendered.seconds;
    renderWorkers = rendered.workers;
    frames = rendered.frames;
    coords = sim.coords;
    if (cacheDir !== null) {
      const written = await writePixelCache(cacheDir, what, { frames, coords });
      // Keep why a file that was there could not be used.
      const reason = cache.reason !== undefined && cache.reason !== 'no file' ? cache.reason : null;
      cache = { hit: false, path: written, ...(reason === null ? {} : { reason }) };
    }
  }

  const tAsm = performance.now();
  const all = pairPixelFrames(frames, coords, config.trials, config.timesteps, config.side);
  const { train, test } = splitPixelSamples(all, config.testFraction);
  const assembleSeconds = (performance.now() - tAsm) / 1000;

  return {
    task: 'pixel-pendulum',
    inputDim: 2 * frameSize,
    side: config.side,
    samplesPerTrial: config.timesteps - 3,
    train,
    test,
    config,
    renderer: backend.name,
    cache,
    timing: {
      simulateSeconds,
      renderSeconds,
      renderWorkers,
      cacheReadSeconds,
      assembleSeconds,
      totalSeconds: (performance.now() - t0) / 1000,
    },
    notes,
  };
}

export interface PixelTrajectory extends PixelPendulumSplit {
  /** Gym (th, thdot) of each rendered frame, float64, frames x 2. */
  readonly states: Float64Array;
  readonly renderer: CanvasBackendName;
}

/**
 * Renders one trajectory of `frames` frames from gym state `start` (use `fromCanonical` for an
 * angle from the bottom, `sampleGymStart(rng, HELD_OUT_START_RULE)` for the energy metric's
 * held-out start) and pairs it exactly as the dataset: frames - 3 samples.
 */
export async function renderPixelTrajectory(
  start: GymPendulumState,
  frames: number,
  options: {
    readonly backend?: CanvasBackend | CanvasBackendPreference;
    readonly geometry?: PixelGeometry;
  } = {},
): Promise<PixelTrajectory> {
  if (!Number.isInteger(frames) || frames < 4) {
    throw new DatasetConfigError(`a pixel trajectory needs at least 4 frames, got ${frames}`);
  }
  const geometry = options.geometry ?? pixelGeometry(PIXEL_PENDULUM_CONFIG);
  const backend = await resolveBackend(options.backend);
  const ths = new Float64Array(frames);
  const coords = new Float64Array(frames * 2);
  rollout(start, frames, ths, coords);
  const states = gymPendulumTrajectory(start, frames);
  const rendered = await renderFramesInParallel(backend, ths, geometry, { workers: 0 });
  const split = pairPixelFrames(rendered.frames, coords, 1, frames, geometry.side);
  return { ...split, states, renderer: backend.name };
}

/** Frames of the energy metric's held-out trajectory; pairing uses 3, leaving 200 samples. */
export const HELD_OUT_FRAMES = 203;

/**
 * The pixel energy metric's held-out trajectory: a start between pi/11 and pi/10 from the bottom
 * (`HELD_OUT_START_RULE`) drawn from RandomState(seed + 1) — the notebook uses seed 1 beside the
 * experiment's 0 — rendered for `HELD_OUT_FRAMES` frames.
 */
export async function renderHeldOutPixelTrajectory(
  seed: number,
  options: { readonly backend?: CanvasBackend | CanvasBackendPreference } = {},
): Promise<{ start: GymPendulumState; trajectory: PixelTrajectory }> {
  const start = sampleGymStart(new RandomState(seed + 1), HELD_OUT_START_RULE).state;
  return { start, trajectory: await renderPixelTrajectory(start, HELD_OUT_FRAMES, options) };
}
