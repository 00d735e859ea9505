// Bit-identity check for changes to the kernels or their drivers: trains a few hundred fused steps
// (spring-sized HNN and baseline MLPs, full batch and kernel-drawn minibatches; the pixel model,
// both kinds) from fixed seeds on one and two threads and prints a SHA-256 prefix of the final
// weights. Run it before and after a change; the hashes must not move. From the package folder:
//   node --conditions=@hnn/source --import ./scripts/ts-child-loader.mjs scripts/weights-hash.ts
// HASH_ENGINE=wasm|native picks the engine (default auto), HNN_NATIVE_ISA=avx2 the AVX2 build,
// HASH_STEPS the MLP step count (default 300; the pixel model runs a third of it).
import { createHash } from 'node:crypto';
import { RandomState } from '@hnn/random';
import { FusedPixelTrainer, FusedTrainer } from '../src/index.js';

const STEPS = Number(process.env.HASH_STEPS ?? 300);
const engine = (process.env.HASH_ENGINE ?? 'auto') as 'auto' | 'native' | 'wasm';

function hash(weights: readonly Float32Array[]): string {
  const h = createHash('sha256');
  for (const w of weights) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return h.digest('hex').slice(0, 16);
}

function normal(rs: RandomState, n: number, scale: number): Float64Array {
  const a = rs.randnArray(n);
  for (let i = 0; i < n; i++) a[i] = (a[i] as number) * scale;
  return a;
}

for (const kind of ['hnn', 'baseline'] as const) {
  for (const threads of [1, 2]) {
    const rs = new RandomState(7);
    const d = 2;
    const h = 200;
    const nOut = kind === 'hnn' ? 1 : d;
    const n = 750;
    const weights = [
      normal(rs, d * h, 0.5),
      normal(rs, h, 0.1),
      normal(rs, h * h, 0.07),
      normal(rs, h, 0.1),
      normal(rs, h * nOut, 0.07),
    ];
    const x = normal(rs, n * d, 1);
    const dx = normal(rs, n * d, 1);
    const trainer = new FusedTrainer({
      kind,
      inputDim: d,
      hiddenDim: h,
      weights,
      x,
      dx,
      testX: x.subarray(0, 100 * d),
      testDx: dx.subarray(0, 100 * d),
      batchRows: kind === 'hnn' ? 750 : 200,
      minibatchSeed: kind === 'hnn' ? undefined : 3,
      threads,
      engine,
    });
    await trainer.start();
    let loss = 0;
    for (let s = 0; s < STEPS; s++) loss = trainer.step();
    const test = trainer.testLoss();
    console.log(
      `mlp ${kind} threads=${threads} engine=${trainer.path}: weights ${hash(trainer.getWeights())} loss ${loss} test ${test}`,
    );
    await trainer.close();
  }
}

for (const kind of ['hnn', 'baseline'] as const) {
  for (const threads of [1, 2]) {
    const rs = new RandomState(11);
    const D = 2 * 28 * 28;
    const H = 200;
    const L = 2;
    const Hl = 200;
    const nOut = kind === 'hnn' ? 1 : L;
    const shapes: [number, number][] = [
      [D, H],
      [1, H],
      [H, H],
      [1, H],
      [H, H],
      [1, H],
      [H, L],
      [1, L],
      [L, H],
      [1, H],
      [H, H],
      [1, H],
      [H, H],
      [1, H],
      [H, D],
      [1, D],
      [L, Hl],
      [1, Hl],
      [Hl, Hl],
      [1, Hl],
      [Hl, nOut],
    ];
    const weights = shapes.map(([r, c]) => normal(rs, r * c, r === 1 ? 0.01 : 1 / Math.sqrt(r)));
    const nRows = 400;
    const pixels = rs.randArray(nRows * D);
    const next = rs.randArray(nRows * D);
    const trainer = new FusedPixelTrainer({
      kind,
      inputDim: D,
      hiddenDim: H,
      latentDim: L,
      latentHiddenDim: Hl,
      weights,
      batchRows: 200,
      weightDecay: 1e-5,
      threads,
      engine,
    });
    await trainer.start();
    const order = new RandomState(5);
    let loss = 0;
    const pixelSteps = Math.ceil(STEPS / 3);
    for (let s = 0; s < pixelSteps; s++) {
      const idx = order.permutation(nRows).subarray(0, 200);
      loss = trainer.step(pixels, next, idx).total;
    }
    const ev = trainer.evaluate(
      pixels,
      next,
      Int32Array.from({ length: 300 }, (_, i) => i),
    ).total;
    console.log(
      `pixel ${kind} threads=${threads} engine=${trainer.path}: weights ${hash(trainer.getWeights())} loss ${loss} eval ${ev}`,
    );
    await trainer.close();
  }
}
