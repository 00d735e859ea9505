import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';

/**
 * Helpers shared by the on-disk caches and the data download: one framed binary layout and one
 * atomic write, so every file this package writes is either complete or absent.
 */

const LITTLE_ENDIAN = endianness() === 'LE';

/** Float64 values as little-endian bytes (a view on little-endian machines, a copy otherwise). */
export function float64LeBytes(a: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const b = Buffer.alloc(a.byteLength);
  for (let i = 0; i < a.length; i++) b.writeDoubleLE(a[i]!, i * 8);
  return b;
}

/** Reads `byteLength / 8` little-endian float64 values at `offset` into a fresh, aligned array. */
export function float64FromLeBytes(b: Buffer, offset: number, byteLength: number): Float64Array {
  const out = new Float64Array(byteLength / 8);
  if (LITTLE_ENDIAN) {
    // Copy: the offset inside the file buffer need not be 8-aligned.
    new Uint8Array(out.buffer).set(b.subarray(offset, offset + byteLength));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = b.readDoubleLE(offset + i * 8);
  }
  return out;
}

/** Layout: magic | header length (uint32 LE) | header JSON (UTF-8) | payload parts. */
export function encodeFramedFile(
  magic: Buffer,
  header: unknown,
  payload: readonly Uint8Array[],
): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBytes.length, 0);
  return Buffer.concat([magic, len, headerBytes, ...payload]);
}

/**
 * The JSON header of a framed file and where its payload starts, or why the bytes are not one
 * (wrong magic, truncated, unreadable header). Never throws on bad content.
 */
export function decodeFramedHeader<H>(
  buf: Buffer,
  magic: Buffer,
): { header: H; payloadOffset: number } | { reason: string } {
  const pre = magic.length + 4;
  if (buf.length < pre || !buf.subarray(0, magic.length).equals(magic)) {
    return { reason: 'bad magic or truncated prefix' };
  }
  const headerLength = buf.readUInt32LE(magic.length);
  if (pre + headerLength > buf.length) return { reason: 'truncated header' };
  try {
    const header = JSON.parse(buf.subarray(pre, pre + headerLength).toString('utf8')) as H;
    return { header, payloadOffset: pre + headerLength };
  } catch {
    return { reason: 'unreadable header' };
  }
}

/**
 * Writes `bytes` to `path` atomically: a uniquely named temporary file beside it
 * (`<path>.<pid>.<random>.tmp`), fsync, then rename. A reader sees the old file or the new one,
 * never a partial one; the temporary file is removed if anything fails.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}
