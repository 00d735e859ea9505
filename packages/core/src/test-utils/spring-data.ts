/**
 * A small deterministic noisy mass-spring set for tests: H = q^2 + p^2, so dq/dt = 2p,
 * dp/dt = -2q; the states carry a little fixed "noise", the targets are exact.
 */
export function springData(n: number, seed: number): { x: Float64Array; dx: Float64Array } {
  const x = new Float64Array(2 * n);
  const dx = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * i) / n + seed;
    const radius = 0.2 + 0.8 * ((i * 0.618 + seed) % 1);
    const q = radius * Math.cos(angle);
    const p = radius * Math.sin(angle);
    x[2 * i] = q + 0.05 * Math.sin(7 * i);
    x[2 * i + 1] = p + 0.05 * Math.cos(5 * i);
    dx[2 * i] = 2 * p;
    dx[2 * i + 1] = -2 * q;
  }
  return { x, dx };
}
