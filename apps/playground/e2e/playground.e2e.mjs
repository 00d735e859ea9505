// End-to-end tests of the built playground in Debian's Chromium (playwright-core drives
// /usr/bin/chromium; no browser download). Run by `pnpm --filter @hnn/playground test:e2e`,
// which builds the app and the CLI first. Screenshots go to test-results/ (not committed).
/* global document, window, navigator, performance, crossOriginIsolated, PerformanceObserver -- in page.evaluate callbacks, which run in the page */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const APP = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(APP, '..', '..');
const RESULTS = join(APP, 'test-results');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {{ url: string, close: () => Promise<unknown> }} */
let isolated;
/** @type {{ url: string, close: () => Promise<unknown> }} */
let plain;
/** @type {string} */
let work;

before(async () => {
  assert.ok(
    existsSync(join(APP, 'dist', 'index.html')),
    'build the app first: pnpm --filter @hnn/playground build',
  );
  assert.ok(
    existsSync(CHROMIUM),
    `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
  );
  await mkdir(RESULTS, { recursive: true });
  work = await mkdtemp(join(tmpdir(), 'hnn-playground-e2e-'));
  isolated = await serve({ isolate: true });
  plain = await serve({ isolate: false });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/**
 * A page at 1280x800 that records every console error, page error and failed request; the test
 * ends with `expectNoErrors`.
 * @param {string} url
 * @param {{ width: number, height: number }} [viewport]
 */
async function open(url, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  return {
    page,
    errors,
    close: () => context.close(),
  };
}

/** @param {string[]} errors */
function expectNoErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

/** @param {import('playwright-core').Page} page @param {string} id */
async function text(page, id) {
  return (await page.getByTestId(id).textContent())?.trim() ?? '';
}

/** @param {import('playwright-core').Page} page @param {string} id */
async function number(page, id) {
  const value = Number(await text(page, id));
  assert.ok(Number.isFinite(value), `${id} should show a number, shows '${await text(page, id)}'`);
  return value;
}

/** Clicks train and waits until both models finished. @param {import('playwright-core').Page} page */
async function trainToEnd(page, timeout = 240_000) {
  await page.getByTestId('train').click();
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid=status]')?.textContent ?? '';
      return s === 'done' || s.startsWith('error');
    },
    null,
    { timeout },
  );
  assert.equal(await text(page, 'status'), 'done');
}

/** How many pixels of a canvas are not blank. @param {import('playwright-core').Page} page @param {string} id */
async function inkedPixels(page, id) {
  return page.getByTestId(id).evaluate((canvas) => {
    const c = /** @type {HTMLCanvasElement} */ (canvas);
    // Read a copy: reading the page's own canvas back makes Chromium warn about readbacks.
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    ctx?.drawImage(c, 0, 0);
    const data = ctx?.getImageData(0, 0, c.width, c.height).data ?? [];
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  });
}

void test('mass-spring, 2000 steps: the HNN drifts at most 1/10 of the baseline', async () => {
  const { page, errors, close } = await open(isolated.url);
  const paint = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
  );
  assert.equal(await page.getByTestId('system').inputValue(), 'mass-spring');
  assert.equal(await page.locator('#steps').inputValue(), '2000');
  const started = Date.now();
  // The learned views update while training runs (train()'s onWeights snapshots): the HNN's
  // drift shows a number before the status says done.
  const during = page.waitForFunction(
    () => {
      const status = document.querySelector('[data-testid=status]')?.textContent ?? '';
      const drift = document.querySelector('[data-testid=drift-hnn]')?.textContent ?? '';
      return status.startsWith('training') && Number.isFinite(Number(drift)) ? drift : false;
    },
    null,
    { timeout: 240_000 },
  );
  await trainToEnd(page);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(Number.isFinite(Number(await (await during).jsonValue())));
  assert.equal(await number(page, 'step'), 2000);
  const lossHnn = await number(page, 'loss-hnn');
  const lossBaseline = await number(page, 'loss-baseline');
  const driftHnn = await number(page, 'drift-hnn');
  const driftBaseline = await number(page, 'drift-baseline');
  console.log(
    `# mass-spring: first contentful paint ${paint.toFixed(0)} ms; 2000 steps of both models in ${seconds.toFixed(1)} s; ` +
      `test loss HNN ${lossHnn} baseline ${lossBaseline}; drift HNN ${driftHnn} baseline ${driftBaseline}; ` +
      `${await text(page, 'threads')}`,
  );
  assert.ok(driftHnn <= driftBaseline / 10, `HNN drift ${driftHnn} vs baseline ${driftBaseline}`);
  assert.match(await text(page, 'threads'), /Cross-origin isolated/);
  assert.match(await text(page, 'threads'), /HNN wasm-[a-z-]*simd-[12]thread/);
  await page.screenshot({ path: join(RESULTS, 'mass-spring-trained.png'), fullPage: true });
  // Energy editing (paper Section 6): ΔH = 0.5 |H(start)| along the learned H's Riemannian
  // gradient; the learned H at the new start is 1.5 times the old (up to the solver, 1e-9).
  await page.locator('#delta-h').fill('0.5');
  await page.waitForFunction(() =>
    (document.querySelector('#delta-h-note')?.textContent ?? '').includes('→'),
  );
  const note = (await page.locator('#delta-h-note').textContent()) ?? '';
  const edit = /of the learned H \(([-\d.e]+) → ([-\d.e]+)\)/.exec(note);
  assert.ok(edit !== null, note);
  assert.ok(
    Math.abs(Number(edit[2]) - 1.5 * Number(edit[1])) <= 1e-4 * Math.abs(Number(edit[1])),
    note,
  );
  assert.match(page.url(), /dH=0.5/);
  await page.screenshot({ path: join(RESULTS, 'energy-edit.png'), fullPage: true });
  expectNoErrors(errors);
  await close();
});

