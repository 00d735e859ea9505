#!/usr/bin/env node
// Test-only: builds the Node-API addon (native/addon.c, which includes native/kernels.c) with
// AddressSanitizer and UndefinedBehaviorSanitizer into .cache/sanitize/ (git-ignored), in both
// variants the loader picks from (AVX2, AVX-512), so the kernel's tests can run against it:
// see scripts/test-sanitize.mjs. Nothing here is committed or shipped.
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { addonFile, findTool } from './build-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SANITIZE_DIR = join(root, '.cache', 'sanitize');
const include = process.env.NODE_INCLUDE ?? '/usr/include/node';

const clang = findTool([process.env.CLANG, 'clang-14', 'clang']);
if (clang === undefined || !existsSync(join(include, 'node_api.h'))) {
  console.error(
    'build-sanitize needs clang (with its compiler-rt sanitizer runtimes: Debian clang-14 and ' +
      'libclang-rt-14-dev) and the Node headers (NODE_INCLUDE, default /usr/include/node).',
  );
  process.exit(1);
}
mkdirSync(SANITIZE_DIR, { recursive: true });
// -shared-libasan: the addon uses the runtime that node gets through LD_PRELOAD (an uninstrumented
// executable cannot link the static one). No recovery: the first finding aborts the process, so a
// test that triggers one fails.
const FLAGS = [
  '-O1',
  '-g',
  '-fno-omit-frame-pointer',
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=all',
  '-shared-libasan',
  '-ffp-contract=fast',
  '-fPIC',
  '-shared',
  '-fvisibility=hidden',
  '-Wall',
  '-Wextra',
  '-Werror',
  `-I${include}`,
];
for (const [name, march] of [
  ['avx2', 'x86-64-v3'],
  ['avx512', 'x86-64-v4'],
]) {
  const file = join(SANITIZE_DIR, addonFile(name));
  execFileSync(
    clang.name,
    [`-march=${march}`, ...FLAGS, '-o', file, join(root, 'native', 'addon.c')],
    { stdio: 'inherit' },
  );
}
const runtime = execFileSync(clang.name, ['-print-file-name=libclang_rt.asan-x86_64.so'], {
  encoding: 'utf8',
}).trim();
console.log(`built ${SANITIZE_DIR}/${addonFile('{avx2,avx512}')}; runtime ${runtime}`);
