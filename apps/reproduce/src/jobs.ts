import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { initBackend, type BiasInit } from '@hnn/core';
import type { CanvasBackendPreference } from '@hnn/datasets/pixel';
import type { Table1Row } from '@hnn/eval';
import type { ImplementedTask } from './args.js';
import type { PixelArtifacts, VectorFieldArtifacts } from './figures/artifacts.js';
import {
  BEYOND_SPECS,
  isBeyondTask,
  runBeyondTask,
  type BeyondArtifacts,
  type BeyondRow,
} from './beyond/run.js';
import { beyondFigures } from './figures/beyond-figures.js';
import { pixelFigures } from './figures/pixel-figures.js';
import { vectorFieldFigures } from './figures/vector-field-figures.js';
import { REPO_ROOT, cacheDirFromEnv } from './paths.js';
import { PIXEL_TASK, runPixelTask } from './pixel-task.js';
import { runTask } from './run-task.js';
import { describeFailure } from './summary.js';
import { TASKS } from './tasks.js';
import { writeFileAtomic } from './write-atomic.js';

/**
 * One unit of work of a reproduce run: a task trained (baseline and HNN) with one seed and the
 * given settings. The same job gives the same row wherever it runs: in this process, in a worker
 * process of the embedded pool, or in `hnn-worker` on another machine reading a BullMQ queue.
 */
export interface ReproduceJob {
  readonly task: ImplementedTask;
  readonly seed: number;
  readonly steps: number;
  readonly biasInit: BiasInit;
  readonly renderer: CanvasBackendPreference;
  /** True when --tasks named the task: a missing input is then a failure, not a skip. */
  readonly explicit: boolean;
  /** Draw this job's figures (the first seed's jobs only). */
  readonly figures: boolean;
  /**
   * The coordinator's real-pendulum file; a worker's own HNN_REAL_PENDULUM_DATA wins (another
   * machine keeps it elsewhere), and the file's SHA-256 is checked either way.
   */
  readonly realPendulumPath?: string;
  /** The code version the job must run with (see codeVersion). */
  readonly code: string;
}

/** A file a job wrote (figures, the pixel task's PNGs), carried back to the coordinator. */
export interface FigureFile {
  /** Path under the results directory, e.g. figures/mass-spring.png. */
  readonly name: string;
  readonly base64: string;
}

export type JobOutcome =
  | {
      readonly status: 'ran';
      /** A Table 1 task's row, or a "Beyond the paper" task's row (beyond.json). */
      readonly row: Table1Row | BeyondRow;
      readonly figures: readonly FigureFile[];
      /** One line per figure batch or figure failure (figures never cost a row). */
      readonly figureNotes: readonly string[];
    }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string; readonly stack?: string };

/** The fields that decide a job's numbers, as canonical JSON (sorted keys). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The job's key: SHA-256 of its settings and code version. Where the data file lies and whether
 * figures are drawn do not change the numbers, so they are not part of it.
 */
export function jobKey(job: ReproduceJob): string {
  const { task, seed, steps, biasInit, renderer, explicit, code } = job;
  return createHash('sha256')
    .update(canonical({ task, seed, steps, biasInit, renderer, explicit, code }))
    .digest('hex');
}

/**
 * The code a job runs with: the git commit plus a hash of uncommitted changes to tracked files
 * (results excluded, since the run itself writes them). Two checkouts at one commit with the same
 * edits agree; anything else is another version, so a queue worker never runs a job built for
 * other code, and a re-run after an edit trains again. Null outside a git checkout.
 */
export function codeVersion(repoRoot: string): string | null {
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 << 20,
      });
    const head = git(['rev-parse', 'HEAD']).trim();
    const diff = git(['diff', 'HEAD', '--binary', '--', '.', ':(exclude)apps/reproduce/results']);
    if (diff === '') return head;
    return `${head}+${createHash('sha256').update(diff).digest('hex').slice(0, 12)}`;
  } catch {
    return null;
  }
}

