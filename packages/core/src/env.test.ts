import { afterEach, describe, expect, it, vi } from 'vitest';
import { isNode, readEnv } from './env.js';

describe('environment access', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it('reads variables under Node', () => {
    vi.stubEnv('HNN_BACKEND', 'cpu');
    expect(readEnv('HNN_BACKEND')).toBe('cpu');
    expect(isNode()).toBe(true);
  });

  it('gives undefined where there is no process (a browser), without throwing', () => {
    // Synchronous on purpose: the test runner itself needs process once control returns to it.
    const saved = globalThis.process;
    let seen: [string | undefined, boolean];
    try {
      vi.stubGlobal('process', undefined);
      seen = [readEnv('HNN_BACKEND'), isNode()];
    } finally {
      vi.stubGlobal('process', saved);
    }
    expect(seen).toEqual([undefined, false]);
  });
});
