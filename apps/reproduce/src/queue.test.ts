import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, DIST_MAIN, ensureAppBuilt, runNode } from './test-utils/built-app.js';

// The job queue for real: Debian's redis-server on 127.0.0.1, the coordinator and two
// hnn-worker processes as a user starts them, one worker killed mid-job. The merged table must
// equal the embedded pool's bit for bit. .ci/run installs redis-server and sets
// HNN_REQUIRE_REDIS=1, so there a missing server is a failure, not a skip.

const REDIS = spawnSync('redis-server', ['--version']).status === 0;
const required = process.env.HNN_REQUIRE_REDIS === '1';
const DIST_WORKER = join(APP_DIR, 'dist', 'worker.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Fields that say when or how fast a job ran, not what it computed. */
const VOLATILE = new Set([
  'generatedAt',
  'trainSeconds',
  'msPerStep',
  'fastPath',
  'dataGenerationSeconds',
]);

function numbersOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(numbersOf);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, v]) => [k, numbersOf(v)]),
    );
  }
  return value;
}

async function tableRows(dir: string): Promise<unknown[]> {
  const table = JSON.parse(await readFile(join(dir, 'table1.json'), 'utf8')) as {
    rows: { task: string; seed: number }[];
  };
  return [...table.rows]
    .sort((a, b) => (a.task === b.task ? a.seed - b.seed : a.task < b.task ? -1 : 1))
    .map(numbersOf);
}

const SWEEP = ['--tasks', 'mass-spring,two-body', '--seeds', '0-1', '--steps', '400'];
const COMMON = [...SWEEP, '--no-figures', '--fresh'];

describe.runIf(REDIS || required)('reproduce on a BullMQ queue over a real Redis', () => {
  let redis: ChildProcess | undefined;
  let url = '';
  const env: NodeJS.ProcessEnv = { ...process.env };

  beforeAll(async () => {
    if (!REDIS) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
    ensureAppBuilt();
    env.HNN_CACHE_DIR = await mkdtemp(join(tmpdir(), 'hnn-cache-'));
    delete env.HNN_REAL_PENDULUM_DATA;
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
      stdio: 'ignore',
    });
    url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    // Refused connections until the server listens are expected; ping waits for it.
    client.on('error', () => undefined);
    await client.ping();
    client.disconnect();
  }, 30_000);

  afterAll(() => {
    redis?.kill('SIGTERM');
  });

  it('pool and queue, each with a worker killed mid-job: the same table bit for bit', async () => {
    // The embedded pool, with one of its worker processes killed once it is training.
    const embedded = await mkdtemp(join(tmpdir(), 'hnn-embedded-'));
    const poolRun = spawn(
      process.execPath,
      [DIST_MAIN, ...COMMON, '--workers', '2', '--out', embedded],
      { env, cwd: APP_DIR },
    );
    let poolOut = '';
    poolRun.stdout.on('data', (d: Buffer) => (poolOut += d.toString()));
    poolRun.stderr.on('data', (d: Buffer) => (poolOut += d.toString()));
    const poolExit = new Promise<number | null>((resolve) => poolRun.on('close', resolve));
    await new Promise<void>((resolve) => {
      const check = () => {
        if (/step \d+\/401/.test(poolOut)) resolve();
        else setTimeout(check, 100);
      };
      check();
    });
    const children = spawnSync('pgrep', ['-P', String(poolRun.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l !== '');
    expect(children.length).toBe(2);
    process.kill(Number(children[0]), 'SIGKILL');
    expect(await poolExit, poolOut).toBe(0);
    expect(poolOut).toMatch(/pool: a worker died \(signal SIGKILL\) running .* retrying/);

    const queued = await mkdtemp(join(tmpdir(), 'hnn-queued-'));
    const coordinator = runNode([DIST_MAIN, ...COMMON, '--queue', url, '--out', queued], env);
    const worker = (): { child: ChildProcess; output: () => string } => {
      const child = spawn(process.execPath, [DIST_WORKER, '--queue', url, '--lock-seconds', '2'], {
        env,
        cwd: APP_DIR,
      });
      let output = '';
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      return { child, output: () => output };
    };
    const doomed = worker();
    // Kill the first worker as soon as it has started a job.
    const killedJob = await new Promise<string>((resolve) => {
      doomed.child.stdout?.on('data', () => {
        const m = /hnn-worker: started (.+)\n/.exec(doomed.output());
        if (m !== null && doomed.child.exitCode === null) {
          doomed.child.kill('SIGKILL');
          resolve(m[1]!);
        }
      });
    });
    const survivor = worker();
    const result = await coordinator;
    survivor.child.kill('SIGTERM');
    expect(result.status, result.stderr).toBe(0);
    // The killed job was run again, by the survivor.
    expect(survivor.output()).toContain(`hnn-worker: ran ${killedJob}`);
    expect(await tableRows(queued)).toEqual(await tableRows(embedded));
    expect((await tableRows(queued)).length).toBe(4);

    // A re-run finds every job finished on the queue and trains nothing.
    const again = await runNode(
      [DIST_MAIN, ...SWEEP, '--no-figures', '--queue', url, '--out', queued],
      env,
    );
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('finished by an earlier run');
    expect(await tableRows(queued)).toEqual(await tableRows(embedded));
  }, 600_000);
});
