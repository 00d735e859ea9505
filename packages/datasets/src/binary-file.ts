import { mkdir } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import writeFileAtomicLibrary from 'write-file-atomic';

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

/** A header field's expected kind, checked before any field is used. */
export type HeaderFieldKind = 'string' | 'count' | 'sha256' | 'counts' | 'any';

const SHA256_HEX = /^[0-9a-f]{64}$/;

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function matches(kind: HeaderFieldKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'count':
      return isCount(v);
    case 'sha256':
      return typeof v === 'string' && SHA256_HEX.test(v);
    case 'counts':
      return Array.isArray(v) && v.every(isCount);
    case 'any':
      return v !== undefined;
  }
}

/**
 * The JSON header of a framed file and where its payload starts, or why the bytes are not one
 * (wrong magic, truncated, unreadable header, or a header that does not have every field of
 * `schema` with the right kind). Never throws on bad content: a header that parses as `null`, an
 * array or an object with a missing or mistyped field is a reason, so a caller can treat the file
 * as corrupt instead of crashing on it.
 */
export function decodeFramedHeader<H>(
  buf: Buffer,
  magic: Buffer,
  schema: { readonly [K in keyof H]-?: HeaderFieldKind },
): { header: H; payloadOffset: number } | { reason: string } {
  const pre = magic.length + 4;
  if (buf.length < pre || !buf.subarray(0, magic.length).equals(magic)) {
    return { reason: 'bad magic or truncated prefix' };
  }
  const headerLength = buf.readUInt32LE(magic.length);
  if (pre + headerLength > buf.length) return { reason: 'truncated header' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.subarray(pre, pre + headerLength).toString('utf8'));
  } catch {
    return { reason: 'unreadable header' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { reason: `header is ${parsed === null ? 'null' : typeof parsed}, not an object` };
  }
  const record = parsed as Record<string, unknown>;
  for (const [field, kind] of Object.entries<HeaderFieldKind>(schema)) {
    if (!matches(kind, record[field]))
      return { reason: `header field "${field}" is not a ${kind}` };
  }
  return { header: parsed as H, payloadOffset: pre + headerLength };
}

/**
 * Writes `bytes` to `path` with npm's write-file-atomic (a temporary file beside it, fsync, then
 * rename; the temporary file is removed on failure and if the process dies), creating the
 * directory first. A reader sees the old file or the new one, never a partial one.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicLibrary(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
