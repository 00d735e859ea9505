import { RandomState } from '@hnn/random';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import { initialDenseLayer } from './init.js';
import { createMlp } from './mlp.js';
import { orthogonalWeight } from './orthogonal.js';

describe('initialDenseLayer', () => {
  it("'torch' biases are U(-1/sqrt(fanIn), 1/sqrt(fanIn)), drawn right after the weight", () => {
    const { w, b } = initialDenseLayer(2, 200, new RandomState(5), 'torch');
    const rng = new RandomState(5);
    expect(Array.from(w)).toEqual(Array.from(orthogonalWeight(2, 200, rng)));
    const u = rng.randArray(200);
    const bound = 1 / Math.sqrt(2);
    expect(Array.from(b as Float64Array)).toEqual(Array.from(u, (v) => (2 * v - 1) * bound));
    const values = Array.from(b as Float64Array);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    // 200 uniform draws cover the interval: both signs, and values near both ends.
    expect(Math.max(...values)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...values)).toBeLessThan(-0.9 * bound);
  });

  it("'zeros' draws no bias values; 'none' gives no bias", () => {
    const zeros = initialDenseLayer(3, 4, new RandomState(1), 'zeros');
    expect(Array.from(zeros.b as Float64Array)).toEqual([0, 0, 0, 0]);
    expect(initialDenseLayer(3, 4, new RandomState(1), 'none').b).toBeUndefined();
    expect(() => initialDenseLayer(3, 4, new RandomState(1), 'uniform' as never)).toThrow(
      InvalidInputError,
    );
  });
});

describe('createMlp bias initialisation', () => {
  it('defaults to the reference (torch) biases; the last layer has none', () => {
    const mlp = createMlp({ inputDim: 2, outputDim: 1, hiddenDim: 200, seed: 0 });
    const [, b1, , b2, w3, ...rest] = mlp.getWeights();
    expect(rest).toHaveLength(0);
    expect(w3).toHaveLength(200);
    const max = (a: Float32Array | undefined): number =>
      Math.max(...Array.from(a ?? [], (v) => Math.abs(v)));
    expect(max(b1)).toBeGreaterThan(0.6);
    expect(max(b1)).toBeLessThanOrEqual(Math.fround(1 / Math.sqrt(2)));
    expect(max(b2)).toBeGreaterThan(0.06);
    expect(max(b2)).toBeLessThanOrEqual(Math.fround(1 / Math.sqrt(200)));
    // Layer by layer (weight, then bias) from RandomState(seed).
    const rng = new RandomState(0);
    const first = initialDenseLayer(2, 200, rng, 'torch');
    const second = initialDenseLayer(200, 200, rng, 'torch');
    expect(mlp.getWeights()[3]).toEqual(Float32Array.from(second.b as Float64Array));
    expect(b1).toEqual(Float32Array.from(first.b as Float64Array));
    mlp.dispose();
  });

  it("biasInit 'zeros' keeps the weights of a zero-bias stream and starts every bias at 0", () => {
    const mlp = createMlp({ inputDim: 2, outputDim: 2, hiddenDim: 8, seed: 4, biasInit: 'zeros' });
    const [w1, b1, w2, b2] = mlp.getWeights();
    const rng = new RandomState(4);
    expect(w1).toEqual(Float32Array.from(orthogonalWeight(2, 8, rng)));
    expect(w2).toEqual(Float32Array.from(orthogonalWeight(8, 8, rng)));
    expect(Array.from(b1 ?? [])).toEqual(new Array(8).fill(0));
    expect(Array.from(b2 ?? [])).toEqual(new Array(8).fill(0));
    mlp.dispose();
    expect(() => createMlp({ inputDim: 2, outputDim: 1, seed: 0, biasInit: 'x' as never })).toThrow(
      /Unknown biasInit 'x'/,
    );
  });
});
