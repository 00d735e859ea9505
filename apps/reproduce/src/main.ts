#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend } from '@hnn/core';
import { CacheDirError, ensureCacheDir } from '@hnn/datasets/node';
import { renderTable1Markdown, type Table1, type Table1Row } from '@hnn/eval';
import { USAGE, parseReproduceArgs, type ImplementedTask } from './args.js';
import { saveBeyondRows } from './beyond/results.js';
import { isBeyondTask, type BeyondRow } from './beyond/run.js';
import { ReproduceUsageError } from './errors.js';
import { seedStripFigures } from './figures/seed-strips.js';
import {
  codeVersion,
  jobKey,
  jobSteps,
  writeJobFiles,
  type JobOutcome,
  type ReproduceJob,
} from './jobs.js';
import { APP_DIR, REPO_ROOT, cacheDirFromEnv } from './paths.js';
import { writeReport } from './report.js';
import {
  ResultsFileError,
  checkResultsDir,
  readTable1,
  saveRows,
  withResultsLock,
} from './results.js';
import { inProcessRunner, poolRunner, queueRunner } from './runners.js';
import { describeFailure, exitCode, formatSummary, type Outcome } from './summary.js';
import { writeFileAtomic } from './write-atomic.js';

const QUICK_STEPS = 200;

const EMPTY_TABLE1: Table1 = { backend: '', seeds: [], generatedAt: '', rows: [] };

/** Tasks whose data goes through the HNN_CACHE_DIR cache. */
const CACHED_TASKS: readonly ImplementedTask[] = ['two-body', 'three-body', 'pixel-pendulum'];

const isBeyondRow = (row: Table1Row | BeyondRow): row is BeyondRow => isBeyondTask(row.task);

