import { join } from 'node:path';
import {
  createPixelModel,
  evaluatePixelLosses,
  trainPixelModel,
  type BiasInit,
  type PixelModel,
} from '@hnn/autoencoder';
import {
  PIXEL_PENDULUM_CONFIG,
  HELD_OUT_FRAMES,
  buildPixelPendulumDataset,
  renderHeldOutPixelTrajectory,
  type CanvasBackendPreference,
  type PixelPendulumDataset,
  type PixelTrajectory,
} from '@hnn/datasets/pixel';
import {
  PAPER_TABLE1,
  TABLE1_ENERGY_SCALE,
  TABLE1_SCALE,
  pixelModelEnergyMetric,
  reversibilityMetric,
  type ModelResult,
  type PixelEnergyResult,
  type Table1Row,
} from '@hnn/eval';
import type { PixelArtifacts } from './figures/artifacts.js';
import { tileGrid, writeGreyPng } from './images.js';
import { createProgressBar } from './progress.js';

/** Task 5 settings: paper Section 5 and experiment-pixels/train.py. */
export const PIXEL_TASK = {
  steps: 10000,
  batchSize: 200,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  hiddenDim: 200,
  /** Frames of the held-out trajectory; pairing uses 3, leaving 200 samples. */
  heldOutFrames: HELD_OUT_FRAMES,
} as const;

export interface PixelTaskOptions {
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  /** Frame cache; null runs without one. */
  readonly cacheDir: string | null;
  /** Where the PNGs go (a `pixel-pendulum` folder is made inside). */
  readonly outDir: string;
  readonly log: (line: string) => void;
  /** Which canvas library draws the frames (default 'auto': node-canvas, else @napi-rs/canvas). */
  readonly renderer?: CanvasBackendPreference;
  /** How the models' biases start (default 'torch', as the reference). */
  readonly biasInit?: BiasInit;
  /** Called with both trained models (still live) and their rollouts, before they are disposed. */
  readonly onTrained?: (artifacts: PixelArtifacts) => Promise<void>;
}

const SIDE = PIXEL_PENDULUM_CONFIG.side;
const FRAME = SIDE * SIDE;

/** The earlier of the two frames of sample `i` of a pixel-pair array. */
const firstFrame = (pairs: Float32Array, i: number) =>
  pairs.subarray(i * 2 * FRAME, i * 2 * FRAME + FRAME);

async function trainAndMeasure(
  kind: 'baseline' | 'hnn',
  data: PixelPendulumDataset,
  trajectory: PixelTrajectory,
  options: PixelTaskOptions,
): Promise<{ result: ModelResult; model: PixelModel; energy: PixelEnergyResult }> {
  const model = createPixelModel({
    kind,
    hiddenDim: PIXEL_TASK.hiddenDim,
    seed: options.seed,
    ...(options.biasInit === undefined ? {} : { biasInit: options.biasInit }),
  });
  const bar = createProgressBar(`pixel-pendulum ${kind}`, options.steps + 1);
  let trained;
  try {
    trained = await trainPixelModel(
      model,
      { train: data.train },
      {
        steps: options.steps,
        batchSize: PIXEL_TASK.batchSize,
        learningRate: PIXEL_TASK.learningRate,
        weightDecay: PIXEL_TASK.weightDecay,
        seed: options.seed,
        progressEvery: 10,
        onProgress: (p) => bar.update(p.step + 1, p.train.total),
      },
    );
  } finally {
    bar.stop();
  }
  const t0 = performance.now();
  const trainLoss = evaluatePixelLosses(model, data.train).total;
  const testLoss = evaluatePixelLosses(model, data.test).total;
  const energy = pixelModelEnergyMetric(model, trajectory, data.train);
  const latents = energy.trajectoryLatents;
  // Round trips in latent space from five held-out encodings (40 frames apart) over the energy
  // metric's horizon.
  const field = model.latentField64();
  const reversibility = reversibilityMetric(
    (_t, y, out) => field(y, out),
    [0, 40, 80, 120, 160].map((k) => latents.slice(2 * k, 2 * k + 2)),
    energy.times[energy.times.length - 1]!,
  );
  options.log(
    `pixel-pendulum ${kind}: ${trained.seconds.toFixed(1)} s training (${trained.msPerStep.toFixed(1)} ms/step, ${trained.fastPath}), ` +
      `${((performance.now() - t0) / 1000).toFixed(2)} s losses and energy metric`,
  );
  options.log(
    `pixel-pendulum ${kind}: forward ${reversibility.T.toPrecision(3)} then back returns within ` +
      `${reversibility.error.mean.toExponential(2)} on average in latent space`,
  );
  return {
    model,
    energy,
    result: {
      trainLoss,
      testLoss,
      energyMse: energy.energyMse,
      energyMseCorrected: null,
      coordMse: energy.coordMse,
      trainSeconds: trained.seconds,
      msPerStep: trained.msPerStep,
      fastPath: trained.fastPath,
      reversibility,
    },
  };
}

