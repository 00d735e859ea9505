/**
 * Measures one (task, model) in its own process, so that peak resident memory is that pair's,
 * and prints one JSON line prefixed with RESULT_PREFIX. Run by main.ts.
 */
import { createPixelModel, trainPixelModel } from '@hnn/autoencoder';
import { createBaseline, createHnn, initBackend, train } from '@hnn/core';
import type { DynamicsModel } from '@hnn/core';
import {
  PIXEL_PENDULUM_CONFIG,
  buildPixelPendulumDataset,
  renderHeldOutPixelTrajectory,
} from '@hnn/datasets';
import { pixelModelEnergyMetric } from '@hnn/eval';
import { RESULT_PREFIX } from './measurement.js';
import type { Measurement, Skipped } from './measurement.js';
import { timingStats } from './stats.js';
import type { TimingStats } from './stats.js';
import { SkipTask, prepareVectorTask } from './tasks.js';
import type { BenchModel, BenchTaskId } from './tasks.js';

interface StepPlan {
  readonly warmup: number;
  readonly timed: number;
}

/** Per-step wall times from train()'s progress callback (every step reports). */
function stepTimer(plan: StepPlan): {
  onProgress: (p: { step: number; elapsedMs: number }) => void;
  samples: number[];
} {
  const samples: number[] = [];
  let last = 0;
  return {
    samples,
    onProgress: ({ step, elapsedMs }) => {
      if (step >= plan.warmup) samples.push(elapsedMs - last);
      last = elapsedMs;
    },
  };
}

const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function measureVector(
  task: Exclude<BenchTaskId, 'pixel-pendulum'>,
  kind: BenchModel,
  quick: boolean,
): Promise<Measurement> {
  const t0 = performance.now();
  const prepared = await prepareVectorTask(task, quick);
  const dataGenerationSeconds = (performance.now() - t0) / 1000;
  const { data } = prepared;
  const batch = prepared.batchSize ?? data.train.n;
  const make = (): DynamicsModel =>
    kind === 'hnn'
      ? createHnn({ inputDim: data.dim, seed: 0 })
      : createBaseline({ inputDim: data.dim, seed: 0 });
  const plan: StepPlan = quick ? { warmup: 2, timed: 3 } : { warmup: 30, timed: 200 };

  const run = async (fastPath: 'auto' | 'off', p: StepPlan) => {
    const model = make();
    const timer = stepTimer(p);
    const result = await train(model, {
      trainX: data.train.x,
      trainDx: data.train.dx,
      dim: data.dim,
      steps: p.warmup + p.timed - 1,
      weightDecay: prepared.weightDecay,
      ...(prepared.batchSize === undefined ? {} : { batchSize: prepared.batchSize }),
      seed: 0,
      progressEvery: 1,
      onProgress: timer.onProgress,
      // 'auto' leaves the choice to train() (and env HNN_FAST_PATH).
      ...(fastPath === 'off' ? { fastPath } : {}),
    });
    return { model, result, samples: timer.samples };
  };

  const main = await run('auto', plan);
  const stepMs = timingStats(main.samples);
  let tfjsMsPerStep: TimingStats | undefined;
  if (!quick) {
    const ref = await run('off', { warmup: 3, timed: 12 });
    ref.model.dispose();
    tfjsMsPerStep = timingStats(ref.samples);
  }
  const field64 = main.model.toFloat64();
  const r0 = performance.now();
  prepared.metrics((_t, y, out) => field64.timeDerivative(y, out));
  const rolloutSeconds = (performance.now() - r0) / 1000;
  main.model.dispose();
  return {
    task,
    model: kind,
    msPerStep: stepMs.median,
    stepMs,
    warmupSteps: plan.warmup,
    batch,
    inputDim: data.dim,
    fastPath: main.result.fastPath,
    ...(main.result.fastPathReason === undefined
      ? {}
      : { fastPathReason: main.result.fastPathReason }),
    backend: main.result.backend,
    ...(tfjsMsPerStep === undefined ? {} : { tfjsMsPerStep }),
    rolloutSeconds,
    rolloutNote: `model trained for ${plan.warmup + plan.timed} steps only; solver effort depends on the field`,
    dataGenerationSeconds,
    peakRssMb: peakRssMb(),
  };
}

