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

/** Ours / theirs per round of the alternation, summarised: below 1 means ours is faster. */
export interface RatioStats {
  readonly median: number;
  /** The spread: the smallest and largest per-round ratio. */
  readonly min: number;
  readonly max: number;
  /** ours[i] / theirs[i] for each round i, in round order. */
  readonly perRound: readonly number[];
}

/**
 * The ratio of two sides timed in alternation (round i: ours, then theirs): each round's ratio
 * divides the two medians measured back to back, so drift of the machine between rounds moves both
 * sides of a ratio alike; the median over rounds is the headline, min-max the spread.
 */
export function ratioStats(ours: readonly number[], theirs: readonly number[]): RatioStats {
  if (ours.length === 0 || ours.length !== theirs.length) {
    throw new Error(
      `ratioStats needs one time per round from each side, got ${ours.length} and ${theirs.length}`,
    );
  }
  const perRound = ours.map((o, i) => {
    const t = theirs[i] as number;
    if (!(o > 0) || !(t > 0) || !Number.isFinite(o) || !Number.isFinite(t)) {
      throw new Error(`round ${i} has a non-positive or non-finite time (${o} / ${t})`);
    }
    return o / t;
  });
  const sorted = [...perRound].sort((x, y) => x - y);
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    median: round(quantile(sorted, 0.5)),
    min: round(sorted[0] as number),
    max: round(sorted[sorted.length - 1] as number),
    perRound: perRound.map(round),
  };
}
