import * as tf from '@tensorflow/tfjs-core';
import { RandomState } from '@hnn/random';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../adam.js';
import { initBackend } from '../backend.js';
import { createBaseline, type MlpBaselineModel } from '../baseline.js';
import type { DynamicsModel } from '../dynamics-model.js';
import { float64DirectField, float64HamiltonianField } from '../float64.js';
import { createHnn, type MlpHnnModel } from '../hnn.js';
import { mseLoss } from '../loss.js';
import {
  finiteDifferenceGradients,
  randomBatch,
  relativeError,
  tfjsGradients,
} from '../test-utils/finite-difference.js';
import { train } from '../train.js';
import { fastPathAvailable } from './fast-path.js';
import { overrideEnginesForTesting, selectEngine } from '@hnn/kernels';
import type { EngineChoice } from '@hnn/kernels';
import { FusedTrainer } from './fused-trainer.js';
import { springData } from '../test-utils/spring-data.js';

// Both the fused kernel and TensorFlow.js compute in float32, whose rounding leaves relative errors
// of a few 1e-7 in a gradient (measured 1e-7..4e-7 for both against float64 central differences,
// which are accurate to ~1e-9 with h = 1e-6). 1e-5 leaves a wide margin yet is far below any real
// mistake (a missing term of the second-order gradient is an O(1) error).
const GRADIENT_TOLERANCE = 1e-5;

beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(() => {
  overrideEnginesForTesting(undefined);
});

// Every engine that loads here is checked; WebAssembly loads wherever Node 20 runs, the native
// addon on linux-x64 with AVX2 (this machine: AVX-512).
const ENGINES = (['wasm', 'native'] as const).filter((e) => 'engine' in selectEngine(e));

type Kind = 'hnn' | 'baseline';
type MlpModel = MlpHnnModel | MlpBaselineModel;

function makeModel(kind: Kind, inputDim: number, hiddenDim: number, seed = 3): MlpModel {
  const model =
    kind === 'hnn'
      ? createHnn({ inputDim, hiddenDim, seed })
      : createBaseline({ inputDim, hiddenDim, seed });
  // Non-zero biases so that the bias paths are exercised.
  const w = model.getWeights();
  w.forEach((a, i) => {
    if (i % 2 === 1) a.forEach((_, k) => (a[k] = 0.1 * Math.sin(3 * k + i)));
  });
  model.setWeights(w);
  return model;
}

function trainerFor(
  model: MlpModel,
  x: Float64Array,
  dx: Float64Array,
  extra: { threads?: 1 | 2; batchRows?: number; weightDecay?: number; engine?: EngineChoice } = {},
): FusedTrainer {
  return new FusedTrainer({
    engine: extra.engine ?? 'auto',
    kind: model.kind,
    inputDim: model.inputDim,
    hiddenDim: model.hiddenDim,
    weights: model.getWeights(),
    x,
    dx,
    batchRows: extra.batchRows ?? x.length / model.inputDim,
    threads: extra.threads ?? 1,
    weightDecay: extra.weightDecay ?? 0,
  });
}

describe.each(ENGINES)('fused gradients (%s)', (engine) => {
  // hidden 20 is padded with zero units inside; 100 rows span several chunks and a padded one.
  for (const kind of ['hnn', 'baseline'] as const) {
    for (const [hidden, rows] of [
      [16, 16],
      [20, 100],
    ] as const) {
      it(`${kind} (hidden ${hidden}, ${rows} rows) match float64 finite differences and tfjs`, () => {
        const model = makeModel(kind, 4, hidden);
        const { x, dx } = randomBatch(rows, 4, 7);
        const fd = finiteDifferenceGradients(
          kind === 'hnn' ? float64HamiltonianField : float64DirectField,
          model.mlp.toFloat64Weights(),
          x,
          dx,
        );
        const viaTfjs = tfjsGradients(model, x, dx);
        const trainer = trainerFor(model, x, dx, { engine });
        expect(trainer.path.startsWith(engine === 'wasm' ? 'wasm' : 'native')).toBe(true);
        const loss = trainer.computeGradients();
        const fused = trainer.gradients();
        expect(fused).toHaveLength(5);
        fused.forEach((g, i) => {
          expect(relativeError(g, fd[i] as Float64Array)).toBeLessThan(GRADIENT_TOLERANCE);
          expect(relativeError(g, viaTfjs[i] as Float32Array)).toBeLessThan(GRADIENT_TOLERANCE);
        });
        const tfLoss = tf.tidy(
          () =>
            mseLoss(
              model.timeDerivative(tf.tensor2d(Float32Array.from(x), [rows, 4])),
              tf.tensor2d(Float32Array.from(dx), [rows, 4]),
            ).dataSync()[0] as number,
        );
        expect(Math.abs(loss - tfLoss) / tfLoss).toBeLessThan(1e-6);
        void trainer.close();
        model.dispose();
      });
    }
  }
});

