import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomState } from '@hnn/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromCanonical, getTheta, sampleGymStart, toCanonical } from './gym-pendulum.js';
import { loadCanvasBackend, renderPendulumFrame } from './pendulum-renderer.js';
import type { CanvasBackend } from './pendulum-renderer.js';
import { decodePixelCache, encodePixelCache, pixelCachePath } from './pixel-pendulum-cache.js';
import type { PixelPendulumConfig } from './pixel-pendulum-dataset.js';
import {
  HELD_OUT_START_RULE,
  PIXEL_PENDULUM_CONFIG,
  buildPixelPendulumDataset,
  pairPixelFrames,
  renderPixelTrajectory,
  simulatePixelPendulumTrials,
  splitPixelSamples,
} from './pixel-pendulum-dataset.js';
import { preprocessFrame } from './pixel-preprocess.js';

const TINY: PixelPendulumConfig = { ...PIXEL_PENDULUM_CONFIG, trials: 3, timesteps: 6 };

let dir: string;
let backend: CanvasBackend;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hnn-pixel-'));
  backend = await loadCanvasBackend('auto');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pairPixelFrames (the reference make_gym_dataset offsets)', () => {
  // 3 trials x 6 frames of 2 x 2 pixels; frame (r, t) holds the value 6r + t everywhere and
  // C_t of trial r is (100 r + t, -(100 r + t)).
  const trials = 3;
  const T = 6;
  const frames = new Uint8Array(trials * T * 4);
  const coords = new Float64Array(trials * T * 2);
  for (let r = 0; r < trials; r++) {
    for (let t = 0; t < T; t++) {
      frames.fill(6 * r + t, (r * T + t) * 4, (r * T + t + 1) * 4);
      coords[2 * (r * T + t)] = 100 * r + t;
      coords[2 * (r * T + t) + 1] = -(100 * r + t);
    }
  }
  const all = pairPixelFrames(frames, coords, trials, T, 2);
  const frameOf = (a: Float32Array, i: number, half: 0 | 1) =>
    Math.round(a[i * 8 + half * 4]! * 255);

  it('gives timesteps - 3 samples per trial with hand-checked frames and coordinates', () => {
    expect(all.n).toBe(9);
    // Sample k of trial r: pixels [F(k+1) | F(k+2)], next [F(k+2) | F(k+3)], coords C(k+2),
    // dcoords C(k+2) - C(k+1).
    const expected = [
      // [pixels a, pixels b, next a, next b, coords q]
      [1, 2, 2, 3, 2],
      [2, 3, 3, 4, 3],
      [3, 4, 4, 5, 4],
      [7, 8, 8, 9, 102],
      [8, 9, 9, 10, 103],
      [9, 10, 10, 11, 104],
      [13, 14, 14, 15, 202],
      [14, 15, 15, 16, 203],
      [15, 16, 16, 17, 204],
    ];
    expected.forEach(([a, b, na, nb, q], i) => {
      expect([frameOf(all.pixels, i, 0), frameOf(all.pixels, i, 1)]).toEqual([a, b]);
      expect([frameOf(all.nextPixels, i, 0), frameOf(all.nextPixels, i, 1)]).toEqual([na, nb]);
      expect([all.coords[2 * i], all.coords[2 * i + 1]]).toEqual([q, -q!]);
      expect([all.dcoords[2 * i], all.dcoords[2 * i + 1]]).toEqual([1, -1]);
    });
    // Every value of a frame is the same: the 4 pixels of the first half are all F(k+1).
    expect(Array.from(all.pixels.subarray(0, 8), (v) => Math.round(v * 255))).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2,
    ]);
  });

  it('splits test = first int(n * fraction) samples, train = the rest', () => {
    const { train, test } = splitPixelSamples(all, 0.2);
    expect(test.n).toBe(1); // int(9 * 0.2)
    expect(train.n).toBe(8);
    expect(Array.from(test.coords)).toEqual([2, -2]);
    expect(Array.from(train.coords.subarray(0, 2))).toEqual([3, -3]);
    expect(train.pixels.length).toBe(8 * 8);
    // The paper's sizes: 200 trials x 100 samples, test = the first 40 trials.
    expect(Math.floor(200 * (103 - 3) * 0.2)).toBe(40 * 100);
  });
});

