import { parseChoice, parseFlags, parseInteger, parseNumber, required } from './args.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { LIMITS } from './limits.js';
import { paperSystemCsvChunks, PAPER_SYSTEM_NAMES, PAPER_SYSTEMS } from './systems.js';
import { OutputFile } from './write-atomic.js';

export const MAKE_DATA_USAGE = `Usage: hnn make-data --system mass-spring|pendulum --out FILE.csv [options]

Writes a trajectory CSV from one of the paper's systems, generated like the reference code:
mass-spring H = q^2 + p^2 (start radius 0.1-1), pendulum H = 3(1 - cos q) + p^2 (radius
1.3-2.3); states solved with Dormand-Prince (rtol 1e-10) at evenly spaced times, Gaussian noise
added to q and p, exact derivatives dq1, dp1 taken at the noiseless states.

Options:
  --system NAME        mass-spring or pendulum (required)
  --out FILE           CSV to write (required; written atomically, streamed)
  --trajectories N     number of trajectories (default 50, the paper's)
  --points N           rows per trajectory (default 30 for mass-spring, 45 for pendulum);
                       trajectories x points is at most 10000000
  --t-end T            each trajectory covers t in [0, T] (default 3)
  --noise S            standard deviation of the noise on q and p (default 0.1)
  --seed N             random seed, 0 to 4294967295 (default 0); seed 0 with the defaults
                       gives the reference's own data set
  --no-derivatives     leave out dq1, dp1 (training then estimates them by finite differences)
  -h, --help           show this help

Example:
  hnn make-data --system mass-spring --out spring.csv
`;

export async function runMakeData(argv: readonly string[], io: CliIo): Promise<number> {
  const v = parseFlags('make-data', argv, {
    system: { type: 'string' },
    out: { type: 'string' },
    trajectories: { type: 'string' },
    points: { type: 'string' },
    't-end': { type: 'string' },
    noise: { type: 'string' },
    seed: { type: 'string' },
    'no-derivatives': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help === true) {
    io.stdout(MAKE_DATA_USAGE);
    return 0;
  }
  const name = parseChoice(
    'system',
    required('make-data', 'system', v.system),
    PAPER_SYSTEM_NAMES,
    'mass-spring',
  );
  const out = required('make-data', 'out', v.out);
  const system = PAPER_SYSTEMS[name];
  const options = {
    trajectories: parseInteger('trajectories', v.trajectories, 50, {
      min: 1,
      max: LIMITS.makeDataRows.max,
    }),
    points: parseInteger('points', v.points, system.points, {
      min: 2,
      max: LIMITS.makeDataRows.max,
    }),
    tEnd: parseNumber('t-end', v['t-end'], 3, { above: 0 }),
    noise: parseNumber('noise', v.noise, 0.1, { atLeast: 0 }),
    seed: parseInteger('seed', v.seed, 0, { min: 0, ...LIMITS.seed }),
    derivatives: v['no-derivatives'] !== true,
  };
  const rows = options.trajectories * options.points;
  if (rows > LIMITS.makeDataRows.max) {
    throw new UsageError(
      `--trajectories ${options.trajectories} x --points ${options.points} = ${rows} rows is too ` +
        `many: ${LIMITS.makeDataRows.why}`,
    );
  }
  const file = await OutputFile.reserve('out', out);
  try {
    await file.commit(paperSystemCsvChunks(system, options));
  } finally {
    await file.discard();
  }
  io.stdout(
    `wrote ${out}: ${system.name} (${system.hamiltonianText}), ${options.trajectories} ` +
      `trajectories x ${options.points} points over t in [0, ${options.tEnd}], noise ` +
      `${options.noise}, seed ${options.seed}, ` +
      `${options.derivatives ? 'exact derivatives dq1,dp1' : 'no derivative columns'}\n`,
  );
  return 0;
}
