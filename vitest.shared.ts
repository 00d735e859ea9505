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
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
