import {
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CacheDirError,
  cachedDataset,
  canonicalJson,
  ensureCacheDir,
  datasetCacheKey,
  datasetCachePath,
  defaultDatasetCacheDir,
} from './dataset-cache.js';
import { twoBodyDataset, TWO_BODY_CONFIG, type OrbitsDatasetConfig } from './orbits-dataset.js';
import type { Dataset } from './types.js';

const config: OrbitsDatasetConfig = { ...TWO_BODY_CONFIG, trials: 4 };
const key = { task: 'two-body', config } as const;

function bytes(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameData(a: Dataset, b: Dataset): void {
  expect(a.task).toBe(b.task);
  expect(a.dim).toBe(b.dim);
  expect(a.train.n).toBe(b.train.n);
  expect(a.test.n).toBe(b.test.n);
  for (const s of ['train', 'test'] as const) {
    expect(bytes(a[s].x).equals(bytes(b[s].x))).toBe(true);
    expect(bytes(a[s].dx).equals(bytes(b[s].dx))).toBe(true);
  }
}

describe('cachedDataset', () => {
  let dir: string;
  let calls: number;
  const generate = () => {
    calls++;
    return twoBodyDataset({ trials: 4 });
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hnn-cache-'));
    calls = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips: a miss writes, a hit returns equal bytes without generating', async () => {
    const first = await cachedDataset(key, generate, { dir });
    expect(first.hit).toBe(false);
    expect(calls).toBe(1);
    const second = await cachedDataset(key, generate, { dir });
    expect(second.hit).toBe(true);
    expect(calls).toBe(1);
    expect(second.path).toBe(first.path);
    expectSameData(second.dataset, first.dataset);
    expect(second.dataset.config).toEqual(config);
    expect(second.seconds).toBeGreaterThanOrEqual(0);
    expect(await readdir(dir)).toEqual([first.path.slice(dir.length + 1)]);
  });

  it('keys on the full configuration: key order does not matter, any value does', () => {
    const reordered = Object.fromEntries(Object.entries(config).reverse());
    expect(datasetCacheKey({ task: 'two-body', config: reordered })).toBe(datasetCacheKey(key));
    expect(datasetCacheKey({ task: 'two-body', config: { ...config, trials: 5 } })).not.toBe(
      datasetCacheKey(key),
    );
    expect(datasetCacheKey({ task: 'two-body', config: { ...config, rtol: 1e-10 } })).not.toBe(
      datasetCacheKey(key),
    );
    expect(datasetCacheKey({ task: 'three-body', config })).not.toBe(datasetCacheKey(key));
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: 0.1 })).toBe(
      '{"a":0.1,"b":[1,{"c":3,"d":2}]}',
    );
    expect(datasetCachePath(key, dir)).toMatch(/two-body-[0-9a-f]{64}\.hnnds$/);
  });

  it('a different config is a miss with its own file', async () => {
    await cachedDataset(key, generate, { dir });
    const other = await cachedDataset(
      { task: 'two-body', config: { ...config, trials: 3 } },
      () => twoBodyDataset({ trials: 3 }),
      { dir },
    );
    expect(other.hit).toBe(false);
    expect(other.dataset.train.n + other.dataset.test.n).toBe(150);
    expect((await readdir(dir)).length).toBe(2);
  });

  it('treats a truncated file as a miss and rewrites it', async () => {
    const first = await cachedDataset(key, generate, { dir });
    const size = (await stat(first.path)).size;
    for (const cut of [size - 1, size - 8 * 100, 20, 3, 0]) {
      await truncate(first.path, cut);
      const again = await cachedDataset(key, generate, { dir });
      expect(again.hit).toBe(false);
      expectSameData(again.dataset, first.dataset);
      expect((await stat(first.path)).size).toBe(size);
    }
    expect(calls).toBe(6);
    expect((await cachedDataset(key, generate, { dir })).hit).toBe(true);
  });

  it('treats a corrupt payload or header byte as a miss', async () => {
    const first = await cachedDataset(key, generate, { dir });
    const original = await readFile(first.path);
    for (const at of [original.length - 1, original.length - 3000, 30, 5]) {
      const bad = Buffer.from(original);
      bad[at] = bad[at]! ^ 0x01;
      await writeFile(first.path, bad);
      const again = await cachedDataset(key, generate, { dir });
      expect(again.hit).toBe(false);
      expectSameData(again.dataset, first.dataset);
      expect((await readFile(first.path)).equals(original)).toBe(true);
    }
  });

  // A framed header that parses but is not a cache header: each must be a miss that deletes
  // and rebuilds the file, never a TypeError that keeps the bad file for every later run.
  it.each([
    ['null', 'null', 'header is null, not an object'],
    ['an array', '[1,2]', 'header is object, not an object'],
    ['a number', '7', 'header is number, not an object'],
    ['an empty object', '{}', 'header field "format" is not a count'],
  ])('deletes and rebuilds a file whose header is %s, with a note', async (_w, json, reason) => {
    const first = await cachedDataset(key, generate, { dir });
    const original = await readFile(first.path);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(Buffer.byteLength(json), 0);
    await writeFile(first.path, Buffer.concat([original.subarray(0, 8), len, Buffer.from(json)]));
    const again = await cachedDataset(key, generate, { dir });
    expect(again.hit).toBe(false);
    expect(again.note).toBe(
      `cache file ${first.path} was corrupt (${reason}): deleted and rebuilt`,
    );
    expectSameData(again.dataset, first.dataset);
    expect((await readFile(first.path)).equals(original)).toBe(true);
    const third = await cachedDataset(key, generate, { dir });
    expect(third.hit).toBe(true);
    expect(third.note).toBeUndefined();
  });

  it.each([
    ['a mistyped field', (h: Record<string, unknown>) => ({ ...h, dim: '2' }), 'dim'],
    [
      'a non-array byteLengths',
      (h: Record<string, unknown>) => ({ ...h, byteLengths: 5 }),
      'byteLengths',
    ],
    [
      'a missing hash',
      (h: Record<string, unknown>) => ({ ...h, payloadSha256: undefined }),
      'payloadSha256',
    ],
  ])('rejects a header with %s by name', async (_w, edit, field) => {
    const first = await cachedDataset(key, generate, { dir });
    const original = await readFile(first.path);
    const headerLength = original.readUInt32LE(8);
    const header = JSON.parse(original.subarray(12, 12 + headerLength).toString('utf8')) as Record<
      string,
      unknown
    >;
    const edited = Buffer.from(JSON.stringify(edit(header)));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(edited.length, 0);
    const payload = original.subarray(12 + headerLength);
    await writeFile(first.path, Buffer.concat([original.subarray(0, 8), len, edited, payload]));
    const again = await cachedDataset(key, generate, { dir });
    expect(again.hit).toBe(false);
    expect(again.note).toContain(`header field "${field}" is not a`);
    expect((await readFile(first.path)).equals(original)).toBe(true);
  });

  it('throws CacheDirError, naming HNN_CACHE_DIR, for a cache directory that is a file', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const bad of [file, join(file, 'below')]) {
      const err = await cachedDataset(key, generate, { dir: bad }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CacheDirError);
      expect((err as CacheDirError).dir).toBe(bad);
      expect((err as Error).message).toBe(
        `cannot use ${bad} as the dataset cache directory: it (or a folder above it) is a file, ` +
          'not a directory. Point HNN_CACHE_DIR at a writable directory, or unset it to use the ' +
          'default',
      );
      await expect(ensureCacheDir(bad)).rejects.toBeInstanceOf(CacheDirError);
    }
    await expect(ensureCacheDir(join(dir, 'new', 'nested'))).resolves.toBeUndefined();
    expect(await readdir(join(dir, 'new', 'nested'))).toEqual([]);
  });

  it('says what a read-only or forbidden cache directory means', () => {
    const err = (code: string) => new CacheDirError('/c', Object.assign(new Error('x'), { code }));
    expect(err('EROFS').message).toContain(
      '/c as the dataset cache directory: the file system is read-only',
    );
    expect(err('EACCES').message).toContain(': permission denied. Point HNN_CACHE_DIR');
    expect(err('EROFS').fsCode).toBe('EROFS');
    expect(err('EROFS').code).toBe('HNN_DATASETS_CACHE_DIR');
  });

  it('with dir: null generates every time and writes nothing', async () => {
    const a = await cachedDataset(key, generate, { dir: null });
    const b = await cachedDataset(key, generate, { dir: null });
    expect([a.hit, a.path, b.hit, calls]).toEqual([false, null, false, 2]);
    expectSameData(a.dataset, b.dataset);
    expect(await readdir(dir)).toEqual([]);
  });

  it('concurrent writers leave one complete file and no temp files', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => cachedDataset(key, generate, { dir })),
    );
    for (const r of results) expectSameData(r.dataset, results[0]!.dataset);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.hnnds$/);
    expect((await cachedDataset(key, generate, { dir })).hit).toBe(true);
  });

  it("never reads a killed writer's temp file, and sweeps it once stale", async () => {
    const path = datasetCachePath(key, dir);
    // write-file-atomic's temp names (<path>.<number>) and this package's earlier ones.
    const stale = `${path}.999.abc.tmp`;
    const staleLibrary = `${path}.3141592653`;
    const fresh = `${path}.998.def.tmp`;
    await writeFile(stale, 'partial');
    await writeFile(staleLibrary, 'partial');
    await writeFile(fresh, 'partial');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, old, old);
    await utimes(staleLibrary, old, old);
    const first = await cachedDataset(key, generate, { dir });
    expect(first.hit).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(
      [path, fresh].map((p) => p.slice(dir.length + 1)).sort(),
    );
    expect((await cachedDataset(key, generate, { dir })).hit).toBe(true);
  });

  it('refuses a generator whose config differs from the key', async () => {
    await expect(
      cachedDataset<unknown>(
        { task: 'two-body', config: { trials: 4 } },
        () => twoBodyDataset({ trials: 4 }),
        { dir },
      ),
    ).rejects.toThrow(/differs from the cache key/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('defaults to HNN_CACHE_DIR, else <cwd>/.cache/hnn', () => {
    const saved = process.env.HNN_CACHE_DIR;
    try {
      process.env.HNN_CACHE_DIR = dir;
      expect(defaultDatasetCacheDir()).toBe(dir);
      delete process.env.HNN_CACHE_DIR;
      expect(defaultDatasetCacheDir()).toBe(join(process.cwd(), '.cache', 'hnn'));
    } finally {
      if (saved === undefined) delete process.env.HNN_CACHE_DIR;
      else process.env.HNN_CACHE_DIR = saved;
    }
  });
});
