import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HnnKernelsError } from './errors.js';
import { selectEngine } from './engines.js';
import type { EngineChoice } from './engines.js';
import { FusedPixelTrainer } from './fused-pixel-trainer.js';
import { FusedTrainer } from './fused-trainer.js';
import { pixelWeightShapes } from './test-utils/pixel-weight-shapes.js';

// Property-based fuzzing of the fused trainers (issue 15): random shapes, lengths, index arrays
// (in and out of range, negative, huge, fractional, NaN) and NaNs in data and weights, on every
// engine that loads. Every call must either succeed with the same result on each engine (to
// float32 tolerance) or throw the same typed error; the process (this test worker) must survive.
const ENGINES = (['wasm', 'native'] as const).filter((e) => 'engine' in selectEngine(e));
// Runs per property: enough to reach every check many times, a few seconds each (HNN_FUZZ_SCALE=n
// multiplies them, e.g. for a longer hunt under the sanitizer build).
const SCALE = Number(process.env.HNN_FUZZ_SCALE ?? 1);
const MLP_RUNS = Math.round(200 * SCALE);
const PIXEL_RUNS = Math.round(120 * SCALE);
// Engines sum in different orders (vector widths 4, 8, 16): float32 rounding gives relative
// differences of ~1e-6 in losses and in gradients (measured against each array's largest entry);
// 1e-4 leaves room yet catches any wrong row or term (errors of order 1).
const TOLERANCE = 1e-4;

/** Deterministic values in [-scale, scale) from a seed (fast-check shrinks the seed and sizes). */
function values(n: number, seed: number, scale: number): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** `arbitrary` in about one case of `odds`, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: odds - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** One poisoned value (NaN, +-Infinity, beyond float32) at a position, or none. */
const poison = sometimes(
  fc.record({ at: fc.nat(), value: fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e39) }),
  8,
);

function poisoned(a: Float64Array, p: { at: number; value: number } | null): Float64Array {
  if (p !== null && a.length > 0) a[p.at % a.length] = p.value;
  return a;
}

/** A valid row index. */
const row = (nRows: number): fc.Arbitrary<number> => fc.nat(Math.max(0, nRows - 1));

/** Values that are no row index: just outside, negative, huge, fractional, NaN, infinite. */
const badIndex = (nRows: number): fc.Arbitrary<number> =>
  fc.constantFrom(-1, nRows, nRows + 1, 5000, 1e8, -1e9, 2 ** 31, 2 ** 32 + 1, 0.5, NaN, Infinity);

/** `length` indices: valid rows, and in about one case of eight one bad value among them. */
function indices(nRows: number, length: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.array(row(nRows), { minLength: length, maxLength: length }),
      sometimes(fc.tuple(fc.nat(), badIndex(nRows)), 8),
    )
    .map(([rows, bad]) => {
      if (bad !== null && rows.length > 0) rows[bad[0] % rows.length] = bad[1];
      return rows;
    });
}

type Outcome =
  | { readonly ok: true; readonly losses: number[]; readonly grads: Float32Array[] }
  | { readonly ok: false; readonly name: string; readonly message: string };

/** Runs `body`, recording its result or its error (which must be one of the package's typed errors). */
async function outcome(body: () => Promise<{ losses: number[]; grads: Float32Array[] }>) {
  try {
    return { ok: true, ...(await body()) } as Outcome;
  } catch (error) {
    if (!(error instanceof HnnKernelsError)) throw error;
    return { ok: false, name: error.name, message: error.message } as Outcome;
  }
}

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

