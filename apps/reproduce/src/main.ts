#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { initBackend } from '@hnn/core';
import { CacheDirError, ensureCacheDir } from '@hnn/datasets';
import { renderTable1Markdown, type Table1, type Table1Row } from '@hnn/eval';
import { USAGE, parseReproduceArgs, type ImplementedTask } from './args.js';
import { saveBeyondRows } from './beyond/results.js';
import {
  BEYOND_SPECS,
  isBeyondTask,
  runBeyondTask,
  type BeyondArtifacts,
  type BeyondRow,
} from './beyond/run.js';
import { UsageError } from './errors.js';
import type { PixelArtifacts, VectorFieldArtifacts } from './figures/artifacts.js';
import { beyondFigures } from './figures/beyond-figures.js';
import { pixelFigures } from './figures/pixel-figures.js';
import { seedStripFigures } from './figures/seed-strips.js';
import { vectorFieldFigures } from './figures/vector-field-figures.js';
import { writeReport } from './report.js';
import {
  ResultsFileError,
  checkResultsDir,
  readTable1,
  saveRows,
  withResultsLock,
} from './results.js';
import { PIXEL_TASK, runPixelTask } from './pixel-task.js';
import { runTask } from './run-task.js';
import { describeFailure, exitCode, formatSummary, type Outcome } from './summary.js';
import { TASKS } from './tasks.js';

const QUICK_STEPS = 200;

const EMPTY_TABLE1: Table1 = { backend: '', seeds: [], generatedAt: '', rows: [] };

/** Tasks whose data goes through the HNN_CACHE_DIR cache. */
const CACHED_TASKS: readonly ImplementedTask[] = ['two-body', 'three-body', 'pixel-pendulum'];

