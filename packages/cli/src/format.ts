/** A number for people: 4 significant digits, exponent form when small or large. */
export function formatNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/** 950 ms, 12.3 s, 3 min 05 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/** A CSV line of full-precision numbers (shortest text that reads back to the same double). */
export function csvLine(values: ArrayLike<number | string>): string {
  return `${Array.from(values, (v) => String(v)).join(',')}\n`;
}
