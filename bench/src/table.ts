import type { Measurement } from './measurement.js';

interface Row extends Measurement {
  readonly pytorchMs: number | null;
  readonly ratioToPytorch: number | null;
}

const fmt = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? '-' : v.toFixed(digits);

/** The bench table: one line per task and model, the path that ran next to every number. */
export function formatTable(rows: readonly Row[]): string {
  const header = [
    'task',
    'model',
    'batch',
    'ms/step (median)',
    'p25-p75',
    'PyTorch ms',
    'ours/PyTorch',
    'tfjs ms',
    'fast path',
    'tfjs backend',
    'rollout s',
    'data s',
    'peak RSS MB',
  ];
  const lines = rows.map((r) => [
    r.task,
    r.model,
    String(r.batch),
    fmt(r.msPerStep),
    `${fmt(r.stepMs.p25)}-${fmt(r.stepMs.p75)}`,
    fmt(r.pytorchMs, 1),
    fmt(r.ratioToPytorch),
    fmt(r.tfjsMsPerStep?.median, 1),
    r.fastPath,
    r.backend,
    fmt(r.rolloutSeconds),
    fmt(r.dataGenerationSeconds),
    String(r.peakRssMb),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map((l) => (l[i] as string).length)),
  );
  const row = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}
