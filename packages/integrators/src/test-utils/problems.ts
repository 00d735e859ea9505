import type { OdeFunction } from '../types.js';

/** dq/dt = 2p, dp/dt = -2q: angular frequency 2. */
export const harmonic: OdeFunction = (_t, y, out) => {
  out[0] = 2 * (y[1] as number);
  out[1] = -2 * (y[0] as number);
};

export function harmonicExact(t: number, q0: number, p0: number): [number, number] {
  const c = Math.cos(2 * t);
  const s = Math.sin(2 * t);
  return [q0 * c + p0 * s, p0 * c - q0 * s];
}

/** dq/dt = 2p, dp/dt = -3 sin q. */
export const pendulum: OdeFunction = (_t, y, out) => {
  out[0] = 2 * (y[1] as number);
  out[1] = -3 * Math.sin(y[0] as number);
};

/** numpy.linspace(start, stop, num) bit for bit: start + i * step, with the end pinned to stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