export interface JobContext {
  readonly backend: string;
  readonly cacheDir: string | null;
  readonly log: (line: string) => void;
  /** This process's code version; a job for another version fails with a message saying so. */
  readonly code: string | null;
  /** A queue worker's own copy of the real-pendulum file (its HNN_REAL_PENDULUM_DATA). */
  readonly realPendulumPath?: string;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/**
 * Runs one job to an outcome. Never throws for a job's own failure (a bad input, a crash in
 * training): that is a 'failed' outcome with the reason, so a queue does not retry what would
 * fail again. Figures are drawn into a private directory and returned as files, so that a worker
 * on another machine can hand them to the coordinator.
 */
export async function executeJob(job: ReproduceJob, ctx: JobContext): Promise<JobOutcome> {
  if (ctx.code !== null && job.code !== ctx.code) {
    return {
      status: 'failed',
      reason:
        `this worker runs code version ${ctx.code} but the job was made for ${job.code}; ` +
        'check out and build the same commit as the coordinator',
    };
  }
  // Everything the job writes goes to a private directory first and travels with the outcome.
  const scratch = await mkdtemp(join(tmpdir(), 'hnn-job-'));
  const figuresDir = job.figures ? join(scratch, 'figures') : null;
  const figureNotes: string[] = [];
  const draw = async (label: string, make: () => Promise<string[]>) => {
    const t0 = performance.now();
    try {
      const files = await make();
      figureNotes.push(
        `${label}: ${files.length} figure files in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      const { reason, stack } = describeFailure(err);
      figureNotes.push(`${label}: figures failed: ${stack ?? reason}`);
    }
  };
  try {
    let row: Table1Row | BeyondRow;
    if (isBeyondTask(job.task)) {
      // The D-HNN follow-up's tasks: three models each, saved to beyond.json, not Table 1.
      const beyond = await runBeyondTask(job.task, {
        steps: job.steps,
        seed: job.seed,
        backend: ctx.backend,
        biasInit: job.biasInit,
        realPendulumPath: ctx.realPendulumPath ?? job.realPendulumPath,
        explicit: job.explicit,
        log: ctx.log,
        ...(figuresDir === null
          ? {}
          : {
              onTrained: (a: BeyondArtifacts) =>
                draw(a.task, async () =>
                  (await beyondFigures(a, figuresDir)).flatMap((f) => f.files),
                ),
            }),
      });
      if ('skip' in beyond) return { status: 'skipped', reason: beyond.skip };
      row = beyond;
    } else if (job.task === 'pixel-pendulum') {
      row = await runPixelTask({
        steps: job.steps,
        seed: job.seed,
        backend: ctx.backend,
        cacheDir: ctx.cacheDir,
        outDir: scratch,
        log: ctx.log,
        renderer: job.renderer,
        biasInit: job.biasInit,
        ...(figuresDir === null
          ? {}
          : {
              onTrained: (a: PixelArtifacts) =>
                draw('pixel-pendulum', async () => {
                  const { written, gif } = await pixelFigures(a, figuresDir);
                  return [gif, ...written.flatMap((f) => f.files)];
                }),
            }),
      });
    } else {
      const spec = TASKS[job.task];
      const prepared = await spec.prepare({
        seed: job.seed,
        realPendulumPath: ctx.realPendulumPath ?? job.realPendulumPath,
        cacheDir: ctx.cacheDir,
        explicit: job.explicit,
        log: ctx.log,
      });
      if ('skip' in prepared) return { status: 'skipped', reason: prepared.skip };
      row = await runTask(spec, prepared, {
        steps: job.steps,
        seed: job.seed,
        backend: ctx.backend,
        biasInit: job.biasInit,
        log: ctx.log,
        ...(figuresDir === null
          ? {}
          : {
              onTrained: (a: VectorFieldArtifacts) =>
                draw(a.task, async () =>
                  (await vectorFieldFigures(a, figuresDir)).flatMap((f) => f.files),
                ),
            }),
      });
    }
    const figures: FigureFile[] = [];
    for (const path of await listFiles(scratch)) {
      figures.push({
        name: relative(scratch, path),
        base64: (await readFile(path)).toString('base64'),
      });
    }
    return { status: 'ran', row, figures, figureNotes };
  } catch (err) {
    return { status: 'failed', ...describeFailure(err) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Writes a job's files under the results directory `outDir` (each atomically). */
export async function writeJobFiles(
  outDir: string,
  figures: readonly FigureFile[],
): Promise<string[]> {
  const written: string[] = [];
  for (const f of figures) {
    // A name from another process must stay inside the results directory.
    if (f.name.startsWith('..') || isAbsolute(f.name)) continue;
    await writeFileAtomic(join(outDir, f.name), Buffer.from(f.base64, 'base64'));
    written.push(f.name);
  }
  return written;
}

/** The steps a task trains for under the run's options. */
export function jobSteps(
  task: ImplementedTask,
  options: { readonly steps: number | undefined; readonly quick: boolean },
  quickSteps: number,
): number {
  if (options.steps !== undefined) return options.steps;
  if (options.quick) return quickSteps;
  if (isBeyondTask(task)) return BEYOND_SPECS[task].steps;
  return task === 'pixel-pendulum' ? PIXEL_TASK.steps : TASKS[task].steps;
}

/**
 * The context of a worker process (the pool's or a queue's), from its own environment:
 * HNN_CACHE_DIR, and for a queue worker (`ownPendulumFile`) its own HNN_REAL_PENDULUM_DATA,
 * since on another machine the coordinator's path means nothing (the SHA-256 is checked anyway).
 */
export async function workerContext(ownPendulumFile: boolean): Promise<JobContext> {
  const envPendulum = process.env.HNN_REAL_PENDULUM_DATA;
  // @hnn/core is silent unless given a logger; its backend line goes to stderr.
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  const backend = await initBackend(undefined, { logger: { info: warn, warn } });
  return {
    backend: backend.name,
    cacheDir: cacheDirFromEnv(),
    log: (line) => process.stdout.write(`${line}\n`),
    code: codeVersion(REPO_ROOT),
    ...(ownPendulumFile && envPendulum !== undefined && envPendulum !== ''
      ? { realPendulumPath: resolve(envPendulum) }
      : {}),
  };
}
