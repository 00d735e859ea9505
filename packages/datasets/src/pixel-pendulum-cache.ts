import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeFramedHeader,
  encodeFramedFile,
  float64FromLeBytes,
  float64LeBytes,
  writeFileAtomic,
  type HeaderFieldKind,
} from './binary-file.js';
import { CacheDirError, canonicalJson } from './dataset-cache.js';

/**
 * Binary cache of rendered pixel-pendulum frames. It stores what rendering produced, before the
 * pairing into inputs: the preprocessed frames as uint8 (exactly the reference's 8-bit values
 * before `/ 255`, a quarter of float32's size: 16 MB for 20,600 frames) and the canonical
 * coordinates as float64. The same layout and guarantees as `dataset-cache.ts`, whose float64
 * `Dataset` splits do not fit frames: one file per key (SHA-256 of the canonical JSON of the
 * format version and the key object), written to a temp file and renamed into place, so a killed
 * run never leaves a partial file under the final name; a wrong length, key or payload hash makes
 * the file a miss.
 *
 * File: MAGIC (8 bytes) | header length (uint32 LE) | header JSON | frames (uint8) | coords (f64 LE).
 */
export const PIXEL_CACHE_FORMAT_VERSION = 1;

const MAGIC = Buffer.from('HNNPX\u0000\u0001\n', 'latin1');

export interface PixelFramesRecord {
  /** Preprocessed frames, side x side uint8 each, in generation order. */
  readonly frames: Uint8Array;
  /** Canonical coordinates, float64 pairs, in generation order. */
  readonly coords: Float64Array;
}

interface Header {
  format: number;
  key: string;
  what: unknown;
  framesBytes: number;
  coordsBytes: number;
  payloadSha256: string;
}

/** Every header field and its kind: checked before the header is used (a `null` header is corrupt). */
const HEADER_SCHEMA: { readonly [K in keyof Header]-?: HeaderFieldKind } = {
  format: 'count',
  key: 'sha256',
  what: 'any',
  framesBytes: 'count',
  coordsBytes: 'count',
  payloadSha256: 'sha256',
};

/** SHA-256 (hex) of the canonical JSON of `what` (config, renderer, ...) and the format version. */
export function pixelCacheKey(what: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ format: PIXEL_CACHE_FORMAT_VERSION, what }))
    .digest('hex');
}

export function pixelCachePath(dir: string, what: unknown): string {
  return join(dir, `pixel-pendulum-${pixelCacheKey(what)}.hnnpx`);
}

export function encodePixelCache(what: unknown, record: PixelFramesRecord): Buffer {
  const frames = Buffer.from(
    record.frames.buffer,
    record.frames.byteOffset,
    record.frames.byteLength,
  );
  const coords = float64LeBytes(record.coords);
  const header: Header = {
    format: PIXEL_CACHE_FORMAT_VERSION,
    key: pixelCacheKey(what),
    what: JSON.parse(canonicalJson(what)) as unknown,
    framesBytes: frames.length,
    coordsBytes: coords.length,
    payloadSha256: createHash('sha256').update(frames).update(coords).digest('hex'),
  };
  return encodeFramedFile(MAGIC, header, [frames, coords]);
}

/** The record in `buf` if it is complete, uncorrupted and for `what`; otherwise why not. */
export function decodePixelCache(
  buf: Buffer,
  what: unknown,
): { record: PixelFramesRecord } | { reason: string } {
  const framed = decodeFramedHeader<Header>(buf, MAGIC, HEADER_SCHEMA);
  if ('reason' in framed) return framed;
  const { header, payloadOffset } = framed;
  if (header.format !== PIXEL_CACHE_FORMAT_VERSION) return { reason: 'other format version' };
  if (header.key !== pixelCacheKey(what)) return { reason: 'key mismatch' };
  const { framesBytes, coordsBytes: cBytes } = header;
  if (cBytes % 8 !== 0) {
    return { reason: 'inconsistent sizes in header' };
  }
  const start = payloadOffset;
  if (buf.length !== start + framesBytes + cBytes) {
    return { reason: `payload is ${buf.length - start} bytes, expected ${framesBytes + cBytes}` };
  }
  const payload = buf.subarray(start);
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    return { reason: 'payload hash mismatch' };
  }
  const frames = new Uint8Array(framesBytes);
  frames.set(buf.subarray(start, start + framesBytes));
  const coords = float64FromLeBytes(buf, start + framesBytes, cBytes);
  return { record: { frames, coords } };
}

/**
 * Reads the record for `what` from `dir`, or null on a missing, truncated or corrupt file, with
 * the reason ('no file' when there is none to read).
 */
export async function readPixelCache(
  dir: string,
  what: unknown,
): Promise<
  { record: PixelFramesRecord; path: string } | { record: null; path: string; reason: string }
> {
  const path = pixelCachePath(dir, what);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return { record: null, path, reason: 'no file' };
  }
  const result = decodePixelCache(buf, what);
  return 'record' in result
    ? { record: result.record, path }
    : { record: null, path, reason: result.reason };
}

/** Removes a cache file found corrupt (best effort: another run may have replaced it already). */
export async function deletePixelCacheFile(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/**
 * Writes the record atomically: a uniquely named temp file in `dir`, fsync, then rename. Throws
 * `CacheDirError` when `dir` cannot be created or written.
 */
export async function writePixelCache(
  dir: string,
  what: unknown,
  record: PixelFramesRecord,
): Promise<string> {
  const path = pixelCachePath(dir, what);
  try {
    await writeFileAtomic(path, encodePixelCache(what, record));
  } catch (err) {
    throw new CacheDirError(dir, err);
  }
  return path;
}
