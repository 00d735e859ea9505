import { linspace } from '@hnn/datasets';
import {
  INTEGRATOR_NAMES,
  IntegratorInputError,
  isIntegratorName,
  stepForOutputs,
  type IntegratorName,
} from '@hnn/integrators';
import { parseFlags, parseInteger, parseNumber, parseNumberList, required } from './args.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { csvLine, formatNumber } from './format.js';
import { LIMITS } from './limits.js';
import { KIND_LABELS, readModelFile } from './model-io.js';
import { energyDrift, energyRemoved, rolloutModel, type Rollout } from './rollout.js';
import { OutputFile } from './write-atomic.js';

export const ROLLOUT_USAGE = `Usage: hnn rollout --model MODEL.json --x0 "q1,..,qn,p1,..,pn" --t-end T --out OUT.csv [options]

Integrates the learned vector field from x0 at t = 0 (by default with the adaptive
Dormand-Prince RK4(5) solver) and writes t,q1..,p1.. at evenly spaced times; for an HNN or a
D-HNN also a column H with the learned energy (in the data's units, up to an additive
constant), and for a D-HNN a column dHdt, the rate grad H . grad D at which its learned D
removes energy; the summary gives the energy D removed over the rollout.

Options:
  --model FILE         model written by 'hnn train' (required)
  --x0 LIST            start state q1..qn,p1..pn, comma-separated (required), e.g.
                       --x0 -0.6,0.5
  --t-end T            integrate over t in [0, T] (required, T > 0)
  --out FILE           CSV to write (required; written atomically)
  --points N           number of output times, both ends included (default 100, at most
                       1000000)
  --integrator NAME    rk45 (default; adaptive, not symplectic) or implicit-midpoint
                       (symplectic, fixed step: no secular energy drift of its own over long
                       horizons). leapfrog and yoshida4 need a separable H = T(p) + V(q),
                       which a learned H is not known to be, and are refused
  --rtol X             relative tolerance, rk45 only (default 1e-9)
  --atol X             absolute tolerance, rk45 only (default 1e-9)
  --dt X               step of implicit-midpoint (default: the largest step <= 0.01 that
                       divides the output spacing)
  -h, --help           show this help

Example:
  hnn rollout --model spring-hnn.json --x0 "0.5,0" --t-end 20 --out rollout.csv
`;

export async function runRollout(argv: readonly string[], io: CliIo): Promise<number> {
  const v = parseFlags('rollout', argv, {
    model: { type: 'string' },
    x0: { type: 'string' },
    't-end': { type: 'string' },
    out: { type: 'string' },
    points: { type: 'string' },
    rtol: { type: 'string' },
    atol: { type: 'string' },
    integrator: { type: 'string' },
    dt: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help === true) {
    io.stdout(ROLLOUT_USAGE);
    return 0;
  }
  const modelPath = required('rollout', 'model', v.model);
  const x0 = parseNumberList('x0', required('rollout', 'x0', v.x0));
  const tEnd = parseNumber('t-end', required('rollout', 't-end', v['t-end']), 0, { above: 0 });
  const outPath = required('rollout', 'out', v.out);
  const points = parseInteger('points', v.points, 100, { min: 2, ...LIMITS.rolloutPoints });
  const name = v.integrator ?? 'rk45';
  if (!isIntegratorName(name)) {
    throw new UsageError(
      `--integrator must be one of ${INTEGRATOR_NAMES.join(', ')}, got '${name}'`,
    );
  }
  const integrator: IntegratorName = name;
  const fixedStep = integrator !== 'rk45';
  for (const [flag, given, applies] of [
    ['rtol', v.rtol, !fixedStep],
    ['atol', v.atol, !fixedStep],
    ['dt', v.dt, fixedStep],
  ] as const) {
    if (given !== undefined && !applies) {
      throw new UsageError(`--${flag} does not apply to --integrator ${integrator}; remove it`);
    }
  }
  const rtol = parseNumber('rtol', v.rtol, 1e-9, { above: 0 });
  const atol = parseNumber('atol', v.atol, 1e-9, { above: 0 });
  const tEval = linspace(0, tEnd, points);
  const dt = fixedStep
    ? parseNumber('dt', v.dt, stepForOutputs(tEval, 0.01), { above: 0 })
    : undefined;
  const out = await OutputFile.reserve('out', outPath, [modelPath]);
  try {
    return await rollOutAndWrite();
  } finally {
    await out.discard();
  }

  async function rollOutAndWrite(): Promise<number> {
    const model = await readModelFile(modelPath);
    if (x0.length !== model.dim) {
      throw new UsageError(
        `--x0 has ${x0.length} numbers but the model's state (${model.stateNames.join(',')}) ` +
          `has ${model.dim}; give one value per component`,
      );
    }
    let result: Rollout;
    try {
      result = rolloutModel(model, x0, tEval, { integrator, rtol, atol, dt });
    } catch (error) {
      // A method that does not apply, or a --dt that does not divide the output spacing.
      if (error instanceof IntegratorInputError) throw new UsageError(error.message);
      throw error;
    }
    const rate = model.energyRate;
    const rates = rate === undefined ? undefined : Float64Array.from(result.ys, (y) => rate(y));
    const header = [
      't',
      ...model.stateNames,
      ...(result.energy === undefined ? [] : ['H']),
      ...(rates === undefined ? [] : ['dHdt']),
    ];
    function* lines(): Generator<string> {
      yield csvLine(header);
      for (let i = 0; i < result.ys.length; i++) {
        const row = [result.ts[i] as number, ...(result.ys[i] as Float64Array)];
        if (result.energy !== undefined) row.push(result.energy[i] as number);
        if (rates !== undefined) row.push(rates[i] as number);
        yield csvLine(row);
      }
    }
    await out.commit(lines());
    const last = result.ys[result.ys.length - 1] as Float64Array;
    let summary =
      `rolled out the ${KIND_LABELS[model.kind]} from x0 = (${Array.from(x0).join(', ')}) ` +
      `over t in [0, ${tEnd}] with ${integrator}${dt === undefined ? '' : ` (dt ${dt})`}: ` +
      `${result.stats.naccepted} accepted steps, ${result.stats.nfev} field ` +
      `evaluations\nx(${tEnd}) = (${Array.from(last, formatNumber).join(', ')})\n`;
    if (result.energy !== undefined && rates !== undefined) {
      const removed = energyRemoved(result.ts, result.energy, rates);
      summary +=
        `learned energy H: ${formatNumber(result.energy[0] as number)} at t = 0, ` +
        `${formatNumber(result.energy[result.energy.length - 1] as number)} at t = ${tEnd}; ` +
        `the learned D removed ${formatNumber(removed.byRate)} (integral of -grad H . grad D ` +
        `over the output times, trapezoid rule; H(0) - H(${tEnd}) = ${formatNumber(removed.byEnergy)})\n`;
    } else if (result.energy !== undefined) {
      const drift = energyDrift(result.energy);
      summary +=
        `learned energy H: ${formatNumber(result.energy[0] as number)} at t = 0, ` +
        `${formatNumber(result.energy[result.energy.length - 1] as number)} at t = ${tEnd}, ` +
        `max |H(t) - H(0)| = ${formatNumber(drift)}\n`;
    }
    io.stdout(`${summary}wrote ${outPath} (${points} rows: ${header.join(',')})\n`);
    return 0;
  }
}
