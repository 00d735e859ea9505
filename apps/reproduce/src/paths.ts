import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/reproduce (this file is compiled to dist/, one level below it). */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The repository root, where relative paths given by the user are resolved. */
export const REPO_ROOT = resolve(APP_DIR, '..', '..');

/**
 * The dataset cache: HNN_CACHE_DIR (relative to the repository root; an empty value counts as
 * unset), else .cache/hnn in the repository root. The coordinator and every worker use this.
 */
export function cacheDirFromEnv(): string {
  const env = process.env.HNN_CACHE_DIR;
  return env !== undefined && env !== ''
    ? resolve(REPO_ROOT, env)
    : join(REPO_ROOT, '.cache', 'hnn');
}
