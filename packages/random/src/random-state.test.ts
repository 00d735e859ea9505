import { describe, expect, it } from 'vitest';
import { RandomState, RandomStateError } from './index.js';

// Expected values printed by numpy 2.4.6 (python3 -c "import numpy as np; r=np.random.RandomState(0);
// print(r.rand(3).tolist(), r.randn(3).tolist(), r.permutation(10).tolist(), r.rand())").
describe('RandomState matches numpy.random.RandomState', () => {
  it('reproduces the seed-0 stream of rand, randn and permutation', () => {
    const r = new RandomState(0);
    expect(Array.from(r.randArray(3))).toEqual([
      0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
    ]);
    expect(Array.from(r.randnArray(3))).toEqual([
      -2.268328201180374, 1.3335453816218967, -0.8427240538292873,
    ]);
    expect(Array.from(r.permutation(10))).toEqual([9, 7, 3, 5, 1, 2, 4, 0, 8, 6]);
    expect(r.rand()).toBe(0.3927847961008297);
  });

  it('reproduces randn for another seed', () => {
    const r = new RandomState(12345);
    expect(Array.from(r.randnArray(5))).toEqual([
      -0.20470765948471295, 0.47894333805754824, -0.5194387150567381, -0.55573030434749,
      1.9657805725027142,
    ]);
  });
});

describe('RandomState', () => {
  it('gives the same numbers for the same seed and different ones otherwise', () => {
    const a = new RandomState(7).randArray(100);
    const b = new RandomState(7).randArray(100);
    const c = new RandomState(8).randArray(100);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws uniforms in [0, 1) with the right mean and normals with unit variance', () => {
    const r = new RandomState(1);
    const u = r.randArray(20000);
    const z = r.randnArray(20000);
    const mean = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(mean(z.map((v) => v * v))).toBeCloseTo(1, 1);
  });

  it('permutes without losing or repeating elements', () => {
    const p = Array.from(new RandomState(3).permutation(1000)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('rejects seeds numpy would reject', () => {
    expect(() => new RandomState(-1)).toThrow(RandomStateError);
    expect(() => new RandomState(1.5)).toThrow(/integer/);
    expect(() => new RandomState(2 ** 32)).toThrow(RandomStateError);
  });
});
