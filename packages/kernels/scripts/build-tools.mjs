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
 * The kernel's source files (paths from the package folder) that every build reads: kernels.c
 * includes the others. The manifests hash each; src/prebuilt.test.ts checks the list against
 * native/. The native addon adds native/addon.c.
 */
export const KERNEL_SOURCES = [
  'native/kernels.c',
  'native/kernel.h',
  'native/boundary.h',
  'native/linalg.c',
  'native/fused-mlp.c',
  'native/fused-pixel.c',
  'native/entry.c',
];

/**
 * File name of the addon built for an x86-64 level (`avx2`, `avx512`), in prebuildify's naming:
 * runtime, Node-API, C library, then this package's instruction-set tag (src/prebuilds.ts).
 * @param {string} isa
 */
export const addonFile = (isa) => `node.napi.glibc.${isa}.node`;

/**
 * Hex SHA-256 of some bytes (the manifests pin sources and binaries with it).
 * @param {import('node:crypto').BinaryLike} buffer
 * @returns {string}
 */
export const sha256 = (buffer) => createHash('sha256').update(buffer).digest('hex');
