import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  decodeFramedHeader,
  encodeFramedFile,
  float64FromLeBytes,
  float64LeBytes,
  writeFileAtomic,
  type HeaderFieldKind,
} from './binary-file.js';
import type { Dataset, DatasetSplit, TaskId } from './types.js';
import { HnnError } from '@hnn/errors';

/** Bump when the file layout or the meaning of a cached field changes: old files become misses. */
export const DATASET_CACHE_FORMAT_VERSION = 1;

const MAGIC = Buffer.from('HNNDS\u0000\u0001\n', 'latin1');

export class DatasetCacheError extends HnnError {
  override readonly code: string = 'HNN_DATASETS_CACHE';
}

/**
 * The cache directory cannot be created or written (it is a file, lies under a file, is read-only
 * or not ours). The message names the directory, the reason and the fix; `code` is the file
 * system's error code (EEXIST, ENOTDIR, EACCES, EROFS, ...) is `fsCode`.
 */
export class CacheDirError extends DatasetCacheError {
  override readonly code = 'HNN_DATASETS_CACHE_DIR';
  readonly dir: string;
  readonly fsCode: string | undefined;

  constructor(dir: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it (or a folder above it) is a file, not a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : code === 'ENOSPC'
              ? 'the disk is full'
              : cause instanceof Error
                ? cause.message
                : String(cause);
    super(
      `cannot use ${dir} as the dataset cache directory: ${why}. Point HNN_CACHE_DIR at a ` +
        'writable directory, or unset it to use the default',
    );
    this.dir = dir;
    this.fsCode = code;
  }
}

/**
 * Creates `dir` if needed and proves it writable by writing and removing a probe file, so a bad
 * cache directory is found before any work is done rather than after. Throws `CacheDirError`.
 */
export async function ensureCacheDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-probe.${process.pid}.${Date.now()}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await unlink(probe);
  } catch (err) {
    throw new CacheDirError(dir, err);
  }
}

export interface DatasetCacheKey<C> {
  readonly task: string;
  readonly config: C;
}

export interface DatasetCacheOptions {
  /** Cache directory; default env HNN_CACHE_DIR, else `<cwd>/.cache/hnn`; null disables caching. */
  readonly dir?: string | null;
}

export interface CachedDatasetResult<C> {
  readonly dataset: Dataset<C>;
  /** True when the dataset was read from a valid cache file. */
  readonly hit: boolean;
  /** Wall time of the read (hit) or of generation plus write (miss). */
  readonly seconds: number;
  /** The cache file. */
  readonly path: string;
  /**
   * Set when a corrupt cache file (bad header, wrong sizes, wrong hash) was found, deleted and
   * rebuilt: one line saying which file and why.
   */
  readonly note?: string;
}

/** What `cachedDataset` returns when caching is disabled (`dir: null`). */
export interface UncachedDatasetResult<C> extends Omit<CachedDatasetResult<C>, 'path' | 'hit'> {
  readonly hit: false;
  readonly path: null;
}

interface Header {
  format: number;
  key: string;
  task: TaskId;
  dim: number;
  nTrain: number;
  nTest: number;
  config: unknown;
  /** Byte lengths of train.x, train.dx, test.x, test.dx, stored in this order, little-endian. */
  byteLengths: [number, number, number, number];
  payloadSha256: string;
}

/** Every header field and its kind: checked before the header is used (a `null` header is corrupt). */
const HEADER_SCHEMA: { readonly [K in keyof Header]-?: HeaderFieldKind } = {
  format: 'count',
  key: 'sha256',
  task: 'string',
  dim: 'count',
  nTrain: 'count',
  nTest: 'count',
  config: 'any',
  byteLengths: 'counts',
  payloadSha256: 'sha256',
};

/** JSON with object keys sorted at every level, so equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new DatasetCacheError(`cannot key a cache on a non-finite number (${value})`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (ArrayBuffer.isView(value)) {
    return canonicalJson(Array.from(value as unknown as ArrayLike<number>));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new DatasetCacheError(`cannot key a cache on a value of type ${typeof value}`);
}

/** SHA-256 (hex) of the canonical JSON of task, config and the cache format version. */
export function datasetCacheKey<C>(key: DatasetCacheKey<C>): string {
  const text = canonicalJson({
    format: DATASET_CACHE_FORMAT_VERSION,
    task: key.task,
    config: key.config,
  });
  return createHash('sha256').update(text).digest('hex');
}

