import { idealPendulum, massSpring, nBodySystem, randomTwoBodyState } from '@hnn/datasets';
import type { HamiltonianSystem } from '@hnn/datasets';
import type { RandomState } from '@hnn/random';
import { compileHamiltonian } from './custom-h.js';

export const SYSTEM_IDS = [
  'mass-spring',
  'pendulum',
  'duffing',
  'henon-heiles',
  'two-body',
  'custom',
] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

/** How the animation draws a state of the system. */
export type AnimationKind = 'spring' | 'pendulum' | 'plane-particle' | 'two-body' | 'bead';

/** A system the playground can train on: its true H and field in float64, and how to sample it. */
export interface PlaygroundSystem {
  readonly id: SystemId | 'csv';
  readonly label: string;
  /** Shown under the picker: the formula of H. */
  readonly formula: string;
  readonly dim: number;
  /** True energy and field; undefined for uploaded data, whose H nobody told us. */
  readonly truth: HamiltonianSystem | undefined;
  /** A random start state of one training trajectory. */
  sampleStart(rng: RandomState): Float64Array;
  /** Start of the shown rollout when the URL gives none. */
  readonly defaultStart: readonly number[];
  /** Phase-portrait window of (q1, p1): [qMin, qMax, pMin, pMax]. */
  readonly window: readonly [number, number, number, number];
  readonly animation: AnimationKind;
}

function uniform(rng: RandomState, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.rand();
}

/** A 1-DOF start at a random angle and a radius in [lo, hi], as the reference's oscillators. */
function ringStart(rng: RandomState, lo: number, hi: number): Float64Array {
  const radius = uniform(rng, lo, hi);
  const x = new Float64Array([rng.randn(), rng.randn()]);
  const norm = Math.hypot(x[0]!, x[1]!) || 1;
  return new Float64Array([(x[0]! / norm) * radius, (x[1]! / norm) * radius]);
}

/** H = p²/2 + q²/2 + q⁴/4: a hardening (Duffing-type) anharmonic oscillator. */
const duffing: HamiltonianSystem = {
  name: 'duffing',
  dim: 2,
  hamiltonian: (x) => {
    const q = x[0]!;
    const p = x[1]!;
    return 0.5 * p * p + 0.5 * q * q + 0.25 * q * q * q * q;
  },
  timeDerivative(_t, x, out) {
    const q = x[0]!;
    out[0] = x[1]!;
    out[1] = -(q + q * q * q);
  },
};

/** Hénon–Heiles: H = (px² + py²)/2 + (x² + y²)/2 + x²y − y³/3, state (x, y, px, py). */
const henonHeiles: HamiltonianSystem = {
  name: 'henon-heiles',
  dim: 4,
  hamiltonian: (s) => {
    const [x, y, px, py] = [s[0]!, s[1]!, s[2]!, s[3]!];
    return 0.5 * (px * px + py * py) + 0.5 * (x * x + y * y) + x * x * y - (y * y * y) / 3;
  },
  timeDerivative(_t, s, out) {
    const x = s[0]!;
    const y = s[1]!;
    out[0] = s[2]!;
    out[1] = s[3]!;
    out[2] = -(x + 2 * x * y);
    out[3] = -(y + x * x - y * y);
  },
};

/** A Hénon–Heiles start of energy in [0.02, 0.12] (bounded orbits; the escape energy is 1/6). */
function henonStart(rng: RandomState): Float64Array {
  for (;;) {
    const energy = uniform(rng, 0.02, 0.12);
    const x = uniform(rng, -0.3, 0.3);
    const y = uniform(rng, -0.3, 0.3);
    const potential = 0.5 * (x * x + y * y) + x * x * y - (y * y * y) / 3;
    if (potential >= energy) continue;
    const speed = Math.sqrt(2 * (energy - potential));
    const angle = uniform(rng, 0, 2 * Math.PI);
    return new Float64Array([x, y, speed * Math.cos(angle), speed * Math.sin(angle)]);
  }
}

