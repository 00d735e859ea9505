import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { selectEngine } from './engines.js';
import {
  FUSED_MANIFEST_URL,
  FUSED_WASM_URL,
  RELAXED_MANIFEST_URL,
  RELAXED_WASM_URL,
} from './fused-module.js';

/** The C sources and headers in native/, as 'native/<name>', sorted. */
function nativeSources(): string[] {
  return readdirSync(new URL('../native/', import.meta.url))
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .map((f) => `native/${f}`)
    .sort();
}

describe.each([
  ['fused-step.wasm', FUSED_MANIFEST_URL, FUSED_WASM_URL],
  ['fused-step-relaxed.wasm', RELAXED_MANIFEST_URL, RELAXED_WASM_URL],
])('the committed %s', (_name, manifestUrl, wasmUrl) => {
  it('is built from the committed source (hashes recorded by scripts/build-wasm.mjs)', () => {
    const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as {
      sources: { file: string; sha256: string }[];
      wasmSha256: string;
    };
    const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
    // Every C file of native/ but the Node-API wrapper: a file the build reads but the manifest
    // does not hash could change without a rebuild.
    expect(manifest.sources.map((s) => s.file).sort()).toEqual(
      nativeSources().filter((f) => f !== 'native/addon.c'),
    );
    for (const { file, sha256: expected } of manifest.sources) {
      const source = readFileSync(new URL(`../${file}`, import.meta.url));
      expect(sha256(source), `${file} changed: run pnpm --filter @hnn/kernels build:wasm`).toBe(
        expected,
      );
    }
    expect(sha256(readFileSync(wasmUrl))).toBe(manifest.wasmSha256);
  });
});

describe('the committed WebAssembly builds', () => {
  it('load here', () => {
    expect('engine' in selectEngine('auto')).toBe(true);
    expect('engine' in selectEngine('wasm')).toBe(true);
  });
});

describe('the committed native prebuilds', () => {
  it('are built from the committed sources (hashes recorded by scripts/build-native.mjs)', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../prebuilds/linux-x64/manifest.json', import.meta.url), 'utf8'),
    ) as {
      sources: { file: string; sha256: string }[];
      binaries: { file: string; sha256: string }[];
    };
    const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
    const root = new URL('../', import.meta.url);
    for (const { file, sha256: expected } of [...manifest.sources, ...manifest.binaries]) {
      expect(
        sha256(readFileSync(new URL(file, root))),
        `${file} changed: run pnpm --filter @hnn/kernels build:native`,
      ).toBe(expected);
    }
    expect(manifest.sources.map((s) => s.file).sort()).toEqual(nativeSources());
    expect(manifest.binaries.map((b) => b.file).sort()).toEqual([
      'prebuilds/linux-x64/node.napi.glibc.avx2.node',
      'prebuilds/linux-x64/node.napi.glibc.avx512.node',
    ]);
  });
});
