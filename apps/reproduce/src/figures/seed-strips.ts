import {
  REFERENCE_RERUN,
  REFERENCE_TWO_BODY_HNN_ENERGY_BY_SEED,
  summariseSeeds,
  type PaperModelResult,
  type SeedStat,
  type Table1,
} from '@hnn/eval';
import type { TopLevelSpec } from 'vega-lite';
import { COLORS } from './charts.js';
import { writeVegaLite, type WrittenFigure } from './render.js';

/** One point of a strip plot: a seed's value, or an anchor (the paper, the reference re-run). */
export interface StripPoint {
  readonly metric: string;
  readonly model: 'Baseline NN' | 'Hamiltonian NN';
  readonly source: string;
  readonly value: number;
  readonly seed?: number;
}

const METRICS = [
  ['testLoss', 'Test loss'],
  ['energyMse', 'Energy MSE (paper protocol)'],
] as const;

/**
 * The points of one task's strip plot, values scaled as Table 1 prints them: every seed's test
 * loss and energy MSE per model, the paper's value and the reference implementation's re-run.
 */
export function seedStripPoints(table: Pick<Table1, 'rows'>, task: string): StripPoint[] {
  const summary = summariseSeeds(table.rows).find((s) => s.task === task);
  if (summary === undefined) return [];
  const points: StripPoint[] = [];
  for (const [kind, model] of [
    ['baseline', 'Baseline NN'],
    ['hnn', 'Hamiltonian NN'],
  ] as const) {
    for (const [key, metric] of METRICS) {
      const scale = key === 'energyMse' ? summary.energyScale : summary.scale;
      const stat: SeedStat | null = summary[kind][key];
      stat?.values.forEach((v, i) =>
        points.push({ metric, model, source: 'ours', value: v * scale, seed: summary.seeds[i] }),
      );
      const anchors: [string, PaperModelResult | undefined][] = [
        ['paper', summary.paper?.[kind]],
        ['reference re-run', REFERENCE_RERUN[summary.task]?.[kind]],
      ];
      for (const [source, result] of anchors) {
        if (result !== undefined) {
          points.push({ metric, model, source, value: result[key].mean * scale });
        }
      }
      if (summary.task === 'two-body' && kind === 'hnn' && key === 'energyMse') {
        const runs = REFERENCE_TWO_BODY_HNN_ENERGY_BY_SEED;
        runs.torchBiases.forEach((v, i) =>
          points.push({
            metric,
            model,
            source: 'reference, 5 seeds',
            value: v * scale,
            seed: runs.seeds[i],
          }),
        );
      }
    }
  }
  return points.filter((p) => Number.isFinite(p.value) && p.value > 0);
}

/** A task's seeds as dots on a log axis, paper and reference re-run marked, one panel a metric. */
export function seedStripSpec(task: string, points: readonly StripPoint[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${task}: one dot per seed; the paper and the reference re-run marked`,
    data: { values: points.map((p) => ({ ...p })) },
    facet: {
      column: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((m) => m[1]) },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 300,
      height: 90,
      mark: { type: 'point', size: 70, opacity: 0.85, filled: true },
      encoding: {
        x: {
          field: 'value',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'value (scaled as in Table 1)',
        },
        y: { field: 'model', type: 'nominal', title: null },
        yOffset: {
          field: 'source',
          type: 'nominal',
          sort: ['ours', 'paper', 'reference re-run', 'reference, 5 seeds'],
        },
        color: {
          field: 'model',
          type: 'nominal',
          scale: {
            domain: ['Baseline NN', 'Hamiltonian NN'],
            range: [COLORS['Baseline NN'] ?? '#e4572e', COLORS['Hamiltonian NN'] ?? '#2a6fdb'],
          },
          legend: null,
        },
        shape: {
          field: 'source',
          type: 'nominal',
          scale: {
            domain: ['ours', 'paper', 'reference re-run', 'reference, 5 seeds'],
            range: ['circle', 'diamond', 'triangle-up', 'triangle-down'],
          },
          title: null,
        },
        tooltip: [{ field: 'source' }, { field: 'seed' }, { field: 'value' }],
      },
    },
    config: { font: 'DejaVu Sans' },
  };
}

/** Writes `seeds-<task>.svg/.png` for every task in the table; returns what it wrote. */
export async function seedStripFigures(
  table: Pick<Table1, 'rows'>,
  dir: string,
): Promise<WrittenFigure[]> {
  const tasks = [...new Set(table.rows.map((r) => r.task))];
  const written: WrittenFigure[] = [];
  for (const task of tasks) {
    const points = seedStripPoints(table, task);
    if (points.length > 0) {
      written.push(await writeVegaLite(dir, `seeds-${task}`, seedStripSpec(task, points)));
    }
  }
  return written;
}
