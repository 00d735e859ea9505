import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `content` to `path` through a temporary file in the same directory and a rename, so a
 * reader (or a killed run) never sees a half-written file and the old file survives a failure.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
