/* global URL */
// The browser half of the consumer end to end (called by publish-check.mjs, which has installed
// @hnn/core from Verdaccio into the consumer project): the consumer's own training code
// (src/spring.ts, the file its Node program runs) is bundled by Vite for a page, served on
// 127.0.0.1 with the headers that make the page cross-origin isolated, and run in headless
// Chromium (Debian's /usr/bin/chromium driven by playwright-core; browsers cannot be downloaded
// here). TensorFlow.js's general path runs on its wasm backend, whose .wasm files Vite serves
// from the consumer's node_modules (no CDN).
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { isBuiltin } from 'node:module';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';

/** The page's entry: registers TensorFlow.js's wasm backend with Vite-served .wasm files. */
const PAGE_MAIN = `import { env } from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend } from '@hnn/core';
import { trainSpring } from '../src/spring.ts';

const report = (value) => {
  globalThis.__hnnResult = value;
  document.body.textContent = JSON.stringify(value);
};
try {
  // TF.js's threaded wasm build starts its workers from the source text of its own factory
  // function (Function.prototype.toString), which a bundler's renaming breaks ("e is not
  // defined" in the worker): one thread for TF.js; the fused kernel has its own worker.
  // setWasmPaths wants every file named, even the one that is then never fetched.
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasm,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  const info = await initBackend('wasm');
  const result = await trainSpring();
  const tfjs = await trainSpring('off');
  report({
    ...result,
    tfjs,
    initBackend: info.name,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
  });
} catch (error) {
  report({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
}
`;

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>hnn consumer</title></head>
<body><script type="module" src="./main.js"></script></body></html>
`;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** @param {string} dir @returns {string[]} every file below dir */
function filesBelow(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * The package.json nearest above a file.
 * @param {string} file
 * @returns {{ name: string, browser?: Record<string, unknown> } | undefined}
 */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    /** @type {{ name?: unknown, browser?: unknown }} */
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
    const parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof parsed.name !== 'string') continue;
    const browser =
      typeof parsed.browser === 'object' && parsed.browser !== null
        ? /** @type {Record<string, unknown>} */ (parsed.browser)
        : undefined;
    return { name: parsed.name, ...(browser ? { browser } : {}) };
  }
  return undefined;
}

/**
 * A Vite plugin that records every import of a Node built-in the bundler meets (Vite would only
 * warn and replace it with a stub that throws when used). A bare one ('fs') in a third-party
 * package whose package.json "browser" field maps it to false is that package's own, declared
 * browser build (tfjs' emscripten and platform code, seedrandom): listed in `mappedAway`, not
 * in `builtins`.
 * @param {string} root paths are reported relative to it
 */
export function nodeBuiltinRecorder(root) {
  /** @type {Set<string>} */
  const builtins = new Set();
  /** @type {Set<string>} */
  const mappedAway = new Set();
  /** @type {import('vite').Plugin} */
  const plugin = {
    name: 'hnn-record-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!isBuiltin(source)) return null;
      if (!source.startsWith('node:') && importer !== undefined) {
        const owner = packageOf(importer);
        if (
          owner !== undefined &&
          !owner.name.startsWith('@hnn/') &&
          owner.browser?.[source] === false
        ) {
          mappedAway.add(`${source} in ${owner.name}`);
          return null;
        }
      }
      builtins.add(`${source} (imported by ${relative(root, importer ?? '?')})`);
      return null;
    },
  };
  return { plugin, builtins, mappedAway };
}

/**
 * Serves `root` on 127.0.0.1 (a free port) with COOP/COEP, so the page is crossOriginIsolated
 * (SharedArrayBuffer for threads).
 * @param {string} root
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type':
        MIME[/** @type {keyof typeof MIME} */ (extname(file))] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * @typedef {{ fastPath: string, backend: string, msPerStep: number, firstLoss: number,
 *   finalLoss: number, initBackend?: string, crossOriginIsolated?: boolean, userAgent?: string,
 *   error?: string, tfjs?: SpringResult }} SpringResult
 */

/**
 * @param {{ consumer: string, node: SpringResult[], log: (line: string) => void,
 *   chromiumPath?: string }} options
 */
export async function browserCheck({ consumer, node, log, chromiumPath = '/usr/bin/chromium' }) {
  const web = join(consumer, 'web');
  const out = join(consumer, 'web-dist');
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'index.html'), PAGE_HTML);
  writeFileSync(join(web, 'main.js'), PAGE_MAIN);

  // Vite from this workspace, resolving every package from the consumer's node_modules (the
  // importer's directory), so the page is built from what npm installed from the registry.
  const recorder = nodeBuiltinRecorder(consumer);
  await build({
    configFile: false,
    root: web,
    logLevel: 'warn',
    plugins: [recorder.plugin],
    build: { outDir: out, emptyOutDir: true, target: 'esnext', reportCompressedSize: false },
    worker: { format: 'es' },
  });

  const files = filesBelow(out);
  const js = files.filter((f) => f.endsWith('.js'));
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  let minified = 0;
  let gzipped = 0;
  /** @type {string[]} */
  const nodeImports = [];
  for (const file of js) {
    const text = readFileSync(file);
    minified += text.length;
    gzipped += gzipSync(text, { level: 9 }).length;
    // A static or dynamic import (or require) of a Node built-in that the bundle kept.
    const found = text
      .toString('utf8')
      .match(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s*)["']node:[a-z_/]+["']/g);
    if (found) nodeImports.push(`${relative(out, file)}: ${[...new Set(found)].join(', ')}`);
  }
  const wasmBytes = wasm.reduce((sum, f) => sum + statSync(f).size, 0);
  const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(0)} KB`;
  log(
    `page bundle: ${js.length} JS files, ${kb(minified)} minified, ${kb(gzipped)} gzip; ` +
      `${wasm.length} .wasm files, ${kb(wasmBytes)} (${wasm.map((f) => relative(out, f)).join(', ')})`,
  );
  if (recorder.mappedAway.size > 0) {
    log(
      `Node built-ins that packages map to false for browsers (left out): ${[...recorder.mappedAway].join(', ')}`,
    );
  }
  if (recorder.builtins.size > 0) {
    throw new Error(`the page imports Node built-ins: ${[...recorder.builtins].join(', ')}`);
  }
  if (nodeImports.length > 0) {
    throw new Error(`the page bundle imports Node built-ins: ${nodeImports.join('; ')}`);
  }

  const server = await serve(out);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox'],
    headless: true,
  });
  /** @type {SpringResult} */
  let result;
  /** @type {string[]} */
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()}`));
    await page.goto(server.url);
    // Until the page reports, or fails: an error thrown while its modules load never reports.
    const end = Date.now() + 300_000;
    for (;;) {
      const value = await page.evaluate(
        () => /** @type {{ __hnnResult?: unknown }} */ (globalThis).__hnnResult,
      );
      if (value !== undefined) {
        result = /** @type {SpringResult} */ (value);
        break;
      }
      if (errors.length > 0) throw new Error(`the page failed:\n${errors.join('\n')}`);
      if (Date.now() > end) throw new Error('the page did not report within 300 s');
      await page.waitForTimeout(250);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  log(`chromium: ${JSON.stringify(result)}`);
  if (result.error !== undefined) throw new Error(`the page failed: ${result.error}`);
  if (errors.length > 0) throw new Error(`the page logged errors:\n${errors.join('\n')}`);
  if (result.crossOriginIsolated !== true) throw new Error('the page is not crossOriginIsolated');
  if (result.initBackend !== 'wasm' || result.backend !== 'wasm') {
    throw new Error(
      `TensorFlow.js did not run on its wasm backend in Chromium (initBackend ${String(result.initBackend)}, train ${result.backend})`,
    );
  }
  if (!(result.finalLoss < result.firstLoss / 10)) {
    throw new Error(`the HNN did not learn in Chromium: ${JSON.stringify(result)}`);
  }
  const tfjs = result.tfjs;
  if (tfjs === undefined || tfjs.fastPath !== 'none' || tfjs.backend !== 'wasm') {
    throw new Error(`no TensorFlow.js wasm run in Chromium: ${JSON.stringify(tfjs)}`);
  }
  if (!(tfjs.finalLoss < tfjs.firstLoss / 10)) {
    throw new Error(`the HNN did not learn on TensorFlow.js in Chromium: ${JSON.stringify(tfjs)}`);
  }
  // The fused WebAssembly kernel runs in browsers once @hnn/kernels has a browser build (the
  // `browser` condition of its '#platform' import); until then training runs on TensorFlow.js.
  /** @type {{ imports?: Record<string, unknown> }} */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
  const kernels = JSON.parse(
    readFileSync(join(consumer, 'node_modules', '@hnn', 'kernels', 'package.json'), 'utf8'),
  );
  const kernelsInBrowser = JSON.stringify(kernels.imports ?? {}).includes('"browser"');
  if (kernelsInBrowser && !result.fastPath.startsWith('wasm')) {
    throw new Error(`@hnn/kernels has a browser build but Chromium trained on ${result.fastPath}`);
  }
  if (!kernelsInBrowser && result.fastPath !== 'none') {
    throw new Error(
      `unexpected fastPath ${result.fastPath} without a browser build of @hnn/kernels`,
    );
  }
  const ms = (/** @type {SpringResult} */ r) =>
    `${r.msPerStep.toFixed(2)} (${r.fastPath}, backend ${r.backend})`;
  log(
    `ms per spring HNN step: Chromium ${ms(result)}, TF.js ops ${ms(tfjs)}; ` +
      `Node ${node.map(ms).join(', ')}; Chromium loss ${result.firstLoss.toExponential(2)} -> ` +
      `${result.finalLoss.toExponential(2)}` +
      (kernelsInBrowser ? '' : ' (this @hnn/kernels has no browser build: TensorFlow.js ops)'),
  );
  return { result, minified, gzipped, wasmBytes };
}