export function defaultDatasetCacheDir(): string {
  const env = process.env.HNN_CACHE_DIR;
  return env !== undefined && env !== '' ? resolve(env) : join(process.cwd(), '.cache', 'hnn');
}

/** Path of the cache file for `key` in `dir`. */
export function datasetCachePath<C>(
  key: DatasetCacheKey<C>,
  dir = defaultDatasetCacheDir(),
): string {
  return join(dir, `${key.task}-${datasetCacheKey(key)}.hnnds`);
}

/**
 * File layout: MAGIC (8 bytes) | header length (uint32 LE) | header JSON (UTF-8) | payload,
 * the payload being train.x, train.dx, test.x, test.dx as little-endian float64.
 */
function encode<C>(key: string, dataset: Dataset<C>): Buffer {
  const parts = [dataset.train.x, dataset.train.dx, dataset.test.x, dataset.test.dx].map(
    float64LeBytes,
  );
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  const header: Header = {
    format: DATASET_CACHE_FORMAT_VERSION,
    key,
    task: dataset.task,
    dim: dataset.dim,
    nTrain: dataset.train.n,
    nTest: dataset.test.n,
    config: JSON.parse(canonicalJson(dataset.config)) as unknown,
    byteLengths: [parts[0]!.length, parts[1]!.length, parts[2]!.length, parts[3]!.length],
    payloadSha256: hash.digest('hex'),
  };
  return encodeFramedFile(MAGIC, header, parts);
}

/** The dataset in `buf`, or why the file was rejected. Never throws on bad content. */
function decode<C>(
  key: string,
  task: string,
  buf: Buffer,
  config: C,
): { dataset: Dataset<C> } | { reason: string } {
  const framed = decodeFramedHeader<Header>(buf, MAGIC, HEADER_SCHEMA);
  if ('reason' in framed) return framed;
  const { header, payloadOffset } = framed;
  if (header.format !== DATASET_CACHE_FORMAT_VERSION) return { reason: 'other format version' };
  if (header.key !== key) return { reason: 'key mismatch' };
  if (header.task !== task) return { reason: 'task mismatch' };
  const lengths = header.byteLengths;
  const { dim, nTrain, nTest } = header;
  if (
    !Array.isArray(lengths) ||
    lengths.length !== 4 ||
    lengths[0] !== nTrain * dim * 8 ||
    lengths[1] !== nTrain * dim * 8 ||
    lengths[2] !== nTest * dim * 8 ||
    lengths[3] !== nTest * dim * 8
  ) {
    return { reason: 'inconsistent sizes in header' };
  }
  const payloadStart = payloadOffset;
  const payloadLength = lengths[0] + lengths[1] + lengths[2] + lengths[3];
  if (buf.length !== payloadStart + payloadLength) {
    return { reason: `payload is ${buf.length - payloadStart} bytes, expected ${payloadLength}` };
  }
  const payload = buf.subarray(payloadStart);
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    return { reason: 'payload hash mismatch' };
  }
  let offset = payloadStart;
  const take = (n: number) => {
    const a = float64FromLeBytes(buf, offset, n);
    offset += n;
    return a;
  };
  const train: DatasetSplit = { x: take(lengths[0]), dx: take(lengths[1]), n: nTrain };
  const test: DatasetSplit = { x: take(lengths[2]), dx: take(lengths[3]), n: nTest };
  return { dataset: { task: header.task, dim, train, test, config } };
}

/**
 * The cached dataset, or null when there is no readable file, or the reason a file that exists is
 * corrupt (a file named for this key can only be ours, so anything wrong with it is corruption).
 */
async function readIfValid<C>(
  path: string,
  key: string,
  task: string,
  config: C,
): Promise<Dataset<C> | null | { reason: string }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return null;
  }
  const result = decode(key, task, buf, config);
  return 'dataset' in result ? result.dataset : result;
}

/** Temp files of a writer that was killed mid-write are removed once they are this old. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * A temporary file of a writer of `base`: write-file-atomic's `<base>.<32-bit number>`, or the
 * `<base>.<pid>.<random>.tmp` of this package's earlier versions.
 */