async function measurePixel(
  kind: BenchModel,
  quick: boolean,
  cacheDir: string,
): Promise<Measurement> {
  const config = quick
    ? { ...PIXEL_PENDULUM_CONFIG, trials: 4, seed: 0 }
    : { ...PIXEL_PENDULUM_CONFIG, seed: 0 };
  const t0 = performance.now();
  const data = await buildPixelPendulumDataset(config, { cacheDir });
  const dataGenerationSeconds = (performance.now() - t0) / 1000;
  // Warm-up covers the fused trainer's first 1-vs-2-thread probe (steps 8..21).
  const plan: StepPlan = quick ? { warmup: 1, timed: 2 } : { warmup: 30, timed: 200 };
  const batch = Math.min(200, data.train.n);
  const run = async (fastPath: 'auto' | 'off', p: StepPlan) => {
    const model = createPixelModel({ kind, hiddenDim: 200, seed: 0 });
    const timer = stepTimer(p);
    try {
      const result = await trainPixelModel(
        model,
        { train: data.train },
        {
          steps: p.warmup + p.timed - 1,
          batchSize: batch,
          learningRate: 1e-3,
          weightDecay: 1e-5,
          seed: 0,
          progressEvery: 1,
          onProgress: timer.onProgress,
          // 'auto' leaves the choice to trainPixelModel (and env HNN_FAST_PATH).
          ...(fastPath === 'off' ? { fastPath } : {}),
        },
      );
      return { model, result, samples: timer.samples };
    } catch (error) {
      model.dispose();
      throw error;
    }
  };
  const main = await run('auto', plan);
  const model = main.model;
  const trained = main.result;
  try {
    let tfjsMsPerStep: TimingStats | undefined;
    if (!quick && trained.fastPath !== 'none') {
      const ref = await run('off', { warmup: 3, timed: 12 });
      ref.model.dispose();
      tfjsMsPerStep = timingStats(ref.samples);
    }
    const stepMs = timingStats(main.samples);
    // The energy metric: encode a held-out trajectory, roll the latent field out, decode.
    const { trajectory } = await renderHeldOutPixelTrajectory(0);
    const r0 = performance.now();
    pixelModelEnergyMetric(model, trajectory, data.train);
    const rolloutSeconds = (performance.now() - r0) / 1000;
    return {
      task: 'pixel-pendulum',
      model: kind,
      msPerStep: stepMs.median,
      stepMs,
      warmupSteps: plan.warmup,
      batch,
      inputDim: data.inputDim,
      fastPath: trained.fastPath,
      ...(trained.fastPathReason === undefined ? {} : { fastPathReason: trained.fastPathReason }),
      backend: trained.backend,
      ...(tfjsMsPerStep === undefined ? {} : { tfjsMsPerStep }),
      rolloutSeconds,
      dataGenerationSeconds,
      dataNote: `${data.cache.hit ? 'loaded from the cache' : 'rendered'} by ${data.renderer}`,
      peakRssMb: peakRssMb(),
    };
  } finally {
    model.dispose();
  }
}

async function measureMain(): Promise<void> {
  const [task, model, mode, cacheDir] = process.argv.slice(2) as [
    BenchTaskId,
    BenchModel,
    string,
    string,
  ];
  const quick = mode === 'quick';
  await initBackend();
  let out: Measurement | Skipped;
  try {
    out =
      task === 'pixel-pendulum'
        ? await measurePixel(model, quick, cacheDir)
        : await measureVector(task, model, quick);
  } catch (error) {
    if (!(error instanceof SkipTask)) throw error;
    out = { task, model, skipped: error.message };
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(out)}\n`);
}

await measureMain();