describe('buildPixelPendulumDataset', () => {
  it('renders, pairs and caches a tiny dataset; a second build reads the cache', async () => {
    const progress: number[] = [];
    const first = await buildPixelPendulumDataset(TINY, {
      cacheDir: dir,
      backend,
      onProgress: (done, total) => {
        expect(total).toBe(18);
        progress.push(done);
      },
    });
    expect(first.renderer).toBe(backend.name);
    expect(first.cache.hit).toBe(false);
    expect(first.inputDim).toBe(1568);
    expect(first.samplesPerTrial).toBe(3);
    expect(first.test.n).toBe(1);
    expect(first.train.n).toBe(8);
    expect(first.train.pixels.length).toBe(8 * 1568);
    expect(first.train.nextPixels.length).toBe(8 * 1568);
    expect(progress.at(-1)).toBe(18);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // No temp file left behind, one cache file under the key's name.
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(first.cache.path).toBe(
      pixelCachePath(dir, { task: 'pixel-pendulum', config: TINY, renderer: backend.name }),
    );

    // Pixels are the preprocessed frames of the simulated angles; coords the canonical states.
    const sim = simulatePixelPendulumTrials(TINY);
    const f1 = await preprocessFrame(renderPendulumFrame(backend, sim.ths[1]!));
    const f2 = await preprocessFrame(renderPendulumFrame(backend, sim.ths[2]!));
    const f3 = await preprocessFrame(renderPendulumFrame(backend, sim.ths[3]!));
    expect(Array.from(first.test.pixels.subarray(0, 784))).toEqual(Array.from(f1));
    expect(Array.from(first.test.pixels.subarray(784, 1568))).toEqual(Array.from(f2));
    expect(Array.from(first.test.nextPixels.subarray(784, 1568))).toEqual(Array.from(f3));
    expect(first.test.coords[0]).toBe(sim.coords[4]);
    // Values in [0, 1]; a frame's background is exactly 0.
    expect(Math.min(...first.train.pixels)).toBe(0);
    expect(Math.max(...first.train.pixels)).toBeLessThanOrEqual(1);
    // Start angles obey the rule.
    for (const s of sim.starts) expect(Math.abs(getTheta(s))).toBeLessThan(Math.PI / 6);

    const second = await buildPixelPendulumDataset(TINY, { cacheDir: dir, backend });
    expect(second.cache.hit).toBe(true);
    expect(second.timing.renderSeconds).toBe(0);
    expect(
      Buffer.from(second.train.pixels.buffer).equals(Buffer.from(first.train.pixels.buffer)),
    ).toBe(true);
    expect(Array.from(second.test.coords)).toEqual(Array.from(first.test.coords));
    expect(Array.from(second.train.dcoords)).toEqual(Array.from(first.train.dcoords));
  });

  it('treats a truncated or corrupted cache file as a miss and rewrites it', async () => {
    const built = await buildPixelPendulumDataset(TINY, { cacheDir: dir, backend });
    const path = built.cache.path!;
    const good = await readFile(path);

    await truncate(path, good.length - 100);
    const afterTruncate = await buildPixelPendulumDataset(TINY, { cacheDir: dir, backend });
    expect(afterTruncate.cache.hit).toBe(false);
    expect(afterTruncate.cache.path).toBe(path);
    expect((await readFile(path)).equals(good)).toBe(true);

    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 0xff;
    await writeFile(path, bad);
    const afterCorrupt = await buildPixelPendulumDataset(TINY, { cacheDir: dir, backend });
    expect(afterCorrupt.cache.hit).toBe(false);
    expect((await readFile(path)).equals(good)).toBe(true);

    // A header that parses as JSON null: deleted and rebuilt with a note, not a TypeError.
    const len = Buffer.alloc(4);
    len.writeUInt32LE(4, 0);
    await writeFile(path, Buffer.concat([good.subarray(0, 8), len, Buffer.from('null')]));
    const afterNull = await buildPixelPendulumDataset(TINY, { cacheDir: dir, backend });
    expect(afterNull.cache).toEqual({
      hit: false,
      path,
      reason: 'header is null, not an object',
    });
    expect(afterNull.notes).toContain(
      `cache file ${path} was corrupt (header is null, not an object): deleted and rebuilt`,
    );
    expect((await readFile(path)).equals(good)).toBe(true);
    expect((await buildPixelPendulumDataset(TINY, { cacheDir: dir, backend })).cache.hit).toBe(
      true,
    );

    const other = await buildPixelPendulumDataset(
      { ...TINY, seed: 1 },
      { cacheDir: null, backend },
    );
    expect(other.cache).toEqual({ hit: false, path: null });
    expect(Array.from(other.test.coords)).not.toEqual(Array.from(built.test.coords));
  });

  it('renders in the calling thread from TypeScript source and says so', async () => {
    const ds = await buildPixelPendulumDataset(
      { ...TINY, trials: 1 },
      { cacheDir: null, backend, workers: 2 },
    );
    expect(ds.timing.renderWorkers).toBe(0);
    expect(ds.notes.join(' ')).toMatch(/in-thread/);
  });
});