function isTempOf(base: string, name: string): boolean {
  if (!name.startsWith(`${base}.`)) return false;
  const rest = name.slice(base.length + 1);
  return /^\d+$/.test(rest) || rest.endsWith('.tmp');
}

/** Best effort: removes this key's temp files left behind by killed writers (older than 1 h). */
async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!isTempOf(base, name)) continue;
    const file = join(dir, name);
    try {
      if (now - (await stat(file)).mtimeMs > STALE_TEMP_MS) await unlink(file);
    } catch {
      // Another process may have renamed or removed it meanwhile.
    }
  }
}

/**
 * Returns the dataset for `key`, reading it from the cache directory when a valid file exists and
 * otherwise calling `generate` and storing the result. A cache file is one binary file per key
 * (SHA-256 of the canonical JSON of task, config and format version) holding a JSON header (task,
 * dim, split sizes, config, byte lengths, SHA-256 of the payload) and the float64 payloads. Files
 * are written to a temp file in the same directory and renamed into place, so a killed run never
 * leaves a partial file under the final name; on read every header field's type, the sizes and
 * the payload hash are checked, and a truncated or corrupt file is deleted, regenerated and
 * rewritten, with `note` saying so. Temp files of killed writers are never read, and are swept on
 * the next miss once an hour old. A directory that cannot be written throws `CacheDirError`;
 * `dir: null` generates without caching.
 */
export async function cachedDataset<C>(
  key: DatasetCacheKey<C>,
  generate: () => Dataset<C>,
  options?: DatasetCacheOptions & { readonly dir?: string },
): Promise<CachedDatasetResult<C>>;
/** With `dir: null` nothing is read or written, and `path` is null. */
export async function cachedDataset<C>(
  key: DatasetCacheKey<C>,
  generate: () => Dataset<C>,
  options: DatasetCacheOptions,
): Promise<CachedDatasetResult<C> | UncachedDatasetResult<C>>;
export async function cachedDataset<C>(
  key: DatasetCacheKey<C>,
  generate: () => Dataset<C>,
  options: DatasetCacheOptions = {},
): Promise<CachedDatasetResult<C> | UncachedDatasetResult<C>> {
  const dir = options.dir === undefined ? defaultDatasetCacheDir() : options.dir;
  const hex = datasetCacheKey(key);
  const t0 = performance.now();
  if (dir === null) {
    const dataset = checkGenerated(key, hex, generate());
    return { dataset, hit: false, seconds: (performance.now() - t0) / 1000, path: null };
  }
  const path = join(dir, `${key.task}-${hex}.hnnds`);
  const cached = await readIfValid(path, hex, key.task, key.config);
  if (cached !== null && !('reason' in cached)) {
    return { dataset: cached, hit: true, seconds: (performance.now() - t0) / 1000, path };
  }
  let note: string | undefined;
  if (cached !== null) {
    // Delete before rebuilding, so an interrupted rebuild does not leave the bad file behind.
    await unlink(path).catch(() => undefined);
    note = `cache file ${path} was corrupt (${cached.reason}): deleted and rebuilt`;
  }
  const dataset = checkGenerated(key, hex, generate());
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(path, encode(hex, dataset));
  } catch (err) {
    throw new CacheDirError(dir, err);
  }
  await removeStaleTemps(path);
  return {
    dataset,
    hit: false,
    seconds: (performance.now() - t0) / 1000,
    path,
    ...(note === undefined ? {} : { note }),
  };
}

/** Refuses a generator whose output would be stored under another task's or config's key. */
function checkGenerated<C>(key: DatasetCacheKey<C>, hex: string, dataset: Dataset<C>): Dataset<C> {
  if (dataset.task !== key.task) {
    throw new DatasetCacheError(
      `generator produced task '${dataset.task}' for a cache key of task '${key.task}'`,
    );
  }
  if (datasetCacheKey({ task: dataset.task, config: dataset.config }) !== hex) {
    throw new DatasetCacheError(
      `generator's config differs from the cache key's config for task '${key.task}'; ` +
        'key the cache on the exact config the generator uses',
    );
  }
  return dataset;
}
