import { RandomState } from '@hnn/random';
import { describe, expect, it } from 'vitest';
import { DatasetConfigError } from './errors.js';
import {
  GYM_PENDULUM,
  GYM_START_RULE,
  fromCanonical,
  getTheta,
  gymPendulumStep,
  gymPendulumTrajectory,
  sampleGymStart,
  toCanonical,
} from './gym-pendulum.js';

describe('gymPendulumStep', () => {
  it('matches a hand computation of gym step([0.])', () => {
    // th = pi + 0.1 (0.1 rad right of the bottom), thdot = 0.5:
    // newthdot = 0.5 + (-3 * 10 / 2 * sin(2 pi + 0.1)) * 0.05 = 0.5 - 0.75 * sin(0.1)
    // newth = th + newthdot * 0.05
    const next = gymPendulumStep({ th: Math.PI + 0.1, thdot: 0.5 });
    const sin01 = 0.09983341664682815;
    expect(next.thdot).toBeCloseTo(0.5 - 0.75 * sin01, 14);
    expect(next.th).toBeCloseTo(Math.PI + 0.1 + (0.5 - 0.75 * sin01) * 0.05, 14);
  });

  it('advances the angle with the unclipped velocity, then clips it to +-8 (gym order)', () => {
    // th = pi/2: sin(th + pi) = -1, so thdot gains 15 * 0.05 = 0.75 -> 8.65, clipped to 8.
    const next = gymPendulumStep({ th: Math.PI / 2, thdot: 7.9 });
    expect(next.thdot).toBe(GYM_PENDULUM.maxSpeed);
    expect(next.th).toBeCloseTo(Math.PI / 2 + 8.65 * 0.05, 14);
  });

  it('keeps the energy of semi-implicit Euler bounded, without drift', () => {
    // E = thdot^2 / 2 + (3 g / 2 l)(1 - cos(phi)) for phi from the bottom; symplectic Euler
    // oscillates around a modified energy by O(h omega) ~ 10% at dt = 0.05, omega = sqrt(15).
    const energy = (th: number, thdot: number) =>
      0.5 * thdot * thdot + 15 * (1 - Math.cos(th - Math.PI));
    const traj = gymPendulumTrajectory({ th: Math.PI + 0.5, thdot: 0 }, 2000);
    const e0 = energy(traj[0]!, traj[1]!);
    const es = Array.from({ length: 2000 }, (_, t) => energy(traj[2 * t]!, traj[2 * t + 1]!));
    const maxDev = Math.max(...es.map((e) => Math.abs(e - e0) / e0));
    expect(maxDev).toBeLessThan(0.12);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(es.slice(-200)) - mean(es.slice(0, 200))) / e0).toBeLessThan(0.005);
  });
});

describe('getTheta / canonical coordinates', () => {
  it('measures the angle from the bottom in (-pi, pi], as the reference get_theta', () => {
    expect(getTheta({ th: Math.PI, thdot: 0 })).toBeCloseTo(0, 15);
    expect(getTheta({ th: Math.PI + 0.3, thdot: 0 })).toBeCloseTo(0.3, 14);
    expect(getTheta({ th: Math.PI - 0.3, thdot: 0 })).toBeCloseTo(-0.3, 14);
    // Unwrapped gym angles (gym never wraps th) map back into (-pi, pi].
    expect(getTheta({ th: 3 * Math.PI + 0.3, thdot: 0 })).toBeCloseTo(0.3, 13);
    expect(getTheta({ th: -Math.PI - 0.3, thdot: 0 })).toBeCloseTo(-0.3, 13);
    expect(Math.abs(getTheta({ th: 0.1, thdot: 0 }))).toBeCloseTo(Math.PI - 0.1, 14);
  });

  it('scales the velocity by 0.25 and inverts', () => {
    const [q, p] = toCanonical({ th: Math.PI + 0.2, thdot: 2 });
    expect(q).toBeCloseTo(0.2, 14);
    expect(p).toBe(0.5);
    const s = fromCanonical(q, p);
    expect(s.th).toBeCloseTo(Math.PI + 0.2, 14);
    expect(s.thdot).toBe(2);
  });
});

describe('sampleGymStart', () => {
  it('draws th ~ U(-pi, pi) then thdot ~ U(-1, 1) and resets until 0 < |theta| < pi/6', () => {
    const rng = new RandomState(0);
    const mirror = new RandomState(0);
    for (let trial = 0; trial < 20; trial++) {
      const { state, resets } = sampleGymStart(rng, GYM_START_RULE);
      let expected = { th: NaN, thdot: NaN };
      for (let i = 0; i < resets; i++) {
        expected = { th: -Math.PI + 2 * Math.PI * mirror.rand(), thdot: -1 + 2 * mirror.rand() };
        const accepted = Math.abs(getTheta(expected)) < Math.PI / 6;
        // Every reset but the last was rejected.
        expect(accepted).toBe(i === resets - 1);
      }
      expect(state).toEqual(expected);
      expect(Math.abs(getTheta(state))).toBeLessThan(Math.PI / 6);
      expect(Math.abs(state.thdot)).toBeLessThan(1);
    }
  });

  it('honours a minimum angle and rejects impossible rules', () => {
    const rng = new RandomState(3);
    for (let i = 0; i < 10; i++) {
      const a = Math.abs(getTheta(sampleGymStart(rng, { minAngle: 0.3, maxAngle: 0.32 }).state));
      expect(a).toBeGreaterThan(0.3);
      expect(a).toBeLessThan(0.32);
    }
    expect(() => sampleGymStart(rng, { minAngle: 0.5, maxAngle: 0.4 })).toThrow(DatasetConfigError);
  });
});
