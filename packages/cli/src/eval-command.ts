import { parseFlags, parseNumber, required } from './args.js';
import type { CliIo } from './cli-io.js';
import { DataFileError } from './errors.js';
import { formatNumber } from './format.js';
import { KIND_LABELS, readModelFile, type ModelKind } from './model-io.js';
import { energyDrift, rolloutModel } from './rollout.js';
import { derivativeSource, readTrajectoryCsv, trajectoryDerivatives } from './trajectory-csv.js';
import { float64Loss } from './train-command.js';

export const EVAL_USAGE = `Usage: hnn eval --model MODEL.json --data FILE.csv [options]

Evaluates a model on a trajectory CSV (same format as for training):
  loss         mean squared error of dx/dt over all rows, in the data's units (derivatives from
               the dq/dp columns, else finite differences as in training)
  rollouts     from each trajectory's first row, the learned field is integrated over that
               trajectory's own times; reported: the mean squared error of the rolled-out
               states against the rows, and for an HNN the learned-energy drift
               max_t |H(t) - H(t0)|, also relative to the spread (std) of H over the data rows

Options:
  --model FILE         model written by 'hnn train' (required)
  --data FILE          trajectory CSV (required)
  --rtol X             solver relative tolerance (default 1e-9)
  --atol X             solver absolute tolerance (default 1e-9)
  --json               print the results as one JSON object instead of text
  -h, --help           show this help

Example:
  hnn eval --model spring-hnn.json --data spring.csv
`;

export interface EvalReport {
  readonly model: string;
  readonly kind: ModelKind;
  readonly data: string;
  readonly rows: number;
  readonly trajectories: number;
  readonly derivatives: string;
  readonly loss: number;
  readonly rolloutStateMse: { readonly mean: number; readonly max: number };
  /** HNN only. */
  readonly energyDrift: {
    readonly mean: number;
    readonly max: number;
    readonly relativeMean: number | null;
    readonly relativeMax: number | null;
  } | null;
}

export async function runEval(argv: readonly string[], io: CliIo): Promise<number> {
  const v = parseFlags('eval', argv, {
    model: { type: 'string' },
    data: { type: 'string' },
    rtol: { type: 'string' },
    atol: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help === true) {
    io.stdout(EVAL_USAGE);
    return 0;
  }
  const modelPath = required('eval', 'model', v.model);
  const dataPath = required('eval', 'data', v.data);
  const rtol = parseNumber('rtol', v.rtol, 1e-9, { above: 0 });
  const atol = parseNumber('atol', v.atol, 1e-9, { above: 0 });
  const model = await readModelFile(modelPath);
  const data = await readTrajectoryCsv(dataPath);
  if (data.dim !== model.dim) {
    throw new DataFileError(
      dataPath,
      1,
      `has ${data.degreesOfFreedom} coordinate(s) q but the model ${modelPath} was trained on ` +
        `${model.degreesOfFreedom}; evaluate it on data of the same system`,
    );
  }
  const derivs = trajectoryDerivatives(data);
  const dim = data.dim;
  let lossSum = 0;
  const stateMse: number[] = [];
  const drifts: number[] = [];
  const energies: number[] = [];
  data.trajectories.forEach((tr, j) => {
    lossSum += float64Loss(model, tr.x, derivs[j] as Float64Array) * tr.x.length;
    if (model.hamiltonian !== undefined) {
      for (let r = 0; r < tr.t.length; r++) {
        energies.push(model.hamiltonian(tr.x.subarray(r * dim, (r + 1) * dim)));
      }
    }
    if (tr.t.length < 2) return;
    const roll = rolloutModel(model, tr.x.subarray(0, dim), tr.t, { rtol, atol });
    let sum = 0;
    roll.ys.forEach((y, r) => {
      for (let k = 0; k < dim; k++) sum += ((y[k] as number) - (tr.x[r * dim + k] as number)) ** 2;
    });
    stateMse.push(sum / tr.x.length);
    if (roll.energy !== undefined) drifts.push(energyDrift(roll.energy));
  });
  const mean = (a: readonly number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
  const max = (a: readonly number[]): number => a.reduce((s, x) => Math.max(s, x), 0);
  let energySpread = 0;
  if (energies.length > 1) {
    const m = mean(energies);
    energySpread = Math.sqrt(mean(energies.map((e) => (e - m) ** 2)));
  }
  const report: EvalReport = {
    model: modelPath,
    kind: model.kind,
    data: dataPath,
    rows: data.rows,
    trajectories: data.trajectories.length,
    derivatives: derivativeSource(data),
    loss: lossSum / (data.rows * dim),
    rolloutStateMse: {
      mean: stateMse.length > 0 ? mean(stateMse) : Number.NaN,
      max: max(stateMse),
    },
    energyDrift:
      model.kind === 'hnn' && drifts.length > 0
        ? {
            mean: mean(drifts),
            max: max(drifts),
            relativeMean: energySpread > 0 ? mean(drifts) / energySpread : null,
            relativeMax: energySpread > 0 ? max(drifts) / energySpread : null,
          }
        : null,
  };
  if (v.json === true) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const d = report.energyDrift;
  io.stdout(
    `model ${modelPath} (${KIND_LABELS[model.kind]}) on ${dataPath}: ` +
      `${report.rows} rows, ${report.trajectories} trajectories\n` +
      `derivatives: ${report.derivatives}\n` +
      `loss (MSE of dx/dt, data units): ${formatNumber(report.loss)}\n` +
      `rollouts from each trajectory's first row, state MSE vs the rows: mean ` +
      `${formatNumber(report.rolloutStateMse.mean)}, max ${formatNumber(report.rolloutStateMse.max)}\n` +
      (d === null
        ? 'learned-energy drift: not applicable (a baseline learns no energy)\n'
        : `learned-energy drift max_t |H(t) - H(t0)|: mean ${formatNumber(d.mean)}, max ` +
          `${formatNumber(d.max)}` +
          (d.relativeMean === null || d.relativeMax === null
            ? '\n'
            : ` (relative to the std of H over the rows: mean ${formatNumber(d.relativeMean)}, max ${formatNumber(d.relativeMax)})\n`)),
  );
  return 0;
}
