import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Table1Row } from '@hnn/eval';
import { ResultsFileError, checkResultsDir, readTable1, saveRows } from './results.js';
import { APP_DIR, runNode } from './test-utils/built-app.js';

const stat = { mean: 0.03, se: 0.002 };
const model = {
  trainLoss: stat,
  testLoss: stat,
  energyMse: stat,
  energyMseCorrected: stat,
  coordMse: stat,
  trainSeconds: 1,
  msPerStep: 1,
};
const row = (task: Table1Row['task'], steps: number): Table1Row => ({
  task,
  scale: 1000,
  steps,
  seed: 0,
  backend: 'wasm',
  generatedAt: '2026-01-01T00:00:00.000Z',
  settings: {},
  baseline: model,
  hnn: model,
  paper: null,
});

describe('saveRows', () => {
  it('updates the rows it ran and keeps the others, leaving no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-results-'));
    await saveRows(dir, [row('mass-spring', 10), row('pendulum', 10)], { backend: 'wasm' });
    await saveRows(dir, [row('pendulum', 20)], { backend: 'wasm' });
    const table = await readTable1(join(dir, 'table1.json'));
    expect(table?.rows.map((r) => [r.task, r.steps])).toEqual([
      ['mass-spring', 10],
      ['pendulum', 20],
    ]);
    expect((await readFile(join(dir, 'table1.md'), 'utf8')).split('\n').length).toBeGreaterThan(5);
    expect((await readdir(dir)).sort()).toEqual(['table1.json', 'table1.md']);
  });

  it('refuses to overwrite a malformed table1.json and leaves it untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-results-'));
    await writeFile(join(dir, 'table1.json'), '{"rows": [trunc');
    await expect(saveRows(dir, [row('pendulum', 1)], { backend: 'wasm' })).rejects.toThrow(
      ResultsFileError,
    );
    expect(await readFile(join(dir, 'table1.json'), 'utf8')).toBe('{"rows": [trunc');
  });

  // Two processes (not two promises: the lock must hold between processes) each save 150 rows,
  // one read-merge-write at a time. Without the lock the later writer of an interleaved pair
  // drops the other's row (70 to 113 of 300 lost when measured).
  it('keeps all 300 rows when two processes save 150 rows each at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-results-'));
    const resultsJs = pathToFileURL(join(APP_DIR, 'dist', 'results.js')).href;
    const child = `
      import { saveRows } from ${JSON.stringify(resultsJs)};
      const [dir, prefix, count] = process.argv.slice(1);
      const stat = { mean: 0.03, se: 0.002 };
      const model = { trainLoss: stat, testLoss: stat, energyMse: stat,
        energyMseCorrected: stat, coordMse: stat, trainSeconds: 1, msPerStep: 1 };
      for (let i = 0; i < Number(count); i++) {
        const row = { task: prefix + '-' + i, scale: 1000, steps: i, seed: 0, backend: 'test',
          generatedAt: new Date().toISOString(), settings: {}, baseline: model, hnn: model,
          paper: null };
        await saveRows(dir, [row], { backend: 'test', seed: 0 });
      }`;
    const save = (prefix: string) =>
      runNode(['--input-type=module', '-e', child, '--', dir, prefix, '150']);
    const results = await Promise.all([save('a'), save('b')]);
    for (const r of results) expect([r.status, r.stderr]).toEqual([0, '']);
    const table = await readTable1(join(dir, 'table1.json'));
    const expected = ['a', 'b'].flatMap((p) => Array.from({ length: 150 }, (_, i) => `${p}-${i}`));
    expect(table?.rows.map((r) => r.task as string).sort()).toEqual(expected.sort());
    // The lock and every temporary file are gone.
    expect((await readdir(dir)).sort()).toEqual(['table1.json', 'table1.md']);
  }, 120_000);
});

describe('readTable1 and checkResultsDir', () => {
  it.each([
    ['truncated JSON', '{"rows": [trunc', /is not a valid table1\.json \(Unexpected token/],
    ['null', 'null', /\(the top level is null\)/],
    ['rows not an array', '{"rows": 3}', /\(no "rows" array\)/],
    ['a null row', '{"rows": [null]}', /\(rows\[0\] is not an object\)/],
    [
      'a row without steps',
      JSON.stringify({ rows: [{ ...row('pendulum', 1), steps: 'x' }] }),
      /\(rows\[0\]\.steps is not a number\)/,
    ],
    [
      'a row without a model',
      JSON.stringify({ rows: [{ ...row('pendulum', 1), hnn: null }] }),
      /\(rows\[0\]\.hnn is not an object\)/,
    ],
  ])(
    'rejects a table1.json with %s in one line naming the file and the fix',
    async (_w, text, problem) => {
      const dir = await mkdtemp(join(tmpdir(), 'hnn-results-'));
      const path = join(dir, 'table1.json');
      await writeFile(path, text);
      const err = await checkResultsDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResultsFileError);
      const message = (err as Error).message;
      expect(message.startsWith(`${path} is not a valid table1.json (`)).toBe(true);
      expect(message).toMatch(problem);
      expect(message).toMatch(
        /; move it away or fix it, then run again \(it was left untouched\)$/,
      );
      expect(message).not.toContain('\n');
      expect(await readFile(path, 'utf8')).toBe(text);
    },
  );

  it('accepts a missing or valid table and refuses a results directory it cannot write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-results-'));
    await expect(checkResultsDir(join(dir, 'new'))).resolves.toBeUndefined();
    await saveRows(dir, [row('pendulum', 1)], { backend: 'wasm' });
    await expect(checkResultsDir(dir)).resolves.toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['new', 'table1.json', 'table1.md']);
    await writeFile(join(dir, 'a-file'), '');
    await expect(checkResultsDir(join(dir, 'a-file'))).rejects.toThrow(
      `cannot write results to ${join(dir, 'a-file')} (EEXIST); make it writable or pass --out DIR`,
    );
  });
});
