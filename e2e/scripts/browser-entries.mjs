#!/usr/bin/env node
// Bundles the main entry of every package that promises to run in browsers with Vite for the
// browser (the packages' built dist/, as published) and fails on any Node built-in it imports
// (a `node:` module, or a bare one that the importing package does not map to false in its
// "browser" field). Prints each bundle's size, minified and gzip. The Node-only entries
// (@hnn/core/node, @hnn/datasets/node and /pixel, @hnn/cli, @hnn/autoencoder) are not checked.
// Usage: pnpm --filter @hnn/e2e browser-entries (after `pnpm build`).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { nodeBuiltinRecorder } from './browser-check.mjs';

const e2e = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = [
  '@hnn/random',
  '@hnn/integrators',
  '@hnn/datasets',
  '@hnn/eval',
  '@hnn/kernels',
  '@hnn/core',
];
const ENTRY = '\0hnn-browser-entry';

const out = mkdtempSync(join(tmpdir(), 'hnn-browser-entries-'));
const failures = [];
try {
  for (const name of PACKAGES) {
    const recorder = nodeBuiltinRecorder(e2e);
    const dir = join(out, name.replace('/', '+'));
    await build({
      configFile: false,
      root: e2e,
      logLevel: 'warn',
      plugins: [
        recorder.plugin,
        {
          // The whole public surface: every export of the package's main entry, kept.
          name: 'hnn-browser-entry',
          resolveId: (id) => (id === ENTRY ? ENTRY : null),
          load: (id) =>
            id === ENTRY
              ? `import * as entry from '${name}';\nglobalThis.__hnnEntry = entry;\n`
              : null,
        },
      ],
      build: {
        outDir: dir,
        emptyOutDir: true,
        target: 'esnext',
        reportCompressedSize: false,
        rolldownOptions: { input: ENTRY },
      },
      worker: { format: 'es' },
    });
    let minified = 0;
    let gzipped = 0;
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.js')) continue;
      const text = readFileSync(join(dir, file));
      minified += text.length;
      gzipped += gzipSync(text, { level: 9 }).length;
    }
    const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
    const mapped =
      recorder.mappedAway.size > 0 ? `; left out: ${[...recorder.mappedAway].join(', ')}` : '';
    process.stdout.write(
      `browser-entries: ${name}: ${kb(minified)} minified, ${kb(gzipped)} gzip${mapped}\n`,
    );
    if (recorder.builtins.size > 0) {
      failures.push(`${name} imports Node built-ins: ${[...recorder.builtins].join(', ')}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failures.length > 0) {
  process.stderr.write(`browser-entries failed:\n${failures.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`browser-entries: ${PACKAGES.length} main entries bundle for browsers\n`);
