import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { BIAS_INITS, type BiasInit } from '@hnn/core';
import { TASK_IDS, type TaskId } from '@hnn/datasets';
import { type CanvasBackendPreference } from '@hnn/datasets/pixel';
import { BEYOND_TASK_IDS, type BeyondTaskId } from './beyond/run.js';
import { ReproduceUsageError } from './errors.js';

/**
 * The tasks this app runs: every Table 1 row, the appendix's three-body task, and the "Beyond the
 * paper" tasks of the D-HNN follow-up (reported in their own section, never in Table 1).
 */
export const IMPLEMENTED_TASKS: readonly (TaskId | BeyondTaskId)[] = [
  ...TASK_IDS,
  ...BEYOND_TASK_IDS,
];
export type ImplementedTask = TaskId | BeyondTaskId;

/**
 * What runs without --tasks: Table 1's rows and the three-body task. The Beyond-the-paper tasks
 * train their D-HNN on TensorFlow.js ops (about 5 minutes per task and seed here), so they run
 * when named, and the main job keeps its few minutes.
 */
export const DEFAULT_TASKS: readonly TaskId[] = TASK_IDS;

export interface ReproduceOptions {
  readonly tasks: readonly ImplementedTask[];
  /**
   * True when --tasks named the tasks. A task the user named must run: a missing input for it is
   * a failure (exit code 1), where in the default "every task" run it is a skip.
   */
  readonly tasksExplicit: boolean;
  /** Training steps; undefined = each task's paper setting. */
  readonly steps: number | undefined;
  /** Seeds to run every task with, ascending and distinct (--seeds, or --seed; default [0]). */
  readonly seeds: readonly number[];
  /** How the models' biases start: 'torch' (default, as the reference) or 'zeros'. */
  readonly biasInit: BiasInit;
  /** Which canvas library draws the pixel pendulum's frames. */
  readonly renderer: CanvasBackendPreference;
  readonly quick: boolean;
  readonly outDir: string | undefined;
  /**
   * real_pend_h_1.txt: --real-pendulum-data (even if empty: that is a mistake to report), else a
   * non-empty HNN_REAL_PENDULUM_DATA (an empty variable counts as unset, as HNN_CACHE_DIR does).
   */
  readonly realPendulumData: string | undefined;
  /** Where `realPendulumData` came from, to name it in messages. */
  readonly realPendulumDataFrom: '--real-pendulum-data' | 'HNN_REAL_PENDULUM_DATA' | undefined;
  /** Draw the figures and REPORT.md figures (default true; --no-figures skips them). */
  readonly figures: boolean;
  /** Rewrite REPORT.md and the strip plots from the saved table1.json, training nothing. */
  readonly reportOnly: boolean;
  /** Worker processes of the embedded pool (--workers; 1 = run the jobs in this process). */
  readonly workers: number;
  /** --queue redis://HOST:PORT: send the jobs to a BullMQ queue for hnn-worker processes. */
  readonly queue: string | undefined;
  /** --fresh: train every job again, ignoring the results of finished jobs in <out>/jobs/. */
  readonly fresh: boolean;
  readonly help: boolean;
}

export const USAGE = `Usage: pnpm turbo run reproduce -- [options]
       (or, after a build: node apps/reproduce/dist/main.js [options])

Trains the baseline and the HNN for each task at the paper's settings and writes
results/table1.json, results/table1.md, the paper's figures under results/figures/ and
results/REPORT.md (rows and figures of other tasks are kept). The tasks damped-spring and
real-pendulum-dhnn train an MLP, an HNN and a Dissipative HNN at the D-HNN paper's settings
and go to results/beyond.json and REPORT.md's "Beyond the paper" section, not Table 1.

Options:
  --tasks LIST   comma-separated task ids (default: ${DEFAULT_TASKS.join(',')}; also
                 ${BEYOND_TASK_IDS.join(', ')}, which are run only when named here)
  --steps N      training steps for every task (default: each task's paper setting)
  --seed N       seed for data, initialisation and metrics (default 0)
  --seeds LIST   several seeds: ranges and lists, e.g. 0-4 or 0,3,7 or 0-2,9; every
                 (task, seed) is trained and Table 1 reports each cell across the seeds
                 (mean ± sd, the per-seed values); figures show the first seed
  --bias-init torch|zeros
                 how the networks' biases start: 'torch' (default; uniform +-1/sqrt(fan_in),
                 as the reference keeps them) or 'zeros' (this project's old default)
  --renderer auto|node-canvas|napi-rs
                 the canvas library that draws the pixel pendulum (default auto: node-canvas
                 where it is installed, else @napi-rs/canvas); recorded in the row
  --quick        a small smoke run (200 steps) written under results/quick/
  --out DIR      write results somewhere else
  --real-pendulum-data PATH
                 the Schmidt & Lipson file real_pend_h_1.txt (default: $HNN_REAL_PENDULUM_DATA);
                 without it the real-pendulum and real-pendulum-dhnn rows are
                 skipped (a failure if --tasks names them). Get it with
                 hnn-fetch-real-pendulum --out PATH (needs internet) or see the README.
                 Relative paths are resolved from the repository root.
  --no-figures   skip the figures (REPORT.md is still written)
  --workers N|auto
                 run the (task, seed) jobs on an embedded pool of N worker processes
                 (auto: one per core; default 1: in this process, with progress bars)
  --queue redis://HOST:PORT
                 send the jobs to a BullMQ queue on that Redis instead; run
                 \`hnn-worker --queue redis://HOST:PORT\` (node apps/reproduce/dist/worker.js)
                 on any machines with the same commit built; results merge as they arrive
  --fresh        train every job again (finished jobs are otherwise kept in <out>/jobs/,
                 keyed by settings and code version, and a re-run or a resumed run skips them)
  --report-only  rewrite REPORT.md and the per-task seed plots from the saved table1.json
                 (e.g. after runs of other seeds wrote into it); trains nothing
  -h, --help     show this help

Environment: HNN_REAL_PENDULUM_DATA (see above), HNN_CACHE_DIR (generated datasets;
default .cache/hnn in the repository root; if it cannot be written the run goes on
without a cache and says so).

A task whose input is bad (data file, cache) is reported in one line and the other
tasks still run; the summary at the end lists what ran, was skipped and failed.
Exit code: 0 when every task asked for ran (or was skipped for lack of the optional
real-pendulum file), 1 when a task failed, 2 for a bad option or an unusable
results directory or table1.json (found before any training).
`;