describe.each(ENGINES)('fused Adam (%s)', (engine) => {
  for (const kind of ['hnn', 'baseline'] as const) {
    it(`${kind}: three steps with weight decay agree with core's Adam on the tfjs path`, () => {
      const model = makeModel(kind, 2, 16);
      const { x, dx } = randomBatch(40, 2, 5);
      const before = model.getWeights();
      const trainer = trainerFor(model, x, dx, { weightDecay: 1e-2, engine });
      const adam = new Adam({ weightDecay: 1e-2 });
      for (let s = 0; s < 3; s++) {
        trainer.step();
        const grads = tfjsGradients(model, x, dx);
        tf.tidy(() =>
          adam.step(
            model.variables,
            grads.map((g, i) => tf.tensor(g, model.variables[i]?.shape)),
          ),
        );
      }
      const fused = trainer.getWeights();
      const viaTfjs = model.getWeights();
      // Compare the updates (3 steps of ~lr each), not the weights, so the check is sharp.
      fused.forEach((w, i) => {
        const b = before[i] as Float32Array;
        const du = w.map((v, k) => v - (b[k] as number));
        const dt = (viaTfjs[i] as Float32Array).map((v, k) => v - (b[k] as number));
        // Measured: updates agree to <= 1e-6, weights to <= 4e-8 (float32 rounding only).
        expect(relativeError(du, dt)).toBeLessThan(1e-5);
        expect(relativeError(w, viaTfjs[i] as Float32Array)).toBeLessThan(1e-6);
      });
      adam.dispose();
      void trainer.close();
      model.dispose();
    });
  }
});

describe.each(ENGINES)('minibatches drawn in the kernel (%s)', (engine) => {
  it('are the first rows of RandomState(seed).permutation(n), step after step', () => {
    for (const [n, batch, seed] of [
      [1000, 200, 0],
      [777, 100, 4294967295],
      [40000, 200, 7],
    ] as const) {
      const { x, dx } = randomBatch(n, 2, 3);
      const model = makeModel('baseline', 2, 8);
      const trainer = new FusedTrainer({
        kind: 'baseline',
        inputDim: 2,
        hiddenDim: 8,
        weights: model.getWeights(),
        x,
        dx,
        batchRows: batch,
        minibatchSeed: seed,
        threads: 1,
        engine,
      });
      const rng = new RandomState(seed);
      for (let s = 0; s < 4; s++) {
        trainer.step();
        expect(trainer.lastBatchIndices()).toEqual(rng.permutation(n).subarray(0, batch));
      }
      void trainer.close();
      model.dispose();
    }
  });
});

describe.each(ENGINES)('threads (%s)', (engine) => {
  it('two threads give bit-identical weights and losses to one thread', async () => {
    const { x, dx } = randomBatch(400, 8, 9);
    const model = makeModel('hnn', 8, 24);
    const run = async (threads: 1 | 2): Promise<{ losses: number[]; weights: Float32Array[] }> => {
      const trainer = trainerFor(model, x, dx, {
        threads,
        batchRows: 200,
        weightDecay: 1e-4,
        engine,
      });
      await trainer.start();
      expect(trainer.threads).toBe(threads);
      expect(trainer.path).toMatch(threads === 2 ? /-2threads$/ : /-1thread$/);
      const losses: number[] = [];
      for (let s = 0; s < 6; s++) {
        const indices = Int32Array.from({ length: 200 }, (_, i) => (i * 7 + s * 13) % 400);
        losses.push(trainer.step(indices));
      }
      const weights = trainer.getWeights();
      await trainer.close();
      expect(trainer.workerRunning).toBe(false);
      return { losses, weights };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.losses).toEqual(one.losses);
    two.weights.forEach((w, i) => expect(w).toEqual(one.weights[i]));
    model.dispose();
  });

  it('terminates its worker on close, so the process can exit', async () => {
    const { x, dx } = randomBatch(200, 2, 1);
    const model = makeModel('baseline', 2, 16);
    const trainer = trainerFor(model, x, dx, { threads: 2, engine });
    await trainer.start();
    expect(trainer.workerRunning).toBe(true);
    trainer.step();
    await trainer.close();
    expect(trainer.workerRunning).toBe(false);
    expect(() => trainer.step()).toThrow(/closed/);
    model.dispose();
  });
});

