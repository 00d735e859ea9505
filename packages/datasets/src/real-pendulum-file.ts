// Reading the real-pendulum file from disk (Node only); the rest of real-pendulum.ts is pure and
// runs in a browser too.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLipsonText } from './lipson-format.js';
import {
  DataFileChecksumError,
  DataFileMissingError,
  DataFileUnreadableError,
  REAL_PENDULUM_COLUMNS,
  REAL_PENDULUM_FILE_NAME,
  REAL_PENDULUM_SHA256,
  checkRealPendulumRows,
  type RealPendulumRows,
} from './real-pendulum.js';

/** Why `path` could not be read, as words for `DataFileUnreadableError`. */
async function unreadableProblem(path: string, code: string | undefined): Promise<string> {
  if (code === 'EISDIR') {
    const inside = join(path, REAL_PENDULUM_FILE_NAME);
    const hasFile = await stat(inside).then(
      (s) => s.isFile(),
      () => false,
    );
    return `is a directory, not a file${hasFile ? ` (did you mean ${inside}?)` : ''}`;
  }
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return `cannot be read (${code ?? 'unknown error'})`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface LoadRealPendulumOptions {
  /** Compare the file's SHA-256 with `REAL_PENDULUM_SHA256` (default true). */
  readonly verifyChecksum?: boolean;
}

/**
 * Reads, verifies and parses `real_pend_h_1.txt`. Throws `DataFileMissingError` when there is no
 * file at `path`, `DataFileUnreadableError` when `path` is empty, a directory or unreadable,
 * `DataFileChecksumError` when its bytes are not the pinned file's (unless
 * `verifyChecksum` is false), and `LipsonFormatError` (with the line number) when it is malformed:
 * not 4 numeric columns per row, or time not strictly increasing.
 */
export async function loadRealPendulum(
  path: string,
  options: LoadRealPendulumOptions = {},
): Promise<RealPendulumRows> {
  const { verifyChecksum = true } = options;
  // An empty path would otherwise be read relative to the working directory (EISDIR or worse).
  if (path === '') throw new DataFileUnreadableError(path, 'is empty');
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataFileMissingError(path);
    throw new DataFileUnreadableError(path, await unreadableProblem(path, code), code);
  }
  const sha256 = sha256Hex(bytes);
  if (verifyChecksum && sha256 !== REAL_PENDULUM_SHA256) {
    throw new DataFileChecksumError(path, REAL_PENDULUM_SHA256, sha256);
  }
  // latin1 maps every byte to one character, so a stray byte shows up as a bad field on its line.
  const table = parseLipsonText(bytes.toString('latin1'), path, {
    expectedColumns: REAL_PENDULUM_COLUMNS,
  });
  const rows: RealPendulumRows = { ...table, source: path, sha256 };
  checkRealPendulumRows(rows);
  return rows;
}
