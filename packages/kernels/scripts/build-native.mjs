#!/usr/bin/env node
// Builds the optional Node-API addon prebuilds/linux-x64/node.napi.glibc.{avx2,avx512}.node from
// native/addon.c (which includes native/kernels.c) with clang and the Node headers (Debian:
// `apt-get install -y clang-14`; the headers come with Debian's nodejs package, or set
// NODE_INCLUDE=/path/to/include/node), and records
// source and binary hashes in prebuilds/linux-x64/manifest.json. The binaries are committed, so an
// install needs no compiler; where they cannot load (another OS or CPU) @hnn/kernels uses the
// WebAssembly build. Node-API is ABI-stable: one binary serves every Node version >= 20.
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { addonFile, findTool, KERNEL_SOURCES, sha256 } from './build-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = ['native/addon.c', ...KERNEL_SOURCES].map((file) => join(root, file));
const outDir = join(root, 'prebuilds', 'linux-x64');
const include = process.env.NODE_INCLUDE ?? '/usr/include/node';

// x86-64-v3: AVX2 + FMA (Haswell, Zen 1 and later); x86-64-v4: AVX-512 F/BW/CD/DQ/VL. The loader
// checks the CPU's flags before choosing one (src/engines.ts).
const VARIANTS = [
  { name: 'avx2', march: 'x86-64-v3' },
  { name: 'avx512', march: 'x86-64-v4' },
];
const FLAGS = [
  '-O3',
  '-ffp-contract=fast',
  '-fPIC',
  '-shared',
  '-fvisibility=hidden',
  '-Wall',
  '-Wextra',
  '-Werror',
  `-I${include}`,
];

const clang = findTool([process.env.CLANG, 'clang-14', 'clang']);
if (clang === undefined || !existsSync(join(include, 'node_api.h'))) {
  console.error(
    'build:native needs clang and the Node headers (node_api.h under NODE_INCLUDE, default ' +
      '/usr/include/node). The committed prebuilds are used otherwise.',
  );
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
/** @param {Buffer} buffer */
const binaries = VARIANTS.map(({ name, march }) => {
  const file = join(outDir, addonFile(name));
  const flags = [`-march=${march}`, ...FLAGS];
  execFileSync(clang.name, [...flags, '-o', file, sources[0] ?? ''], { stdio: 'inherit' });
  const bytes = readFileSync(file);
  return { file: relative(root, file), sha256: sha256(bytes), bytes: bytes.length, flags };
});
const manifest = {
  sources: sources.map((s) => ({ file: relative(root, s), sha256: sha256(readFileSync(s)) })),
  compiler: clang.version,
  binaries,
};
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${binaries.map((b) => `${b.file} (${b.bytes} bytes)`).join(', ')}`);
