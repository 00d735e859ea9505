import type { Measurement, Skipped } from './measurement.js';
import type { PytorchProbe, PytorchThreads } from './pytorch.js';
import type { RatioStats, TimingStats } from './stats.js';
import type { MachineInfo, SourceInfo } from './run-info.js';

/** PyTorch's side of one (task, model), for one thread setting. */
export interface RivalSide {
  /** Per-step times pooled over all rounds. */
  readonly stepMs: TimingStats;
  readonly roundMedianMs: readonly number[];
  /** Ours / this side, per round of the alternation. */
  readonly ratio: RatioStats;
  /** The last round's first and last loss: a step that trains nothing would time nothing. */
  readonly loss: readonly [first: number, last: number];
}

export interface BenchEntry extends Measurement {
  /** Matrix-product FLOPs of one step (flops.ts). */
  readonly flopsPerStep: number;
  /** flopsPerStep / msPerStep, in GFLOP/s. */
  readonly gflops: number;
  /** Keyed by thread setting; null when PyTorch was not measured. */
  readonly pytorch: Partial<Record<PytorchThreads, RivalSide>> | null;
}

export type PytorchSummary =
  | {
      readonly available: true;
      readonly python: string;
      readonly torch: string;
      /** The thread settings in the order they ran; the first is the headline ratio's. */
      readonly threadSettings: readonly PytorchThreads[];
      /** The --probe report of each thread setting's server. */
      readonly settings: Partial<Record<PytorchThreads, PytorchProbe>>;
    }
  | { readonly available: false; readonly reason: string };

export interface BenchReport {
  readonly generatedAt: string;
  readonly quick: boolean;
  readonly source: SourceInfo;
  readonly machine: MachineInfo & {
    readonly loadAverageBefore: readonly number[];
    readonly loadAverageAfter: readonly number[];
  };
  /** How the two sides were timed, in words (also printed). */
  readonly method: string;
  /** Rounds of ours-then-PyTorch per (task, model). */
  readonly rounds: number;
  readonly pytorch: PytorchSummary;
  readonly entries: readonly BenchEntry[];
  readonly skipped: readonly Skipped[];
}

const fmt = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? '-' : v.toFixed(digits);

const fmtRatio = (r: RatioStats | undefined): string =>
  r === undefined ? '-' : `${fmt(r.median)} [${fmt(r.min)}-${fmt(r.max)}]`;

function table(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

/** One line on a PyTorch thread setting: what torch and its BLAS actually ran with. */
export function describeSetting(setting: PytorchThreads, p: PytorchProbe): string {
  const sgemm = Object.entries(p.sgemmGflops)
    .map(([shape, g]) => `${shape} ${g.toFixed(0)}`)
    .join(', ');
  return (
    `PyTorch threads '${setting}': torch intra-op ${p.threads.torchIntraOp}, ` +
    `${p.blas.kind} ${p.threads.openblas ?? '?'} threads; sgemm GFLOP/s ${sgemm}`
  );
}

/** Loud lines for a rival that is not fair (reference BLAS), empty when it is. */
export function blasWarnings(summary: PytorchSummary): string[] {
  if (!summary.available) return [];
  const kinds = new Set(Object.values(summary.settings).map((p) => p?.blas.kind));
  if (!kinds.has('reference')) return [];
  return [
    '!!! WARNING: PyTorch runs on the reference (netlib) BLAS, ~10x slower than OpenBLAS: its',
    '!!! ratios below are not a fair comparison. Debian: apt-get install -y libopenblas0-pthread',
  ];
}

/** The printed report: provenance, both sides' settings, then one row per task and model. */
export function formatReport(report: BenchReport): string {
  const { source, machine, pytorch } = report;
  const head: string[] = [
    `commit ${source.commit ?? 'unknown (not a git checkout)'}` +
      (source.dirty === true ? ` + uncommitted changes (${source.changedFiles.join(', ')})` : '') +
      (source.dirty === false ? ' (clean)' : ''),
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}, Node ${machine.node}; ` +
      `load average before ${machine.loadAverageBefore.join(' ')}, after ${machine.loadAverageAfter.join(' ')}`,
    'ours: @hnn/core / @hnn/autoencoder fused trainers, up to 2 threads (each trainer times 1 vs 2 ' +
      'and keeps the faster; the fast-path column names what ran)',
  ];
  const settings = pytorch.available ? pytorch.threadSettings : [];
  const label = (s: PytorchThreads): string => (s === 'default' ? '' : ` ${s}-thr`);
  if (pytorch.available) {
    head.push(`PyTorch ${pytorch.torch} (${pytorch.python})`);
    for (const setting of pytorch.threadSettings) {
      const p = pytorch.settings[setting];
      if (p !== undefined) head.push(describeSetting(setting, p));
    }
    head.push(...blasWarnings(pytorch));
    head.push(report.method);
  } else {
    head.push(`PyTorch: not measured, so no ratio is printed (${pytorch.reason}).`);
  }

  const header = [
    'task',
    'model',
    'batch',
    'ours ms/step',
    'p25-p75',
    'GFLOP/s',
    ...settings.flatMap((s) => [`PyTorch${label(s)} ms`, `ours/PyTorch${label(s)} [min-max]`]),
    'tfjs ms',
    'fast path',
    'tfjs backend',
    'rollout s',
    'data s',
    'peak RSS MB',
  ];
  const lines = report.entries.map((r) => [
    r.task,
    r.model,
    String(r.batch),
    fmt(r.msPerStep),
    `${fmt(r.stepMs.p25)}-${fmt(r.stepMs.p75)}`,
    fmt(r.gflops, 1),
    ...settings.flatMap((s) => [
      fmt(r.pytorch?.[s]?.stepMs.median),
      fmtRatio(r.pytorch?.[s]?.ratio),
    ]),
    fmt(r.tfjsMsPerStep?.median, 1),
    r.fastPath,
    r.backend,
    fmt(r.rolloutSeconds),
    fmt(r.dataGenerationSeconds),
    String(r.peakRssMb),
  ]);
  const tail = report.skipped.map((s) => `skipped ${s.task} ${s.model}: ${s.skipped}`);
  return [...head, '', table(header, lines), ...tail].join('\n');
}
