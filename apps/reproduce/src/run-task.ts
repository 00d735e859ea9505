import {
  createBaseline,
  createHnn,
  predict,
  train,
  type BiasInit,
  type DynamicsModel,
  type Float64Dynamics,
} from '@hnn/core';
import {
  PAPER_TABLE1,
  TABLE1_SCALE,
  squaredErrorStats,
  type ModelResult,
  type Table1Row,
} from '@hnn/eval';
import type { OdeFunction } from '@hnn/integrators';
import type { VectorFieldArtifacts } from './figures/artifacts.js';
import { createProgressBar } from './progress.js';
import type { PreparedTask, TaskSpec } from './tasks.js';

export interface RunTaskOptions {
  readonly steps: number;
  readonly seed: number;
  /** Name of the TensorFlow.js backend in use, recorded in the row. */
  readonly backend: string;
  /** How the models' biases start (default 'torch', as the reference). */
  readonly biasInit?: BiasInit;
  readonly log: (line: string) => void;
  /**
   * Called once both models are trained and measured, with float64 snapshots of them (for the
   * figures); awaited before the row is returned.
   */
  readonly onTrained?: (artifacts: VectorFieldArtifacts) => Promise<void>;
}

async function trainAndMeasure(
  spec: TaskSpec,
  prepared: PreparedTask,
  kind: 'baseline' | 'hnn',
  options: RunTaskOptions,
): Promise<{ result: ModelResult; float64: Float64Dynamics }> {
  const { data } = prepared;
  const create = kind === 'hnn' ? createHnn : createBaseline;
  const model: DynamicsModel = create({
    inputDim: data.dim,
    hiddenDim: spec.hiddenDim,
    seed: options.seed,
    ...(options.biasInit === undefined ? {} : { biasInit: options.biasInit }),
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
        ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
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
    const metricStart = performance.now();
    const metrics = prepared.metrics(field);
    const metricSeconds = (performance.now() - metricStart) / 1000;
    options.log(
      `${spec.id} ${kind}: ${result.seconds.toFixed(1)} s training (${result.msPerStep.toFixed(1)} ms/step, ${result.fastPath}), ` +
        `${metricSeconds.toFixed(2)} s rollout metrics`,
    );
    const rev = metrics.reversibility;
    options.log(
      `${spec.id} ${kind}: forward ${rev.T.toPrecision(3)} then back returns within ` +
        `${rev.error.mean.toExponential(2)} on average (${rev.starts} starts` +
        `${rev.failed > 0 ? `, ${rev.failed} blew up` : ''})`,
    );
    return {
      float64: field64,
      result: {
        trainLoss: squaredErrorStats(trainPred, data.train.dx, data.train.n),
        testLoss: squaredErrorStats(testPred, data.test.dx, data.test.n),
        ...metrics,
        trainSeconds: result.seconds,
        msPerStep: result.msPerStep,
        fastPath: result.fastPath,
      },
    };
  } finally {
    model.dispose();
  }
}

/** Trains baseline and HNN for one prepared task and assembles its Table 1 row. */
export async function runTask(
  spec: TaskSpec,
  prepared: PreparedTask,
  options: RunTaskOptions,
): Promise<Table1Row> {
  const { data } = prepared;
  options.log(
    `${spec.id}: ${data.train.n} train / ${data.test.n} test points ` +
      `${prepared.cacheHit ? 'loaded from cache' : 'ready'} in ${prepared.generationSeconds.toFixed(2)} s`,
  );
  const baseline = await trainAndMeasure(spec, prepared, 'baseline', options);
  const hnn = await trainAndMeasure(spec, prepared, 'hnn', options);
  await options.onTrained?.({
    task: spec.id,
    data,
    seed: options.seed,
    baseline: baseline.float64,
    hnn: hnn.float64,
  });
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
      biasInit: options.biasInit ?? 'torch',
      iterations: options.steps + 1,
      batch: spec.batchSize ?? 'full',
      dataGenerationSeconds: prepared.generationSeconds,
      dataset: data.config,
    },
    baseline: baseline.result,
    hnn: hnn.result,
    paper: PAPER_TABLE1[spec.id] ?? null,
  };
}
