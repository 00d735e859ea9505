import { TASK_IDS, type TaskId } from '@hnn/datasets';
import type { ReversibilityResult } from './reversibility.js';
import { REFERENCE_RERUN, REFERENCE_RERUN_SOURCE } from './reference-rerun.js';
import { summariseSeeds } from './seeds.js';
import type { SeedStat } from './seeds.js';
import type { MeanSe } from './stats.js';

/** One model's results in a Table 1 row; all values unscaled (multiply by the row's scale to print). */
export interface ModelResult {
  readonly trainLoss: MeanSe;
  readonly testLoss: MeanSe;
  /** Energy MSE under the paper protocol (the reference notebooks, quirks included). */
  readonly energyMse: MeanSe;
  /**
   * Energy MSE under the corrected protocol (true Hamiltonian, fixed horizon); null for tasks
   * whose paper metric has no quirk to correct.
   */
  readonly energyMseCorrected: MeanSe | null;
  /**
   * Energy MSE under the corrected protocol with the model rolled out by the symplectic implicit
   * midpoint rule instead of RK45 (rows 1-2); absent where not measured.
   */
  readonly energyMseSymplectic?: MeanSe | null;
  /** Coordinate MSE along the corrected-protocol rollouts. */
  readonly coordMse: MeanSe;
  readonly trainSeconds: number;
  readonly msPerStep: number;
  /** The fused training kernel that ran the steps (e.g. `native-avx512-1thread`), or `none`. */
  readonly fastPath?: string;
  /**
   * Forward-then-backward return error over the task's metric start points (paper Section 6);
   * absent in rows written before it was measured. In JSON a NaN mean (every round trip failed)
   * reads back as null.
   */
  readonly reversibility?: ReversibilityResult;
}

export interface PaperModelResult {
  readonly trainLoss: MeanSe;
  readonly testLoss: MeanSe;
  readonly energyMse: MeanSe;
}

export interface Table1Row {
  readonly task: TaskId;
  /** Factor the paper multiplies losses (and energies, unless `energyScale` is set) by when printing. */
  readonly scale: number;
  /** Factor for the energy columns where it differs from `scale` (the pixel pendulum: 1e3). */
  readonly energyScale?: number;
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  readonly generatedAt: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly baseline: ModelResult;
  readonly hnn: ModelResult;
  readonly paper: { readonly baseline: PaperModelResult; readonly hnn: PaperModelResult } | null;
}

/** Rows are one per (task, seed); `seeds` lists every seed present, ascending. */
export interface Table1 {
  readonly backend: string;
  readonly seeds: readonly number[];
  readonly generatedAt: string;
  readonly rows: readonly Table1Row[];
}

const ms = (mean: number, se: number, scale: number): MeanSe => ({
  mean: mean / scale,
  se: se / scale,
});

function paperRow(
  scale: number,
  b: [number, number, number, number, number, number],
  h: [number, number, number, number, number, number],
  energyScale = scale,
): { baseline: PaperModelResult; hnn: PaperModelResult } {
  const model = (v: typeof b): PaperModelResult => ({
    trainLoss: ms(v[0], v[1], scale),
    testLoss: ms(v[2], v[3], scale),
    energyMse: ms(v[4], v[5], energyScale),
  });
  return { baseline: model(b), hnn: model(h) };
}

/**
 * The paper's Table 1 (Greydanus et al. 2019), unscaled. Printed values are x1e3, two-body x1e6;
 * the pixel pendulum's losses are really x1e5 (a slip in the paper) and its energies x1e3.
 * Order per model: train mean, se, test mean, se, energy mean, se (as printed).
 */
export const PAPER_TABLE1: Readonly<
  Partial<Record<TaskId, { baseline: PaperModelResult; hnn: PaperModelResult }>>
> = {
  'mass-spring': paperRow(1e3, [37, 2, 37, 2, 170, 20], [37, 2, 36, 2, 0.38, 0.1]),
  pendulum: paperRow(1e3, [33, 2, 35, 2, 42, 10], [33, 2, 36, 2, 25, 5]),
  'real-pendulum': paperRow(1e3, [2.7, 0.2, 2.2, 0.3, 390, 7], [9.2, 0.5, 6.0, 0.6, 14, 5]),
  'two-body': paperRow(1e6, [33, 1, 30, 0.1, 6.3e4, 3e4], [3.0, 0.1, 2.8, 0.1, 39, 5]),
  'pixel-pendulum': paperRow(1e5, [18, 0.2, 17, 0.3, 9.3, 1], [19, 0.2, 18, 0.3, 0.15, 0.01], 1e3),
};

/** Print scale of the energy columns where it differs from the loss scale. */
export const TABLE1_ENERGY_SCALE: Readonly<Partial<Record<TaskId, number>>> = {
  'pixel-pendulum': 1e3,
};

/** Default print scale per task, as the paper's table. */
export const TABLE1_SCALE: Readonly<Record<TaskId, number>> = {
  'mass-spring': 1e3,
  pendulum: 1e3,
  'real-pendulum': 1e3,
  'two-body': 1e6,
  'three-body': 1e3,
  'pixel-pendulum': 1e5,
};

