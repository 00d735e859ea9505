#!/usr/bin/env node
// `pnpm hnn ...` in this repository (through tools/dev-hnn/hnn.mjs, the root's `hnn` bin): builds
// @hnn/cli and what it depends on (a turbo cache hit when nothing changed), then runs the CLI in
// this process. turbo's own output (its run summary on every call, the task logs of a failed
// build) is captured and shown only when the build fails, so a successful call prints exactly
// what `hnn` prints; pnpm prints nothing of its own for a bin (`pnpm exec`), unlike a script.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const windows = process.platform === 'win32';
const localTurbo = join(root, 'node_modules', '.bin', windows ? 'turbo.cmd' : 'turbo');
const build = spawnSync(
  existsSync(localTurbo) ? localTurbo : 'turbo',
  ['run', 'build', '--filter=@hnn/cli', '--output-logs=errors-only'],
  { cwd: root, encoding: 'utf8', shell: windows, stdio: ['ignore', 'pipe', 'pipe'] },
);
if (build.status !== 0) {
  process.stderr.write(
    `${build.stdout ?? ''}${build.stderr ?? ''}` +
      `hnn: building @hnn/cli failed${build.error ? ` (${build.error.message})` : ''}; see above\n`,
  );
  process.exit(build.status ?? 1);
}
// dist/bin.js reads process.argv.slice(2): here that is the arguments after `pnpm hnn`.
await import(pathToFileURL(fileURLToPath(new URL('../dist/bin.js', import.meta.url))).href);
