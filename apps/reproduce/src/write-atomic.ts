import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicLibrary from 'write-file-atomic';

/**
 * Writes `content` to `path` with npm's write-file-atomic (a temporary file in the same directory,
 * fsync, rename; the temporary file is removed if the process dies), creating the directory first.
 * A reader or a killed run never sees a half-written file, and the old file survives a failure.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicLibrary(path, typeof content === 'string' ? content : Buffer.from(content));
}
