#!/usr/bin/env node
/* global fetch */
// The publish flow, run for real: `changeset version` and `changeset publish` against a
// Verdaccio registry started here on 127.0.0.1 (temporary storage, no uplink), then a consumer
// project outside the workspace installs @hnn/* from it (everything else from the usual registry),
// type-checks with `strict` and without `skipLibCheck`, and trains an HNN on its own data with the
// fused kernel; then the same training code, bundled by Vite, trains in headless Chromium
// (browser-check.mjs). Prints the node_modules size of a fresh @hnn/core install (and fails
// above NODE_MODULES_BUDGET_MB), the engines that trained and ms per step in Node and Chromium,
// and the page bundle's size.
// The workspace is copied first, so versions and changelogs written by `changeset version` never
// touch the checkout. Usage: pnpm --filter @hnn/e2e publish-check (after `pnpm build`).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import process from 'node:process';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserCheck } from './browser-check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'hnn-publish-'));
const log = (line) => process.stdout.write(`publish-check: ${line}\n`);
// The install weight issue 11 asks for: @hnn/core with tfjs-core and its cpu backend (the
// @tensorflow/tfjs umbrella it used to pull was ~330 MB).
const NODE_MODULES_BUDGET_MB = 60;

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {string}
 */
function run(cmd, args, options = {}) {
  log(`$ ${cmd} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  try {
    return execFileSync(cmd, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      ...options,
    });
  } catch (err) {
    // What the command printed is what says why it failed.
    const stdout = /** @type {{ stdout?: unknown }} */ (err).stdout;
    if (typeof stdout === 'string') process.stdout.write(stdout);
    throw err;
  }
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {string} url @param {number} seconds */
async function waitFor(url, seconds) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${seconds} s`);
    await sleep(250);
  }
}

