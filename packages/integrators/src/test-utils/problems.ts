import type { OdeFunction, SeparableHamiltonian } from '../types.js';

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

/** H = q² + p² split as T = p², V = q²: the same flow as `harmonic`. */
export const harmonicTerms: SeparableHamiltonian = {
  dTdp: (p, out) => {
    out[0] = 2 * (p[0] as number);
  },
  dVdq: (q, out) => {
    out[0] = 2 * (q[0] as number);
  },
};

/** The paper's ideal pendulum H = 3(1 - cos q) + p², the flow of `pendulum`. */
export const pendulumTerms: SeparableHamiltonian = {
  dTdp: (p, out) => {
    out[0] = 2 * (p[0] as number);
  },
  dVdq: (q, out) => {
    out[0] = 3 * Math.sin(q[0] as number);
  },
};

export function pendulumEnergy(y: ArrayLike<number>): number {
  const q = y[0] as number;
  const p = y[1] as number;
  return 3 * (1 - Math.cos(q)) + p * p;
}

/**
 * The two-body problem reduced to one body about the centre of mass, in units where
 * G·(m1 + m2) = 1: H = |p|²/2 - 1/|q|, with y = (q1, q2, p1, p2).
 */
export const keplerTerms: SeparableHamiltonian = {
  dTdp: (p, out) => {
    out[0] = p[0] as number;
    out[1] = p[1] as number;
  },
  dVdq: (q, out) => {
    const x = q[0] as number;
    const y = q[1] as number;
    const r2 = x * x + y * y;
    const inv3 = 1 / (r2 * Math.sqrt(r2));
    out[0] = x * inv3;
    out[1] = y * inv3;
  },
};

export const kepler: OdeFunction = (_t, y, out) => {
  const x = y[0] as number;
  const z = y[1] as number;
  const r2 = x * x + z * z;
  const inv3 = 1 / (r2 * Math.sqrt(r2));
  out[0] = y[2] as number;
  out[1] = y[3] as number;
  out[2] = -x * inv3;
  out[3] = -z * inv3;
};

export function keplerEnergy(y: ArrayLike<number>): number {
  const x = y[0] as number;
  const z = y[1] as number;
  const px = y[2] as number;
  const pz = y[3] as number;
  return 0.5 * (px * px + pz * pz) - 1 / Math.sqrt(x * x + z * z);
}

/** Starts at pericentre of the orbit with semi-major axis 1 (period 2π) and eccentricity e. */
export function keplerPericentre(e: number): [number, number, number, number] {
  return [1 - e, 0, 0, Math.sqrt((1 + e) / (1 - e))];
}

/**
 * A non-separable Hamiltonian H = (q² + 1)(p² + 1) / 2, whose field J∇H is
 * dq/dt = (q² + 1)·p, dp/dt = -q·(p² + 1).
 */
export const coupled: OdeFunction = (_t, y, out) => {
  const q = y[0] as number;
  const p = y[1] as number;
  out[0] = (q * q + 1) * p;
  out[1] = -q * (p * p + 1);
};

export function coupledEnergy(y: ArrayLike<number>): number {
  const q = y[0] as number;
  const p = y[1] as number;
  return 0.5 * (q * q + 1) * (p * p + 1);
}
