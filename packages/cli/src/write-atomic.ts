import { stat, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Checks, before any work, that an output file can be created: its directory exists and it is
 * not one of the inputs. A UsageError otherwise.
 */
export async function checkOutputPath(
  flag: string,
  path: string,
  inputs: readonly string[] = [],
): Promise<void> {
  const dir = dirname(resolve(path));
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new UsageError(`--${flag} ${path}: the directory ${dir} does not exist; create it first`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new UsageError(`--${flag} ${path} is a directory; give a file name`);
  }
  for (const input of inputs) {
    if (resolve(input) === resolve(path)) {
      throw new UsageError(`--${flag} ${path} is also an input file; write to a different file`);
    }
  }
}

/**
 * Writes through a temporary file in the same directory and a rename, so the target is either
 * the old file or the complete new one, never half-written, and no temporary file is left.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
