import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PAPER_TABLE1, type ModelResult, type Table1Row } from '@hnn/eval';
import { seedStripFigures, seedStripPoints } from './seed-strips.js';

const stat = (mean: number) => ({ mean, se: mean / 10 });
const model = (loss: number, energy: number): ModelResult => ({
  trainLoss: stat(loss),
  testLoss: stat(loss),
  energyMse: stat(energy),
  energyMseCorrected: null,
  coordMse: stat(1),
  trainSeconds: 1,
  msPerStep: 1,
});
const row = (seed: number, energy: number): Table1Row => ({
  task: 'two-body',
  scale: 1e6,
  steps: 10,
  seed,
  backend: 'wasm',
  generatedAt: 'x',
  settings: {},
  baseline: model(30e-6, 0.1 * (seed + 1)),
  hnn: model(4e-6, energy),
  paper: PAPER_TABLE1['two-body'] ?? null,
});
const rows = [row(0, 20e-6), row(1, 40e-6), row(2, 30e-6)];

describe('seed strip plots', () => {
  it('places every seed, the paper and the reference re-run, scaled as Table 1', () => {
    const points = seedStripPoints({ rows }, 'two-body');
    const hnnEnergy = points.filter(
      (p) => p.model === 'Hamiltonian NN' && p.metric.startsWith('Energy'),
    );
    expect(hnnEnergy.filter((p) => p.source === 'ours').map((p) => [p.seed, p.value])).toEqual([
      [0, 20],
      [1, 40],
      [2, 30],
    ]);
    expect(hnnEnergy.find((p) => p.source === 'paper')?.value).toBeCloseTo(39, 9);
    expect(hnnEnergy.find((p) => p.source === 'reference re-run')?.value).toBeCloseTo(28.4, 9);
  });

  it('draws one PNG and SVG per task whose colours show both models', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-strips-'));
    const written = await seedStripFigures({ rows }, dir);
    expect(written.map((w) => w.files)).toEqual([['seeds-two-body.svg', 'seeds-two-body.png']]);
    const { data, info } = await sharp(await readFile(join(dir, 'seeds-two-body.png')))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(400);
    // Both model colours are drawn (#e4572e baseline, #2a6fdb HNN), not just axes and text.
    const has = (r: number, g: number, b: number) => {
      for (let i = 0; i < data.length; i += info.channels) {
        if (
          Math.abs(data[i]! - r) < 30 &&
          Math.abs(data[i + 1]! - g) < 30 &&
          Math.abs(data[i + 2]! - b) < 30
        )
          return true;
      }
      return false;
    };
    expect(has(0xe4, 0x57, 0x2e)).toBe(true);
    expect(has(0x2a, 0x6f, 0xdb)).toBe(true);
    expect(await readFile(join(dir, 'seeds-two-body.svg'), 'utf8')).toContain('reference re-run');
  });
});
