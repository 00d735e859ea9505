import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// TEMPORARY (removed when wip-kbrowser and wip-cbrowser are merged): stand-ins for the node:
// modules and `process` that @hnn/kernels and @hnn/core read before their browser entries exist.
const shim = (name: string): string =>
  fileURLToPath(new URL(`./src/temporary-node-shims/${name}.ts`, import.meta.url));
const temporaryShims = {
  alias: {
    'node:fs': shim('fs'),
    'node:module': shim('misc'),
    'node:url': shim('misc'),
    'node:os': shim('misc'),
    'node:worker_threads': shim('misc'),
  },
  define: {
    'process.env': '{}',
    'process.platform': '"browser"',
    'process.arch': '"wasm"',
  },
};

export default defineConfig({
  // Relative URLs, so the built app works from any folder of any static host.
  base: './',
  resolve: {
    // The workspace packages' TypeScript sources: the app builds without building them first.
    conditions: ['@hnn/source'],
    alias: temporaryShims.alias,
  },
  define: temporaryShims.define,
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
