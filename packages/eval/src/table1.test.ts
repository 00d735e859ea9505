import { describe, expect, it } from 'vitest';
import { summariseSeeds } from './seeds.js';
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
const row = (task: Table1Row['task'], v: number, seed = 0): Table1Row => ({
  task,
  scale: 1000,
  steps: 10,
  seed,
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
      generatedAt: 'a',
    });
    const second = mergeTable1(first, [row('mass-spring', 2)], {
      backend: 'cpu',
      generatedAt: 'b',
    });
    expect(second.rows.map((r) => r.task)).toEqual(['mass-spring', 'pendulum']);
    const third = mergeTable1(second, [row('pendulum', 3)], {
      backend: 'cpu',
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
      mergeTable1(null, [row('mass-spring', 0.037)], { backend: 'cpu', generatedAt: 'x' }),
    );
    expect(md).toContain('| mass-spring (x1e3) | Baseline | 1 | 37.0 ± 3.70 |');
    // The reference re-run's numbers beside the paper's.
    expect(md).toContain('37.1 ± 1.90 / 36.6 ± 1.90 / 168 ± 21.0 |');
    expect(md).toContain('37.0 ± 2.00 / 37.0 ± 2.00 / 170 ± 20.0');
  });
});

describe('several seeds', () => {
  const meta = { backend: 'cpu', generatedAt: 'x' };
  it('merges rows per (task, seed) and lists the seeds', () => {
    const a = mergeTable1(null, [row('pendulum', 1, 2), row('pendulum', 2, 0)], meta);
    const b = mergeTable1(a, [row('pendulum', 5, 2), row('mass-spring', 3, 1)], meta);
    expect(b.rows.map((r) => [r.task, r.seed])).toEqual([
      ['mass-spring', 1],
      ['pendulum', 0],
      ['pendulum', 2],
    ]);
    expect(b.seeds).toEqual([0, 1, 2]);
    expect(b.rows[2]!.baseline.trainLoss.mean).toBe(5);
  });

  it('summarises each cell as mean and sample sd across seeds, with every value', () => {
    const [s] = summariseSeeds([row('two-body', 0.01, 3), row('two-body', 0.03, 1)]);
    expect(s!.seeds).toEqual([1, 3]);
    const test = s!.baseline.testLoss!;
    expect(test.values).toEqual([0.03, 0.01]);
    expect(test.mean).toBeCloseTo(0.02, 15);
    expect(test.sd).toBeCloseTo(Math.SQRT2 * 0.01, 15);
    expect(s!.hnn.energyMse!.values).toEqual([0.015, 0.005]);
    const md = renderTable1Markdown({ rows: [row('two-body', 0.01, 3), row('two-body', 0.03, 1)] });
    expect(md).toContain('| two-body (x1e3) | Baseline | 2 | 20.0 ± 14.1 |');
    expect(md).toContain('| two-body | HNN | 1, 3 | 15.0, 5.00 | 15.0, 5.00 |');
  });
});
