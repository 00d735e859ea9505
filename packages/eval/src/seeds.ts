import type { TaskId } from '@hnn/datasets';
import { mean, std } from './stats.js';
import type { ModelResult, PaperModelResult, Table1Row } from './table1.js';

/** One Table 1 cell across seeds: each seed's value (ascending seed), their mean and sd. */
export interface SeedStat {
  readonly values: readonly number[];
  /** Each run's own standard error (the "±" of a one-seed table), in the order of `values`. */
  readonly withinSe: readonly number[];
  readonly mean: number;
  /** Sample standard deviation across seeds (n - 1 in the denominator); NaN for one seed. */
  readonly sd: number;
}

export type SeedMetric =
  'trainLoss' | 'testLoss' | 'energyMse' | 'energyMseCorrected' | 'energyMseSymplectic';
export type ModelSeedSummary = Readonly<Record<SeedMetric, SeedStat | null>>;

/** A task's Table 1 line across the seeds it was run with. */
export interface TaskSeedSummary {
  readonly task: TaskId;
  readonly scale: number;
  readonly energyScale: number;
  readonly seeds: readonly number[];
  readonly baseline: ModelSeedSummary;
  readonly hnn: ModelSeedSummary;
  readonly paper: { readonly baseline: PaperModelResult; readonly hnn: PaperModelResult } | null;
}

const METRICS: readonly SeedMetric[] = [
  'trainLoss',
  'testLoss',
  'energyMse',
  'energyMseCorrected',
  'energyMseSymplectic',
];

function seedStat(results: readonly ModelResult[], metric: SeedMetric): SeedStat | null {
  const cells = results.map((r) => r[metric]);
  if (cells.some((c) => c === null || c === undefined)) return null;
  const values = cells.map((c) => (c as { mean: number }).mean);
  return {
    values,
    withinSe: cells.map((c) => (c as { se: number }).se),
    mean: mean(values),
    sd: values.length < 2 ? NaN : std(values, 1),
  };
}

/**
 * Groups per-(task, seed) rows by task (in the rows' order) and summarises every cell across the
 * task's seeds: the per-seed values, their mean and sample standard deviation.
 */
export function summariseSeeds(rows: readonly Table1Row[]): TaskSeedSummary[] {
  const byTask = new Map<TaskId, Table1Row[]>();
  for (const row of rows) {
    const list = byTask.get(row.task) ?? [];
    list.push(row);
    byTask.set(row.task, list);
  }
  return [...byTask.entries()].map(([task, list]) => {
    const sorted = [...list].sort((a, b) => a.seed - b.seed);
    const first = sorted[0] as Table1Row;
    const model = (kind: 'baseline' | 'hnn'): ModelSeedSummary =>
      Object.fromEntries(
        METRICS.map((m) => [
          m,
          seedStat(
            sorted.map((r) => r[kind]),
            m,
          ),
        ]),
      ) as ModelSeedSummary;
    return {
      task,
      scale: first.scale,
      energyScale: first.energyScale ?? first.scale,
      seeds: sorted.map((r) => r.seed),
      baseline: model('baseline'),
      hnn: model('hnn'),
      paper: first.paper,
    };
  });
}