async function main() {
  const port = await freePort();
  const registry = `http://127.0.0.1:${port}/`;
  const storage = join(work, 'storage');
  const config = join(work, 'verdaccio.yaml');
  writeFileSync(
    config,
    [
      `storage: ${storage}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(work, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@hnn/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const verdaccio = spawn(
    process.execPath,
    [
      join(here, '..', 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
      '--config',
      config,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  try {
    await waitFor(`${registry}-/ping`, 60);
    log(`verdaccio on ${registry} (storage ${storage})`);
    const user = await fetch(`${registry}-/user/org.couchdb.user:e2e`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'e2e', password: 'e2e-password', type: 'user', roles: [] }),
    });
    const { token } = /** @type {{ token?: unknown }} */ (await user.json());
    if (typeof token !== 'string') throw new Error(`verdaccio gave no token (HTTP ${user.status})`);
    const npmrc = `@hnn:registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`;

    // A copy of the workspace with its built dist/ folders.
    const copy = join(work, 'workspace');
    const skip = /(^|\/)(node_modules|\.git|\.turbo|\.cache|results|coverage)(\/|$)/;
    cpSync(repo, copy, {
      recursive: true,
      filter: (src) => !skip.test(relative(repo, src)),
    });
    writeFileSync(join(copy, '.npmrc'), npmrc);
    const changeset = join(repo, 'node_modules', '@changesets', 'cli', 'bin.js');
    run(process.execPath, [changeset, 'version'], { cwd: copy });
    // pnpm publish turns workspace:^ into versions by reading the linked packages, so the copy
    // needs its links (from the store, no downloads, no build scripts).
    run(
      'pnpm',
      ['install', '--offline', '--frozen-lockfile', '--ignore-scripts', '--reporter=silent'],
      {
        cwd: copy,
      },
    );
    const published = run(process.execPath, [changeset, 'publish', '--no-git-tag'], {
      cwd: copy,
      env: { ...process.env, npm_config_registry: registry },
    });
    process.stdout.write(published);

    /** @param {string} file @returns {{ version: string, devDependencies: Record<string, string> }} */
    const readJson = (file) => {
      /** @type {{ version: string, devDependencies: Record<string, string> }} */
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      return parsed;
    };
    /** @param {string} name @returns {string} */
    const version = (name) =>
      String(readJson(join(copy, 'packages', name, 'package.json')).version);

    // The consumer: its own project, its own data (a spring measured at 60 points), strict types.
    const consumer = join(work, 'consumer');
    mkdirSync(join(consumer, 'src'), { recursive: true });
    writeFileSync(join(consumer, '.npmrc'), npmrc);
    // First @hnn/core alone, as a fresh project gets it: that install is what is measured.
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify(
        {
          name: 'hnn-consumer',
          private: true,
          type: 'module',
          dependencies: { '@hnn/core': version('core') },
        },
        null,
        2,
      ),
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumer });
    const size = Number(run('du', ['-sm', 'node_modules'], { cwd: consumer }).split('\t')[0]);
    const largest = run(
      'sh',
      ['-c', 'du -sm node_modules/* node_modules/@*/* | sort -rn | head -6'],
      {
        cwd: consumer,
      },
    )
      .trim()
      .split('\n')
      .map((line) => line.replace(/\tnode_modules\//, ' MB '))
      .join(', ');
    log(
      `fresh install of @hnn/core@${version('core')}: node_modules ${size} MB (largest: ${largest})`,
    );
    if (!(size <= NODE_MODULES_BUDGET_MB)) {
      throw new Error(
        `a fresh @hnn/core install takes ${size} MB, above the ${NODE_MODULES_BUDGET_MB} MB budget`,
      );
    }
    // Then what the consumer develops with: TypeScript, Node's types, and TensorFlow.js's wasm
    // backend (an optional peer of @hnn/core) for the browser page, at tfjs-core's version.
    const tfjsVersion = String(
      readJson(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'))
        .version,
    );
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `@tensorflow/tfjs-backend-wasm@${tfjsVersion}`,
        '--save-dev',
        'typescript@5.9.3',
        `@types/node@${String(readJson(join(repo, 'package.json')).devDependencies['@types/node'])}`,
      ],
      { cwd: consumer },
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          outDir: 'dist',
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(consumer, 'src', 'spring.ts'), CONSUMER_SPRING);
    writeFileSync(join(consumer, 'src', 'main.ts'), CONSUMER_MAIN);
    run(process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], {
      cwd: consumer,
    });
    // The same program on the fused kernel's WebAssembly engine, to compare with Chromium's.
    const wasmOut = run(process.execPath, ['dist/main.js'], {
      cwd: consumer,
      env: { ...process.env, HNN_FAST_PATH: 'wasm' },
    });
    /** @type {{ fastPath: string, backend: string, msPerStep: number, firstLoss: number, finalLoss: number }} */
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
    const nodeWasm = JSON.parse(wasmOut.trim().split('\n').at(-1) ?? '{}');
    const out = run(process.execPath, ['dist/main.js'], { cwd: consumer });
    process.stdout.write(out);
    /** @type {{ fastPath: string, backend: string, msPerStep: number, firstLoss: number, finalLoss: number }} */
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    if (!(result.finalLoss < result.firstLoss / 10)) {
      throw new Error(`the consumer's HNN did not learn: ${JSON.stringify(result)}`);
    }
    if (result.fastPath === 'none')
      throw new Error('the consumer trained without the fused kernel');
    log(
      `consumer: node_modules ${size} MB for @hnn/core@${version('core')}; ` +
        `trained on ${result.fastPath} (backend ${result.backend}), ${result.msPerStep.toFixed(2)} ms/step; ` +
        `loss ${result.firstLoss.toExponential(2)} -> ${result.finalLoss.toExponential(2)}`,
    );
    if (process.argv.includes('--no-browser')) {
      log('browser half skipped (--no-browser)');
    } else {
      await browserCheck({ consumer, node: [result, nodeWasm], log });
    }
  } finally {
    verdaccio.kill('SIGTERM');
    // HNN_E2E_KEEP=1 keeps the registry storage, the workspace copy and the consumer to look at.
    if (process.env.HNN_E2E_KEEP === '1') log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

// What a user writes: their own measurements of a spring (q, p and their time derivatives), and
// one training function that their Node program and their web page both call.
const CONSUMER_SPRING = `import { createHnn, train } from '@hnn/core';

export interface SpringResult {
  fastPath: string;
  backend: string;
  msPerStep: number;
  firstLoss: number;
  finalLoss: number;
}

/** fastPath 'off' trains on TensorFlow.js ops; by default env HNN_FAST_PATH decides, else auto. */
export async function trainSpring(fastPath?: 'off'): Promise<SpringResult> {
  const n = 60;
  const x = new Float64Array(2 * n);
  const dx = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (i / n) * 2 * Math.PI;
    const q = Math.cos(t);
    const p = -Math.sin(t);
    x.set([q, p], 2 * i);
    // H = (q^2 + p^2) / 2: dq/dt = p, dp/dt = -q
    dx.set([p, -q], 2 * i);
  }
  const model = createHnn({ inputDim: 2, seed: 0 });
  const losses: number[] = [];
  const result = await train(model, {
    trainX: x,
    trainDx: dx,
    dim: 2,
    steps: 300,
    learningRate: 1e-3,
    progressEvery: 300,
    onProgress: (p) => losses.push(p.trainLoss),
    fastPath,
  });
  model.dispose();
  return {
    fastPath: result.fastPath,
    backend: result.backend,
    msPerStep: result.msPerStep,
    firstLoss: losses[0] ?? NaN,
    finalLoss: losses.at(-1) ?? NaN,
  };
}
`;

const CONSUMER_MAIN = `import { trainSpring } from './spring.js';

console.log(JSON.stringify(await trainSpring()));
`;

main().catch((err) => {
  process.stderr.write(`publish-check failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
