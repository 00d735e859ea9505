import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir, trainArgs } from './test-utils/run-cli.js';
import { LIBRARY } from './version.js';
import { TEMPORARY_NAME } from './write-atomic.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  bin: Record<string, string>;
};
const builtBin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const built = existsSync(builtBin);

describe('the hnn binary', () => {
  const argv = process.argv;
  const exitCode = process.exitCode;
  afterEach(() => {
    process.argv = argv;
    process.exitCode = exitCode;
    vi.restoreAllMocks();
  });

  it('is declared as dist/bin.js, built from src/bin.ts with a node shebang', () => {
    expect(pkg.bin).toEqual({ hnn: './dist/bin.js' });
    expect(readFileSync(new URL('./bin.ts', import.meta.url), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
  });

  it('passes process.argv to the command line and sets the exit code', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    process.argv = ['node', 'hnn', '--version'];
    await import('./bin.js');
    expect(out).toBe(`${LIBRARY.name} ${LIBRARY.version}\n`);
    expect(process.exitCode).toBe(0);
  });

  // Runs only after `pnpm build` (the test task does not build).
  it.skipIf(!built)('runs as a process once built', () => {
    const help = spawnSync(process.execPath, [builtBin, 'train', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hnn train/);
    const bad = spawnSync(
      process.execPath,
      [builtBin, 'eval', '--model', 'missing.json', '--data', 'x.csv'],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      "hnn: error: missing.json: no such model file; check the path or create one with 'hnn train --out'\n",
    );
  });
});

describe.skipIf(!built)('the built binary under signals, closed pipes and pnpm', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let data: string;
  let model: string;

  beforeAll(async () => {
    dir = await tempDir();
    data = dir.path('spring.csv');
    model = dir.path('model.json');
    const hnn = (...args: string[]): void => {
      const r = spawnSync(process.execPath, [builtBin, ...args], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    hnn('make-data', '--system', 'mass-spring', '--trajectories', '6', '--out', data);
    hnn(...trainArgs(data, 'hnn', model), '--hidden', '8', '--steps', '5');
  });

  afterAll(async () => {
    await dir.remove();
  });

  /** Starts a long training and resolves once it reports its first step. */
  function longTraining(out: string): {
    child: ReturnType<typeof spawn>;
    started: Promise<void>;
    ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  } {
    const child = spawn(
      process.execPath,
      [builtBin, ...trainArgs(data, 'hnn', out), '--hidden', '16'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const started = new Promise<void>((resolve, reject) => {
      let text = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (/step +1\//.test(text)) resolve();
      });
      child.on('exit', () => {
        reject(new Error(`training ended before its first step: ${text}`));
      });
    });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });
    return { child, started, ended };
  }

  it('SIGTERM during training removes the reserved temporary file and dies of the signal', async () => {
    const out = dir.path('interrupted.json');
    const run = longTraining(out);
    await run.started;
    // The output was reserved before training, under a visible, recognisable name.
    const during = (await readdir(dir.path('.'))).filter((f) => TEMPORARY_NAME.test(f));
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^interrupted\.json\.hnn-partial-\d+-[0-9a-f]+\.tmp$/);
    run.child.kill('SIGTERM');
    expect(await run.ended).toEqual({ code: null, signal: 'SIGTERM' });
    const after = await readdir(dir.path('.'));
    expect(after.filter((f) => TEMPORARY_NAME.test(f) || f.endsWith('.tmp'))).toEqual([]);
    expect(after).not.toContain('interrupted.json');
  }, 30_000);

  it('a reader that closes stderr early does not crash the run or leave a temporary file', async () => {
    const out = dir.path('piped.json');
    const child = spawn(
      process.execPath,
      [builtBin, ...trainArgs(data, 'hnn', out), '--hidden', '8', '--steps', '400'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Like `hnn train ... 2>&1 | head -1`: read one chunk, then close the pipe.
    child.stderr.once('data', () => {
      child.stderr.destroy();
    });
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => {
        resolve(c);
      });
    });
    expect(code).toBe(0);
    const files = await readdir(dir.path('.'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toContain('piped.json');
  }, 60_000);

  // `pnpm hnn` is the root's `hnn` bin (tools/dev-hnn), not a package.json script, so pnpm runs
  // it through `pnpm exec` and prints no script banner on stdout (as a script it did, and
  // `pnpm hnn eval --json > f.json` was not JSON); the wrapper keeps turbo's run summary out of
  // both streams. Both forms the READMEs show are checked.
  const pnpmPath = process.env.npm_execpath;
  const pnpm: string[] | undefined =
    pnpmPath !== undefined && /pnpm/.test(pnpmPath)
      ? /\.c?js$/.test(pnpmPath)
        ? [process.execPath, pnpmPath]
        : [pnpmPath]
      : spawnSync('pnpm', ['--version']).status === 0
        ? ['pnpm']
        : undefined;
  it.skipIf(pnpm === undefined).each([[['hnn']], [['-s', 'hnn']]])(
    'pnpm %j eval --json writes only the JSON to stdout, and nothing else to stderr',
    (hnn) => {
      const [command, ...pre] = pnpm as string[];
      const r = spawnSync(
        command as string,
        [...pre, ...hnn, 'eval', '--model', model, '--data', data, '--json'],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { kind: string; rows: number };
      expect(report).toMatchObject({ kind: 'hnn', rows: 180 });
      expect(r.stderr).not.toMatch(/Tasks:|Cached:|turbo/);
    },
    60_000,
  );
});