describe('train() with the fused path', () => {
  const data = springData(120, 0.3);
  const test = springData(50, 0.9);

  for (const [kind, engine] of (['hnn', 'baseline'] as const).flatMap((k) =>
    ENGINES.map((e) => [k, e] as const),
  )) {
    it(`${kind}: loss history and trained weights track the tfjs path (${engine})`, async () => {
      const runs = [];
      for (const fastPath of [engine, 'off'] as const) {
        const model = makeModel(kind, 2, 32, 0);
        const result = await train(model, {
          trainX: data.x,
          trainDx: data.dx,
          testX: test.x,
          testDx: test.dx,
          steps: 200,
          batchSize: 60,
          seed: 1,
          weightDecay: 1e-4,
          learningRate: 3e-3,
          progressEvery: 50,
          fastPath,
        });
        runs.push({ result, weights: model.getWeights() });
        model.dispose();
      }
      const [fused, ref] = runs as [(typeof runs)[number], (typeof runs)[number]];
      expect(fused.result.fastPath.startsWith(engine)).toBe(true);
      expect(ref.result.fastPath).toBe('none');
      expect(ref.result.fastPathReason).toMatch(/disabled by the fastPath option/);
      const f = fused.result.history.map((h) => h.trainLoss);
      const r = ref.result.history.map((h) => h.trainLoss);
      // Measured: losses agree to 1.5e-6 relative over all 201 steps, weights to 4e-7 (float32
      // rounding only, which Adam does not amplify here); the bounds leave ~60x margin.
      f.forEach((v, i) =>
        expect(Math.abs(v - (r[i] as number)) / (r[i] as number)).toBeLessThan(1e-4),
      );
      expect(f.at(-1)).toBeLessThan(0.1 * (f[0] as number));
      const ft = fused.result.finalTestLoss as number;
      const rt = ref.result.finalTestLoss as number;
      expect(Math.abs(ft - rt) / rt).toBeLessThan(1e-4);
      fused.weights.forEach((w, i) =>
        expect(relativeError(w, ref.weights[i] as Float32Array)).toBeLessThan(1e-5),
      );
    });
  }

  it('leaves the trained weights in the model (predict and toFloat64 see them)', async () => {
    const model = makeModel('hnn', 2, 16, 0);
    const result = await train(model, {
      trainX: data.x,
      trainDx: data.dx,
      testX: test.x,
      testDx: test.dx,
      steps: 30,
      progressEvery: 30,
    });
    expect(result.fastPath).not.toBe('none');
    const viaTfjs = tf.tidy(
      () =>
        mseLoss(
          model.timeDerivative(tf.tensor2d(Float32Array.from(test.x), [50, 2])),
          tf.tensor2d(Float32Array.from(test.dx), [50, 2]),
        ).dataSync()[0] as number,
    );
    expect(Math.abs(viaTfjs - (result.finalTestLoss as number)) / viaTfjs).toBeLessThan(1e-5);
    model.dispose();
  });

  it('falls back to TensorFlow.js, saying why, for HNN_FAST_PATH=0, other models and no wasm', async () => {
    const model = makeModel('baseline', 2, 8, 0);
    const opts = { trainX: data.x, trainDx: data.dx, steps: 2 };
    const saved = process.env.HNN_FAST_PATH;
    process.env.HNN_FAST_PATH = '0';
    try {
      const r = await train(model, opts);
      expect(r.fastPath).toBe('none');
      expect(r.fastPathReason).toMatch(/HNN_FAST_PATH/);
    } finally {
      if (saved === undefined) delete process.env.HNN_FAST_PATH;
      else process.env.HNN_FAST_PATH = saved;
    }
    // A hand-made DynamicsModel (here: a wrapper) is never fused.
    const wrapped: DynamicsModel = {
      kind: model.kind,
      inputDim: model.inputDim,
      hiddenDim: model.hiddenDim,
      mlp: model.mlp,
      variables: model.variables,
      timeDerivative: (xx) => model.timeDerivative(xx),
      toFloat64: () => model.toFloat64(),
      getWeights: () => model.getWeights(),
      setWeights: (w) => model.setWeights(w),
      dispose: () => model.dispose(),
    };
    const r2 = await train(wrapped, opts);
    expect(r2.fastPath).toBe('none');
    expect(r2.fastPathReason).toMatch(/createHnn\/createBaseline/);
    overrideEnginesForTesting({ error: 'fused-step.wasm unavailable: simulated' });
    expect(fastPathAvailable()).toBe(false);
    const r3 = await train(model, opts);
    expect(r3.fastPath).toBe('none');
    expect(r3.fastPathReason).toMatch(/simulated/);
    model.dispose();
  });
});