// What the runs ended in (HNN_FUZZ_STATS=1 prints it), to see that both paths are exercised.
const stats = new Map<string, number>();
function count(o: Outcome): void {
  const key = o.ok
    ? 'ok'
    : `${o.name}: ${o.message.replace(/-?\b\d[\d.e+]*|NaN|-?Infinity/g, '#').slice(0, 60)}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
}

function expectSameOutcome(results: Outcome[]): void {
  const [first, ...rest] = results;
  if (first === undefined) return;
  count(first);
  for (const other of rest) {
    if (!first.ok || !other.ok) {
      expect(other).toEqual(first);
      continue;
    }
    expect(other.losses.length).toBe(first.losses.length);
    first.losses.forEach((l, i) =>
      expect(close(l, other.losses[i] as number), `loss ${i}`).toBe(true),
    );
    first.grads.forEach((g, i) => {
      const h = other.grads[i] as Float32Array;
      let scale = 0;
      let diff = 0;
      for (let k = 0; k < g.length; k++) {
        scale = Math.max(scale, Math.abs(g[k] as number));
        diff = Math.max(diff, Math.abs((g[k] as number) - (h[k] as number)));
      }
      expect(diff, `gradient ${i}`).toBeLessThanOrEqual(TOLERANCE * scale + 1e-7);
    });
  }
}

const mlpCase = fc
  .record({
    kind: fc.constantFrom('hnn', 'baseline', 'hnn'),
    half: fc.integer({ min: 1, max: 3 }),
    hidden: fc.integer({ min: 1, max: 40 }),
    nTrain: fc.integer({ min: 1, max: 150 }),
    nTest: fc.integer({ min: 0, max: 60 }),
    seed: fc.integer(),
    dxShort: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3),
    dataPoison: poison,
    weightPoison: sometimes(fc.record({ array: fc.nat(4), at: fc.nat() }), 10),
    threads: fc.constantFrom(1, 1, 1, 2),
    batchExtra: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1),
  })
  .chain((c) => {
    const batchRows = Math.max(1, Math.ceil(c.nTrain / 3));
    return fc.record({
      c: fc.constant(c),
      batchRows: fc.constant(batchRows),
      batches: fc.array(indices(c.nTrain, Math.max(0, batchRows + c.batchExtra)), {
        minLength: 1,
        maxLength: 3,
      }),
    });
  });

async function runMlp(engine: EngineChoice, sample: MlpSample): Promise<Outcome> {
  const { c, batchRows, batches } = sample;
  const d = 2 * c.half;
  const nOut = c.kind === 'hnn' ? 1 : d;
  const h = c.hidden;
  const x = poisoned(values(c.nTrain * d, c.seed, 2), c.dataPoison);
  const dx = values(c.nTrain * d - c.dxShort, c.seed + 1, 2);
  const sizes = [d * h, h, h * h, h, h * nOut];
  const weights = sizes.map((n, i) => values(n, c.seed + 7 * i + 2, 1 / Math.sqrt(h)));
  if (c.weightPoison !== null) {
    const w = weights[c.weightPoison.array] as Float64Array;
    w[c.weightPoison.at % w.length] = Number.NaN;
  }
  return outcome(async () => {
    const trainer = new FusedTrainer({
      kind: c.kind,
      inputDim: d,
      hiddenDim: h,
      weights,
      x,
      dx,
      ...(c.nTest > 0
        ? { testX: values(c.nTest * d, c.seed + 3, 2), testDx: values(c.nTest * d, c.seed + 4, 2) }
        : {}),
      batchRows,
      threads: c.threads,
      engine,
    });
    try {
      await trainer.start();
      const losses: number[] = [];
      let grads: Float32Array[] = [];
      for (const batch of batches) {
        losses.push(trainer.computeGradients(batch));
        grads = trainer.gradients();
        trainer.applyAdam();
      }
      if (c.nTest > 0) losses.push(trainer.testLoss());
      return { losses, grads };
    } finally {
      await trainer.close();
    }
  });
}

interface MlpSample {
  readonly c: {
    kind: 'hnn' | 'baseline';
    half: number;
    hidden: number;
    nTrain: number;
    nTest: number;
    seed: number;
    dxShort: number;
    dataPoison: { at: number; value: number } | null;
    weightPoison: { array: number; at: number } | null;
    threads: number;
  };
  readonly batchRows: number;
  readonly batches: number[][];
}

const pixelCase = fc
  .record({
    kind: fc.constantFrom('hnn', 'baseline'),
    D: fc.integer({ min: 1, max: 24 }),
    H: fc.integer({ min: 1, max: 12 }),
    L: fc.constantFrom(2, 4),
    Hl: fc.integer({ min: 1, max: 10 }),
    batchRows: fc.integer({ min: 1, max: 12 }),
    nRows: fc.integer({ min: 1, max: 30 }),
    nextShort: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    seed: fc.integer(),
    pixelPoison: poison,
    threads: fc.constantFrom(1, 1, 1, 2),
    lengthExtra: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      batch: indices(c.nRows, Math.max(0, c.batchRows + c.lengthExtra)),
      evalRows: fc.nat(40).chain((n) => indices(c.nRows, n)),
    }),
  );

type PixelSample = typeof pixelCase extends fc.Arbitrary<infer T> ? T : never;

async function runPixel(engine: EngineChoice, sample: PixelSample): Promise<Outcome> {
  const { c, batch, evalRows } = sample;
  const { D, H, L, Hl } = c;
  const nOut = c.kind === 'hnn' ? 1 : L;
  const shapes = pixelWeightShapes(D, H, L, Hl, nOut);
  const weights = shapes.map(([r, k], i) => values(r * k, c.seed + i, 0.5));
  const pixels = poisoned(values(c.nRows * D, c.seed + 40, 1), c.pixelPoison);
  const next = values(c.nRows * D - c.nextShort, c.seed + 41, 1);
  return outcome(async () => {
    const trainer = new FusedPixelTrainer({
      kind: c.kind,
      inputDim: D,
      hiddenDim: H,
      latentDim: L,
      latentHiddenDim: Hl,
      weights,
      batchRows: c.batchRows,
      threads: c.threads,
      engine,
    });
    try {
      await trainer.start();
      const loss = trainer.step(pixels, next, batch);
      const grads = trainer.gradients();
      const losses = [loss.total, loss.autoencoder, loss.canonical, loss.dynamics];
      if (evalRows.length > 0) losses.push(trainer.evaluate(pixels, next, evalRows).total);
      return { losses, grads };
    } finally {
      await trainer.close();
    }
  });
}

describe('fuzzing the fused trainers on every engine', () => {
  afterEach(() => {
    if (process.env.HNN_FUZZ_STATS === '1') console.log(stats);
    stats.clear();
  });

  it(`FusedTrainer: same result or same typed error on ${ENGINES.join(' and ')}`, async () => {
    await fc.assert(
      fc.asyncProperty(mlpCase, async (sample) => {
        const results: Outcome[] = [];
        for (const engine of ENGINES) results.push(await runMlp(engine, sample));
        expectSameOutcome(results);
      }),
      { numRuns: MLP_RUNS, seed: Number(process.env.HNN_FUZZ_SEED ?? 15) },
    );
  });

  it(`FusedPixelTrainer: same result or same typed error on ${ENGINES.join(' and ')}`, async () => {
    await fc.assert(
      fc.asyncProperty(pixelCase, async (sample) => {
        const results: Outcome[] = [];
        for (const engine of ENGINES) results.push(await runPixel(engine, sample));
        expectSameOutcome(results);
      }),
      { numRuns: PIXEL_RUNS, seed: Number(process.env.HNN_FUZZ_SEED ?? 15) },
    );
  });
});
