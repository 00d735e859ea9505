import { defineConfig } from 'vitest/config';

// Read workspace packages from their TypeScript source (the "@hnn/source" export condition),
// so tests need no build. Vitest 4 runs Node tests in the SSR environment, which has its own
// condition list.
const conditions = ['@hnn/source', 'node', 'import', 'module', 'default'];

export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@hnn/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // @hnn/core's source registers TensorFlow.js's gradients from tfjs-core's ES modules
    // (packages/core/src/tfjs-gradients.ts), whose extensionless imports Node cannot load: Vite
    // loads them instead, as a bundler would (tfjs-core's own Node bundles stay external).
    server: { deps: { inline: [/@tensorflow\/tfjs-core\/dist\/(?!tf-core)/] } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
