import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from './dataset-cache.js';

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
const LITTLE_ENDIAN = endianness() === 'LE';

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

/** SHA-256 (hex) of the canonical JSON of `what` (config, renderer, ...) and the format version. */
export function pixelCacheKey(what: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ format: PIXEL_CACHE_FORMAT_VERSION, what }))
    .digest('hex');
}

export function pixelCachePath(dir: string, what: unknown): string {
  return join(dir, `pixel-pendulum-${pixelCacheKey(what)}.hnnpx`);
}

function coordsBytes(coords: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(coords.buffer, coords.byteOffset, coords.byteLength);
  const b = Buffer.alloc(coords.byteLength);
  for (let i = 0; i < coords.length; i++) b.writeDoubleLE(coords[i]!, i * 8);
  return b;
}

export function encodePixelCache(what: unknown, record: PixelFramesRecord): Buffer {
  const frames = Buffer.from(
    record.frames.buffer,
    record.frames.byteOffset,
    record.frames.byteLength,
  );
  const coords = coordsBytes(record.coords);
  const header: Header = {
    format: PIXEL_CACHE_FORMAT_VERSION,
    key: pixelCacheKey(what),
    what: JSON.parse(canonicalJson(what)) as unknown,
    framesBytes: frames.length,
    coordsBytes: coords.length,
    payloadSha256: createHash('sha256').update(frames).update(coords).digest('hex'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBytes.length, 0);
  return Buffer.concat([MAGIC, len, headerBytes, frames, coords]);
}

/** The record in `buf` if it is complete, uncorrupted and for `what`; otherwise why not. */
export function decodePixelCache(
  buf: Buffer,
  what: unknown,
): { record: PixelFramesRecord } | { reason: string } {
  const pre = MAGIC.length + 4;
  if (buf.length < pre || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { reason: 'bad magic or truncated prefix' };
  }
  const headerLength = buf.readUInt32LE(MAGIC.length);
  if (pre + headerLength > buf.length) return { reason: 'truncated header' };
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(pre, pre + headerLength).toString('utf8')) as Header;
  } catch {
    return { reason: 'unreadable header' };
  }
  if (header.format !== PIXEL_CACHE_FORMAT_VERSION) return { reason: 'other format version' };
  if (header.key !== pixelCacheKey(what)) return { reason: 'key mismatch' };
  const { framesBytes, coordsBytes: cBytes } = header;
  if (!Number.isInteger(framesBytes) || !Number.isInteger(cBytes) || cBytes % 8 !== 0) {
    return { reason: 'inconsistent sizes in header' };
  }
  const start = pre + headerLength;
  if (buf.length !== start + framesBytes + cBytes) {
    return { reason: `payload is ${buf.length - start} bytes, expected ${framesBytes + cBytes}` };
  }
  const payload = buf.subarray(start);
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    return { reason: 'payload hash mismatch' };
  }
  const frames = new Uint8Array(framesBytes);
  frames.set(buf.subarray(start, start + framesBytes));
  const coords = new Float64Array(cBytes / 8);
  if (LITTLE_ENDIAN) {
    // Copy into a fresh, aligned buffer (the offset in the file need not be 8-aligned).
    new Uint8Array(coords.buffer).set(buf.subarray(start + framesBytes));
  } else {
    for (let i = 0; i < coords.length; i++)
      coords[i] = buf.readDoubleLE(start + framesBytes + i * 8);
  }
  return { record: { frames, coords } };
}

/** Reads the record for `what` from `dir`, or null on a missing, truncated or corrupt file. */
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

/** Writes the record atomically: a uniquely named temp file in `dir`, fsync, then rename. */
export async function writePixelCache(
  dir: string,
  what: unknown,
  record: PixelFramesRecord,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = pixelCachePath(dir, what);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(encodePixelCache(what, record));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
  return path;
}