/** A job's outcome kept by an earlier run under <out>/jobs/<key>.json, or null. */
async function readFinishedJob(
  jobsDir: string,
  key: string,
): Promise<Extract<JobOutcome, { status: 'ran' }> | null> {
  try {
    const kept = JSON.parse(await readFile(join(jobsDir, `${key}.json`), 'utf8')) as JobOutcome;
    return kept.status === 'ran' && typeof kept.row === 'object' ? kept : null;
  } catch {
    // Missing or unreadable (e.g. cut short): the job simply runs again.
    return null;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseReproduceArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const repoRoot = REPO_ROOT;
  const baseDir = options.outDir ? resolve(options.outDir) : join(APP_DIR, 'results');
  const outDir = options.quick ? join(baseDir, 'quick') : baseDir;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const warn = (line: string) => process.stderr.write(`${line}\n`);

  // Before any training: a malformed table1.json or an unwritable results directory would
  // otherwise only show when the first trained row is saved, and that row would be lost.
  await checkResultsDir(outDir);
  if (options.reportOnly) return rewriteReport(outDir, options.figures, options.quick, log);

  const notes: string[] = [];
  let cacheDir: string | null = cacheDirFromEnv();
  if (options.tasks.some((t) => CACHED_TASKS.includes(t))) {
    try {
      await ensureCacheDir(cacheDir);
    } catch (err) {
      if (!(err instanceof CacheDirError)) throw err;
      // The cache only saves time, so a bad one costs no row: go on without it, as pip does.
      const note = `cache: ${err.message}; going on without a cache (data is generated every run)`;
      warn(`warning: ${note}`);
      notes.push(note);
      cacheDir = null;
    }
  }

  // The pool's and the queue's workers pick their own backend; this process trains only when the
  // jobs run here. @hnn/core is silent unless given a logger; its line goes to stderr as before.
  const local = options.queue === undefined && options.workers === 1;
  const backend = local
    ? await initBackend(undefined, { logger: { info: warn, warn } })
    : undefined;
  if (backend !== undefined) {
    log(`backend: ${backend.name}${backend.fallbackReason ? ` (${backend.fallbackReason})` : ''}`);
  }
  log(`writing to ${outDir}`);

  const rows: Table1Row[] = [];
  const beyondRows: BeyondRow[] = [];
  const outcomes: Outcome[] = [];
  // turbo runs this in apps/reproduce; relative paths mean the repository root, where the
  // command is typed. An empty --real-pendulum-data stays empty (resolving it would name the
  // repository root) so that loading it says what is wrong.
  const rawPendulum = options.realPendulumData;
  const realPendulumPath =
    rawPendulum === undefined || rawPendulum === '' ? rawPendulum : resolve(repoRoot, rawPendulum);

  const code = codeVersion(repoRoot);
  if (code === null) {
    notes.push('not a git checkout: finished jobs are not kept (no code version to key them by)');
  }
  const multiSeed = options.seeds.length > 1;
  const firstSeed = options.seeds[0] ?? 0;
  const jobs: ReproduceJob[] = options.tasks.flatMap((task) =>
    options.seeds.map((seed) => ({
      task,
      seed,
      steps: jobSteps(task, options, QUICK_STEPS),
      biasInit: options.biasInit,
      renderer: options.renderer,
      explicit: options.tasksExplicit,
      // Figures show one seed (the first); every seed's numbers go to Table 1.
      figures: options.figures && seed === firstSeed,
      ...(realPendulumPath === undefined ? {} : { realPendulumPath }),
      code: code ?? 'unversioned',
    })),
  );

  const jobsDir = join(outDir, 'jobs');
  const handle = async (job: ReproduceJob, outcome: JobOutcome, replayed = false) => {
    const label = multiSeed ? `${job.task} (seed ${job.seed})` : job.task;
    const seedField = multiSeed ? { seed: job.seed } : {};
    if (outcome.status === 'skipped') {
      log(`${label}: skipped — ${outcome.reason}`);
      outcomes.push({ task: job.task, ...seedField, status: 'skipped', reason: outcome.reason });
      return;
    }
    if (outcome.status === 'failed') {
      // One task's bad input or crash never stops the others.
      warn(`error: ${label}: ${outcome.reason}`);
      if (outcome.stack !== undefined) warn(`(unexpected; the stack follows)\n${outcome.stack}`);
      outcomes.push({ task: job.task, ...seedField, status: 'failed', reason: outcome.reason });
      return;
    }
    try {
      if (outcome.figures.length > 0) {
        const written = await writeJobFiles(outDir, outcome.figures);
        log(`${label}: wrote ${written.length} files (${written.join(', ')})`);
      }
      for (const note of outcome.figureNotes) log(`${label}: ${note}`);
      // Save after every job so a later failure or Ctrl-C keeps the finished rows.
      const row = outcome.row;
      if (isBeyondRow(row)) {
        await saveBeyondRows(outDir, [row]);
        beyondRows.push(row);
      } else {
        await saveRows(outDir, [row], { backend: row.backend });
        rows.push(row);
      }
      if (code !== null && !replayed) {
        // The files are written already; the row is what a re-run needs.
        const kept = { status: outcome.status, row: outcome.row, figureNotes: outcome.figureNotes };
        await writeFileAtomic(join(jobsDir, `${jobKey(job)}.json`), JSON.stringify(kept));
      }
      outcomes.push({ task: job.task, ...seedField, status: 'ran' });
    } catch (err) {
      const failure = describeFailure(err);
      warn(`error: ${label}: ${failure.reason}`);
      if (failure.stack !== undefined) warn(`(unexpected; the stack follows)\n${failure.stack}`);
      outcomes.push({ task: job.task, ...seedField, status: 'failed', reason: failure.reason });
    }
  };

  // Jobs finished by an earlier run of the same code and settings are not trained again.
  const todo: ReproduceJob[] = [];
  for (const job of jobs) {
    const done =
      code === null || options.fresh ? null : await readFinishedJob(jobsDir, jobKey(job));
    if (done === null) {
      todo.push(job);
    } else {
      log(
        `${job.task} seed ${job.seed}: finished by an earlier run (${jobsDir}); --fresh retrains`,
      );
      await handle(job, { ...done, figures: [] }, true);
    }
  }
  const runner =
    options.queue !== undefined
      ? queueRunner(options.queue, code ?? 'unversioned', log, { fresh: options.fresh })
      : options.workers > 1
        ? poolRunner(options.workers, log)
        : inProcessRunner({ backend: backend?.name ?? 'unknown', cacheDir, log, code });
  if (todo.length > 0) log(`running ${todo.length} jobs on ${runner.name}`);
  await runner.run(todo, (job, outcome) => handle(job, outcome));

  if (rows.length > 0 || beyondRows.length > 0) {
    if (rows.length > 0) {
      log('\nTable 1 (ours beside the paper):\n');
      log(renderTable1Markdown({ rows }));
      log(`wrote ${join(outDir, 'table1.json')} and table1.md`);
    }
    if (beyondRows.length > 0) log(`wrote ${join(outDir, 'beyond.json')}`);
    try {
      // Under the lock, from the tables as saved (other runs' rows included).
      const report = await withResultsLock(outDir, async () => {
        // A run of only the beyond tasks into a fresh directory has no Table 1 yet.
        const table = (await readTable1(join(outDir, 'table1.json'))) ?? EMPTY_TABLE1;
        if (options.figures && table.rows.length > 0) {
          const t0 = performance.now();
          try {
            const written = await seedStripFigures(table, join(outDir, 'figures'));
            log(
              `seeds: ${written.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
            );
          } catch (err) {
            log(`seeds: figures failed: ${describeFailure(err).reason}`);
          }
        }
        return writeReport(outDir, table, { quick: options.quick });
      });
      if (report !== null) log(`wrote ${report}`);
    } catch (err) {
      const { reason, stack } = describeFailure(err);
      warn(`error: REPORT.md: ${reason}${stack === undefined ? '' : `\n${stack}`}`);
      notes.push(`REPORT.md was not written: ${reason}`);
      log(`\n${formatSummary(outcomes, notes, 1)}`);
      return exitCode(outcomes, 1);
    }
  }
  log(`\n${formatSummary(outcomes, notes, 0)}`);
  return exitCode(outcomes, 0);
}

/** --report-only: REPORT.md and the seed strip plots from the saved table, under the lock. */
async function rewriteReport(
  outDir: string,
  figures: boolean,
  quick: boolean,
  log: (line: string) => void,
): Promise<number> {
  return withResultsLock(outDir, async () => {
    const table = await readTable1(join(outDir, 'table1.json'));
    if (table === null) {
      throw new ResultsFileError(`${join(outDir, 'table1.json')} does not exist yet: train first`);
    }
    if (figures) {
      const written = await seedStripFigures(table, join(outDir, 'figures'));
      log(`wrote ${written.flatMap((w) => w.files).join(', ')}`);
    }
    log(`wrote ${await writeReport(outDir, table, { quick })}`);
    return 0;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only what stops the run before any task: a bad option or an unusable results directory.
    if (err instanceof ReproduceUsageError || err instanceof ResultsFileError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
