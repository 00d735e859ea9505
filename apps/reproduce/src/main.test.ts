import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TWO_BODY_CONFIG } from '@hnn/datasets';
import { datasetCachePath } from '@hnn/datasets/node';
import { APP_DIR, DIST_MAIN, runNode, type ChildResult } from './test-utils/built-app.js';

// The command as a user runs it, in a child process: what matters here is the exit code and
// that a bad input is one line on stderr (no stack) while the other tasks still run. two-body is
// the other task because it is the quickest to train and measure (~3 s at one step).

const SHARED_DATA = resolve(APP_DIR, '../../../shared/data/real_pend_h_1.txt');

async function reproduce(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<ChildResult & { out: string; errors: string[] }> {
  const out = await mkdtemp(join(tmpdir(), 'hnn-reproduce-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.HNN_REAL_PENDULUM_DATA;
  childEnv.HNN_CACHE_DIR = await mkdtemp(join(tmpdir(), 'hnn-cache-'));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const result = await runNode(
    [DIST_MAIN, '--quick', '--steps', '1', '--no-figures', '--out', out, ...args],
    childEnv,
  );
  // @hnn/core reports its backend choice on stderr; everything else there is ours.
  const errors = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('[@hnn/core]'));
  return { ...result, out: join(out, 'quick'), errors };
}

const summary = (stdout: string) => stdout.slice(stdout.indexOf('\nSummary:') + 1).trimEnd();

async function savedTasks(dir: string): Promise<string[]> {
  const table = JSON.parse(await readFile(join(dir, 'table1.json'), 'utf8')) as {
    rows: { task: string }[];
  };
  return table.rows.map((r) => r.task);
}

describe('hnn-reproduce as a process', () => {
  it('a directory as the real-pendulum data: one line naming the fix, the other task runs, exit 1', async () => {
    // A fresh directory: one holding real_pend_h_1.txt would add "did you mean" to the line.
    const folder = await mkdtemp(join(tmpdir(), 'hnn-folder-'));
    const r = await reproduce(['--tasks', 'real-pendulum,two-body'], {
      HNN_REAL_PENDULUM_DATA: folder,
    });
    const line =
      `real-pendulum data path "${folder}" is a directory, not a file. Pass ` +
      '--real-pendulum-data PATH or set HNN_REAL_PENDULUM_DATA=PATH with PATH the file ' +
      'real_pend_h_1.txt itself (get it with `hnn-fetch-real-pendulum --out PATH`)';
    expect(r.errors).toEqual([`error: real-pendulum: ${line}`]);
    expect(r.status).toBe(1);
    expect(await savedTasks(r.out)).toEqual(['two-body']);
    expect(summary(r.stdout)).toBe(
      [
        'Summary: 1 ran, 0 skipped, 1 failed (exit code 1)',
        '  ran:     two-body',
        `  failed:  real-pendulum — ${line}`,
      ].join('\n'),
    );
  });

  // Without another task these need no training; the line and the exit code are the point.
  it.each([
    [
      'an empty HNN_REAL_PENDULUM_DATA with --tasks naming the task',
      [],
      { HNN_REAL_PENDULUM_DATA: '' },
      '--tasks names real-pendulum but no data file given. Download it with',
    ],
    [
      'an empty --real-pendulum-data',
      ['--real-pendulum-data', ''],
      {},
      'real-pendulum data path "" is empty. Pass --real-pendulum-data PATH',
    ],
  ])('%s: one line naming the fix, no stack, exit 1', async (_w, args, env, line) => {
    const r = await reproduce(['--tasks', 'real-pendulum', ...args], env);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.startsWith(`error: real-pendulum: ${line}`)).toBe(true);
    expect(r.status).toBe(1);
    expect(summary(r.stdout)).toBe(
      [
        'Summary: 0 ran, 0 skipped, 1 failed (exit code 1)',
        `  failed:  real-pendulum — ${r.errors[0]!.slice('error: real-pendulum: '.length)}`,
      ].join('\n'),
    );
  });

  it('a real-pendulum file with one byte changed: the checksum line, no stack, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-data-'));
    const path = join(dir, 'real_pend_h_1.txt');
    // The real file when it is here (CI has it), else any file: neither has the pinned hash.
    if (existsSync(SHARED_DATA)) await copyFile(SHARED_DATA, path);
    else await writeFile(path, '%o v\r\n  0  0.0  0.1  0.2\r\n');
    const bytes = await readFile(path);
    bytes[100 % bytes.length] = bytes[100 % bytes.length]! ^ 0x01;
    await writeFile(path, bytes);
    const r = await reproduce(['--tasks', 'real-pendulum', '--real-pendulum-data', path]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      new RegExp(`^error: real-pendulum: ${path}: SHA-256 is [0-9a-f]{64} but the pinned`),
    );
    expect(r.status).toBe(1);
    expect(summary(r.stdout)).toMatch(/^Summary: 0 ran, 0 skipped, 1 failed \(exit code 1\)\n/);
    expect(existsSync(join(r.out, 'table1.json'))).toBe(false);
  });

  // A path under a file, a read-only or a forbidden directory give the same CacheDirError
  // (tested in @hnn/datasets); the app treats them all alike.
  it('HNN_CACHE_DIR naming a file: one warning, the task runs uncached, exit 0', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'hnn-cache-')), 'not-a-dir');
    await writeFile(file, '');
    const r = await reproduce(['--tasks', 'two-body'], { HNN_CACHE_DIR: file });
    const note =
      `cache: cannot use ${file} as the dataset cache directory: it (or a folder above it) is a ` +
      'file, not a directory. Point HNN_CACHE_DIR at a writable directory, or unset it to use ' +
      'the default; going on without a cache (data is generated every run)';
    expect(r.errors).toEqual([`warning: ${note}`]);
    expect(r.status).toBe(0);
    expect(await savedTasks(r.out)).toEqual(['two-body']);
    expect(summary(r.stdout)).toBe(
      [
        'Summary: 1 ran, 0 skipped, 0 failed (exit code 0)',
        '  ran:     two-body',
        `  note:    ${note}`,
      ].join('\n'),
    );
  });

  it('a cached dataset whose header is JSON null is deleted and rebuilt with a note', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'hnn-cache-'));
    const key = { task: 'two-body', config: { ...TWO_BODY_CONFIG, seed: 0 } };
    const path = datasetCachePath(key, cache);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(4, 0);
    const magic = Buffer.from('HNNDS\u0000\u0001\n', 'latin1');
    await writeFile(path, Buffer.concat([magic, len, Buffer.from('null')]));
    const r = await reproduce(['--tasks', 'two-body'], { HNN_CACHE_DIR: cache });
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      `two-body: cache file ${path} was corrupt (header is null, not an object): deleted and ` +
        'rebuilt\n',
    );
    // Rebuilt in full: 50,000 points of x and dx, two float64 each.
    expect((await stat(path)).size).toBeGreaterThan(50_000 * 4 * 8);
  });

  it('a malformed table1.json stops the run before any training, exit 2', async () => {
    const out = await mkdtemp(join(tmpdir(), 'hnn-reproduce-'));
    await mkdir(join(out, 'quick'));
    const table = join(out, 'quick', 'table1.json');
    await writeFile(table, '{"rows": [trunc');
    const r = await runNode([DIST_MAIN, '--quick', '--tasks', 'two-body', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: ${table} is not a valid table1\\.json \\(Unexpected token [^\\n]*\\); move it ` +
          'away or fix it, then run again \\(it was left untouched\\)\\n$',
      ),
    );
    // Nothing ran: not even the backend was loaded.
    expect(r.stdout).toBe('');
    expect(await readFile(table, 'utf8')).toBe('{"rows": [trunc');
  });
});
