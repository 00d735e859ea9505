import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelResult, Table1 } from '@hnn/eval';
import {
  FIGURES,
  renderReversibilityMarkdown,
  reversibilitySummary,
  symplecticComparison,
  twoBodyComparison,
  writeReport,
} from './report.js';

const stat = { mean: 0.03, se: 0.002 };
const model = (reversal: number | null): ModelResult => ({
  trainLoss: stat,
  testLoss: stat,
  energyMse: stat,
  energyMseCorrected: null,
  coordMse: stat,
  trainSeconds: 1,
  msPerStep: 1,
  ...(reversal === null
    ? {}
    : {
        reversibility: {
          T: 20,
          rtol: 1e-9,
          atol: 1e-9,
          error: { mean: reversal, se: reversal / 10 },
          max: 2 * reversal,
          starts: 15,
          failed: reversal > 1 ? 3 : 0,
        },
      }),
});

const table: Table1 = {
  backend: 'wasm',
  seeds: [0],
  generatedAt: '2026-01-01T00:00:00.000Z',
  rows: [
    {
      task: 'mass-spring',
      scale: 1e3,
      steps: 2000,
      seed: 0,
      backend: 'wasm',
      generatedAt: '2026-01-01T00:00:00.000Z',
      settings: {},
      baseline: model(4e-6),
      hnn: model(5e-8),
      paper: null,
    },
    {
      task: 'pendulum',
      scale: 1e3,
      steps: 2000,
      seed: 0,
      backend: 'wasm',
      generatedAt: '2026-01-01T00:00:00.000Z',
      settings: {},
      // A row written before reversibility was measured.
      baseline: model(null),
      hnn: model(null),
      paper: null,
    },
  ],
};

describe('renderReversibilityMarkdown', () => {
  it('gives T, starts and both models per task, and says where it was not measured', () => {
    const md = renderReversibilityMarkdown(table);
    expect(md).toContain(
      '| mass-spring | 20.0 | 15 | 4.00e-6 ± 4.00e-7 (max 8.00e-6) | 5.00e-8 ± 5.00e-9 (max 1.00e-7) |',
    );
    expect(md).toContain('| pendulum | — | — | not measured | not measured |');
  });
});

describe('reversibilitySummary', () => {
  it('says which model returns closer, by how much, from the numbers', () => {
    expect(reversibilitySummary(table)).toMatch(
      /^The HNN returns closer than the baseline on 1 of 1 runs \(mass-spring\); the two differ by at most a factor 80\. Over these horizons/,
    );
    // Several seeds: counted per run and named per task; an exact-zero return error (no finite
    // ratio) is left out of the factor instead of making it Infinity.
    const row = table.rows[0]!;
    const zero = {
      ...row,
      seed: 1,
      hnn: {
        ...row.hnn,
        reversibility: {
          ...row.hnn.reversibility!,
          error: { ...row.hnn.reversibility!.error, mean: 0 },
        },
      },
    };
    expect(reversibilitySummary({ ...table, rows: [row, zero] })).toMatch(
      /^The HNN returns closer than the baseline on 2 of 2 runs \(mass-spring \(2 of 2 seeds\)\); the two differ by at most a factor 80 \(left out: mass-spring \(1 of 2 seeds\), where a model came back with an error of exactly zero/,
    );
    const none: Table1 = { ...table, rows: [table.rows[1]!] };
    expect(reversibilitySummary(none)).toBe('No task has a reversibility measurement yet.');
  });
});

describe('writeReport', () => {
  it('embeds the figures that exist, lists the missing ones and writes atomically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-report-'));
    await mkdir(join(dir, 'figures'));
    for (const f of [
      'figure-1-mass-spring.png',
      'figure-1-mass-spring.svg',
      'figure-4-pixel-pendulum.gif',
    ]) {
      await writeFile(join(dir, 'figures', f), 'x');
    }
    const path = await writeReport(dir, table, { quick: false });
    const md = await readFile(path, 'utf8');
    expect(md).toContain(
      '![Figure 1 — learning the Hamiltonian of a mass-spring system](figures/figure-1-mass-spring.png)',
    );
    expect(md).toContain('([SVG](figures/figure-1-mass-spring.svg))');
    expect(md).toContain('(figures/figure-4-pixel-pendulum.gif)');
    expect(md).toContain('figure-3-two-body.png (two-body)');
    expect(md).toContain('## Table 1, ours beside the paper');
    expect(md).toContain('## Reversibility (Section 6)');
    expect(md).toContain('## What the reference got wrong, and how we measure it');
    expect(md).not.toContain('quick smoke run');
    expect((await readdir(dir)).sort()).toEqual(['REPORT.md', 'figures']);
  });

  it('has a caption and a comparison with the paper for every figure', () => {
    for (const f of FIGURES) {
      expect(f.caption.length).toBeGreaterThan(5);
      expect(f.differs.length).toBeGreaterThan(5);
    }
  });
});

describe('symplecticComparison', () => {
  it('puts each model beside its symplectic rollout and names the rows where RK45 mattered', () => {
    const row = table.rows[0]!;
    const withMidpoint = (kind: 'baseline' | 'hnn', mean: number) => ({
      ...row[kind],
      energyMseSymplectic: { mean, se: 0.001 },
    });
    const rows = [
      { ...row, baseline: withMidpoint('baseline', 0.0301), hnn: withMidpoint('hnn', 0.033) },
    ];
    const text = symplecticComparison({ rows }).join('\n');
    expect(text).toContain('| mass-spring | Baseline | 1 | 30.0 | 30.1 | 1.00 |');
    expect(text).toContain('| mass-spring | HNN | 1 | 30.0 | 33.0 | 1.10 |');
    expect(text).toMatch(/On mass-spring HNN \(x1\.10\) the two differ by more than 2%/);
    expect(text).toMatch(/at most 0\.33%/);
    // Rows without the measurement (written before it existed) give no section.
    expect(symplecticComparison(table)).toEqual([]);
  });
});

describe('twoBodyComparison', () => {
  it("puts every seed's two-body HNN energy beside the reference's five seeds", () => {
    const energy = (mean: number): ModelResult => ({ ...model(null), energyMse: { mean, se: 0 } });
    const row = (seed: number, e: number) => ({
      ...table.rows[0]!,
      task: 'two-body' as const,
      seed,
      hnn: energy(e),
    });
    const text = twoBodyComparison({ rows: [row(0, 20e-6), row(1, 40e-6), row(2, 30e-6)] }).join(
      '\n',
    );
    expect(text).toContain('ours 20.0, 40.0, 30.0 — mean ± sd 30.0 ± 10.0 (n = 3), median 30.0');
    expect(text).toContain('30.0, 7.20, 23.1, 13.5, 11.9 — 17.1 ± 9.23 (n = 5), median 13.5');
    expect(text).toContain('ours spreads by a factor of 2.0');
    expect(twoBodyComparison({ rows: [table.rows[0]!] })).toEqual([]);
  });
});
