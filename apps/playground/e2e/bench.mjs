// Browser benchmark: ms per training step of the mass-spring HNN and baseline (batch 750: the
// paper's 25 training trajectories x 30 points, full batch) in the page's own workers, in headless
// Chromium, with and without cross-origin isolation, and the first contentful paint.
// `pnpm --filter @hnn/playground bench [-- --steps N]` (builds first). Both models train at once,
// as on the page, so on a 2-core machine each has about one core.
/* global document, performance -- in page.evaluate callbacks, which run in the page */
import console from 'node:console';
import process from 'node:process';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const args = process.argv.slice(2);
const stepsAt = args.indexOf('--steps');
const steps = stepsAt >= 0 ? Number(args[stepsAt + 1]) : 500;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