/** Sample inputs, each model's reconstructions, and predicted frames along the held-out rollout. */
async function writeFigures(
  dir: string,
  data: PixelPendulumDataset,
  trajectory: PixelTrajectory,
  models: { kind: 'baseline' | 'hnn'; model: PixelModel; energy: PixelEnergyResult }[],
): Promise<string[]> {
  const written: string[] = [];
  const samples = [0, 13, 26, 39, 52, 65, 78, 91];
  const inputs = data.test.pixels;
  // Row 1: the earlier frame of each sample; row 2: the later one.
  const pairTiles = [
    ...samples.map((i) => firstFrame(inputs, i)),
    ...samples.map((i) => inputs.subarray(i * 2 * FRAME + FRAME, (i + 1) * 2 * FRAME)),
  ];
  const path = (name: string) => join(dir, name);
  await writeGreyPng(path('inputs.png'), tileGrid(pairTiles, SIDE, samples.length));
  written.push(path('inputs.png'));

  const strip = Array.from({ length: 12 }, (_, k) => Math.min(k * 16, trajectory.n - 1));
  const rows: Float32Array[] = strip.map((i) => firstFrame(trajectory.pixels, i));
  for (const { kind, model, energy } of models) {
    const chosen = Float32Array.from(
      samples.flatMap((i) => Array.from(inputs.subarray(i * 2 * FRAME, (i + 1) * 2 * FRAME))),
    );
    const recon = model.decodeBatch(model.encodeBatch(chosen, samples.length), samples.length);
    // Row 1: inputs; row 2: their reconstructions (earlier frame of each pair).
    const reconTiles = [
      ...samples.map((_, k) => firstFrame(chosen, k)),
      ...samples.map((_, k) => firstFrame(recon, k)),
    ];
    await writeGreyPng(
      path(`reconstructions-${kind}.png`),
      tileGrid(reconTiles, SIDE, samples.length),
    );
    written.push(path(`reconstructions-${kind}.png`));
    const z = Float64Array.from(
      strip.flatMap((i) => [energy.latentPath[2 * i]!, energy.latentPath[2 * i + 1]!]),
    );
    const decoded = model.decodeBatch(z, strip.length);
    rows.push(...strip.map((_, k) => firstFrame(decoded, k)));
  }
  // Rows: truth, then each model's decoded latent rollout, every 16th frame.
  await writeGreyPng(path('rollout.png'), tileGrid(rows, SIDE, strip.length));
  written.push(path('rollout.png'));
  return written;
}

/** Table 1 row 5: renders (or loads) the dataset, trains both models, measures, writes PNGs. */
export async function runPixelTask(options: PixelTaskOptions): Promise<Table1Row> {
  const config = { ...PIXEL_PENDULUM_CONFIG, seed: options.seed };
  const frames = config.trials * config.timesteps;
  const renderBar = createProgressBar('pixel-pendulum frames', frames);
  let data;
  try {
    data = await buildPixelPendulumDataset(config, {
      cacheDir: options.cacheDir,
      backend: options.renderer ?? 'auto',
      onProgress: (done) => renderBar.update(done),
    });
  } finally {
    renderBar.stop();
  }
  options.log(
    `pixel-pendulum: ${data.train.n} train / ${data.test.n} test pairs drawn by ${data.renderer}, ` +
      `${data.cache.hit ? 'loaded from cache' : 'rendered'} in ${data.timing.totalSeconds.toFixed(1)} s`,
  );
  for (const note of data.notes) options.log(`pixel-pendulum: ${note}`);
  const { start, trajectory } = await renderHeldOutPixelTrajectory(options.seed, {
    backend: options.renderer ?? 'auto',
  });

  const trained = [];
  try {
    for (const kind of ['baseline', 'hnn'] as const) {
      trained.push({ kind, ...(await trainAndMeasure(kind, data, trajectory, options)) });
    }
    const dir = join(options.outDir, 'pixel-pendulum');
    const written = await writeFigures(dir, data, trajectory, trained);
    options.log(`pixel-pendulum: wrote ${written.length} PNGs to ${dir}`);
    await options.onTrained?.({ data, trajectory, models: trained });
  } finally {
    for (const t of trained) t.model.dispose();
  }
  const [baseline, hnn] = trained;
  if (!baseline || !hnn) throw new Error('both pixel models must have trained');
  return {
    task: 'pixel-pendulum',
    scale: TABLE1_SCALE['pixel-pendulum'],
    energyScale: TABLE1_ENERGY_SCALE['pixel-pendulum'],
    steps: options.steps,
    seed: options.seed,
    backend: options.backend,
    generatedAt: new Date().toISOString(),
    settings: {
      ...PIXEL_TASK,
      iterations: options.steps + 1,
      renderer: data.renderer,
      biasInit: options.biasInit ?? 'torch',
      dataGenerationSeconds: data.timing.totalSeconds,
      dataset: data.config,
      heldOutStart: start,
      loss: 'total per-sample loss (pixel L2 + canonical + 0.1 x latent dynamics), as train.py prints',
    },
    baseline: baseline.result,
    hnn: hnn.result,
    paper: PAPER_TABLE1['pixel-pendulum'] ?? null,
  };
}
