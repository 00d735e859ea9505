import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from './model-io.js';
import { DEFAULT_INPUT_SPREAD, fitNormalization, normalizeSamples } from './normalization.js';
import { expectRefused, makeSpringCsv, run, tempDir, trainArgs } from './test-utils/run-cli.js';

/** Two pairs in very different units, centred away from 0, with their derivatives. */
function skewedSamples(): { x: Float64Array; dx: Float64Array } {
  const rows = 400;
  const x = new Float64Array(rows * 4);
  const dx = new Float64Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    const a = (r / rows) * 2 * Math.PI;
    const b = 3 * a + 0.4;
    x.set(
      [5 + 20 * Math.cos(a), -1 + 0.3 * Math.cos(b), 0.02 * Math.sin(a), 4 * Math.sin(b)],
      r * 4,
    );
    dx.set([0.7 * Math.sin(a), -2 * Math.sin(b), 1e-3 * Math.cos(a), 9 * Math.cos(b)], r * 4);
  }
  return { x, dx };
}

function stds(values: Float64Array, dim: number): number[] {
  const rows = values.length / dim;
  return Array.from({ length: dim }, (_, k) => {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += values[r * dim + k]! / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (values[r * dim + k]! - mean) ** 2 / rows;
    return Math.sqrt(v);
  });
}

const geometricMean = (v: number[]): number =>
  Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);

describe('fitNormalization', () => {
  it('scales the states to a spread of 1 by default, targets to RMS 1', () => {
    expect(DEFAULT_INPUT_SPREAD).toBe(1);
    const { x, dx } = skewedSamples();
    const norm = fitNormalization('symplectic', x, dx, 4);
    const out = normalizeSamples(norm, x, dx, 4);
    expect(geometricMean(stds(out.x, 4))).toBeCloseTo(1, 12);
    let sumSq = 0;
    for (const v of out.dx) sumSq += v * v;
    expect(Math.sqrt(sumSq / out.dx.length)).toBeCloseTo(1, 12);
  });

  it.each([0.5, 0.25, 3])(
    'spread %s: the states spread so, the pairs stay symplectic',
    (spread) => {
      const { x, dx } = skewedSamples();
      const norm = fitNormalization('symplectic', x, dx, 4, spread);
      const out = normalizeSamples(norm, x, dx, 4);
      const s = stds(out.x, 4);
      expect(geometricMean(s)).toBeCloseTo(spread, 12);
      // Within a pair q and p keep the ratio of their own spreads; across pairs the products agree.
      expect(s[0]! / s[2]!).toBeCloseTo(1, 12);
      expect(s[1]! / s[3]!).toBeCloseTo(1, 12);
      const c = norm.scale[0]! * norm.scale[2]!;
      expect(norm.scale[1]! * norm.scale[3]!).toBeCloseTo(c, 9);
      expect(norm.energyScale).toBeCloseTo(c / norm.timeScale, 9);
      // The spread changes only the state scale: the same data in time units as with spread 1.
      const unit = fitNormalization('symplectic', x, dx, 4, 1);
      expect(norm.scale[0]! * spread).toBeCloseTo(unit.scale[0]!, 9);
      expect(norm.timeScale / norm.scale[0]!).toBeCloseTo(unit.timeScale / unit.scale[0]!, 9);
    },
  );

  it.each([0, -1, Number.NaN, Infinity])('refuses spread %s', (spread) => {
    const { x, dx } = skewedSamples();
    expect(() => fitNormalization('symplectic', x, dx, 4, spread)).toThrow(/finite positive/);
  });
});

describe('hnn train --input-spread', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let spring: string;
  const TINY = ['--hidden', '8', '--steps', '3', '--backend', 'wasm'];

  beforeAll(async () => {
    dir = await tempDir();
    spring = dir.path('spring.csv');
    await makeSpringCsv(spring, 6, 10);
  });

  afterAll(async () => {
    await dir.remove();
  });

  it('defaults to 1 with --normalize symplectic, is recorded in the model file and can be set', async () => {
    const spreads: number[] = [];
    for (const [i, flags] of [
      ['--normalize', 'symplectic'],
      ['--input-spread', '0.5'],
    ].entries()) {
      const out = dir.path(`m${i}.json`);
      const r = await run([...trainArgs(spring, 'hnn', out), ...TINY, ...flags]);
      expect(r.code, r.stderr).toBe(0);
      const model = loadModel(await readFile(out, 'utf8'));
      const spread = model.file.training?.inputSpread as number;
      expect(r.stderr).toContain(`normalisation symplectic (input spread ${spread})`);
      spreads.push(spread);
    }
    expect(spreads).toEqual([1, 0.5]);
    const [unit, half] = await Promise.all(
      ['m0.json', 'm1.json'].map(async (f) => loadModel(await readFile(dir.path(f), 'utf8'))),
    );
    expect(half!.file.normalization.scale[0]! * 0.5).toBeCloseTo(
      unit!.file.normalization.scale[0]!,
      9,
    );
  });

  it.each([
    [['--input-spread', '0'], /--input-spread must be a finite decimal number > 0/],
    [['--input-spread', '1', '--normalize', 'none'], /--input-spread .* --normalize none/],
  ])('refuses %j before training', async (flags, message) => {
    await expectRefused(
      dir,
      [...trainArgs(spring, 'hnn', dir.path('refused.json')), ...TINY, ...flags],
      message,
    );
  });
});
