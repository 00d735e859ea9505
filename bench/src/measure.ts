/**
 * Measures one (task, model) in its own process (forked by main.ts), so that peak resident memory
 * is that pair's. It builds the data once, then times a round of training steps each time main.ts
 * asks (main.ts times PyTorch in between, while this process waits), and on 'finish' runs the
 * TensorFlow.js reference and the rollouts and sends the whole measurement.
 */
import { createPixelModel, trainPixelModel } from '@hnn/autoencoder';
import { createBaseline, createHnn, initBackend, train } from '@hnn/core';
import type { DynamicsModel } from '@hnn/core';
import {
  PIXEL_PENDULUM_CONFIG,
  buildPixelPendulumDataset,
  renderHeldOutPixelTrajectory,
} from '@hnn/datasets/pixel';
import { pixelModelEnergyMetric } from '@hnn/eval';
import type {
  ChildMessage,
  Measurement,
  OurRound,
  ParentMessage,
  StepShape,
} from './measurement.js';
import { timingStats } from './stats.js';
import type { TimingStats } from './stats.js';
import { SkipTask, prepareVectorTask } from './tasks.js';
import type { BenchModel, BenchTaskId } from './tasks.js';
import { stepPlan } from './plan.js';
import type { StepPlan } from './plan.js';

/** Per-step wall times from the trainer's progress callback (every step reports). */
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

/**
 * One (task, model) with its data built: `round()` trains a fresh model for the plan's steps and
 * keeps it; `finish()` measures the rest with the last round's model and releases everything.
 */
interface Session {
  readonly shape: StepShape;
  round(): Promise<OurRound>;
  finish(
    rounds: readonly OurRound[],
  ): Promise<Omit<Measurement, 'msPerStep' | 'stepMs' | 'roundMedianMs'>>;
}

async function vectorSession(
  task: Exclude<BenchTaskId, 'pixel-pendulum'>,
  kind: BenchModel,
  quick: boolean,
): Promise<Session> {
  const t0 = performance.now();
  const prepared = await prepareVectorTask(task, quick);
  const dataGenerationSeconds = (performance.now() - t0) / 1000;
  const { data } = prepared;
  const batch = prepared.batchSize ?? data.train.n;
  const make = (): DynamicsModel =>
    kind === 'hnn'
      ? createHnn({ inputDim: data.dim, seed: 0 })
      : createBaseline({ inputDim: data.dim, seed: 0 });
  const plan = stepPlan(task, quick);

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

  const shape: StepShape = {
    kind: 'mlp',
    dim: data.dim,
    batch,
    pool: prepared.batchSize === undefined ? null : data.train.n,
    weightDecay: prepared.weightDecay,
  };
  const ours = ourRounds<DynamicsModel>(() => run('auto', plan));
  return {
    shape,
    round: ours.round,
    async finish(rounds) {
      const model = ours.last();
      if (model === undefined) throw new Error('finish before any round');
      const lastRound = rounds[rounds.length - 1] as OurRound;
      let tfjsMsPerStep: TimingStats | undefined;
      if (!quick) {
        const ref = await run('off', { warmup: 3, timed: 12 });
        ref.model.dispose();
        tfjsMsPerStep = timingStats(ref.samples);
      }
      const field64 = model.toFloat64();
      const r0 = performance.now();
      prepared.metrics((_t, y, out) => field64.timeDerivative(y, out));
      const rolloutSeconds = (performance.now() - r0) / 1000;
      model.dispose();
      return {
        task,
        model: kind,
        warmupSteps: plan.warmup,
        batch,
        inputDim: data.dim,
        shape,
        fastPath: lastRound.fastPath,
        ...(lastRound.fastPathReason === undefined
          ? {}
          : { fastPathReason: lastRound.fastPathReason }),
        backend: lastRound.backend,
        ...(tfjsMsPerStep === undefined ? {} : { tfjsMsPerStep }),
        rolloutSeconds,
        rolloutNote: `model trained for ${plan.warmup + plan.timed} steps only; solver effort depends on the field`,
        dataGenerationSeconds,
        peakRssMb: peakRssMb(),
      };
    },
  };
}