void test('a custom H typed in trains and draws', async () => {
  const { page, errors, close } = await open(`${isolated.url}?steps=300`);
  await page.getByTestId('system').selectOption('custom');
  const input = page.getByTestId('custom-h');
  await input.fill('p^2/2 + 2*sin(q/2)^2 + 0.1*q^2');
  await input.press('Enter');
  await input.blur();
  assert.equal(await text(page, 'status'), 'ready');
  assert.equal((await page.locator('#custom-error').textContent())?.trim(), '');
  assert.match((await page.locator('#formula').textContent()) ?? '', /sin\(q \/ 2\)|sin\(q\/2\)/);
  const blank = await inkedPixels(page, 'phase-hnn');
  await trainToEnd(page);
  assert.equal(await number(page, 'step'), 300);
  await number(page, 'loss-hnn');
  await number(page, 'loss-baseline');
  await number(page, 'drift-hnn');
  await number(page, 'drift-baseline');
  // The learned H's contours and field are drawn where "not trained yet" was.
  const drawn = await inkedPixels(page, 'phase-hnn');
  assert.ok(drawn > blank * 5, `the HNN portrait has ${drawn} inked pixels (before: ${blank})`);
  // A bad formula is refused with a message, never evaluated as code.
  await input.fill('q + alert(1)');
  await input.press('Enter');
  await input.blur();
  assert.match(
    (await page.locator('#custom-error').textContent()) ?? '',
    /unknown function 'alert'/,
  );
  await page.getByTestId('system').selectOption('custom');
  await input.fill('p^2/2 + 2*sin(q/2)^2 + 0.1*q^2');
  await input.press('Enter');
  await input.blur();
  await page.screenshot({ path: join(RESULTS, 'custom-h.png'), fullPage: true });
  expectNoErrors(errors);
  await close();
});

void test('a CSV in the hnn CLI format uploads and trains', async () => {
  assert.ok(existsSync(CLI), `build the CLI first: pnpm --filter @hnn/cli... build (${CLI})`);
  const csv = join(work, 'pendulum.csv');
  execFileSync(process.execPath, [
    CLI,
    'make-data',
    '--system',
    'pendulum',
    '--trajectories',
    '12',
    '--out',
    csv,
  ]);
  const { page, errors, close } = await open(`${isolated.url}?steps=200`);
  await page.getByTestId('csv-upload').setInputFiles(csv);
  await page.waitForFunction(() =>
    (document.querySelector('#csv-note')?.textContent ?? '').includes('trajectories'),
  );
  assert.match(
    (await page.locator('#csv-note').textContent()) ?? '',
    /12 trajectories, 1 DOF, derivatives from columns/,
  );
  assert.equal(await page.getByTestId('system').inputValue(), 'csv');
  await trainToEnd(page);
  assert.equal(await number(page, 'step'), 200);
  const loss = await number(page, 'loss-hnn');
  await number(page, 'loss-baseline');
  assert.ok(loss < 1, `HNN test loss ${loss} on the pendulum data`);
  // No true H for a file: the drift is not claimed.
  assert.equal(await text(page, 'drift-hnn'), '–');
  await page.screenshot({ path: join(RESULTS, 'csv-upload.png'), fullPage: true });
  expectNoErrors(errors);
  await close();
});

