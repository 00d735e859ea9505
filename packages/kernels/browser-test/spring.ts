// The spring HNN of the paper's first task (H = (q² + p²) / 2, MLP 2-200-200-1, full batch of 750
// states, Adam at 1e-3) trained for a few fused steps: the workload of scripts/test-browser.ts,
// run in Chromium by main.ts and in Node by node-run.ts, so that both report the same thing.
import { FusedTrainer, prepareEngine } from '../src/index.js';
import type { EngineChoice } from '../src/index.js';

export interface SpringRun {
  readonly engine: string;
  readonly notes: string | undefined;
  readonly threads: number;
  readonly threadFallbackReason: string | undefined;
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly steps: number;
  /** Median ms per step after warm-up. */
  readonly msPerStep: number;
}

/** A seeded normal sample (xorshift32 + Box-Muller), so every run starts from the same weights. */
function normals(seed: number, n: number, scale: number): Float64Array {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = scale * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}

/** A trainer of the spring HNN on `engine` (prepared), from the same weights every time. */
function springTrainer(threads: 1 | 2, engine: EngineChoice): FusedTrainer {
  const n = 750;
  const d = 2;
  const h = 200;
  // States on circles of radius 0.1..1 (the spring's orbits) and their time derivatives.
  const x = new Float64Array(n * d);
  const dx = new Float64Array(n * d);
  const phase = normals(3, n, Math.PI);
  for (let i = 0; i < n; i++) {
    const r = 0.1 + (0.9 * i) / (n - 1);
    const q = r * Math.cos(phase[i] ?? 0);
    const p = r * Math.sin(phase[i] ?? 0);
    x.set([q, p], d * i);
    dx.set([p, -q], d * i); // dq/dt = dH/dp, dp/dt = -dH/dq
  }
  const weights = [
    normals(5, d * h, 1 / Math.sqrt(d)),
    new Float64Array(h),
    normals(7, h * h, 1 / Math.sqrt(h)),
    new Float64Array(h),
    normals(11, h, 1 / Math.sqrt(h)),
  ];
  return new FusedTrainer({
    kind: 'hnn',
    inputDim: d,
    hiddenDim: h,
    weights,
    x,
    dx,
    batchRows: n,
    threads,
    engine,
  });
}

export async function trainSpring(
  threads: 1 | 2,
  steps: number,
  engine: EngineChoice = 'auto',
): Promise<SpringRun> {
  const prepared = await prepareEngine(engine);
  if ('error' in prepared) throw new Error(prepared.error);
  const trainer = springTrainer(threads, engine);
  try {
    await trainer.start();
    const times: number[] = [];
    let firstLoss = Number.NaN;
    let lastLoss = Number.NaN;
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      lastLoss = trainer.step();
      times.push(performance.now() - t0);
      if (s === 0) firstLoss = lastLoss;
    }
    return {
      engine: trainer.path,
      notes: prepared.notes,
      threads: trainer.threads,
      threadFallbackReason: trainer.threadFallbackReason,
      firstLoss,
      lastLoss,
      steps,
      msPerStep: median(times, 10),
    };
  } finally {
    await trainer.close();
  }
}

/** Median of step times after the first `warm` (warm-up) steps. */
function median(times: readonly number[], warm: number): number {
  const sorted = times.slice(Math.min(warm, times.length >> 1)).sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

/**
 * Median ms per step of one-thread trainers on each engine, their steps interleaved (one step on
 * each in turn), so that a changing load on a shared machine hits all of them alike.
 */
export async function compareEngines(
  engines: readonly EngineChoice[],
  steps: number,
): Promise<{ readonly engine: string; readonly msPerStep: number }[]> {
  const trainers: FusedTrainer[] = [];
  for (const engine of engines) {
    const prepared = await prepareEngine(engine);
    if ('error' in prepared) throw new Error(prepared.error);
    trainers.push(springTrainer(1, engine));
  }
  const times = trainers.map((): number[] => []);
  for (let s = 0; s < steps; s++) {
    trainers.forEach((trainer, i) => {
      const t0 = performance.now();
      trainer.step();
      times[i]?.push(performance.now() - t0);
    });
  }
  const out = trainers.map((trainer, i) => ({
    engine: trainer.path,
    msPerStep: median(times[i] ?? [], 10),
  }));
  for (const trainer of trainers) await trainer.close();
  return out;
}
