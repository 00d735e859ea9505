import {
  createBaseline,
  createDhnn,
  createHnn,
  initBackend,
  train,
  TrainingDivergedError,
} from '@hnn/core';
import type {
  BackendPreference,
  DhnnModel,
  MlpBaselineModel,
  MlpHnnModel,
  TrainProgress,
  TrainResult,
} from '@hnn/core';
import { parseChoice, parseFlags, parseInteger, parseNumber, required } from './args.js';
import {
  AUTO_CANDIDATES,
  AUTO_CRITERION,
  chooseCandidate,
  componentStd,
  heldOutRolloutError,
} from './auto-normalize.js';
import type { NormalizationCandidate } from './auto-normalize.js';
import type { CliIo } from './cli-io.js';
import { DataFileError, UsageError } from './errors.js';
import { LIMITS } from './limits.js';
import { formatDuration, formatNumber } from './format.js';
import {
  createModelFile,
  KIND_LABELS,
  loadModel,
  MODEL_KINDS,
  serializeModel,
} from './model-io.js';
import type { LoadedModel, ModelFile } from './model-io.js';
import {
  DEFAULT_INPUT_SPREAD,
  fitNormalization,
  NORMALIZATION_METHODS,
  normalizeSamples,
} from './normalization.js';
import type { Normalization } from './normalization.js';
import { splitTrajectories } from './split.js';
import {
  CSV_HEADER_HINT,
  derivativeSource,
  readTrajectoryCsv,
  trajectoryDerivatives,
} from './trajectory-csv.js';
import type { Trajectory, TrajectoryData } from './trajectory-csv.js';
import { OutputFile } from './write-atomic.js';

/** The paper's training settings (Section 4 and the reference code), used as defaults. */
export const TRAIN_DEFAULTS = {
  steps: 2000,
  hidden: 200,
  learningRate: 1e-3,
  weightDecay: 0,
  testSplit: 0.2,
  seed: 0,
} as const;

/** --normalize: auto (default) chooses among AUTO_CANDIDATES; the others train once. */
const NORMALIZE_CHOICES = ['auto', ...NORMALIZATION_METHODS] as const;

/**
 * With --test-split 0, auto holds out this fraction of the training trajectories to choose by,
 * as the default test split does, then trains the chosen setting again on all of them.
 */
const AUTO_SELECTION_SPLIT = 0.2;

const BACKENDS = [
  'auto',
  'tensorflow',
  'wasm',
  'cpu',
] as const satisfies readonly BackendPreference[];

export const TRAIN_USAGE = `Usage: hnn train --data FILE.csv --model hnn|baseline|dhnn --out MODEL.json [options]

Trains a Hamiltonian Neural Network (an MLP H(q, p) whose symplectic gradient
dq/dt = dH/dp, dp/dt = -dH/dq is fitted to the data) or the baseline (the same MLP fitting
dx/dt directly) or a Dissipative HNN (two MLPs, H and a dissipation function D, fitting
J grad H + grad D: for systems that lose energy, e.g. to friction) with Adam on the mean squared
error of dx/dt, then writes the model as JSON.

Data: a CSV with header ${CSV_HEADER_HINT}
  (see 'hnn help csv'). Without dq/dp columns the derivatives are estimated per trajectory by
  second-order finite differences on the t grid (central inside, one-sided at the two ends).

Options:
  --data FILE          training data (required)
  --model KIND         hnn, baseline or dhnn (required)
  --out FILE           model file to write (required; written atomically at the end)
  --steps N            Adam steps; N + 1 iterations run, as the reference (default 2000,
                       at most 1000000)
  --hidden N           width of both hidden layers (default 200, at most 1024)
  --lr X               learning rate (default 1e-3)
  --weight-decay X     Adam L2 weight decay (default 0; the paper used 1e-4 for its toy tasks)
  --batch N            minibatch size, drawn afresh each step (default: full batch)
  --test-split F       fraction of whole trajectories held out as the test set, chosen at
                       random by --seed (default 0.2; 0 = no test set)
  --seed N             seed of the initial weights, the split and the minibatches (default 0;
                       0 to 4294967295)
  --normalize KIND     auto (default): train each of symplectic spread 1, symplectic spread
                       0.5 and none, keep the one whose rollouts of the test trajectories
                       (from their first row) stay closest to the rows (3 trainings; with
                       --test-split 0 a fifth of the trajectories is held out to choose by,
                       then the choice trains again on all: 4). symplectic: centre the states
                       and scale each (q_i, p_i) pair and time so the network sees numbers of
                       a set spread while H stays a Hamiltonian; none: the raw numbers, as
                       the paper. Either one trains once
  --input-spread X     symplectic only (implies it): the normalised states' standard deviation
                       (geometric mean over the components; default ${DEFAULT_INPUT_SPREAD})
  --backend NAME       auto (default), tensorflow, wasm or cpu (TensorFlow.js backend)
  -h, --help           show this help

Progress (step, loss in normalised units, ETA) goes to stderr; the final train and test loss,
as the mean squared error of dx/dt in the data's units, and the engine that ran the steps
(TensorFlow.js backend and fused fast path) to stdout.

Example:
  hnn train --data spring.csv --model hnn --out spring-hnn.json
`;

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Mean squared error of a loaded model's dx/dt over rows, per element, in float64. */
export function float64Loss(model: LoadedModel, x: Float64Array, dx: Float64Array): number {
  const dim = model.dim;
  const out = new Float64Array(dim);
  const state = new Float64Array(dim);
  let sum = 0;
  for (let r = 0; r < x.length / dim; r++) {
    state.set(x.subarray(r * dim, (r + 1) * dim));
    model.timeDerivative(state, out);
    for (let k = 0; k < dim; k++) sum += ((out[k] as number) - (dx[r * dim + k] as number)) ** 2;
  }
  return sum / x.length;
}