/**
 * Rolls `modelPath` out with `hnn rollout` from the test's start and span and returns the largest
 * difference from the page's rollout CSV (same columns t,q1,p1,H and 400 rows are checked too).
 * @param {string} modelPath @param {string} pagePath @param {string} name
 */
async function compareWithCli(modelPath, pagePath, name) {
  const cliPath = join(work, name);
  const out = execFileSync(
    process.execPath,
    [
      CLI,
      'rollout',
      '--model',
      modelPath,
      '--x0',
      '0.7,-0.2',
      '--t-end',
      '15',
      '--points',
      '400',
      '--out',
      cliPath,
    ],
    { encoding: 'utf8' },
  );
  console.log(`# ${out.trim().split('\n').join(' | ')}`);
  const parse = async (/** @type {string} */ path) =>
    (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(','));
  const fromPage = await parse(pagePath);
  const fromCli = await parse(cliPath);
  assert.deepEqual(fromPage[0], fromCli[0], 'same columns (t,q1,p1,H)');
  assert.equal(fromPage.length, 401);
  assert.equal(fromCli.length, fromPage.length);
  let worst = 0;
  for (let r = 1; r < fromPage.length; r++) {
    for (let c = 0; c < fromPage[0].length; c++) {
      worst = Math.max(worst, Math.abs(Number(fromPage[r][c]) - Number(fromCli[r][c])));
    }
  }
  return worst;
}

void test('a model downloaded from the page rolls out with hnn rollout to the page numbers (1e-9)', async () => {
  assert.ok(existsSync(CLI), `build the CLI first: pnpm --filter @hnn/cli... build (${CLI})`);
  const { page, errors, close } = await open(`${isolated.url}?steps=300&x0=0.7,-0.2&tr=15`);
  await trainToEnd(page);
  const [modelDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-hnn').click(),
  ]);
  const modelPath = join(work, 'page-hnn.json');
  await modelDownload.saveAs(modelPath);
  const [rolloutDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-rollout-hnn').click(),
  ]);
  const pagePath = join(work, 'page-rollout.csv');
  await rolloutDownload.saveAs(pagePath);
  const worst = await compareWithCli(modelPath, pagePath, 'cli-rollout.csv');
  console.log(
    `# page vs hnn rollout (page's model): largest difference ${worst.toExponential(2)} over 400 rows`,
  );
  assert.ok(worst <= 1e-9, `largest difference ${worst}`);
  // The file loads back into the page (as it would from the CLI) and gives the same drift.
  const drift = await text(page, 'drift-hnn');
  await page.getByTestId('model-upload').setInputFiles(modelPath);
  await page.waitForFunction(() =>
    (document.querySelector('#model-note')?.textContent ?? '').startsWith('loaded'),
  );
  assert.equal(await text(page, 'drift-hnn'), drift);
  // A model trained by the CLI (with its default symplectic normalisation) loads too, and the
  // page rolls it out to the CLI's numbers: the normalisation is applied as hnn rollout does.
  const data = join(work, 'spring.csv');
  const cliModel = join(work, 'cli-hnn.json');
  execFileSync(process.execPath, [
    CLI,
    'make-data',
    '--system',
    'mass-spring',
    '--trajectories',
    '10',
    '--out',
    data,
  ]);
  execFileSync(
    process.execPath,
    [
      CLI,
      'train',
      '--data',
      data,
      '--model',
      'hnn',
      '--steps',
      '50',
      '--hidden',
      '32',
      '--out',
      cliModel,
    ],
    {
      stdio: 'ignore',
    },
  );
  await page.getByTestId('model-upload').setInputFiles(cliModel);
  await page.waitForFunction(() =>
    (document.querySelector('#model-note')?.textContent ?? '').includes('cli-hnn.json'),
  );
  assert.notEqual(await text(page, 'drift-hnn'), drift);
  const [cliRollout] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-rollout-hnn').click(),
  ]);
  const pageCliPath = join(work, 'page-rollout-of-cli-model.csv');
  await cliRollout.saveAs(pageCliPath);
  const worstCli = await compareWithCli(cliModel, pageCliPath, 'cli-rollout-of-cli-model.csv');
  console.log(
    `# page vs hnn rollout (CLI-trained model): largest difference ${worstCli.toExponential(2)}`,
  );
  assert.ok(worstCli <= 1e-9, `largest difference ${worstCli}`);
  await page.screenshot({ path: join(RESULTS, 'model-download.png'), fullPage: true });
  expectNoErrors(errors);
  await close();
});