async function pixelSession(kind: BenchModel, quick: boolean, cacheDir: string): Promise<Session> {
  const config = quick
    ? { ...PIXEL_PENDULUM_CONFIG, trials: 4, seed: 0 }
    : { ...PIXEL_PENDULUM_CONFIG, seed: 0 };
  const t0 = performance.now();
  const data = await buildPixelPendulumDataset(config, { cacheDir });
  const dataGenerationSeconds = (performance.now() - t0) / 1000;
  const plan = stepPlan('pixel-pendulum', quick);
  const batch = Math.min(200, data.train.n);
  const hiddenDim = 200;
  const weightDecay = 1e-5;
  const run = async (fastPath: 'auto' | 'off', p: StepPlan) => {
    const model = createPixelModel({ kind, hiddenDim, seed: 0 });
    const timer = stepTimer(p);
    try {
      const result = await trainPixelModel(
        model,
        { train: data.train },
        {
          steps: p.warmup + p.timed - 1,
          batchSize: batch,
          learningRate: 1e-3,
          weightDecay,
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
  const shape: StepShape = {
    kind: 'pixel',
    inputDim: data.inputDim,
    latentDim: 2,
    hidden: hiddenDim,
    batch,
    pool: data.train.n,
    weightDecay,
  };
  const ours = ourRounds<ReturnType<typeof createPixelModel>>(() => run('auto', plan));
  return {
    shape,
    round: ours.round,
    async finish(rounds) {
      const model = ours.last();
      if (model === undefined) throw new Error('finish before any round');
      const lastRound = rounds[rounds.length - 1] as OurRound;
      try {
        let tfjsMsPerStep: TimingStats | undefined;
        if (!quick && lastRound.fastPath !== 'none') {
          const ref = await run('off', { warmup: 3, timed: 12 });
          ref.model.dispose();
          tfjsMsPerStep = timingStats(ref.samples);
        }
        // The energy metric: encode a held-out trajectory, roll the latent field out, decode.
        const { trajectory } = await renderHeldOutPixelTrajectory(0);
        const r0 = performance.now();
        pixelModelEnergyMetric(model, trajectory, data.train);
        const rolloutSeconds = (performance.now() - r0) / 1000;
        return {
          task: 'pixel-pendulum',
          model: kind,
          warmupSteps: plan.warmup,
          batch,
          inputDim: data.inputDim,
          shape,
          fastPath: lastRound.fastPath,
          ...(lastRound.fastPathReason === undefined
            ? {}
            : { fastPathReason: lastRound.fastPathReason }),
          backend: lastRound.backend,
          ...(tfjsMsPerStep === undefined ? {} : { tfjsMsPerStep }),
          rolloutSeconds,
          dataGenerationSeconds,
          dataNote: `${data.cache.hit ? 'loaded from the cache' : 'rendered'} by ${data.renderer}`,
          peakRssMb: peakRssMb(),
        };
      } finally {
        model.dispose();
      }
    },
  };
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error('measure.js is run by main.ts (pnpm bench), over an IPC channel'));
      return;
    }
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

async function measureMain(): Promise<void> {
  const [task, model, mode, cacheDir] = process.argv.slice(2) as [
    BenchTaskId,
    BenchModel,
    string,
    string,
  ];
  const quick = mode === 'quick';
  // The same line on stderr as before @hnn/core became silent by default.
  const stderrLine = (line: string): void => console.error(line);
  await initBackend(undefined, { logger: { info: stderrLine, warn: stderrLine } });
  let session: Session;
  try {
    session =
      task === 'pixel-pendulum'
        ? await pixelSession(model, quick, cacheDir)
        : await vectorSession(task, model, quick);
  } catch (error) {
    if (!(error instanceof SkipTask)) throw error;
    await send({ type: 'skipped', skipped: { task, model, skipped: error.message } });
    process.disconnect();
    return;
  }
  const rounds: OurRound[] = [];
  // One message at a time: main.ts waits for each answer before it sends the next request.
  const queue: ParentMessage[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (m: ParentMessage) => {
    queue.push(m);
    wake?.();
  });
  const next = async (): Promise<ParentMessage> => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    return queue.shift() as ParentMessage;
  };
  await send({ type: 'ready', shape: session.shape });
  for (;;) {
    const m = await next();
    if (m.type === 'round') {
      const round = await session.round();
      rounds.push(round);
      await send({ type: 'round', round });
      continue;
    }
    const all = rounds.flatMap((r) => r.samples);
    const rest = await session.finish(rounds);
    const result: Measurement = {
      ...rest,
      msPerStep: timingStats(all).median,
      stepMs: timingStats(all),
      roundMedianMs: rounds.map((r) => timingStats(r.samples).median),
    };
    await send({ type: 'result', result });
    process.disconnect();
    return;
  }
}

await measureMain();

/**
 * A session's rounds of our steps: each round trains a fresh model (timed), keeps the newest one
 * for finish() and disposes the one before.
 */
function ourRounds<M extends { dispose(): void }>(
  run: () => Promise<{
    model: M;
    samples: number[];
    result: { fastPath: string; fastPathReason?: string; backend: string };
  }>,
): { round: () => Promise<OurRound>; last: () => M | undefined } {
  let last: M | undefined;
  return {
    async round() {
      const r = await run();
      last?.dispose();
      last = r.model;
      return {
        samples: r.samples,
        fastPath: r.result.fastPath,
        ...(r.result.fastPathReason === undefined
          ? {}
          : { fastPathReason: r.result.fastPathReason }),
        backend: r.result.backend,
      };
    },
    last: () => last,
  };
}
