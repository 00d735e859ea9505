#!/usr/bin/env node
// Builds the two WebAssembly builds of native/kernels.c and records the hashes of sources and
// output in a manifest beside each (src/prebuilt.test.ts fails if a source changes without a
// rebuild or a .wasm is replaced by something else). The .wasm files are committed, so installing
// and testing the package needs no compiler.
// - wasm/fused-step.wasm: SIMD128, with Debian's clang-14 + lld-14 (`apt-get install -y clang-14
//   lld-14`; override with CLANG=/path/to/clang).
// - wasm/fused-step-relaxed.wasm: SIMD128 + relaxed SIMD (f32x4.relaxed_madd in the matrix
//   products, see vmadd in native/kernel.h), with clang 16 or later + its lld (Debian 12:
//   `apt-get install -y clang-16 lld-16`; override with CLANG_RELAXED=/path/to/clang). clang 14
//   cannot: it has no __builtin_wasm_relaxed_madd_f32x4, and its __builtin_wasm_fma_f32x4 emits
//   a pre-standard opcode (0xfd 0xaf) that browsers refuse.
// `node scripts/build-wasm.mjs [simd|relaxed]` builds one; without an argument, both.
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

const BUILDS = {
  simd: {
    output: 'fused-step.wasm',
    manifest: 'fused-step.manifest.json',
    clang: [process.env.CLANG, 'clang-14', 'clang'],
    objdump: [process.env.LLVM_OBJDUMP, 'llvm-objdump-14', 'llvm-objdump'],
    flags: FLAGS,
    install: 'clang-14 lld-14',
    minMajor: 14,
  },
  relaxed: {
    output: 'fused-step-relaxed.wasm',
    manifest: 'fused-step-relaxed.manifest.json',
    clang: [process.env.CLANG_RELAXED, 'clang-16', 'clang-17', 'clang-18', 'clang-19', 'clang'],
    objdump: [
      process.env.LLVM_OBJDUMP_RELAXED,
      'llvm-objdump-16',
      'llvm-objdump-17',
      'llvm-objdump-18',
      'llvm-objdump-19',
    ],
    flags: [...FLAGS.slice(0, 3), '-mrelaxed-simd', ...FLAGS.slice(3)],
    install: 'clang-16 lld-16',
    minMajor: 16,
  },
};

const which = process.argv[2];
if (which !== undefined && !(which in BUILDS)) {
  console.error(`usage: build-wasm.mjs [${Object.keys(BUILDS).join('|')}]`);
  process.exit(2);
}

for (const [name, build] of Object.entries(BUILDS)) {
  if (which !== undefined && which !== name) continue;
  const output = join(root, 'wasm', build.output);
  const manifestPath = join(root, 'wasm', build.manifest);
  const clang = findTool(build.clang);
  const major = Number(/version (\d+)/.exec(clang?.version ?? '')?.[1] ?? 0);
  if (clang === undefined || major < build.minMajor) {
    console.error(
      `build:wasm (${name}) needs clang ${build.minMajor} or later with the wasm32 target and lld ` +
        `(Debian/Ubuntu: apt-get install -y ${build.install}); found ${clang?.version ?? 'none'}. ` +
        `The committed wasm/${build.output} is used otherwise.`,
    );
    process.exit(1);
  }
  execFileSync(clang.name, [...build.flags, '-o', output, source], { stdio: 'inherit' });

  // Every thread instantiates the module over the same memory with the same __stack_pointer, so
  // the code must never touch the shadow stack (global 0): check the disassembly.
  const objdump = findTool(build.objdump);
  if (objdump === undefined) {
    console.warn(
      `llvm-objdump not found: skipped the check that ${build.output} uses no shadow stack.`,
    );
  } else {
    const listing = execFileSync(objdump.name, ['-d', output], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (/global\.(get|set)/.test(listing)) {
      console.error(
        `${build.output} uses the shadow stack (global.get/set), which threads share: keep ` +
          'vectors in registers (no indexed lane access, no local arrays).',
      );
      process.exit(1);
    }
  }

  const wasm = readFileSync(output);
  const manifest = {
    sources: sources.map((s) => ({ file: relative(root, s), sha256: sha256(readFileSync(s)) })),
    wasm: relative(root, output),
    wasmSha256: sha256(wasm),
    wasmBytes: wasm.length,
    compiler: clang.version,
    flags: build.flags,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(
    `wrote ${relative(root, output)} (${wasm.length} bytes) and ${relative(root, manifestPath)}`,
  );
}
