/**
 * Run by relaxed-simd.test.ts in a child `node --experimental-wasm-relaxed-simd` (Node 20's V8
 * validates relaxed SIMD only behind that flag):
 *   node --experimental-wasm-relaxed-simd --conditions=@hnn/source \
 *     --import ./scripts/ts-child-loader.mjs src/test-utils/relaxed-child.ts
 * Prints one JSON object: whether relaxed SIMD validated, and per model kind the relative errors
 * of the relaxed-SIMD build's gradients against the SIMD128 build's (spring size) and against
 * float64 central finite differences (a small model), for both builds, plus one-vs-two-thread
 * agreement of the relaxed build.
 */
import process from 'node:process';
import { relativeError } from '@hnn/test-utils';
import { prepareEngine } from '../engines.js';
import type { EngineChoice } from '../engines.js';
import { hasRelaxedSimd } from '../fused-module.js';
import { FusedTrainer } from '../fused-trainer.js';

type Kind = 'hnn' | 'baseline';

/** Deterministic values in (-scale, scale) (a sine sequence: no generator needed). */
function values(n: number, scale: number, phase: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => scale * Math.sin(0.731 * i + phase));
}

function model(kind: Kind, d: number, h: number, n: number) {
  const nOut = kind === 'hnn' ? 1 : d;
  const weights = [
    values(d * h, 1 / Math.sqrt(d), 0.1),
    values(h, 0.1, 0.2),
    values(h * h, 1 / Math.sqrt(h), 0.3),
    values(h, 0.1, 0.4),
    values(h * nOut, 1 / Math.sqrt(h), 0.5),
  ];
  return { weights, x: values(n * d, 1, 0.6), dx: values(n * d, 1, 0.7) };
}

function trainer(kind: Kind, d: number, h: number, n: number, engine: EngineChoice, threads = 1) {
  const m = model(kind, d, h, n);
  // The kernel trains float32 weights: round them, so that float64 differences start there.
  const weights = m.weights.map((w) => Float64Array.from(Float32Array.from(w)));
  return {
    x: m.x,
    dx: m.dx,
    weights,
    trainer: new FusedTrainer({
      kind,
      inputDim: d,
      hiddenDim: h,
      weights,
      x: m.x,
      dx: m.dx,
      batchRows: n,
      threads,
      engine,
    }),
  };
}

/** The loss in float64: mean over rows and dimensions of (field(x) - dx)², as the kernel defines it. */
function float64Loss(
  kind: Kind,
  w: readonly Float64Array[],
  x: Float64Array,
  dx: Float64Array,
  d: number,
  h: number,
): number {
  const [w1, b1, w2, b2, w3] = w as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const n = x.length / d;
  const a1 = new Float64Array(h);
  const a2 = new Float64Array(h);
  const g2 = new Float64Array(h);
  const g1 = new Float64Array(h);
  const field = new Float64Array(d);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < h; k++) {
      let z = b1[k] as number;
      for (let i = 0; i < d; i++) z += (x[r * d + i] as number) * (w1[i * h + k] as number);
      a1[k] = Math.tanh(z);
    }
    for (let l = 0; l < h; l++) {
      let z = b2[l] as number;
      for (let k = 0; k < h; k++) z += (a1[k] as number) * (w2[k * h + l] as number);
      a2[l] = Math.tanh(z);
    }
    if (kind === 'baseline') {
      for (let o = 0; o < d; o++) {
        let s = 0;
        for (let l = 0; l < h; l++) s += (a2[l] as number) * (w3[l * d + o] as number);
        field[o] = s;
      }
    } else {
      // dH/dx by backpropagation, then dq/dt = dH/dp, dp/dt = -dH/dq.
      for (let l = 0; l < h; l++) g2[l] = (w3[l] as number) * (1 - (a2[l] as number) ** 2);
      for (let k = 0; k < h; k++) {
        let s = 0;
        for (let l = 0; l < h; l++) s += (w2[k * h + l] as number) * (g2[l] as number);
        g1[k] = s * (1 - (a1[k] as number) ** 2);
      }
      const half = d / 2;
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let k = 0; k < h; k++) s += (w1[i * h + k] as number) * (g1[k] as number);
        if (i < half) field[half + i] = -s;
        else field[i - half] = s;
      }
    }
    for (let i = 0; i < d; i++) sum += ((field[i] as number) - (dx[r * d + i] as number)) ** 2;
  }
  return sum / x.length;
}

const out: Record<string, unknown> = { relaxed: hasRelaxedSimd() };
for (const engine of ['wasm-relaxed-simd', 'wasm-simd'] as const) {
  const prepared = await prepareEngine(engine);
  out[engine] = 'engine' in prepared ? prepared.engine.name : prepared.error;
}

for (const kind of ['hnn', 'baseline'] as const) {
  const result: Record<string, unknown> = {};
  // Spring size: the relaxed build against SIMD128, gradients and the loss after 30 steps.
  const d = 2;
  const big = (engine: EngineChoice, threads = 1) => trainer(kind, d, 200, 750, engine, threads);
  const relaxed = big('wasm-relaxed-simd');
  const simd = big('wasm-simd');
  result['path'] = relaxed.trainer.path;
  relaxed.trainer.computeGradients();
  simd.trainer.computeGradients();
  const gr = relaxed.trainer.gradients();
  const gs = simd.trainer.gradients();
  result['gradientVsSimd'] = gr.map((g, i) => relativeError(g, gs[i] as Float32Array));
  let lr = 0;
  let ls = 0;
  for (let s = 0; s < 30; s++) {
    lr = relaxed.trainer.step();
    ls = simd.trainer.step();
  }
  result['lossAfter30'] = { relaxed: lr, simd: ls };
  // Two threads give the same bits as one (the chunk sum does not depend on the thread count).
  const one = big('wasm-relaxed-simd', 1);
  const two = big('wasm-relaxed-simd', 2);
  await two.trainer.start();
  for (let s = 0; s < 3; s++) {
    one.trainer.step();
    two.trainer.step();
  }
  const w1 = one.trainer.getWeights();
  result['twoThreadsIdentical'] =
    two.trainer.path.endsWith('2threads') &&
    two.trainer
      .getWeights()
      .every((w, i) => w.every((v, k) => Object.is(v, (w1[i] as Float32Array)[k])));
  for (const t of [relaxed, simd, one, two]) await t.trainer.close();

  // A small model against float64 central differences (h = 1e-6), for both builds.
  for (const engine of ['wasm-relaxed-simd', 'wasm-simd'] as const) {
    const small = trainer(kind, d, 24, 60, engine);
    small.trainer.computeGradients();
    const grads = small.trainer.gradients();
    const copies = small.weights.map((w) => Float64Array.from(w));
    const step = 1e-6;
    result[`${engine}VsFiniteDifferences`] = copies.map((w, i) => {
      const fd = new Float64Array(w.length);
      for (let k = 0; k < w.length; k++) {
        const orig = w[k] as number;
        w[k] = orig + step;
        const up = float64Loss(kind, copies, small.x, small.dx, d, 24);
        w[k] = orig - step;
        const down = float64Loss(kind, copies, small.x, small.dx, d, 24);
        w[k] = orig;
        fd[k] = (up - down) / (2 * step);
      }
      return relativeError(grads[i] as Float32Array, fd);
    });
    await small.trainer.close();
  }
  out[kind] = result;
}
process.stdout.write(`${JSON.stringify(out)}\n`);