void test('a reload with the URL restores the configuration', async () => {
  const { page, errors, close } = await open(isolated.url);
  await page.getByTestId('system').selectOption('pendulum');
  for (const [id, value] of [
    ['trajectories', '20'],
    ['noise', '0.05'],
    ['lr', '0.002'],
    ['hidden', '64'],
    ['steps', '700'],
    ['rollout-time', '12'],
  ]) {
    await page.locator(`#${id}`).fill(value);
    await page.locator(`#${id}`).press('Tab');
  }
  // Pick the start by clicking the true phase portrait.
  const box = await page.getByTestId('phase-true').boundingBox();
  assert.ok(box !== null);
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.35);
  await page.waitForFunction(
    () => /** @type {HTMLInputElement} */ (document.querySelector('#x0')).value !== '1.5, 0',
  );
  const x0 = await page.getByTestId('x0').inputValue();
  assert.notEqual(x0, '1.5, 0');
  const url = page.url();
  assert.match(url, /sys=pendulum/);
  const restored = await open(url);
  const p = restored.page;
  assert.equal(await p.getByTestId('system').inputValue(), 'pendulum');
  assert.equal(await p.locator('#trajectories').inputValue(), '20');
  assert.equal(await p.locator('#noise').inputValue(), '0.05');
  assert.equal(await p.locator('#lr').inputValue(), '0.002');
  assert.equal(await p.locator('#hidden').inputValue(), '64');
  assert.equal(await p.locator('#steps').inputValue(), '700');
  assert.equal(await p.locator('#rollout-time').inputValue(), '12');
  assert.equal(await p.getByTestId('x0').inputValue(), x0);
  await p.reload();
  await p.waitForSelector('body[data-ready=true]');
  assert.equal(await p.getByTestId('system').inputValue(), 'pendulum');
  assert.equal(await p.getByTestId('x0').inputValue(), x0);
  await p.screenshot({ path: join(RESULTS, 'url-restored.png'), fullPage: true });
  expectNoErrors(errors);
  expectNoErrors(restored.errors);
  await restored.close();
  await close();
});

void test('without COOP/COEP it trains on one thread, and it fits a phone-width screen', async () => {
  const { page, errors, close } = await open(`${plain.url}?sys=two-body&steps=100`, {
    width: 390,
    height: 844,
  });
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  await trainToEnd(page);
  assert.equal(await number(page, 'step'), 100);
  await number(page, 'drift-hnn');
  assert.match(await text(page, 'threads'), /Not cross-origin isolated: 1 kernel thread/);
  // The fused WebAssembly kernel ran (on one thread), not TensorFlow.js's ops.
  assert.match(
    await text(page, 'threads'),
    /HNN wasm-[a-z-]*simd-1thread .* baseline wasm-[a-z-]*simd-1thread/,
  );
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a phone screen`);
  await page.screenshot({ path: join(RESULTS, 'phone-two-body.png'), fullPage: true });
  expectNoErrors(errors);
  await close();
});

void test('no layout shift while training', async () => {
  const { page, errors, close } = await open(`${isolated.url}?steps=300`);
  await page.evaluate(() => {
    const w = /** @type {{ shift?: number }} */ (/** @type {unknown} */ (window));
    w.shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        w.shift =
          (w.shift ?? 0) + /** @type {{ value: number }} */ (/** @type {unknown} */ (entry)).value;
      }
    }).observe({ type: 'layout-shift', buffered: false });
  });
  await trainToEnd(page);
  const shift = await page.evaluate(
    () => /** @type {{ shift?: number }} */ (/** @type {unknown} */ (window)).shift ?? 0,
  );
  assert.ok(shift < 0.01, `cumulative layout shift ${shift} while training`);
  expectNoErrors(errors);
  await writeFile(join(RESULTS, 'layout-shift.txt'), `${shift}\n`);
  await close();
});

void test('works offline once loaded (the service worker caches the build)', async () => {
  const { page, errors, close } = await open(`${isolated.url}?steps=50`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await trainToEnd(page);
  assert.equal(await number(page, 'step'), 50);
  await number(page, 'drift-hnn');
  await page.screenshot({ path: join(RESULTS, 'offline.png'), fullPage: true });
  await page.context().setOffline(false);
  expectNoErrors(errors);
  await close();
});
