import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('sharp');
  vi.resetModules();
});

describe('optional peer dependencies of @hnn/datasets/pixel', () => {
  it('a missing sharp is a MissingPeerDependencyError naming it, on first use, not on import', async () => {
    vi.resetModules();
    vi.doMock('sharp', () => {
      throw new Error("Cannot find package 'sharp'");
    });
    const pixel = await import('./pixel.js');
    const box = { left: 0, top: 0, width: 4, height: 4 };
    const error = await pixel.resizeCrops([new Uint8Array(16)], box, 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(pixel.MissingPeerDependencyError);
    expect((error as Error).message).toMatch(/npm install sharp/);
  });
});
