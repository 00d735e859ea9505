import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HnnKernelsError, KernelInputError } from './errors.js';
import { selectEngine } from './engines.js';
import { FusedTrainer } from './fused-trainer.js';
import type { FusedTrainerOptions } from './fused-trainer.js';
import { FusedKernelError, FusedPathError } from './kernel-threads.js';

// Issue 15: the fused kernel trusted every number it was given. These tests give it what an
// attacker or a careless caller would, on every engine that loads here.
const ENGINES = (['wasm', 'native'] as const).filter((e) => 'engine' in selectEngine(e));
const root = fileURLToPath(new URL('../', import.meta.url));

interface ChildLine {
  readonly label: string;
  readonly value?: number | string;
  readonly error?: string;
  readonly code?: string;
  readonly message?: string;
}

/** Runs a case of test-utils/kernel-child.ts in a child process: how it ended, what it printed. */
function child(caseName: string, engine: string, timeout = 120_000) {
  const result = spawnSync(
    process.execPath,
    [
      '--conditions=@hnn/source',
      '--import',
      './scripts/ts-child-loader.mjs',
      'src/test-utils/kernel-child.ts',
      caseName,
      engine,
    ],
    { cwd: root, encoding: 'utf8', timeout },
  );
  const lines = result.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ChildLine);
  return { status: result.status, signal: result.signal, stderr: result.stderr, lines };
}

const N = 200;
const D = 2;
const H = 16;
function data(n = N, phase = 0): Float32Array {
  return Float32Array.from({ length: n * D }, (_, i) => Math.sin(0.37 * i + phase));
}
function weights(h = H): Float32Array[] {
  const fill = (n: number, s: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => (s * Math.sin(i + 1) * 16) / h);
  return [fill(D * h, 0.3), fill(h, 0.1), fill(h * h, 0.1), fill(h, 0.1), fill(h, 0.3)];
}
function options(engine: 'wasm' | 'native', extra: Partial<FusedTrainerOptions> = {}) {
  return {
    kind: 'hnn',
    inputDim: D,
    hiddenDim: H,
    weights: weights(),
    x: data(),
    dx: data(N, 1),
    batchRows: 4,
    threads: 1,
    engine,
    ...extra,
  } as FusedTrainerOptions;
}

