#!/usr/bin/env node
// Bundles src/tfjs-gradients.ts (tfjs-core's gradient and chained-op registrations, ES modules
// with extensionless imports that Node cannot load) into dist/tfjs-gradients.node.js, the file
// package.json "imports" gives Node for '#tfjs-gradients'. Run by `pnpm build` after tsc.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'dist', 'tfjs-gradients.node.js');
await build({
  input: join(root, 'src', 'tfjs-gradients.ts'),
  platform: 'node',
  // @tensorflow/tfjs-core itself stays the package's own (it must create the engine); only the
  // deep imports below dist/ are bundled.
  external: [/^@tensorflow\/tfjs-core$/],
  logLevel: 'warn',
  output: { file, format: 'esm', minify: false, sourcemap: false },
});
process.stdout.write(
  `bundle-tfjs-gradients: ${file} (${(statSync(file).size / 1024).toFixed(0)} KB)\n`,
);