describe('pixel cache file', () => {
  const what = { task: 'pixel-pendulum', config: TINY, renderer: 'napi-rs' };
  const record = {
    frames: Uint8Array.from({ length: 50 }, (_, i) => i),
    coords: Float64Array.from([0.1, -0.2, Math.PI, 1e-300]),
  };
  const bytes = encodePixelCache(what, record);

  it('round-trips and rejects every truncation, a flipped bit and another key', () => {
    const ok = decodePixelCache(bytes, what);
    expect('record' in ok && Array.from(ok.record.frames)).toEqual(Array.from(record.frames));
    expect('record' in ok && Array.from(ok.record.coords)).toEqual(Array.from(record.coords));
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(decodePixelCache(bytes.subarray(0, cut), what)).toHaveProperty('reason');
    }
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 20]! ^= 1;
    expect(decodePixelCache(flipped, what)).toEqual({ reason: 'payload hash mismatch' });
    expect(decodePixelCache(bytes, { ...what, renderer: 'node-canvas' })).toEqual({
      reason: 'key mismatch',
    });
  });

  it('rejects a header that is not an object or has a mistyped field', () => {
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as object;
    const withHeader = (json: string) => {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(Buffer.byteLength(json), 0);
      return Buffer.concat([
        bytes.subarray(0, 8),
        len,
        Buffer.from(json),
        bytes.subarray(12 + headerLength),
      ]);
    };
    expect(decodePixelCache(withHeader('null'), what)).toEqual({
      reason: 'header is null, not an object',
    });
    expect(
      decodePixelCache(withHeader(JSON.stringify({ ...header, framesBytes: -1 })), what),
    ).toEqual({
      reason: 'header field "framesBytes" is not a count',
    });
    expect(decodePixelCache(withHeader(JSON.stringify({ ...header, key: 5 })), what)).toEqual({
      reason: 'header field "key" is not a sha256',
    });
  });
});

describe('renderPixelTrajectory', () => {
  it('renders a held-out trajectory paired like the dataset', async () => {
    const { state } = sampleGymStart(new RandomState(7), HELD_OUT_START_RULE);
    const a = Math.abs(getTheta(state));
    expect(a).toBeGreaterThan(Math.PI / 11);
    expect(a).toBeLessThan(Math.PI / 10);

    const traj = await renderPixelTrajectory(fromCanonical(0.3, 0), 8, { backend });
    expect(traj.n).toBe(5);
    expect(traj.states.length).toBe(16);
    expect(traj.pixels.length).toBe(5 * 1568);
    expect(traj.renderer).toBe(backend.name);
    for (let k = 0; k < traj.n; k++) {
      const [q, p] = toCanonical({
        th: traj.states[2 * (k + 3)]!,
        thdot: traj.states[2 * (k + 3) + 1]!,
      });
      expect(traj.coords[2 * k]).toBe(q);
      expect(traj.coords[2 * k + 1]).toBe(p);
    }
    // Same frames as the single-frame path: pixels[0] = [F1 | F2].
    const f1 = await preprocessFrame(renderPendulumFrame(backend, traj.states[2]!));
    expect(Array.from(traj.pixels.subarray(0, 784))).toEqual(Array.from(f1));
  });
});