export const DEFAULT_CUSTOM_H = 'p^2/2 + q^4/4 - q^2/2';

/** The system of an id; `customH` is the expression of the custom system. */
export function systemOf(id: SystemId, customH: string): PlaygroundSystem {
  switch (id) {
    case 'mass-spring':
      return {
        id,
        label: 'Mass-spring',
        formula: 'H = q² + p²',
        dim: 2,
        truth: massSpring,
        sampleStart: (rng) => ringStart(rng, 0.1, 1),
        defaultStart: [0.5, 0],
        window: [-1.3, 1.3, -1.3, 1.3],
        animation: 'spring',
      };
    case 'pendulum':
      return {
        id,
        label: 'Ideal pendulum',
        formula: 'H = 3(1 − cos q) + p²',
        dim: 2,
        truth: idealPendulum,
        sampleStart: (rng) => ringStart(rng, 1.3, 2.3),
        defaultStart: [1.5, 0],
        window: [-3, 3, -3, 3],
        animation: 'pendulum',
      };
    case 'duffing':
      return {
        id,
        label: 'Duffing oscillator',
        formula: 'H = p²/2 + q²/2 + q⁴/4',
        dim: 2,
        truth: duffing,
        sampleStart: (rng) => ringStart(rng, 0.2, 1.2),
        defaultStart: [1, 0],
        window: [-1.6, 1.6, -1.6, 1.6],
        animation: 'spring',
      };
    case 'henon-heiles':
      return {
        id,
        label: 'Hénon–Heiles (2 DOF)',
        formula: 'H = (pₓ² + p_y²)/2 + (x² + y²)/2 + x²y − y³/3',
        dim: 4,
        truth: henonHeiles,
        sampleStart: henonStart,
        defaultStart: [0.1, -0.1, 0.3, 0.1],
        window: [-0.6, 0.6, -0.6, 0.6],
        animation: 'plane-particle',
      };
    case 'two-body':
      return {
        id,
        label: 'Two-body (4 DOF)',
        formula: 'H = |p₁|²/2 + |p₂|²/2 − 1/|q₁ − q₂|',
        dim: 8,
        truth: nBodySystem(2),
        sampleStart: (rng) => randomTwoBodyState(rng),
        // Body 1 at (1, 0.5), body 2 opposite, moving on a near-circular orbit.
        defaultStart: twoBodyCircular(1, 0.5),
        window: [-1.6, 1.6, -0.6, 0.6],
        animation: 'two-body',
      };
    case 'custom': {
      const compiled = compileHamiltonian(customH);
      return {
        id,
        label: 'Custom H(q, p)',
        formula: `H = ${customH}`,
        dim: 2,
        truth: compiled,
        sampleStart: (rng) => new Float64Array([uniform(rng, -1.5, 1.5), uniform(rng, -1.5, 1.5)]),
        defaultStart: [1, 0.5],
        window: [-2, 2, -2, 2],
        animation: 'bead',
      };
    }
  }
}

/** Two unit masses on a circular orbit about their centre, body 1 at (x, y). */
function twoBodyCircular(x: number, y: number): number[] {
  const r = Math.hypot(x, y);
  const denom = 2 * Math.pow(r, 1.5);
  const vx = -y / denom;
  const vy = x / denom;
  return [x, -x, y, -y, vx, -vx, vy, -vy];
}

/** A system for uploaded data: no true H, a window fitted to the data. */
export function csvSystem(
  dim: number,
  window: readonly [number, number, number, number],
  start: readonly number[],
): PlaygroundSystem {
  return {
    id: 'csv',
    label: 'Uploaded CSV',
    formula: 'H unknown (learned from the file)',
    dim,
    truth: undefined,
    sampleStart: () => Float64Array.from(start),
    defaultStart: start,
    window,
    animation: dim === 2 ? 'bead' : 'plane-particle',
  };
}