async function main(argv: readonly string[]): Promise<number> {
  const options = parseReproduceArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  const repoRoot = resolve(appDir, '..', '..');
  const baseDir = options.outDir ? resolve(options.outDir) : join(appDir, 'results');
  const outDir = options.quick ? join(baseDir, 'quick') : baseDir;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const warn = (line: string) => process.stderr.write(`${line}\n`);

  // Before any training: a malformed table1.json or an unwritable results directory would
  // otherwise only show when the first trained row is saved, and that row would be lost.
  await checkResultsDir(outDir);
  if (options.reportOnly) return rewriteReport(outDir, options.figures, options.quick, log);

  const notes: string[] = [];
  const envCacheDir = process.env.HNN_CACHE_DIR;
  let cacheDir: string | null =
    envCacheDir !== undefined && envCacheDir !== ''
      ? resolve(repoRoot, envCacheDir)
      : join(repoRoot, '.cache', 'hnn');
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

  const backend = await initBackend();
  log(`backend: ${backend.name}${backend.fallbackReason ? ` (${backend.fallbackReason})` : ''}`);
  log(`writing to ${outDir}`);

  const figuresDir = join(outDir, 'figures');
  // Figures never cost a trained row: a failure is reported and the run goes on.
  const drawFigures = async (task: string, draw: () => Promise<string[]>) => {
    if (!options.figures) return;
    const t0 = performance.now();
    try {
      const files = await draw();
      log(
        `${task}: ${files.length} figure files in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
          `(${files.join(', ')})`,
      );
    } catch (err) {
      log(
        `${task}: figures failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  };
  const onVectorFieldTrained = (a: VectorFieldArtifacts) =>
    drawFigures(a.task, async () =>
      (await vectorFieldFigures(a, figuresDir)).flatMap((f) => f.files),
    );
  const onPixelTrained = (a: PixelArtifacts) =>
    drawFigures('pixel-pendulum', async () => {
      const { written, gif } = await pixelFigures(a, figuresDir);
      return [gif, ...written.flatMap((f) => f.files)];
    });

  const onBeyondTrained = (a: BeyondArtifacts) =>
    drawFigures(a.task, async () => (await beyondFigures(a, figuresDir)).flatMap((f) => f.files));

  const rows: Table1Row[] = [];
  const beyondRows: BeyondRow[] = [];
  const outcomes: Outcome[] = [];
  // turbo runs this in apps/reproduce; relative paths mean the repository root, where the
  // command is typed. An empty --real-pendulum-data stays empty (resolving it would name the
  // repository root) so that loading it says what is wrong.
  const rawPendulum = options.realPendulumData;
  const realPendulumPath =
    rawPendulum === undefined || rawPendulum === '' ? rawPendulum : resolve(repoRoot, rawPendulum);

  const multiSeed = options.seeds.length > 1;
  const firstSeed = options.seeds[0] ?? 0;
  for (const id of options.tasks) {
    for (const seed of options.seeds) {
      const label = multiSeed ? `${id} (seed ${seed})` : id;
      const seedField = multiSeed ? { seed } : {};
      // Figures show one seed (the first); every seed's numbers go to Table 1.
      const figures = seed === firstSeed;
      try {
        // Again before each task: another run may have broken the table in the meantime, and a
        // task whose row cannot be saved is better not trained.
        await checkResultsDir(outDir);
        if (isBeyondTask(id)) {
          // The D-HNN follow-up's tasks: three models each, saved to beyond.json, not Table 1.
          const beyond = await runBeyondTask(id, {
            steps: options.steps ?? (options.quick ? QUICK_STEPS : BEYOND_SPECS[id].steps),
            seed,
            backend: backend.name,
            biasInit: options.biasInit,
            realPendulumPath,
            explicit: options.tasksExplicit,
            log,
            ...(figures ? { onTrained: onBeyondTrained } : {}),
          });
          if ('skip' in beyond) {
            log(`${label}: skipped — ${beyond.skip}`);
            outcomes.push({ task: id, ...seedField, status: 'skipped', reason: beyond.skip });
            continue;
          }
          await saveBeyondRows(outDir, [beyond]);
          beyondRows.push(beyond);
          outcomes.push({ task: id, ...seedField, status: 'ran' });
          continue;
        }
        let row: Table1Row;
        if (id === 'pixel-pendulum') {
          row = await runPixelTask({
            steps: options.steps ?? (options.quick ? QUICK_STEPS : PIXEL_TASK.steps),
            seed,
            backend: backend.name,
            cacheDir,
            outDir,
            log,
            renderer: options.renderer,
            biasInit: options.biasInit,
            ...(figures ? { onTrained: onPixelTrained } : {}),
          });
        } else {
          const spec = TASKS[id];
          const steps = options.steps ?? (options.quick ? QUICK_STEPS : spec.steps);
          const prepared = await spec.prepare({
            seed,
            realPendulumPath,
            cacheDir,
            explicit: options.tasksExplicit,
            log,
          });
          if ('skip' in prepared) {
            log(`${label}: skipped — ${prepared.skip}`);
            outcomes.push({ task: id, ...seedField, status: 'skipped', reason: prepared.skip });
            continue;
          }
          row = await runTask(spec, prepared, {
            steps,
            seed,
            backend: backend.name,
            biasInit: options.biasInit,
            log,
            ...(figures ? { onTrained: onVectorFieldTrained } : {}),
          });
        }
        // Save after every (task, seed) so a later failure or Ctrl-C keeps the finished rows.
        await saveRows(outDir, [row], { backend: backend.name });
        rows.push(row);
        outcomes.push({ task: id, ...seedField, status: 'ran' });
      } catch (err) {
        // One task's bad input or crash never stops the others.
        const failure = describeFailure(err);
        warn(`error: ${label}: ${failure.reason}`);
        if (failure.stack !== undefined) warn(`(unexpected; the stack follows)\n${failure.stack}`);
        outcomes.push({ task: id, ...seedField, status: 'failed', reason: failure.reason });
      }
    }
  }

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
        if (options.figures && table.rows.length > 0)
          await drawFigures('seeds', async () =>
            (await seedStripFigures(table, figuresDir)).flatMap((f) => f.files),
          );
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
    if (err instanceof UsageError || err instanceof ResultsFileError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
