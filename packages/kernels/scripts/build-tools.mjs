// Helpers shared by build-wasm.mjs and build-native.mjs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * The first command that answers --version.
 * @param {(string | undefined)[]} candidates
 * @returns {{ name: string, version: string } | undefined}
 */
export function findTool(candidates) {
  for (const name of candidates) {
    if (!name) continue;
    try {
      const version = execFileSync(name, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
      return { name, version };
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Hex SHA-256 of some bytes (the manifests pin sources and binaries with it).
 * @param {import('node:crypto').BinaryLike} buffer
 * @returns {string}
 */
export const sha256 = (buffer) => createHash('sha256').update(buffer).digest('hex');
