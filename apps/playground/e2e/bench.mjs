// Browser benchmark: ms per training step of the mass-spring HNN and baseline (batch 750: the
// paper's 25 training trajectories x 30 points, full batch) in the page's own workers, in headless
// Chromium, with and without cross-origin isolation, and the first contentful paint.
// `pnpm --filter @hnn/playground bench:page [-- --steps N] [-- --no-rivals]` (builds first).
// 1. Both models train at once, as on the page (on a 2-core machine each has about one core).
// 2. Each model alone in the page's worker (the same built worker script the page starts).
// 3. In the same run, `pnpm bench`'s mass-spring entries (bench/dist/main.js): our Node step and
//    PyTorch's (bench/pytorch/step.py) when a Python with torch is there, so the browser's step
//    is compared with PyTorch's measured on this machine now, not with a number from elsewhere.
/* global document, performance, Worker -- in page.evaluate callbacks, which run in the page */
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { massSpringDataset } from '@hnn/datasets';
import { chromium } from 'playwright-core';
import { DIST, serve } from './serve.mjs';

const args = process.argv.slice(2);
const stepsAt = args.indexOf('--steps');
const steps = stepsAt >= 0 ? Number(args[stepsAt + 1]) : 500;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const rivals = !args.includes('--no-rivals');
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

// The page's training worker as built (Vite names it train-worker-<hash>.js).
const workerFile = readdirSync(join(DIST, 'assets')).find((f) => /^train-worker-.*\.js$/.test(f));
if (workerFile === undefined) throw new Error(`no train-worker-*.js in ${DIST}assets: build first`);
// The paper's mass-spring data, as the page makes it by default (750 training rows, 750 test).
const data = massSpringDataset();
const request = {
  type: 'train',
  dim: 2,
  hidden: 200,
  learningRate: 1e-3,
  steps,
  seed: 0,
  trainX: Array.from(data.train.x),
  trainDx: Array.from(data.train.dx),
  testX: Array.from(data.test.x),
  testDx: Array.from(data.test.dx),
};
/**
 * What bench/dist/main.js writes (bench/src/report.ts), as far as it is read here.
 * @typedef {{ pytorch?: { available: boolean, reason?: string }, entries: Array<{ task: string, model: 'hnn' | 'baseline', fastPath: string, msPerStep: number, pytorch?: Record<string, { stepMs: { median: number } }> }> }} BenchResults
 */
/** @type {Record<string, Record<string, { fastPath: string, msPerStep: number }>>} */
const alone = { hnn: {}, baseline: {} };

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
/** @type {string[]} */
const rows = [];
try {
  for (const isolate of [true, false]) {
    const server = await serve({ isolate });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${server.url}?steps=${steps}`);
      await page.waitForSelector('body[data-ready=true]');
      const paint = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      const started = Date.now();
      await page.getByTestId('train').click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid=status]')?.textContent === 'done',
        null,
        { timeout: 600_000 },
      );
      const seconds = (Date.now() - started) / 1000;
      const threads = (await page.getByTestId('threads').textContent()) ?? '';
      const m = /HNN (\S+) ([\d.]+) ms\/step; baseline (\S+) ([\d.]+) ms\/step/.exec(threads);
      if (m === null) throw new Error(`no timings on the page: ${threads}`);
      rows.push(
        `| ${isolate ? 'yes' : 'no'} | ${m[1]} | ${m[2]} | ${m[3]} | ${m[4]} | ${seconds.toFixed(1)} | ${paint.toFixed(0)} |`,
      );
      await page.close();
      for (const kind of /** @type {const} */ (['hnn', 'baseline'])) {
        const solo = await browser.newPage();
        await solo.goto(server.url);
        await solo.waitForSelector('body[data-ready=true]');
        alone[kind][isolate ? 'yes' : 'no'] = await solo.evaluate(
          ({ url, req }) =>
            new Promise((resolve, reject) => {
              const worker = new Worker(url, { type: 'module' });
              worker.onerror = (e) => reject(new Error(e.message));
              /** @param {MessageEvent<{ type: string, message?: string, finished?: boolean, fastPath?: string, msPerStep?: number }>} event */
              worker.onmessage = (event) => {
                const msg = event.data;
                if (msg.type === 'error') reject(new Error(String(msg.message)));
                if (msg.type === 'model' && msg.finished) {
                  worker.terminate();
                  resolve({ fastPath: String(msg.fastPath), msPerStep: Number(msg.msPerStep) });
                }
              };
              worker.postMessage({
                ...req,
                trainX: Float64Array.from(req.trainX),
                trainDx: Float64Array.from(req.trainDx),
                testX: Float64Array.from(req.testX),
                testDx: Float64Array.from(req.testDx),
              });
            }),
          { url: `assets/${workerFile}`, req: { ...request, kind } },
        );
        await solo.close();
      }
    } finally {
      await server.close();
    }
  }
} finally {
  await browser.close();
}
console.log(
  `mass-spring, batch 750, ${steps} steps (+1), both models training at once, Chromium headless`,
);
console.log(
  '| COOP/COEP | HNN engine | HNN ms/step | baseline engine | baseline ms/step | wall s | first paint ms |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);

console.log(`\neach model alone in the page's worker, ${steps} steps (+1):`);
console.log('| model | COOP/COEP | engine | ms/step |');
console.log('| --- | --- | --- | --- |');
for (const kind of /** @type {const} */ (['hnn', 'baseline'])) {
  for (const iso of ['yes', 'no']) {
    const r = alone[kind][iso];
    if (r !== undefined)
      console.log(`| ${kind} | ${iso} | ${r.fastPath} | ${r.msPerStep.toFixed(2)} |`);
  }
}

if (rivals) {
  // `pnpm bench` for mass-spring only: our Node step and PyTorch's, interleaved, same machine.
  const out = mkdtempSync(join(tmpdir(), 'hnn-playground-bench-'));
  try {
    const built = spawnSync(
      'pnpm',
      ['--filter', '@hnn/bench', 'exec', 'tsc', '-p', 'tsconfig.build.json'],
      {
        cwd: REPO,
        stdio: 'inherit',
      },
    );
    if (built.status !== 0) throw new Error('building bench/ failed');
    const file = join(out, 'results.json');
    const ran = spawnSync(
      process.execPath,
      ['bench/dist/main.js', '--tasks', 'mass-spring', '--rounds', '2', '--out', file],
      { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (ran.status !== 0) throw new Error('bench/dist/main.js failed');
    /** @type {unknown} */
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    const results = /** @type {BenchResults} */ (raw);
    console.log('\nsame run: Node (pnpm bench, pure step) and PyTorch (bench/pytorch/step.py)');
    console.log(
      '| model | Node engine | Node ms/step | PyTorch ms/step (default threads) | browser alone, best / PyTorch |',
    );
    console.log('| --- | --- | --- | --- | --- |');
    for (const entry of results.entries) {
      if (entry.task !== 'mass-spring') continue;
      const torch = results.pytorch?.available ? entry.pytorch?.default?.stepMs?.median : undefined;
      const browserBest = Math.min(
        ...Object.values(alone[entry.model] ?? {}).map((r) => r.msPerStep),
      );
      console.log(
        `| ${entry.model} | ${entry.fastPath} | ${entry.msPerStep.toFixed(2)} | ${
          torch === undefined ? 'no torch' : torch.toFixed(2)
        } | ${torch === undefined ? '-' : (browserBest / torch).toFixed(2)} |`,
      );
    }
    if (!results.pytorch?.available) {
      console.log(`PyTorch: ${results.pytorch?.reason ?? 'not available'} (no ratio)`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
