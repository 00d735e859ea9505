#!/usr/bin/env node
// Test-only: runs the fused kernel's tests against the AddressSanitizer + UndefinedBehaviorSanitizer
// build of the native addon (scripts/build-sanitize.mjs; `pnpm --filter @hnn/kernels test:sanitize`).
// Node is not instrumented: the sanitizer runtime is preloaded (LD_PRELOAD) and the addon is
// loaded from .cache/sanitize/ (HNN_NATIVE_ADDON_DIR, read by src/engines.ts). Any finding
// aborts the process running the test, which fails the run. The WebAssembly engine runs in the
// same tests (it is memory-safe by construction: an access outside its memory traps).
//
// Also the package's bin `hnn-kernels-test-sanitize`, so that a package driving these kernels
// (@hnn/core) runs its own kernel tests the same way: `hnn-kernels-test-sanitize <test files>`
// runs those files of the current directory's package instead of this package's list.
import { execFileSync, spawnSync } from 'node:child_process';
import console from 'node:console';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
execFileSync(process.execPath, [join(root, 'scripts', 'build-sanitize.mjs')], { stdio: 'inherit' });
const clang = process.env.CLANG ?? 'clang-14';
const runtime = execFileSync(clang, ['-print-file-name=libclang_rt.asan-x86_64.so'], {
  encoding: 'utf8',
}).trim();
const env = {
  ...process.env,
  LD_PRELOAD: runtime,
  // Node's own allocations are not instrumented and live until exit: leak reports would be noise.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  HNN_NATIVE_ADDON_DIR: join(root, '.cache', 'sanitize'),
};
const own = [
  'src/kernel-boundary.test.ts',
  'src/kernel-fuzz.test.ts',
  'src/prebuilt.test.ts',
  'src/worker-fallback.test.ts',
];
const given = process.argv.slice(2);
const files = given.length > 0 ? given : own;
const cwd = given.length > 0 ? process.cwd() : root;
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
const run = spawnSync(process.execPath, [vitest, 'run', ...files], {
  cwd,
  env,
  stdio: 'inherit',
});
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`test:sanitize: ${run.status === 0 ? 'clean' : 'FAILED'} in ${seconds} s`);
process.exit(run.status ?? 1);
