/** Summary of repeated timings (ms): median and spread. */
export interface TimingStats {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  /** Number of timed steps. */
  readonly n: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function timingStats(samples: readonly number[]): TimingStats {
  if (samples.length === 0) throw new Error('no timing samples');
  const sorted = [...samples].sort((x, y) => x - y);
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    median: round(quantile(sorted, 0.5)),
    p25: round(quantile(sorted, 0.25)),
    p75: round(quantile(sorted, 0.75)),
    min: round(sorted[0] as number),
    max: round(sorted[sorted.length - 1] as number),
    n: sorted.length,
  };
}
