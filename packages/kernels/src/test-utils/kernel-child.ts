/**
 * Run in a child process (see kernel-boundary.test.ts) so that a crash of the fused kernel shows
 * as the child's signal or exit code instead of killing the test runner. Usage:
 *   node --conditions=@hnn/source --import ./scripts/ts-child-loader.mjs \
 *     src/test-utils/kernel-child.ts <case> <engine>
 * Prints one JSON line per call ({ value } or { error, code, message }) and exits 0.
 */
import process from 'node:process';
import { selectEngine } from '../engines.js';
import type { EngineChoice, EngineInstance } from '../engines.js';
import { FusedTrainer } from '../fused-trainer.js';
import { FusedPixelTrainer } from '../fused-pixel-trainer.js';
import { pixelWeightShapes } from './pixel-weight-shapes.js';

const [caseName, engineArg] = process.argv.slice(2);
const engine = (engineArg ?? 'wasm') as EngineChoice;

function report(label: string, run: () => unknown): void {
  let line: Record<string, unknown>;
  try {
    const value = run();
    line = { label, value: typeof value === 'number' ? value : String(value) };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    line = { label, error: e.name, code: e.code, message: e.message };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function mlpWeights(d: number, h: number, nOut: number): Float32Array[] {
  const fill = (n: number, s: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => s * Math.sin(i + 1));
  return [fill(d * h, 0.3), fill(h, 0.1), fill(h * h, 0.1), fill(h, 0.1), fill(h * nOut, 0.3)];
}

function rows(n: number, d: number, phase: number): Float32Array {
  return Float32Array.from({ length: n * d }, (_, i) => Math.sin(0.37 * i + phase));
}

const cases: Record<string, () => void> = {
  // FusedTrainer.computeGradients with indices far outside the 200 rows (issue 15: a segfault).
  indices() {
    const trainer = new FusedTrainer({
      kind: 'hnn',
      inputDim: 2,
      hiddenDim: 16,
      weights: mlpWeights(2, 16, 1),
      x: rows(200, 2, 0),
      dx: rows(200, 2, 1),
      batchRows: 4,
      threads: 1,
      engine,
    });
    for (const bad of [100000000, 1e9, -1e9]) {
      report(`index ${bad}`, () => trainer.computeGradients([0, 1, 2, bad]));
    }
  },
  // A region past 2 GiB (hidden 2048; 9,000 rows: 1,800 training rows in minibatches of 48 and
  // 7,200 test rows, whose evaluation chunks size the gradient buffer): `hnn train --hidden 2048`
  // on 9,000 rows crashed with exit 139 when offsets past 2 GiB went negative.
  'big-region'() {
    const h = 2048;
    const trainer = new FusedTrainer({
      kind: 'hnn',
      inputDim: 2,
      hiddenDim: h,
      weights: mlpWeights(2, h, 1).map((w) => w.map((v) => v / 40)),
      x: rows(1800, 2, 0),
      dx: rows(1800, 2, 1),
      testX: rows(7200, 2, 2),
      testDx: rows(7200, 2, 3),
      batchRows: 48,
      minibatchSeed: 0,
      threads: 1,
      engine,
    });
    report('regionBytes', () => trainer.regionBytes);
    report('step', () => trainer.step());
    report('step', () => trainer.step());
  },
  // The raw entry points on a region whose context block is zeros or nonsense.
  raw() {
    const selected = selectEngine(engine);
    if ('error' in selected) throw new Error(selected.error);
    const region: EngineInstance = selected.engine.create(1 << 16);
    const i32 = new Int32Array(region.buffer);
    const at = Math.ceil(selected.engine.heapBase / 64) * 64;
    report('ctx past the end', () => region.workChunks(1 << 20, 0));
    report('ctx negative', () => region.transposeW2(-64));
    report('ctx not an integer', () => region.permute(at + 0.5));
    // A consistent MLP context (HNN, d 2, hp 32, 8-row chunks, 200 data rows) whose buffers all
    // lie far outside the 64 KiB region.
    const far = 1 << 30;
    i32.set(
      [0, 2, 32, 1, 32 * 37, 4, 8, 1, 0, 1, far, far, 0, far, far, far, far, far, far],
      at / 4,
    );
    i32.set([far, 4096], at / 4 + 19);
    i32.set([at, far, far, 10, 200], at / 4 + 30);
    report('buffers outside', () => region.workChunks(at, 0));
    report('reduce outside', () => region.reduceAdam(at, 0, 1));
    report('thread id', () => region.workChunks(at, 1 << 30));
    report('slices', () => region.reduceAdam(at, 5, 2));
    report('rng outside', () => region.rngSeed(at, 1));
    report('pixel layout overflow', () =>
      selected.engine.pixelLayout(0, 2, 1 << 20, 1 << 20, 2, 32, 4),
    );
  },
  // FusedPixelTrainer with the same kind of indices.
  'pixel-indices'() {
    const D = 12;
    const sizes = { kind: 'hnn', inputDim: D, hiddenDim: 8, latentDim: 2, latentHiddenDim: 8 };
    const weights = pixelWeights(D, 8, 2, 8);
    const trainer = new FusedPixelTrainer({
      ...sizes,
      kind: 'hnn',
      weights,
      batchRows: 4,
      threads: 1,
      engine,
    });
    const px = Float64Array.from(rows(50, D, 0));
    const next = Float64Array.from(rows(50, D, 1));
    for (const bad of [1e8, -1e9, 50]) {
      report(`pixel index ${bad}`, () => trainer.computeGradients(px, next, [0, 1, 2, bad]).total);
    }
  },
};

function pixelWeights(D: number, H: number, L: number, Hl: number): Float32Array[] {
  const shapes = pixelWeightShapes(D, H, L, Hl, 1);
  return shapes.map(([r, c], s) =>
    Float32Array.from({ length: r * c }, (_, i) => 0.2 * Math.sin(i + 3 * s + 1)),
  );
}

const run = caseName === undefined ? undefined : cases[caseName];
if (run === undefined) {
  process.stderr.write(
    `unknown case ${String(caseName)}; one of ${Object.keys(cases).join(', ')}\n`,
  );
  process.exit(2);
}
run();
