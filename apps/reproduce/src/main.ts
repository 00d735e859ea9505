#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { initBackend } from '@hnn/core';
import { renderTable1Markdown, type Table1Row } from '@hnn/eval';
import { USAGE, parseReproduceArgs } from './args.js';
import { UsageError } from './errors.js';
import type { PixelArtifacts, VectorFieldArtifacts } from './figures/artifacts.js';
import { pixelFigures } from './figures/pixel-figures.js';
import { vectorFieldFigures } from './figures/vector-field-figures.js';
import { writeReport } from './report.js';
import { ResultsFileError, saveRows } from './results.js';
import { PIXEL_TASK, runPixelTask } from './pixel-task.js';
import { runTask } from './run-task.js';
import { TASKS } from './tasks.js';

const QUICK_STEPS = 200;

async function main(argv: readonly string[]): Promise<void> {
  const options = parseReproduceArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  const repoRoot = resolve(appDir, '..', '..');
  const baseDir = options.outDir ? resolve(options.outDir) : join(appDir, 'results');
  const outDir = options.quick ? join(baseDir, 'quick') : baseDir;
  const log = (line: string) => process.stdout.write(`${line}\n`);

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

  const rows: Table1Row[] = [];
  let table = null;
  const context = {
    seed: options.seed,
    // turbo runs this in apps/reproduce; relative paths mean the repository root, where the
    // command is typed.
    realPendulumPath:
      options.realPendulumData === undefined
        ? undefined
        : resolve(repoRoot, options.realPendulumData),
    cacheDir: process.env.HNN_CACHE_DIR ?? join(repoRoot, '.cache', 'hnn'),
    log,
  };
  for (const id of options.tasks) {
    let row: Table1Row;
    if (id === 'pixel-pendulum') {
      row = await runPixelTask({
        steps: options.steps ?? (options.quick ? QUICK_STEPS : PIXEL_TASK.steps),
        seed: options.seed,
        backend: backend.name,
        cacheDir: context.cacheDir,
        outDir,
        log,
        onTrained: onPixelTrained,
      });
    } else {
      const spec = TASKS[id];
      const steps = options.steps ?? (options.quick ? QUICK_STEPS : spec.steps);
      const prepared = await spec.prepare(context);
      if ('skip' in prepared) {
        log(`${id}: skipped — ${prepared.skip}`);
        continue;
      }
      row = await runTask(spec, prepared, {
        steps,
        seed: options.seed,
        backend: backend.name,
        log,
        onTrained: onVectorFieldTrained,
      });
    }
    rows.push(row);
    // Save after every task so a later failure or Ctrl-C keeps the finished rows.
    table = await saveRows(outDir, [row], { backend: backend.name });
  }
  if (table) {
    log('\nTable 1 (ours beside the paper):\n');
    log(renderTable1Markdown({ ...table, rows }));
    log(`wrote ${join(outDir, 'table1.json')} and table1.md`);
    log(`wrote ${await writeReport(outDir, table, { quick: options.quick })}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ResultsFileError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
