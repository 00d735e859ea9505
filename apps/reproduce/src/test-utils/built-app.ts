import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The child-process tests run the compiled app (dist/), because exit codes and what reaches the
 * terminal can only be seen from outside the process and Node 20 cannot run the TypeScript
 * source. `pnpm test` builds it first (turbo.json: @hnn/reproduce#test depends on build, which
 * builds the workspace packages it imports); `ensureAppBuilt` recompiles the app itself when a
 * source file is newer than its output, so a direct `vitest run` does not test stale code.
 */
export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_MAIN = join(APP_DIR, 'dist', 'main.js');

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test-utils') newest = Math.max(newest, newestSourceMs(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function builtMs(): number {
  try {
    return statSync(DIST_MAIN).mtimeMs;
  } catch {
    return -1;
  }
}

export function ensureAppBuilt(): void {
  if (builtMs() >= newestSourceMs(join(APP_DIR, 'src'))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(APP_DIR, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ...nodeArgs` in the app's directory to completion, collecting its output. */
export function runNode(
  nodeArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { env, cwd: APP_DIR });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
