// `pnpm --filter @hnn/kernels test:browser`: bundles browser-test/ (a page that trains the spring
// HNN with FusedTrainer) with Vite for the browser, checks that the bundle has no `node:` import,
// serves it on 127.0.0.1 twice (with the COOP/COEP headers that make a page cross-origin
// isolated, and without), opens each in headless Chromium (playwright-core; CHROMIUM or
// /usr/bin/chromium) and checks: the loss falls, the engine is the WebAssembly build the browser
// validates (relaxed SIMD or SIMD128), two threads with the headers and one without (with the
// reason), and no console error. Prints ms per step beside Node's on the same machine.
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import console from 'node:console';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { SpringRun } from '../browser-test/spring.js';

/** What browser-test/main.ts leaves on globalThis.hnnResult. */
type PageResult =
  | { readonly error: string }
  | {
      readonly error?: undefined;
      readonly beforePrepare: string;
      readonly crossOriginIsolated: boolean;
      readonly relaxedSimd: boolean;
      readonly runs: readonly SpringRun[];
      readonly compare: readonly Timing[];
    };
type Timing = { readonly engine: string; readonly msPerStep: number };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STEPS = 60;
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const outDir = mkdtempSync(join(tmpdir(), 'hnn-kernels-browser-'));
try {
  await build({
    root: join(root, 'browser-test'),
    logLevel: 'warn',
    // The workspace's source condition first, then what a browser bundle resolves.
    resolve: { conditions: ['@hnn/source', 'browser', 'module', 'import', 'default'] },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0 },
  });

  const files = readdirSync(outDir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(outDir, f)).isFile());
  const js = files.filter((f) => f.endsWith('.js'));
  const nodeImports = js.filter((f) =>
    /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/.test(
      readFileSync(join(outDir, f), 'utf8'),
    ),
  );
  check(nodeImports.length === 0, `bundle has no node: import (${js.join(', ')})`);
  check(
    files.some((f) => f.endsWith('.wasm') && f.includes('fused-step-')) &&
      files.some((f) => /fused-step-relaxed-.*\.wasm$/.test(f)),
    `bundle holds both .wasm builds (${files.filter((f) => f.endsWith('.wasm')).join(', ')})`,
  );
  for (const f of files) {
    console.log(`  ${f}: ${statSync(join(outDir, f)).size} bytes`);
  }

  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.wasm': 'application/wasm',
  };
  const serve = (isolated: boolean): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
        const file = join(outDir, path === '/' ? 'index.html' : path);
        if (relative(outDir, file).startsWith('..')) {
          res.writeHead(403).end();
          return;
        }
        let body: Buffer;
        try {
          body = readFileSync(file);
        } catch {
          res.writeHead(404).end();
          return;
        }
        const headers: Record<string, string> = {
          'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        };
        if (isolated) {
          headers['Cross-Origin-Opener-Policy'] = 'same-origin';
          headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
        }
        res.writeHead(200, headers).end(body);
      });
      server.listen(0, '127.0.0.1', () => resolve(server));
    });

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const results: Record<string, PageResult> = {};
  try {
    for (const isolated of [true, false]) {
      const server = await serve(isolated);
      const label = isolated ? 'with COOP/COEP' : 'without COOP/COEP';
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        const { port } = server.address() as AddressInfo;
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.waitForFunction(
          () => (globalThis as { hnnResult?: unknown }).hnnResult !== undefined,
          undefined,
          {
            timeout: 120_000,
          },
        );
        const result = await page.evaluate(
          () => (globalThis as unknown as { hnnResult: PageResult }).hnnResult,
        );
        results[label] = result;
        if (result.error !== undefined) {
          check(false, `${label}: the page trained (${result.error})`);
          continue;
        }
        check(
          result.crossOriginIsolated === isolated,
          `${label}: crossOriginIsolated is ${isolated}`,
        );
        const build = result.relaxedSimd ? 'wasm-relaxed-simd' : 'wasm-simd';
        check(
          /call `await prepareEngine\(\)`/.test(result.beforePrepare),
          `${label}: before prepareEngine, selectEngine says to await it (${result.beforePrepare})`,
        );
        const [one, two, simd] = result.runs as [SpringRun, SpringRun, SpringRun];
        check(
          simd.engine === 'wasm-simd-1thread',
          `${label}: the SIMD128 build ran as ${simd.engine}`,
        );
        check(one.engine === `${build}-1thread`, `${label}: one thread ran ${one.engine}`);
        check(
          two.engine === `${build}-${isolated ? '2threads' : '1thread'}`,
          `${label}: two threads asked for, ${two.engine} ran` +
            (two.threadFallbackReason ? ` (${two.threadFallbackReason})` : ''),
        );
        if (!isolated) {
          check(
            /Cross-Origin-Opener-Policy/.test(two.threadFallbackReason ?? ''),
            `${label}: the one-thread fallback says why`,
          );
        }
        for (const run of result.runs) {
          check(
            run.lastLoss < 0.5 * run.firstLoss,
            `${label}: ${run.engine} loss fell ${run.firstLoss.toPrecision(4)} -> ${run.lastLoss.toPrecision(4)} in ${run.steps} steps`,
          );
        }
        check(
          errors.length === 0,
          `${label}: no console error${errors.length ? `: ${errors.join(' | ')}` : ''}`,
        );
        await page.close();
      } finally {
        server.close();
      }
    }
  } finally {
    await browser.close();
  }

  // Node on the same machine, same steps (scripts/ts-child-loader.mjs runs the TypeScript).
  const node = <T>(flags: string[], mode: string, steps: number): T =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          ...flags,
          '--conditions=@hnn/source',
          '--import',
          './scripts/ts-child-loader.mjs',
          'browser-test/node-run.ts',
          mode,
          String(steps),
        ],
        { cwd: root, encoding: 'utf8' },
      ),
    ) as T;
  const nodeRuns = node<SpringRun[]>([], 'runs', STEPS);
  const nodeCompare = node<Timing[]>(['--experimental-wasm-relaxed-simd'], 'compare', 100);

  const row = (where: string, engine: string, ms: number): void =>
    console.log(`  ${where.padEnd(40)} ${engine.padEnd(28)} ${ms.toFixed(2)}`);
  console.log('\nspring HNN (MLP 2-200-200-1, batch 750), median ms per step after warm-up:');
  for (const [label, result] of Object.entries(results)) {
    for (const run of result.error === undefined ? result.runs : []) {
      row(`Chromium ${label}`, run.engine, run.msPerStep);
    }
  }
  for (const run of nodeRuns) row(`Node ${process.version}`, run.engine, run.msPerStep);
  console.log('one thread, steps of the engines interleaved (a fairer comparison under load):');
  for (const [label, result] of Object.entries(results)) {
    for (const t of result.error === undefined ? result.compare : []) {
      row(`Chromium ${label}`, t.engine, t.msPerStep);
    }
  }
  for (const t of nodeCompare) row(`Node --experimental-wasm-relaxed-simd`, t.engine, t.msPerStep);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`\n${failures.length} browser check(s) failed.`);
  process.exit(1);
}
console.log('\nall browser checks passed');
