import { defaultClientConditions, defineConfig } from 'vite';
import type { Plugin } from 'vite';

/** Writes precache.json: every file of the build, which public/sw.js caches for offline use. */
function precacheList(): Plugin {
  return {
    name: 'hnn-playground-precache',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map') && f !== 'sw.js')
        .sort();
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}

export default defineConfig({
  // Relative URLs, so the built app works from any folder of any static host.
  base: './',
  resolve: {
    // The workspace packages' TypeScript sources, so the app builds without building them first;
    // Vite's own conditions (browser, module, ...) still pick @hnn/kernels' browser platform.
    conditions: ['@hnn/source', ...defaultClientConditions],
  },
  plugins: [precacheList()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // The service worker keeps a fixed name at the root: its URL is its identity, and its
      // scope is the folder it is served from.
      input: { index: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
