/**
 * `pnpm bench` (turbo task `bench`): training speed per task and model against PyTorch's pure
 * training step measured in the same run (bench/pytorch/step.py), with rollout and
 * data-generation times and peak memory. Prints a table and writes bench/results.json.
 * `--quick` (CI) runs tiny versions only to check that everything works, PyTorch's side included
 * when a Python with torch is there.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gflopsPerSecond, mlpStepFlops, pixelStepFlops } from './flops.js';
import type { ChildMessage, Measurement, OurRound, ParentMessage, Skipped } from './measurement.js';
import { stepPlan } from './plan.js';
import {
  DEFAULT_PYTORCH_THREADS,
  PytorchServer,
  findPytorch,
  parsePytorchThreads,
} from './pytorch.js';
import type { PytorchProbe, PytorchReply, PytorchThreads } from './pytorch.js';
import { formatReport } from './report.js';
import type { BenchEntry, BenchReport, PytorchSummary, RivalSide } from './report.js';
import { loadAverage, machineInfo, sourceInfo } from './run-info.js';
import { ratioStats, timingStats } from './stats.js';
import { BENCH_MODELS, BENCH_TASKS } from './tasks.js';
import type { BenchModel, BenchTaskId } from './tasks.js';

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = `Usage: pnpm bench [-- --quick] [-- --tasks mass-spring,pendulum] [-- --rounds 3]
  --quick       tiny data and a few steps: only checks that everything runs (CI)
  --tasks LIST  comma-separated subset of ${BENCH_TASKS.join(',')}
  --rounds N    rounds of ours-then-PyTorch per task and model (default 3; quick: 1)
  --no-pytorch  do not look for PyTorch (no ratios)
  --pytorch-threads LIST  PyTorch's thread settings, first = headline ratio (default: default,1)
  --out PATH    where to write the JSON (default bench/results.json; quick: bench/dist/results.quick.json)
Env: HNN_BENCH_PYTHON=/path/to/python3 picks the Python whose torch is measured.`;

const METHOD =
  "Each (task, model) runs in rounds: our steps, then PyTorch's same step (bench/pytorch/step.py, " +
  'same shapes and warm-up/timed steps) with each thread setting; ratio = ours / PyTorch of the ' +
  'round medians, median over rounds [min-max].';

/** A forked measure.js and its message queue. */
class MeasureChild {
  private readonly queue: ChildMessage[] = [];
  private wake: (() => void) | undefined;
  private exited: string | undefined;
  private output = '';
  private readonly child: ChildProcess;