describe.each(ENGINES)('the fused kernel at its boundary (%s)', (engine) => {
  it('rejects batch indices far outside the data with a typed error, in a process that lives', () => {
    const run = child('indices', engine);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.lines.map((l) => l.label)).toEqual([
      'index 100000000',
      'index 1000000000',
      'index -1000000000',
    ]);
    for (const line of run.lines) {
      expect(line.error).toBe('KernelInputError');
      expect(line.message).toMatch(/Batch index .* is outside 0\.\.199/);
    }
  });

  it('checks every raw entry point: context, buffers, thread and slice numbers, layout sizes', () => {
    const run = child('raw', engine);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const codes = Object.fromEntries(run.lines.map((l) => [l.label, [l.error, l.code]]));
    expect(codes).toEqual({
      'ctx past the end': ['FusedKernelError', 'KERNEL_BAD_CONTEXT'],
      'ctx negative': ['FusedKernelError', 'KERNEL_BAD_ARGUMENT'],
      'ctx not an integer': ['FusedKernelError', 'KERNEL_BAD_ARGUMENT'],
      'buffers outside': ['FusedKernelError', 'KERNEL_BAD_BUFFER'],
      'reduce outside': ['FusedKernelError', 'KERNEL_BAD_BUFFER'],
      'thread id': ['FusedKernelError', 'KERNEL_BAD_THREAD'],
      slices: ['FusedKernelError', 'KERNEL_BAD_THREAD'],
      'rng outside': ['FusedKernelError', 'KERNEL_BAD_BUFFER'],
      'pixel layout overflow': ['FusedKernelError', 'KERNEL_BAD_FIELD'],
    });
  });

  it('trains in a region past 2 GiB (hnn train --hidden 2048 on 9,000 rows crashed with 139)', () => {
    const run = child('big-region', engine);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const [size, ...steps] = run.lines;
    // Offsets past 2 GiB went negative in the kernel's int32 fields before issue 15.
    expect(size?.value).toBeGreaterThan(2 ** 31);
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      expect(step.error, step.message).toBeUndefined();
      expect(Number.isFinite(step.value)).toBe(true);
    }
  });

  it('refuses a region beyond 4 GiB - 64 KiB with KERNEL_REGION_TOO_LARGE, before allocating', () => {
    const h = 2048;
    const make = (): FusedTrainer =>
      new FusedTrainer(
        options(engine, {
          hiddenDim: h,
          weights: weights(h),
          testX: data(16_000),
          testDx: data(16_000, 1),
          batchRows: 48,
        }),
      );
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FusedKernelError);
    expect((caught as FusedKernelError).code).toBe('KERNEL_REGION_TOO_LARGE');
    expect((caught as Error).message).toMatch(
      /needs at least 5\.\d\d GiB of memory, more than its limit of 4\.00 GiB/,
    );
  });

  it('rejects out-of-range pixel batch indices in a process that lives', () => {
    const run = child('pixel-indices', engine);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.lines).toHaveLength(3);
    for (const line of run.lines) expect(line.error).toBe('KernelInputError');
  });

  it.each([-1, N, 5000, 1.5, NaN, Infinity])(
    'rejects batch index %s before it is read, and the weights stay as they were',
    (bad) => {
      const trainer = new FusedTrainer(options(engine));
      const before = trainer.getWeights();
      expect(() => trainer.computeGradients([0, 1, 2, bad])).toThrow(KernelInputError);
      expect(() => trainer.computeGradients([0, 1, 2, bad])).toThrow(
        `Batch index ${bad} (position 3) is outside 0..${N - 1}`,
      );
      expect(trainer.getWeights()).toEqual(before);
      // The trainer still works afterwards.
      expect(Number.isFinite(trainer.step([0, 1, 2, 3]))).toBe(true);
      void trainer.close();
    },
  );

  it('rejects more (or fewer) indices than batchRows before copying any, weights intact', () => {
    const trainer = new FusedTrainer(options(engine));
    const before = trainer.getWeights();
    const many = Array.from({ length: 40 }, (_, i) => i);
    expect(() => trainer.computeGradients(many)).toThrow(/batches of 4 rows, got 40 indices/);
    expect(() => trainer.computeGradients([0, 1])).toThrow(/batches of 4 rows, got 2 indices/);
    expect(trainer.getWeights()).toEqual(before);
    void trainer.close();
  });

  it.each<[string, Partial<FusedTrainerOptions>, RegExp]>([
    ['a short dx', { dx: data(N).subarray(0, 10) }, /dx has 10 values; x has 400/],
    ['x not whole rows', { x: data(N).subarray(0, 7) }, /x has 7 values, not a whole number/],
    ['an empty x', { x: new Float32Array(0), dx: new Float32Array(0) }, /x is empty/],
    ['testX without testDx', { testX: data(10) }, /both testX and testDx, or neither/],
    ['a short testDx', { testX: data(10), testDx: data(9) }, /testDx has 18 values; testX/],
    ['hiddenDim 0', { hiddenDim: 0 }, /hiddenDim must be a positive integer, got 0/],
    ['hiddenDim 2.5', { hiddenDim: 2.5 }, /hiddenDim must be a positive integer, got 2.5/],
    ['inputDim -2', { inputDim: -2 }, /inputDim must be a positive integer, got -2/],
    ['an unknown kind', { kind: 'lstm' as 'hnn' }, /Unknown kind 'lstm'/],
    ['a NaN learning rate', { learningRate: NaN }, /learningRate must be finite and > 0/],
    ['beta1 = 1', { beta1: 1 }, /beta1 must be in \[0, 1\)/],
  ])('rejects %s at construction with KernelInputError', (_, extra, message) => {
    expect(() => new FusedTrainer(options(engine, extra))).toThrow(KernelInputError);
    expect(() => new FusedTrainer(options(engine, extra))).toThrow(message);
  });

  it.each<[string, (o: FusedTrainerOptions) => Partial<FusedTrainerOptions>, RegExp]>([
    ['x', (o) => ({ x: withValue(o.x, 5, NaN) }), /x holds NaN at index 5 \(row 2, column 1\)/],
    ['dx', (o) => ({ dx: withValue(o.dx, 0, Infinity) }), /dx holds Infinity at index 0/],
    [
      'testX',
      () => ({ testX: withValue(data(10), 3, -Infinity), testDx: data(10) }),
      /testX holds -Infinity at index 3/,
    ],
    [
      'a weight',
      (o) => ({ weights: o.weights.map((w, i) => (i === 2 ? withValue(w, 7, NaN) : w)) }),
      /Weight array 2 \(W2\) holds NaN at index 7/,
    ],
  ])(
    'rejects non-finite values in %s, naming array and index, on every engine',
    (_, extra, msg) => {
      const base = options(engine);
      expect(() => new FusedTrainer({ ...base, ...extra(base) })).toThrow(KernelInputError);
      expect(() => new FusedTrainer({ ...base, ...extra(base) })).toThrow(msg);
    },
  );

  it('setWeights with a non-finite value throws and leaves the weights as they were', () => {
    const trainer = new FusedTrainer(options(engine));
    const before = trainer.getWeights();
    const bad = weights().map((w, i) => (i === 4 ? withValue(w, 1, NaN) : w));
    expect(() => trainer.setWeights(bad)).toThrow(/Weight array 4 \(W3\) holds NaN at index 1/);
    expect(trainer.getWeights()).toEqual(before);
    void trainer.close();
  });
});

function withValue(a: ArrayLike<number>, at: number, value: number): Float64Array {
  const out = Float64Array.from(a);
  out[at] = value;
  return out;
}

// Under `pnpm --filter @hnn/kernels test:sanitize` (scripts/test-sanitize.mjs): the tests must run
// the sanitizer build, not the committed prebuild.
describe.runIf(process.env.HNN_NATIVE_ADDON_DIR !== undefined)('the sanitizer run', () => {
  it('loads the native addon from HNN_NATIVE_ADDON_DIR', () => {
    const selected = selectEngine('native');
    if (!('engine' in selected)) throw new Error(selected.error);
    const { addonPath } = selected.engine.create(64).workerData as { addonPath: string };
    expect(addonPath.startsWith(process.env.HNN_NATIVE_ADDON_DIR ?? '')).toBe(true);
  });
});

describe('the typed errors', () => {
  it('FusedKernelError is a FusedPathError with a code', () => {
    const e = new FusedKernelError('KERNEL_BAD_INDEX', 'x');
    expect(e).toBeInstanceOf(FusedPathError);
    expect(e).toBeInstanceOf(HnnKernelsError);
    expect(e.code).toBe('KERNEL_BAD_INDEX');
    expect(e.name).toBe('FusedKernelError');
  });
});
