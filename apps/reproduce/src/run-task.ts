import { createBaseline, createHnn, predict, train, type DynamicsModel } from '@hnn/core';
import type { Dataset } from '@hnn/datasets';
import {
  PAPER_TABLE1,
  TABLE1_SCALE,
  oscillatorEnergyConfig,
  oscillatorRolloutMetrics,
  squaredErrorStats,
  type ModelResult,
  type Table1Row,
} from '@hnn/eval';
import type { OdeFunction } from '@hnn/integrators';
import { createProgressBar } from './progress.js';
import type { TaskSpec } from './tasks.js';

export interface RunTaskOptions {
  readonly steps: number;
  readonly seed: number;
  /** Name of the TensorFlow.js backend in use, recorded in the row. */
  readonly backend: string;
  readonly log: (line: string) => void;
}

async function trainAndMeasure(
  spec: TaskSpec,
  data: Dataset,
  kind: 'baseline' | 'hnn',
  options: RunTaskOptions,
): Promise<ModelResult> {
  const create = kind === 'hnn' ? createHnn : createBaseline;
  const model: DynamicsModel = create({
    inputDim: data.dim,
    hiddenDim: spec.hiddenDim,
    seed: options.seed,
  });
  try {
    const bar = createProgressBar(`${spec.id} ${kind}`, options.steps + 1);
    let result;
    try {
      result = await train(model, {
        trainX: data.train.x,
        trainDx: data.train.dx,
        dim: data.dim,
        steps: options.steps,
        learningRate: spec.learningRate,
        weightDecay: spec.weightDecay,
        seed: options.seed,
        progressEvery: 10,
        onProgress: (p) => bar.update(p.step + 1, p.trainLoss),
      });
    } finally {
      bar.stop();
    }

    const trainPred = predict(model, data.train.x, data.train.n);
    const testPred = predict(model, data.test.x, data.test.n);
    const field64 = model.toFloat64();
    const field: OdeFunction = (_t, y, out) => field64.timeDerivative(y, out);
    const task = spec.id;
    const metricStart = performance.now();
    const paper = oscillatorRolloutMetrics(
      field,
      spec.system,
      oscillatorEnergyConfig(task, 'paper', options.seed),
    );
    const corrected = oscillatorRolloutMetrics(
      field,
      spec.system,
      oscillatorEnergyConfig(task, 'corrected', options.seed),
    );
    const metricSeconds = (performance.now() - metricStart) / 1000;
    options.log(
      `${spec.id} ${kind}: ${result.seconds.toFixed(1)} s training (${result.msPerStep.toFixed(1)} ms/step), ` +
        `${metricSeconds.toFixed(2)} s rollout metrics`,
    );
    if (!corrected.coordMse) throw new Error('corrected protocol must give a coordinate MSE');
    return {
      trainLoss: squaredErrorStats(trainPred, data.train.dx, data.train.n),
      testLoss: squaredErrorStats(testPred, data.test.dx, data.test.n),
      energyMse: paper.energyMse,
      energyMseCorrected: corrected.energyMse,
      coordMse: corrected.coordMse,
      trainSeconds: result.seconds,
      msPerStep: result.msPerStep,
    };
  } finally {
    model.dispose();
  }
}

/** Trains baseline and HNN for one task and assembles its Table 1 row. */
export async function runTask(spec: TaskSpec, options: RunTaskOptions): Promise<Table1Row> {
  const t0 = performance.now();
  const data = spec.dataset(options.seed);
  options.log(
    `${spec.id}: ${data.train.n} train / ${data.test.n} test points generated in ` +
      `${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
  const baseline = await trainAndMeasure(spec, data, 'baseline', options);
  const hnn = await trainAndMeasure(spec, data, 'hnn', options);
  return {
    task: spec.id,
    scale: TABLE1_SCALE[spec.id],
    steps: options.steps,
    seed: options.seed,
    backend: options.backend,
    generatedAt: new Date().toISOString(),
    settings: {
      learningRate: spec.learningRate,
      weightDecay: spec.weightDecay,
      hiddenDim: spec.hiddenDim,
      iterations: options.steps + 1,
      batch: 'full',
      dataset: data.config,
    },
    baseline,
    hnn,
    paper: PAPER_TABLE1[spec.id] ?? null,
  };
}