function parseInteger(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new ReproduceUsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  }
  return Number(value);
}

const RENDERERS: readonly CanvasBackendPreference[] = ['auto', 'node-canvas', 'napi-rs'];

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new ReproduceUsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return found;
}

/** The largest seed: RandomState takes 32-bit seeds, and data/metric streams use seed + 1. */
const MAX_SEED = 0xfffffffe;

/** --seed N or --seeds LIST (not both) as ascending distinct seeds; [0] by default. */
export function parseSeeds(seed: string | undefined, seeds: string | undefined): number[] {
  if (seed !== undefined && seeds !== undefined) {
    throw new ReproduceUsageError('give --seed N or --seeds LIST, not both');
  }
  if (seeds === undefined) {
    const one = seed === undefined ? 0 : parseInteger('seed', seed, 0);
    if (one > MAX_SEED)
      throw new ReproduceUsageError(`--seed must be at most ${MAX_SEED}, got ${one}`);
    return [one];
  }
  const out = new Set<number>();
  for (const part of seeds.split(',').map((p) => p.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    const [lo, hi] = range
      ? [parseInteger('seeds', range[1] ?? '', 0), parseInteger('seeds', range[2] ?? '', 0)]
      : [parseInteger('seeds', part, 0), parseInteger('seeds', part, 0)];
    if (hi < lo)
      throw new ReproduceUsageError(`--seeds range "${part}" runs backwards; write ${hi}-${lo}`);
    if (hi > MAX_SEED)
      throw new ReproduceUsageError(`--seeds must stay at most ${MAX_SEED}, got ${hi}`);
    if (hi - lo >= 1000 || out.size + hi - lo >= 1000) {
      throw new ReproduceUsageError(
        `--seeds "${seeds}" asks for more than 1000 seeds; split the sweep`,
      );
    }
    for (let k = lo; k <= hi; k++) out.add(k);
  }
  return [...out].sort((a, b) => a - b);
}

export function parseReproduceArgs(argv: readonly string[]): ReproduceOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        tasks: { type: 'string' },
        steps: { type: 'string' },
        seed: { type: 'string' },
        seeds: { type: 'string' },
        'bias-init': { type: 'string' },
        renderer: { type: 'string' },
        quick: { type: 'boolean', default: false },
        out: { type: 'string' },
        'real-pendulum-data': { type: 'string' },
        'no-figures': { type: 'boolean', default: false },
        'report-only': { type: 'boolean', default: false },
        workers: { type: 'string' },
        queue: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new ReproduceUsageError(`${msg}. Run with --help for the options.`);
  }
  const { values } = parsed;
  let tasks: ImplementedTask[] = [...DEFAULT_TASKS];
  if (values.tasks !== undefined) {
    const requested = values.tasks
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    if (requested.length === 0) throw new ReproduceUsageError('--tasks needs at least one task id');
    tasks = requested.map((t) => {
      if (!(IMPLEMENTED_TASKS as readonly string[]).includes(t)) {
        throw new ReproduceUsageError(
          `unknown or not yet implemented task "${t}"; choose from ${IMPLEMENTED_TASKS.join(', ')}`,
        );
      }
      return t as ImplementedTask;
    });
    tasks = [...new Set(tasks)];
  }
  const queue = values.queue;
  if (queue !== undefined && !/^rediss?:\/\/[^\s]+$/.test(queue)) {
    throw new ReproduceUsageError(`--queue must be a redis://HOST:PORT URL, got "${queue}"`);
  }
  if (queue !== undefined && values.workers !== undefined) {
    throw new ReproduceUsageError(
      'give --workers (a local pool) or --queue (remote workers), not both',
    );
  }
  const workers =
    values.workers === undefined
      ? 1
      : values.workers === 'auto'
        ? availableParallelism()
        : parseInteger('workers', values.workers, 1);
  if (workers > 64) throw new ReproduceUsageError(`--workers must be at most 64, got ${workers}`);
  const flag = values['real-pendulum-data'];
  const env = process.env.HNN_REAL_PENDULUM_DATA;
  const realPendulumData = flag ?? (env === '' ? undefined : env);
  return {
    tasks,
    tasksExplicit: values.tasks !== undefined,
    steps: values.steps === undefined ? undefined : parseInteger('steps', values.steps, 1),
    seeds: parseSeeds(values.seed, values.seeds),
    biasInit: oneOf('bias-init', values['bias-init'] ?? 'torch', BIAS_INITS),
    renderer: oneOf('renderer', values.renderer ?? 'auto', RENDERERS),
    quick: values.quick ?? false,
    outDir: values.out,
    realPendulumData,
    realPendulumDataFrom:
      flag !== undefined
        ? '--real-pendulum-data'
        : realPendulumData !== undefined
          ? 'HNN_REAL_PENDULUM_DATA'
          : undefined,
    figures: !(values['no-figures'] ?? false),
    reportOnly: values['report-only'] ?? false,
    workers,
    queue,
    fresh: values.fresh ?? false,
    help: values.help ?? false,
  };
}