export async function runTrain(argv: readonly string[], io: CliIo): Promise<number> {
  const v = parseFlags('train', argv, {
    data: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
    steps: { type: 'string' },
    hidden: { type: 'string' },
    lr: { type: 'string' },
    'weight-decay': { type: 'string' },
    batch: { type: 'string' },
    'test-split': { type: 'string' },
    seed: { type: 'string' },
    normalize: { type: 'string' },
    'input-spread': { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help === true) {
    io.stdout(TRAIN_USAGE);
    return 0;
  }
  const dataPath = required('train', 'data', v.data);
  const kind = parseChoice('model', required('train', 'model', v.model), MODEL_KINDS, 'hnn');
  const outPath = required('train', 'out', v.out);
  const steps = parseInteger('steps', v.steps, TRAIN_DEFAULTS.steps, { min: 0, ...LIMITS.steps });
  const hidden = parseInteger('hidden', v.hidden, TRAIN_DEFAULTS.hidden, {
    min: 1,
    ...LIMITS.hidden,
  });
  const learningRate = parseNumber('lr', v.lr, TRAIN_DEFAULTS.learningRate, { above: 0 });
  const weightDecay = parseNumber('weight-decay', v['weight-decay'], TRAIN_DEFAULTS.weightDecay, {
    atLeast: 0,
  });
  const batch = v.batch === undefined ? undefined : parseInteger('batch', v.batch, 0, { min: 1 });
  const testSplit = parseNumber('test-split', v['test-split'], TRAIN_DEFAULTS.testSplit, {
    atLeast: 0,
    below: 1,
  });
  const seed = parseInteger('seed', v.seed, TRAIN_DEFAULTS.seed, { min: 0, ...LIMITS.seed });
  // --input-spread alone asks for the symplectic scaling at that spread, as before auto existed.
  const normalize = parseChoice(
    'normalize',
    v.normalize,
    NORMALIZE_CHOICES,
    v['input-spread'] === undefined ? 'auto' : 'symplectic',
  );
  const inputSpread = parseNumber('input-spread', v['input-spread'], DEFAULT_INPUT_SPREAD, {
    above: 0,
  });
  if (normalize !== 'symplectic' && v['input-spread'] !== undefined) {
    throw new UsageError(
      normalize === 'none'
        ? '--input-spread sets the spread of the symplectic normalisation, but --normalize none ' +
            'trains on the raw numbers; drop one of the two'
        : '--input-spread sets one spread, but --normalize auto tries its own candidates ' +
            `(${AUTO_CANDIDATES.map((c) => c.label).join(', ')}); drop --input-spread, or pass ` +
            '--normalize symplectic with it',
    );
  }
  const backend = parseChoice('backend', v.backend, BACKENDS, 'auto');
  const out = await OutputFile.reserve('out', outPath, [dataPath]);
  try {
    return await trainAndWrite();
  } finally {
    // After a commit this only checks that no temporary file is left.
    await out.discard();
  }

  async function trainAndWrite(): Promise<number> {
    const data = await readTrajectoryCsv(dataPath);
    const derivs = trajectoryDerivatives(data);
    const count = data.trajectories.length;
    if (testSplit > 0 && count < 2) {
      throw new DataFileError(
        dataPath,
        undefined,
        `holds ${count} trajectory, but the test split holds out whole trajectories; add ` +
          'trajectories or pass --test-split 0',
      );
    }
    const split = splitTrajectories(count, testSplit, seed);
    const gather = (idx: readonly number[], pick: (i: number) => Float64Array): Float64Array =>
      concat(idx.map(pick));
    const statesOf = (idx: readonly number[]): Float64Array =>
      gather(idx, (i) => data.trajectories[i]?.x as Float64Array);
    const derivsOf = (idx: readonly number[]): Float64Array =>
      gather(idx, (i) => derivs[i] as Float64Array);
    const trainX = statesOf(split.train);
    const trainDx = derivsOf(split.train);
    const testX = statesOf(split.test);
    const testDx = derivsOf(split.test);
    const dim = data.dim;
    const nTrain = trainX.length / dim;
    if (batch !== undefined && batch > nTrain) {
      throw new UsageError(
        `--batch ${batch} is larger than the ${nTrain} training rows; use a smaller --batch or omit it`,
      );
    }
    const stateNames = [
      ...Array.from({ length: data.degreesOfFreedom }, (_, i) => `q${i + 1}`),
      ...Array.from({ length: data.degreesOfFreedom }, (_, i) => `p${i + 1}`),
    ];
    const candidates: readonly NormalizationCandidate[] =
      normalize === 'auto'
        ? AUTO_CANDIDATES
        : [
            normalize === 'none'
              ? { label: 'none', method: 'none' }
              : {
                  label: `symplectic spread ${inputSpread}`,
                  method: 'symplectic',
                  spread: inputSpread,
                },
          ];
    // Where auto's candidates train and what they are judged on: the test trajectories when there
    // are any (no extra training; the test loss then belongs to the chosen candidate, see the
    // README), else a fifth of the training trajectories, after which the chosen setting is
    // trained again on all of them.
    const selection =
      normalize !== 'auto' || split.test.length > 0
        ? { train: split.train, held: split.test, retrain: false }
        : count >= 2
          ? (() => {
              const inner = splitTrajectories(split.train.length, AUTO_SELECTION_SPLIT, seed);
              return {
                train: inner.train.map((i) => split.train[i] as number),
                held: inner.test.map((i) => split.train[i] as number),
                retrain: true,
              };
            })()
          : { train: split.train, held: [] as number[], retrain: false };
    const auto = normalize === 'auto' && selection.held.length > 0;
    const selectionRows = selection.retrain ? statesOf(selection.train).length / dim : nTrain;
    if (auto && batch !== undefined && batch > selectionRows) {
      throw new UsageError(
        `--batch ${batch} is larger than the ${selectionRows} rows --normalize auto trains its ` +
          'candidates on (with --test-split 0 it holds out a fifth of the trajectories to choose ' +
          'by); use a smaller --batch, a --test-split above 0, or --normalize symplectic or none',
      );
    }
    // Validates the data against every setting that will train, before any training.
    const fits = candidates.map((c) => {
      const norm = fitNormalization(c.method, trainX, trainDx, dim, c.spread);
      try {
        checkFitsFloat32(
          data,
          derivs,
          norm,
          [
            normalizeSamples(norm, trainX, trainDx, dim),
            normalizeSamples(norm, testX, testDx, dim),
          ].flatMap((n) => [n.x, n.dx]),
          c.method,
        );
        return undefined;
      } catch (err) {
        if (err instanceof DataFileError) return err;
        throw err;
      }
    });
    const usable = candidates.filter((_, i) => fits[i] === undefined);
    if (usable.length === 0 || (!auto && fits[0] !== undefined)) throw fits[0] as DataFileError;
    io.stderr(
      `data ${dataPath}: ${data.rows} rows, ${count} trajectories, n = ${data.degreesOfFreedom} ` +
        `(state ${stateNames.join(',')}); derivatives: ${derivativeSource(data)}\n` +
        `split by trajectory (seed ${seed}): ${split.train.length} train (${nTrain} rows), ` +
        `${split.test.length} test (${testX.length / dim} rows)\n`,
    );
    const coreLine = (line: string): void => io.stderr(`${line}\n`);
    const backendInfo = await initBackend(backend === 'auto' ? undefined : backend, {
      logger: { info: coreLine, warn: coreLine },
    });

    /** Trains one setting on the given trajectories; the model is disposed before returning. */
    const trainCandidate = async (
      candidate: NormalizationCandidate,
      trainIdx: readonly number[],
      testIdx: readonly number[],
    ): Promise<TrainedCandidate> => {
      trainings++;
      const cx = trainIdx === split.train ? trainX : statesOf(trainIdx);
      const cdx = trainIdx === split.train ? trainDx : derivsOf(trainIdx);
      const tx = testIdx === split.test ? testX : statesOf(testIdx);
      const tdx = testIdx === split.test ? testDx : derivsOf(testIdx);
      const normalization = fitNormalization(candidate.method, cx, cdx, dim, candidate.spread);
      const trainN = normalizeSamples(normalization, cx, cdx, dim);
      const testN = normalizeSamples(normalization, tx, tdx, dim);
      const model: MlpHnnModel | MlpBaselineModel | DhnnModel =
        kind === 'hnn'
          ? createHnn({ inputDim: dim, hiddenDim: hidden, seed })
          : kind === 'dhnn'
            ? createDhnn({ inputDim: dim, hiddenDim: hidden, seed })
            : createBaseline({ inputDim: dim, hiddenDim: hidden, seed });
      try {
        io.stderr(
          `training ${KIND_LABELS[kind]} ${kind === 'dhnn' ? '2 x ' : ''}${dim}-${hidden}-${hidden}-` +
            `${kind === 'baseline' ? dim : 1} (TensorFlow.js backend ${backendInfo.name}): ${steps + 1} iterations, lr ` +
            `${learningRate}, weight decay ${weightDecay}, ${batch === undefined ? 'full batch' : `batch ${batch}`}, ` +
            `normalisation ${candidate.method}${candidate.method === 'none' ? '' : ` (input spread ${candidate.spread})`}` +
            `${trainIdx.length === split.train.length ? '' : `, on ${trainIdx.length} of the ${split.train.length} training trajectories`}\n`,
        );
        const width = String(steps + 1).length;
        const progressEvery = Math.max(1, Math.round(steps / 10));
        const result = await train(model, {
          trainX: trainN.x,
          trainDx: trainN.dx,
          ...(testIdx.length > 0 ? { testX: testN.x, testDx: testN.dx } : {}),
          steps,
          learningRate,
          weightDecay,
          ...(batch === undefined ? {} : { batchSize: batch }),
          seed,
          progressEvery,
          onProgress: (p: TrainProgress) => {
            io.stderr(
              `step ${String(p.step + 1).padStart(width)}/${p.total}  loss ${p.trainLoss.toExponential(3)}` +
                `${p.testLoss === undefined ? '' : `  test ${p.testLoss.toExponential(3)}`}` +
                `  elapsed ${formatDuration(p.elapsedMs)}  ETA ${formatDuration(p.etaMs)}\n`,
            );
          },
        });
        const file = createModelFile({ model, stateNames, normalization });
        const loaded = loadModel(file);
        return {
          candidate,
          file,
          loaded,
          result,
          progressEvery,
          finalTrainLoss: float64Loss(loaded, cx, cdx),
          finalTestLoss: testIdx.length > 0 ? float64Loss(loaded, tx, tdx) : null,
        };
      } finally {
        model.dispose();
      }
    };

    let trainings = 0;
    const autoStarted = performance.now();
    let chosen: TrainedCandidate;
    let autoRecord: Record<string, unknown> | undefined;
    let autoSummary = '';
    if (!auto) {
      if (normalize === 'auto') {
        io.stderr(
          `normalisation auto: no held-out trajectory to choose by (the data holds ${count}), so ` +
            `${AUTO_CANDIDATES[0]?.label} trains\n`,
        );
      }
      chosen = await trainCandidate(
        candidates[0] as NormalizationCandidate,
        split.train,
        split.test,
      );
    } else {
      const heldTrajectories = selection.held.map((i) => data.trajectories[i] as Trajectory);
      const std = componentStd(statesOf(selection.train), dim);
      io.stderr(
        `normalisation auto: training ${usable.length} candidates (${usable.map((c) => c.label).join(', ')}) ` +
          `and keeping the one whose rollouts from the first row of the ${selection.held.length} ` +
          `${selection.retrain ? 'held-out' : 'test'} trajectories stay closest to their rows` +
          `${selection.retrain ? ' (then training it again on all trajectories)' : ''}; ` +
          `--normalize symplectic or none trains once\n`,
      );
      const scored: { trained: TrainedCandidate | undefined; score: number; note: string }[] = [];
      // When every candidate diverges the run fails with the first one's error, as one training.
      let firstDivergence: TrainingDivergedError | undefined;
      for (const [i, candidate] of candidates.entries()) {
        const unfit = fits[i];
        if (unfit !== undefined) {
          io.stderr(`candidate ${candidate.label}: skipped (${unfit.message})\n`);
          scored.push({ trained: undefined, score: Number.NaN, note: `skipped: ${unfit.message}` });
          continue;
        }
        io.stderr(`candidate ${i + 1}/${candidates.length}: ${candidate.label}\n`);
        try {
          const trained = await trainCandidate(candidate, selection.train, selection.held);
          const score = heldOutRolloutError(trained.loaded, heldTrajectories, std);
          io.stderr(
            `candidate ${candidate.label}: held-out rollout error ${formatNumber(score)}` +
              `${trained.finalTestLoss === null ? '' : `, held-out loss ${formatNumber(trained.finalTestLoss)}`}\n`,
          );
          io.candidateModel?.(candidate.label, trained.file);
          scored.push({ trained, score, note: '' });
        } catch (err) {
          if (!(err instanceof TrainingDivergedError)) throw err;
          firstDivergence ??= err;
          io.stderr(`candidate ${candidate.label}: diverged at step ${err.step}\n`);
          scored.push({
            trained: undefined,
            score: Number.NaN,
            note: `diverged at step ${err.step}`,
          });
        }
      }
      // No finite score (every rollout blew up): keep the first candidate that trained, and say so.
      const best = chooseCandidate(scored.map((s) => s.score));
      const pick = (scored[best] ?? scored.find((s) => s.trained !== undefined))?.trained;
      if (pick === undefined) throw firstDivergence as TrainingDivergedError;
      if (best < 0) {
        io.stderr(
          `normalisation auto: no candidate's rollouts of the held-out trajectories finished; ` +
            `keeping the first that trained\n`,
        );
      }
      autoSummary = `normalisation auto chose ${pick.candidate.label} by held-out rollout error (${scored
        .map(
          (s, i) =>
            `${candidates[i]?.label} ${s.trained === undefined ? (s.note.startsWith('diverged') ? 'diverged' : 'skipped') : formatNumber(s.score)}`,
        )
        .join(', ')})`;
      io.stderr(`${autoSummary}\n`);
      chosen = selection.retrain
        ? await trainCandidate(pick.candidate, split.train, split.test)
        : pick;
      autoRecord = {
        criterion: AUTO_CRITERION,
        heldOutTrajectoryIds: selection.held.map((i) => data.trajectories[i]?.id),
        heldOut: selection.retrain ? 'training trajectories, then retrained on all' : 'test set',
        chosen: pick.candidate.label,
        trainings,
        seconds: (performance.now() - autoStarted) / 1000,
        candidates: scored.map((s, i) => ({
          label: candidates[i]?.label,
          method: candidates[i]?.method,
          ...(candidates[i]?.spread === undefined ? {} : { inputSpread: candidates[i]?.spread }),
          heldOutRolloutError: Number.isFinite(s.score) ? s.score : null,
          ...(s.trained === undefined
            ? { note: s.note }
            : {
                finalHeldOutLoss: s.trained.finalTestLoss,
                seconds: s.trained.result.seconds,
              }),
        })),
      };
    }
    const { result, progressEvery, finalTrainLoss, finalTestLoss } = chosen;
    const file: ModelFile = {
      ...chosen.file,
      training: {
        data: dataPath,
        rows: data.rows,
        derivatives: derivativeSource(data),
        trajectories: { train: split.train.length, test: split.test.length },
        testTrajectoryIds: split.test.map((i) => data.trajectories[i]?.id),
        testSplit,
        seed,
        steps,
        iterations: result.iterations,
        hidden,
        learningRate,
        weightDecay,
        batch: batch ?? 'full',
        normalize,
        ...(chosen.candidate.spread === undefined ? {} : { inputSpread: chosen.candidate.spread }),
        ...(autoRecord === undefined ? {} : { autoNormalization: autoRecord }),
        backend: result.backend,
        fastPath: result.fastPath,
        ...(result.fastPathReason === undefined ? {} : { fastPathReason: result.fastPathReason }),
        seconds: result.seconds,
        msPerStep: result.msPerStep,
        lossDefinition:
          'mean over rows and components of (predicted dx/dt - dx/dt)^2, in the data units, float64 evaluation of the saved weights',
        finalTrainLoss,
        finalTestLoss,
        history: result.history
          .filter((h) => h.step % progressEvery === 0 || h.step === result.iterations - 1)
          .map((h) => ({
            step: h.step,
            normalizedTrainLoss: h.trainLoss,
            normalizedTestLoss: h.testLoss ?? null,
          })),
      },
    };
    await out.commit(serializeModel(file));
    io.stdout(
      (autoRecord === undefined
        ? ''
        : `${autoSummary}; ${trainings} trainings took ${formatDuration(
            performance.now() - autoStarted,
          )}\n`) +
        `trained ${KIND_LABELS[kind]} in ${formatDuration(result.seconds * 1000)} ` +
        `(${result.msPerStep.toFixed(1)} ms/step, backend ${result.backend}, fast path ${result.fastPath})\n` +
        `final train loss ${formatNumber(finalTrainLoss)}` +
        `${finalTestLoss === null ? '' : `, test loss ${formatNumber(finalTestLoss)}`} ` +
        `(MSE of dx/dt, data units)\n` +
        `wrote ${outPath}\n`,
    );
    return 0;
  }
}

/** One trained setting: its model file (no training record yet), loaded, and its losses. */
interface TrainedCandidate {
  readonly candidate: NormalizationCandidate;
  readonly file: ModelFile;
  readonly loaded: LoadedModel;
  readonly result: TrainResult;
  readonly progressEvery: number;
  readonly finalTrainLoss: number;
  readonly finalTestLoss: number | null;
}

/** The largest float32, the precision the network trains in. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Refuses data whose normalised numbers are not finite float32 values, naming the column with
 * the largest magnitude, that value and its line (the overflow starts there). Without this, a
 * value like 1e300 (finite in float64) made the normalisation overflow and training fail with a
 * misleading "NaN at row 0".
 */
function checkFitsFloat32(
  data: TrajectoryData,
  derivs: readonly Float64Array[],
  normalization: Normalization,
  arrays: readonly Float64Array[],
  method: string,
): void {
  const fits = (v: number): boolean => Math.abs(v) <= FLOAT32_MAX;
  const [trainX, trainDx, testX, testDx] = arrays as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const statesFit =
    [...normalization.shift, ...normalization.scale].every(fits) &&
    trainX.every(fits) &&
    testX.every(fits);
  if (statesFit && fits(normalization.timeScale) && trainDx.every(fits) && testDx.every(fits)) {
    return;
  }
  // The states come first: derivatives estimated from overflowing states overflow too, but the
  // value to fix is the state's.
  const derivative = statesFit;
  const dim = data.dim;
  const n = data.degreesOfFreedom;
  let worst = { value: 0, name: '', line: undefined as number | undefined };
  data.trajectories.forEach((tr, j) => {
    const values = derivative ? (derivs[j] as Float64Array) : tr.x;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!(Math.abs(v) <= Math.abs(worst.value))) {
        const k = i % dim;
        const name = `${derivative ? 'd' : ''}${k < n ? 'q' : 'p'}${(k % n) + 1}`;
        worst = { value: v, name, line: tr.lines[Math.floor(i / dim)] };
      }
    }
  });
  const estimated =
    derivative && !data.hasDerivatives ? ' (estimated by finite differences from q, p and t)' : '';
  throw new DataFileError(
    data.file,
    worst.line,
    `${worst.name}${estimated} = ${worst.value} is too large to train on: training computes in ` +
      `float32 (largest ${FLOAT32_MAX.toPrecision(3)})` +
      (method === 'symplectic' ? ' after a normalisation that squares the values' : '') +
      ', and the numbers overflowed; rescale the data (e.g. change units) so that its values ' +
      'stay well inside that range',
  );
}
