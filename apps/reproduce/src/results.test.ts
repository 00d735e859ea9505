import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Table1Row } from '@hnn/eval';
import { ResultsFileError, readTable1, saveRows } from './results.js';

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
});
