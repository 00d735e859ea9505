import { describe, expect, it } from 'vitest';
import { PAPER_TABLE1, mergeTable1, renderTable1Markdown, type Table1Row } from './table1.js';

const stat = (mean: number) => ({ mean, se: mean / 10 });
const model = (v: number) => ({
  trainLoss: stat(v),
  testLoss: stat(v),
  energyMse: stat(v),
  energyMseCorrected: stat(v),
  coordMse: stat(v),
  trainSeconds: 1,
  msPerStep: 2,
});
const row = (task: Table1Row['task'], v: number): Table1Row => ({
  task,
  scale: 1000,
  steps: 10,
  seed: 0,
  backend: 'cpu',
  generatedAt: '2026-01-01T00:00:00.000Z',
  settings: {},
  baseline: model(v),
  hnn: model(v / 2),
  paper: PAPER_TABLE1[task] ?? null,
});

describe('mergeTable1', () => {
  it('replaces rows of the same task, keeps others, sorts in paper order', () => {
    const first = mergeTable1(null, [row('pendulum', 1)], {
      backend: 'cpu',
      seed: 0,
      generatedAt: 'a',
    });
    const second = mergeTable1(first, [row('mass-spring', 2)], {
      backend: 'cpu',
      seed: 0,
      generatedAt: 'b',
    });
    expect(second.rows.map((r) => r.task)).toEqual(['mass-spring', 'pendulum']);
    const third = mergeTable1(second, [row('pendulum', 3)], {
      backend: 'cpu',
      seed: 0,
      generatedAt: 'c',
    });
    expect(third.rows.find((r) => r.task === 'pendulum')!.baseline.trainLoss.mean).toBe(3);
    expect(third.rows.find((r) => r.task === 'mass-spring')!.baseline.trainLoss.mean).toBe(2);
  });
});

describe('PAPER_TABLE1 and rendering', () => {
  it('stores the paper values unscaled and prints them scaled', () => {
    expect(PAPER_TABLE1['mass-spring']!.hnn.energyMse.mean).toBeCloseTo(0.38e-3, 12);
    expect(PAPER_TABLE1['two-body']!.hnn.testLoss.mean).toBeCloseTo(2.8e-6, 15);
    const md = renderTable1Markdown(
      mergeTable1(null, [row('mass-spring', 0.037)], { backend: 'cpu', seed: 0, generatedAt: 'x' }),
    );
    expect(md).toContain('| mass-spring (x1e3) | Baseline | 37.0 ± 3.70 |');
    expect(md).toContain('37.0 ± 2.00 / 37.0 ± 2.00 / 170 ± 20.0');
  });
});
