import { describe, expect, it } from 'vitest';
import { float64HamiltonianField, type Float64Dynamics } from '@hnn/core';
import { massSpring } from '@hnn/datasets';
import { RandomState } from '@hnn/random';
import {
  editEnergy,
  followRiemannianGradient,
  followSymplecticGradient,
  hamiltonianGradient,
  type SymplecticField64,
} from './energy-editing.js';
import { RolloutError } from './rollout.js';
import { MetricInputError } from './stats.js';

const springField: SymplecticField64 = (x, out) => massSpring.timeDerivative(0, x, out);

/** A random tanh MLP H on (q1, q2, p1, p2): a stand-in for a trained HNN, in float64. */
function randomHnn(dim: number, hidden: number, seed: number): Float64Dynamics {
  const rng = new RandomState(seed);
  const sizes = [dim, hidden, hidden, 1];
  const weights: Float64Array[] = [];
  for (let l = 0; l < 3; l++) {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    weights.push(Float64Array.from({ length: nIn * nOut }, () => rng.randn() / Math.sqrt(nIn)));
    if (l < 2) weights.push(Float64Array.from({ length: nOut }, () => 0.1 * rng.randn()));
  }
  return float64HamiltonianField({ sizes, weights });
}

const isMonotone = (values: number[], sign: 1 | -1) =>
  values.every((v, k) => k === 0 || sign * (v - values[k - 1]!) > 0);

describe('hamiltonianGradient', () => {
  it('recovers grad H = (dH/dq, dH/dp) from the symplectic field', () => {
    const out = new Float64Array(2);
    hamiltonianGradient(springField)(new Float64Array([0.3, -0.5]), out);
    // H = q^2 + p^2.
    expect(Array.from(out)).toEqual([0.6, -1]);
  });
});

describe('editEnergy', () => {
  it('changes the true spring energy by exactly the requested amount, monotonically', () => {
    const path = editEnergy(springField, [0.5, 0], 0.75, { points: 20 });
    const h = path.states.map((x) => massSpring.hamiltonian(x));
    expect(h[0]).toBeCloseTo(0.25, 12);
    expect(h[h.length - 1]).toBeCloseTo(1, 7);
    expect(isMonotone(h, 1)).toBe(true);
    // ts is the change of H reached.
    h.forEach((v, k) => expect(v - 0.25).toBeCloseTo(path.ts[k]!, 7));
  });

  it('removes energy for a negative change', () => {
    const path = editEnergy(springField, [0, 1], -0.5);
    const h = path.states.map((x) => massSpring.hamiltonian(x));
    expect(isMonotone(h, -1)).toBe(true);
    expect(h[h.length - 1]).toBeCloseTo(0.5, 7);
    expect(path.ts[path.ts.length - 1]).toBe(-0.5);
  });

  it('moves a learned H (random 4-d MLP) by deltaH and keeps it along the symplectic field', () => {
    const hnn = randomHnn(4, 16, 3);
    const H = hnn.hamiltonian!;
    const x0 = [0.2, -0.1, 0.3, 0.4];
    const h0 = H(Float64Array.from(x0));
    const up = editEnergy(hnn.timeDerivative, x0, 0.3, { points: 30 });
    const hUp = up.states.map((x) => H(x));
    expect(isMonotone(hUp, 1)).toBe(true);
    expect(hUp[hUp.length - 1]! - h0).toBeCloseTo(0.3, 6);

    const orbit = followSymplecticGradient(hnn.timeDerivative, up.states.at(-1)!, 5, {
      points: 40,
    });
    const hOrbit = orbit.states.map((x) => H(x));
    for (const v of hOrbit) expect(Math.abs(v - hUp.at(-1)!)).toBeLessThan(1e-7);
    // ... while the state does move.
    expect(
      Math.hypot(...orbit.states[0]!.map((v, i) => v - orbit.states.at(-1)![i]!)),
    ).toBeGreaterThan(1e-3);
  });
});

describe('followRiemannianGradient', () => {
  it('raises H forward in time and lowers it backward', () => {
    const hnn = randomHnn(2, 16, 7);
    const H = hnn.hamiltonian!;
    const up = followRiemannianGradient(hnn.timeDerivative, [0.1, 0.2], 0.5).states.map((x) =>
      H(x),
    );
    const down = followRiemannianGradient(hnn.timeDerivative, [0.1, 0.2], -0.5).states.map((x) =>
      H(x),
    );
    expect(isMonotone(up, 1)).toBe(true);
    expect(isMonotone(down, -1)).toBe(true);
  });

  it('matches the closed form for the spring: x(t) = x0 e^{2t}', () => {
    const path = followRiemannianGradient(springField, [0.3, 0.4], 0.25, { points: 3 });
    const end = path.states.at(-1)!;
    expect(end[0]).toBeCloseTo(0.3 * Math.exp(0.5), 8);
    expect(end[1]).toBeCloseTo(0.4 * Math.exp(0.5), 8);
  });
});

describe('input errors', () => {
  it('rejects odd-sized or non-finite states and bad point counts', () => {
    expect(() => editEnergy(springField, [1, 2, 3], 0.1)).toThrow(MetricInputError);
    expect(() => editEnergy(springField, [Number.NaN, 0], 0.1)).toThrow(MetricInputError);
    expect(() => editEnergy(springField, [1, 0], 0.1, { points: 1 })).toThrow(MetricInputError);
  });

  it('raises RolloutError when the path has to cross a critical point of H', () => {
    // H = q^2 + p^2 has its minimum 0 at the origin: removing more than H(x0) is impossible.
    expect(() => editEnergy(springField, [0.5, 0], -1)).toThrow(RolloutError);
  });

  it('accepts any duration, even where evenly spaced times round past its end', () => {
    const deltaH = 0.000013888805733012362;
    const path = editEnergy(springField, [0.5, 0], deltaH, { points: 60 });
    expect(path.ts[59]).toBe(deltaH);
  });

  it('returns the start for a zero change', () => {
    const path = editEnergy(springField, [0.5, 0], 0, { points: 3 });
    expect(path.states.map((x) => Array.from(x))).toEqual([
      [0.5, 0],
      [0.5, 0],
      [0.5, 0],
    ]);
  });
});
