/**
 * `pnpm bench` (turbo task `bench`): training speed per task and model against PyTorch's pure
 * training step, with rollout and data-generation times and peak memory. Prints a table and
 * writes bench/results.json. `--quick` (CI) runs tiny versions only to check that it works.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RESULT_PREFIX } from './measurement.js';
import type { Measurement, Skipped } from './measurement.js';
import { PYTORCH_PURE_STEP_MS } from './pytorch.js';
import { BENCH_MODELS, BENCH_TASKS } from './tasks.js';
import type { BenchTaskId } from './tasks.js';
import { formatTable } from './table.js';

export interface BenchEntry extends Measurement {
  /** PyTorch's pure-step ms for this task and model (reference-protocol.md), when measured. */
  readonly pytorchMs: number | null;
  /** msPerStep / pytorchMs: below 1 is faster than PyTorch. */
  readonly ratioToPytorch: number | null;
}

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = `Usage: pnpm bench [-- --quick] [-- --tasks mass-spring,pendulum]
  --quick       tiny data and a few steps: only checks that everything runs (CI)
  --tasks LIST  comma-separated subset of ${BENCH_TASKS.join(',')}
  --out PATH    where to write the JSON (default bench/results.json; quick: bench/dist/results.quick.json)`;

function runChild(
  task: BenchTaskId,
  model: string,
  quick: boolean,
  cacheDir: string,
): Promise<Measurement | Skipped> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(here, 'measure.js'), task, model, quick ? 'quick' : 'full', cacheDir],
      { maxBuffer: 64 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
        if (error || line === undefined) {
          reject(new Error(`${task} ${model} failed: ${error?.message ?? 'no result'}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as Measurement | Skipped);
      },
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      tasks: { type: 'string' },
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
  const outPath =
    values.out ?? (quick ? join(here, 'results.quick.json') : join(here, '..', 'results.json'));
  const cacheDir = await mkdtemp(join(tmpdir(), 'hnn-bench-'));
  const loadBefore = loadavg();
  const startedAt = new Date().toISOString();
  const entries: BenchEntry[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const task of tasks) {
      for (const model of BENCH_MODELS) {
        process.stderr.write(`bench: ${task} ${model}...\n`);
        const got = await runChild(task, model, quick, cacheDir);
        if ('skipped' in got) {
          skipped.push(got);
          continue;
        }
        // Both pixel models use the frames the first one rendered: report the rendering time.
        const first = entries.find((e) => e.task === task);
        const m: Measurement =
          first !== undefined && task === 'pixel-pendulum'
            ? {
                ...got,
                dataGenerationSeconds: first.dataGenerationSeconds,
                dataNote: `${first.dataNote ?? ''} (measured by the ${first.model} run; this run loaded the cache)`,
              }
            : got;
        const ref = PYTORCH_PURE_STEP_MS[task];
        const pytorchMs = ref === undefined ? null : ref[model];
        entries.push({
          ...m,
          pytorchMs,
          ratioToPytorch:
            pytorchMs === null ? null : Math.round((m.msPerStep / pytorchMs) * 1000) / 1000,
        });
      }
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  const report = {
    generatedAt: startedAt,
    quick,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadAverageBefore: loadBefore.map((v) => Math.round(v * 100) / 100),
      loadAverageAfter: loadAfter.map((v) => Math.round(v * 100) / 100),
    },
    pytorchReference:
      'docs/reference-protocol.md: PyTorch 1.13 pure training step, one thread, same machine type, median of 60 steps',
    entries,
    skipped,
  };
  await writeFile(outPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatTable(entries));
  for (const s of skipped) console.log(`skipped ${s.task} ${s.model}: ${s.skipped}`);
  console.log(
    `load average before ${report.machine.loadAverageBefore.join(' ')}, after ${report.machine.loadAverageAfter.join(' ')}; wrote ${outPath}`,
  );
}

await main();