  constructor(task: BenchTaskId, model: BenchModel, quick: boolean, cacheDir: string) {
    this.child = fork(join(here, 'measure.js'), [task, model, quick ? 'quick' : 'full', cacheDir], {
      env: process.env,
      silent: true,
    });
    const keep = (d: Buffer): void => {
      this.output = (this.output + d.toString()).slice(-8000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (m: ChildMessage) => {
      this.queue.push(m);
      this.wake?.();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `${task} ${model}: measuring process exited (code ${String(code)}, signal ${String(signal)})`;
      this.wake?.();
    });
  }

  async next(): Promise<ChildMessage> {
    while (this.queue.length === 0) {
      if (this.exited !== undefined) throw new Error(`${this.exited}\n${this.output}`);
      await new Promise<void>((r) => (this.wake = r));
    }
    return this.queue.shift() as ChildMessage;
  }

  send(message: ParentMessage): void {
    this.child.send(message);
  }

  async expect<T extends ChildMessage['type']>(
    type: T,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const m = await this.next();
    if (m.type !== type) throw new Error(`expected '${type}' from measure.js, got '${m.type}'`);
    return m as Extract<ChildMessage, { type: T }>;
  }
}

function rivalSide(ours: readonly OurRound[], replies: readonly PytorchReply[]): RivalSide {
  const theirMedians = replies.map((r) => timingStats(r.samplesMs).median);
  const last = replies[replies.length - 1] as PytorchReply;
  return {
    stepMs: timingStats(replies.flatMap((r) => r.samplesMs)),
    roundMedianMs: theirMedians,
    ratio: ratioStats(
      ours.map((r) => timingStats(r.samples).median),
      theirMedians,
    ),
    loss: [last.lossFirst, last.lossLast],
  };
}

async function measurePair(
  task: BenchTaskId,
  model: BenchModel,
  options: {
    quick: boolean;
    cacheDir: string;
    rounds: number;
    servers: readonly PytorchServer[];
  },
): Promise<Measurement | Skipped | { measurement: Measurement; rival: BenchEntry['pytorch'] }> {
  const child = new MeasureChild(task, model, options.quick, options.cacheDir);
  const first = await child.next();
  if (first.type === 'skipped') return first.skipped;
  if (first.type !== 'ready')
    throw new Error(`expected 'ready' from measure.js, got '${first.type}'`);
  const { shape } = first;
  const plan = stepPlan(task, options.quick);
  const ours: OurRound[] = [];
  const theirs = new Map<PytorchThreads, PytorchReply[]>();
  for (let round = 0; round < options.rounds; round++) {
    child.send({ type: 'round' });
    ours.push((await child.expect('round')).round);
    for (const server of options.servers) {
      const reply = await server.time({ ...shape, model, warmup: plan.warmup, steps: plan.timed });
      theirs.set(server.threads, [...(theirs.get(server.threads) ?? []), reply]);
      // OpenBLAS's worker threads spin-wait a while after a call before they sleep: let them
      // settle so that they do not compete with the next side's first steps.
      await sleep(200);
    }
  }
  child.send({ type: 'finish' });
  const { result } = await child.expect('result');
  if (options.servers.length === 0) return result;
  const rival: Partial<Record<PytorchThreads, RivalSide>> = {};
  for (const [threads, replies] of theirs) rival[threads] = rivalSide(ours, replies);
  return { measurement: result, rival };
}

async function startPytorch(
  noPytorch: boolean,
  threadSettings: readonly PytorchThreads[],
): Promise<{ summary: PytorchSummary; servers: PytorchServer[] }> {
  if (noPytorch) {
    return { summary: { available: false, reason: '--no-pytorch' }, servers: [] };
  }
  const found = await findPytorch();
  if (!found.available) {
    return {
      summary: {
        available: false,
        reason: `no Python with torch: ${found.reason}; see bench/README.md "A fair PyTorch"`,
      },
      servers: [],
    };
  }
  const servers: PytorchServer[] = [];
  const settings: Partial<Record<PytorchThreads, PytorchProbe>> = {};
  try {
    for (const threads of threadSettings) {
      const { server, probe } = await PytorchServer.start(found.python, threads);
      servers.push(server);
      settings[threads] = probe;
      if (server.log.trim() !== '') process.stderr.write(server.log);
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  return {
    summary: {
      available: true,
      python: found.python,
      torch: found.probe.torch,
      threadSettings: [...threadSettings],
      settings,
    },
    servers,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      tasks: { type: 'string' },
      rounds: { type: 'string' },
      'no-pytorch': { type: 'boolean', default: false },
      'pytorch-threads': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick ?? false;
  const tasks = (values.tasks?.split(',') ?? [...BENCH_TASKS]) as BenchTaskId[];
  for (const t of tasks) {
    if (!BENCH_TASKS.includes(t)) throw new Error(`Unknown task '${t}'.\n${USAGE}`);
  }
  const rounds = values.rounds === undefined ? (quick ? 1 : 3) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`--rounds must be a positive integer, got '${values.rounds}'.\n${USAGE}`);
  }
  const outPath =
    values.out ?? (quick ? join(here, 'results.quick.json') : join(here, '..', 'results.json'));
  const source = await sourceInfo(here);
  const loadAverageBefore = loadAverage();
  const startedAt = new Date().toISOString();
  const threadSettings =
    values['pytorch-threads'] === undefined
      ? DEFAULT_PYTORCH_THREADS
      : parsePytorchThreads(values['pytorch-threads']);
  const { summary, servers } = await startPytorch(values['no-pytorch'] ?? false, threadSettings);
  const cacheDir = await mkdtemp(join(tmpdir(), 'hnn-bench-'));
  const entries: BenchEntry[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const task of tasks) {
      for (const model of BENCH_MODELS) {
        process.stderr.write(`bench: ${task} ${model}...\n`);
        const got = await measurePair(task, model, { quick, cacheDir, rounds, servers });
        if ('skipped' in got) {
          skipped.push(got);
          continue;
        }
        const { measurement, rival } =
          'measurement' in got ? got : { measurement: got, rival: null };
        // Both pixel models use the frames the first one rendered: report the rendering time.
        const firstOfTask = entries.find((e) => e.task === task);
        const m: Measurement =
          firstOfTask !== undefined && task === 'pixel-pendulum'
            ? {
                ...measurement,
                dataGenerationSeconds: firstOfTask.dataGenerationSeconds,
                dataNote: `${firstOfTask.dataNote ?? ''} (measured by the ${firstOfTask.model} run; this run loaded the cache)`,
              }
            : measurement;
        const flopsPerStep =
          m.shape.kind === 'pixel'
            ? pixelStepFlops(
                model,
                m.shape.batch,
                m.shape.inputDim,
                m.shape.hidden,
                m.shape.latentDim,
              )
            : mlpStepFlops(model, m.shape.batch, m.shape.dim);
        entries.push({
          ...m,
          flopsPerStep,
          gflops: Math.round(gflopsPerSecond(flopsPerStep, m.msPerStep) * 10) / 10,
          pytorch: rival,
        });
      }
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
    await Promise.all(servers.map((s) => s.close()));
  }
  const report: BenchReport = {
    generatedAt: startedAt,
    quick,
    source,
    machine: { ...machineInfo(), loadAverageBefore, loadAverageAfter: loadAverage() },
    method: METHOD,
    rounds,
    pytorch: summary,
    entries,
    skipped,
  };
  await writeFile(outPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatReport(report));
  console.log(`wrote ${outPath}`);
}

await main();
