import { randomBytes } from 'node:crypto';
import { lstatSync, rmSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** Every temporary file of this process that is not renamed into place yet. */
const pending = new Set<string>();
let exitHookInstalled = false;

/**
 * Removes this process's unfinished temporary files, synchronously so that it can run in an
 * 'exit' or signal handler. installSignalCleanup() and an 'exit' hook call it.
 */
export function removePendingOutputsSync(): void {
  for (const tmp of pending) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Best effort while the process is going down; the name still says what the file is.
    }
  }
  pending.clear();
}

/**
 * Makes SIGINT, SIGTERM and SIGHUP remove unfinished output files before the process dies of the
 * signal as it would have (the binary calls this; a library caller keeps its own handlers).
 */
export function installSignalCleanup(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removePendingOutputsSync();
      // The handler is gone now, so this ends the process with the signal's own exit status.
      process.kill(process.pid, signal);
    });
  }
}

/**
 * The temporary name for `path`: beside it (so the final rename stays on one file system),
 * visible rather than hidden, and saying what it is, e.g. model.json.hnn-partial-4242-1a2b3c.tmp.
 */
export function temporaryPathFor(path: string): string {
  return join(
    dirname(path),
    `${basename(path)}.hnn-partial-${process.pid}-${randomBytes(3).toString('hex')}.tmp`,
  );
}

/** A recognisable temporary name from temporaryPathFor. */
export const TEMPORARY_NAME = /\.hnn-partial-\d+-[0-9a-f]+\.tmp$/;

function kindOf(info: Stats): string {
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  if (info.isFIFO()) return 'named pipe (FIFO)';
  if (info.isSocket()) return 'socket';
  if (info.isDirectory()) return 'directory';
  return 'special file';
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const real = async (p: string): Promise<string> => realpath(p).catch(() => resolve(p));
  return (await real(a)) === (await real(b));
}

/**
 * An output file reserved before any work: reserve() proves that the file can be created (its
 * temporary file exists from then on) and that the target is a regular file or absent, so a run
 * never trains for minutes only to fail at the end, and never replaces a device, a pipe or
 * anything else that is not a regular file (as root, '--out /dev/null' would otherwise replace
 * the system's /dev/null). commit() writes through the temporary file and a rename, so the target
 * is either the old file or the complete new one.
 */
export class OutputFile {
  private handle: FileHandle | undefined;

  private constructor(
    /** Where the user asked to write (for messages). */
    readonly path: string,
    /** The regular file that is replaced: the path, or the file its symbolic link names. */
    readonly target: string,
    readonly temporary: string,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  static async reserve(
    flag: string,
    path: string,
    inputs: readonly string[] = [],
  ): Promise<OutputFile> {
    const shown = `--${flag} ${path}`;
    const link = await lstat(path).catch(() => undefined);
    let target = path;
    if (link !== undefined) {
      const info = link.isSymbolicLink() ? await stat(path).catch(() => undefined) : link;
      if (info === undefined) {
        throw new UsageError(`${shown} is a symbolic link to a missing file; give a file name`);
      }
      if (info.isDirectory()) {
        throw new UsageError(`${shown} is a directory; give a file name`);
      }
      if (!info.isFile()) {
        throw new UsageError(
          `${shown} is a ${kindOf(info)}, not a regular file; hnn writes only regular files and ` +
            'never replaces anything else: give a file name (to see the results, read the file)',
        );
      }
      // Write the file the link names and keep the link.
      if (link.isSymbolicLink()) target = await realpath(path);
    }
    const dir = dirname(resolve(target));
    const dirInfo = await stat(dir).catch(() => undefined);
    if (dirInfo === undefined || !dirInfo.isDirectory()) {
      throw new UsageError(`${shown}: the directory ${dir} does not exist; create it first`);
    }
    for (const input of inputs) {
      if (await sameFile(input, target)) {
        throw new UsageError(`${shown} is also an input file; write to a different file`);
      }
    }
    const temporary = temporaryPathFor(target);
    let handle: FileHandle;
    try {
      handle = await open(temporary, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new UsageError(
        `${shown}: cannot create a file in ${dir} (${code}); choose a directory you can write to`,
      );
    }
    pending.add(temporary);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', removePendingOutputsSync);
    }
    return new OutputFile(path, target, temporary, handle);
  }

  /**
   * Writes the content (a string, or chunks streamed from a generator so that no single string
   * has to hold a large file) and renames the temporary file into place. On any failure the
   * temporary file is removed and the target left as it was.
   */
  async commit(content: string | Iterable<string> | AsyncIterable<string>): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) throw new Error(`${this.path}: this output was already closed`);
    this.handle = undefined;
    try {
      if (typeof content === 'string') {
        await handle.writeFile(content, 'utf8');
      } else {
        let buffer = '';
        for await (const chunk of content) {
          buffer += chunk;
          if (buffer.length >= 1 << 20) {
            await handle.write(buffer, null, 'utf8');
            buffer = '';
          }
        }
        if (buffer !== '') await handle.write(buffer, null, 'utf8');
      }
      await handle.close();
      // Something may have appeared at the target while the work ran: still never replace it
      // unless it is a regular file.
      const now = lstatSafe(this.target);
      if (now !== undefined && !now.isFile()) {
        throw new UsageError(
          `--out ${this.path} became a ${kindOf(now)} while hnn was working; nothing was written`,
        );
      }
      await rename(this.temporary, this.target);
      pending.delete(this.temporary);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await this.discard();
      throw err;
    }
  }

  /** Removes the temporary file without touching the target (after a failed run). */
  async discard(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    await rm(this.temporary, { force: true });
    pending.delete(this.temporary);
  }
}

function lstatSafe(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
