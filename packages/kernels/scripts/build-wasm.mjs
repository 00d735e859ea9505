#!/usr/bin/env node
// Builds wasm/fused-step.wasm from native/kernels.c with clang (Debian: `apt-get install -y
// clang-14 lld-14`; override with CLANG=/path/to/clang) and records the hashes of source and
// output in wasm/fused-step.manifest.json. The .wasm is committed, so installing and testing the
// package needs no compiler; src/prebuilt.test.ts fails if a source changes without a
// rebuild or the .wasm is replaced by something else.
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { findTool, KERNEL_SOURCES, sha256 } from './build-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'kernels.c');
// Files the build reads (kernels.c includes the others); all are hashed in the manifest.
const sources = KERNEL_SOURCES.map((file) => join(root, file));
const output = join(root, 'wasm', 'fused-step.wasm');
const manifestPath = join(root, 'wasm', 'fused-step.manifest.json');

const FLAGS = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  // Threads share one WebAssembly.Memory: atomics for the chunk counter, shared imported memory.
  '-matomics',
  '-mbulk-memory',
  '-nostdlib',
  '-ffreestanding',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--import-memory',
  '-Wl,--shared-memory',
  '-Wl,--max-memory=4294967296',
  '-Wl,--export=__heap_base',
  // The code uses no shadow stack (checked below); keep its reserved region small.
  '-Wl,-z,stack-size=4096',
];

const clang = findTool([process.env.CLANG, 'clang-14', 'clang']);
if (clang === undefined) {
  console.error(
    'build:wasm needs clang with the wasm32 target and lld (Debian/Ubuntu: apt-get install -y ' +
      'clang-14 lld-14), or CLANG=/path/to/clang. The committed wasm/fused-step.wasm is used otherwise.',
  );
  process.exit(1);
}
execFileSync(clang.name, [...FLAGS, '-o', output, source], { stdio: 'inherit' });

// Every thread instantiates the module over the same memory with the same __stack_pointer, so the
// code must never touch the shadow stack (global 0): check the disassembly.
const objdump = findTool([process.env.LLVM_OBJDUMP, 'llvm-objdump-14', 'llvm-objdump']);
if (objdump === undefined) {
  console.warn('llvm-objdump not found: skipped the check that the code uses no shadow stack.');
} else {
  const listing = execFileSync(objdump.name, ['-d', output], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (/global\.(get|set)/.test(listing)) {
    console.error(
      'fused-step.wasm uses the shadow stack (global.get/set), which threads share: keep vectors ' +
        'in registers (no indexed lane access, no local arrays).',
    );
    process.exit(1);
  }
}

/** @param {Buffer} buffer */
const wasm = readFileSync(output);
const manifest = {
  sources: sources.map((s) => ({ file: relative(root, s), sha256: sha256(readFileSync(s)) })),
  wasm: relative(root, output),
  wasmSha256: sha256(wasm),
  wasmBytes: wasm.length,
  compiler: clang.version,
  flags: FLAGS,
};
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `wrote ${relative(root, output)} (${wasm.length} bytes) and ${relative(root, manifestPath)}`,
);