/**
 * Replaces rows of the same (task, seed) and keeps the others, in the paper's row order and then
 * by seed.
 */
export function mergeTable1(
  existing: Pick<Table1, 'rows'> | null,
  rows: readonly Table1Row[],
  meta: { backend: string; generatedAt: string },
): Table1 {
  const key = (r: Table1Row) => `${r.task}#${r.seed}`;
  const byKey = new Map<string, Table1Row>();
  for (const row of existing?.rows ?? []) byKey.set(key(row), row);
  for (const row of rows) byKey.set(key(row), row);
  const merged = [...byKey.values()].sort(
    (a, b) => TASK_IDS.indexOf(a.task) - TASK_IDS.indexOf(b.task) || a.seed - b.seed,
  );
  const seeds = [...new Set(merged.map((r) => r.seed))].sort((a, b) => a - b);
  return { ...meta, seeds, rows: merged };
}

function digits(x: number): string {
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

function fmt(v: MeanSe | null | undefined, scale: number): string {
  if (!v) return '—';
  return `${digits(v.mean * scale)} ± ${digits(v.se * scale)}`;
}

/** Across seeds: mean ± sd for n >= 2; the single run's mean ± se for n = 1. */
function fmtSeeds(v: SeedStat | null, scale: number): string {
  if (v === null) return '—';
  if (v.values.length === 1) return fmt({ mean: v.mean, se: v.withinSe[0] ?? NaN }, scale);
  return `${digits(v.mean * scale)} ± ${digits(v.sd * scale)}`;
}

/** Table 1 as Markdown: one line per task and model, across seeds (see {@link summariseSeeds}). */
export function renderTable1Markdown(table: Pick<Table1, 'rows'>): string {
  const summaries = summariseSeeds(table.rows);
  const lines = [
    '| Task (scale) | Model | Seeds | Train loss | Test loss | Energy MSE (paper protocol) | Energy MSE (corrected) | Paper: train / test / energy | Reference re-run: train / test / energy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const exp = (x: number) => x.toExponential(0).replace('+', '');
  for (const row of summaries) {
    const es = row.energyScale;
    const scaleLabel =
      es === row.scale ? `x${exp(row.scale)}` : `loss x${exp(row.scale)}, energy x${exp(es)}`;
    for (const kind of ['baseline', 'hnn'] as const) {
      const ours = row[kind];
      const anchor = (a: { readonly [k in typeof kind]: PaperModelResult } | null | undefined) => {
        const m = a?.[kind];
        return m
          ? `${fmt(m.trainLoss, row.scale)} / ${fmt(m.testLoss, row.scale)} / ${fmt(m.energyMse, es)}`
          : '—';
      };
      lines.push(
        `| ${row.task} (${scaleLabel}) | ${kind === 'hnn' ? 'HNN' : 'Baseline'} | ${row.seeds.length} | ` +
          `${fmtSeeds(ours.trainLoss, row.scale)} | ${fmtSeeds(ours.testLoss, row.scale)} | ` +
          `${fmtSeeds(ours.energyMse, es)} | ${fmtSeeds(ours.energyMseCorrected, es)} | ` +
          `${anchor(row.paper)} | ${anchor(REFERENCE_RERUN[row.task])} |`,
      );
    }
  }
  const perSeed = [
    '| Task | Model | Seeds | Test loss per seed | Energy MSE (paper protocol) per seed |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const row of summaries) {
    for (const kind of ['baseline', 'hnn'] as const) {
      const list = (s: SeedStat | null, scale: number) =>
        s === null ? '—' : s.values.map((v) => digits(v * scale)).join(', ');
      perSeed.push(
        `| ${row.task} | ${kind === 'hnn' ? 'HNN' : 'Baseline'} | ${row.seeds.join(', ')} | ` +
          `${list(row[kind].testLoss, row.scale)} | ${list(row[kind].energyMse, row.energyScale)} |`,
      );
    }
  }
  const settings = table.rows.map(
    (r) =>
      `- ${r.task}: ${r.steps} steps, seed ${r.seed}, backend ${r.backend}, ${r.generatedAt}; ` +
      `training ${r.baseline.trainSeconds.toFixed(1)} s (baseline, ${r.baseline.msPerStep.toFixed(1)} ms/step` +
      `${r.baseline.fastPath ? `, ${r.baseline.fastPath}` : ''}), ` +
      `${r.hnn.trainSeconds.toFixed(1)} s (HNN, ${r.hnn.msPerStep.toFixed(1)} ms/step` +
      `${r.hnn.fastPath ? `, ${r.hnn.fastPath}` : ''})`,
  );
  return (
    `${lines.join('\n')}\n\n${SEEDS_LEGEND}\n\n${perSeed.join('\n')}\n\n` +
    `${settings.join('\n')}\n`
  );
}

const SEEDS_LEGEND =
  "With several seeds a cell is the across-seed mean ± standard deviation of that seed's value " +
  "(n = the Seeds column); with one seed it is that run's mean ± standard error, as the paper " +
  'prints. Reference re-run: ' +
  REFERENCE_RERUN_SOURCE +
  '.';
