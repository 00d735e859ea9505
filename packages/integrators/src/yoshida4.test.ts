import { describe, expect, it } from 'vitest';
import { leapfrogStep } from './leapfrog.js';
import {
  harmonicExact,
  harmonicTerms,
  keplerPericentre,
  keplerTerms,
  maxAbsDiff,
  pendulumTerms,
} from './test-utils/problems.js';
import { relativeDiff, stepJacobian, symplecticDefect } from './test-utils/symplectic.js';
import { solveYoshida4, yoshida4Step } from './yoshida4.js';

const Q0 = 0.7;
const P0 = -0.4;

describe('yoshida4Step', () => {
  it('is the triple jump: leapfrog steps of w1·h, w0·h, w1·h', () => {
    const w1 = 1 / (2 - 2 ** (1 / 3));
    const w0 = -(2 ** (1 / 3)) / (2 - 2 ** (1 / 3));
    const h = 0.2;
    const y = Float64Array.from(keplerPericentre(0.5));
    const composed = Float64Array.from(y);
    leapfrogStep(keplerTerms, composed, w1 * h, composed);
    leapfrogStep(keplerTerms, composed, w0 * h, composed);
    leapfrogStep(keplerTerms, composed, w1 * h, composed);
    const out = new Float64Array(4);
    yoshida4Step(keplerTerms, y, h, out);
    expect(relativeDiff(out, composed)).toBeLessThan(1e-14);
  });

  it('has local error O(h^5) on the harmonic oscillator', () => {
    const local = (h: number): number => {
      const out = new Float64Array(2);
      yoshida4Step(harmonicTerms, new Float64Array([Q0, P0]), h, out);
      return maxAbsDiff(out, harmonicExact(h, Q0, P0));
    };
    const order = Math.log2(local(0.1) / local(0.05));
    expect(order).toBeGreaterThan(4.8);
    expect(order).toBeLessThan(5.2);
  });

  it('preserves the symplectic form, in 2-d and on the 4-d Kepler problem', () => {
    const pendulumMap = stepJacobian(
      (y, out) => yoshida4Step(pendulumTerms, y, 0.3, out),
      [2, 0.5],
    );
    expect(symplecticDefect(pendulumMap)).toBeLessThan(1e-9);
    const keplerMap = stepJacobian(
      (y, out) => yoshida4Step(keplerTerms, y, 0.05, out),
      [0.6, 0.3, -0.4, 1.1],
    );
    expect(symplecticDefect(keplerMap)).toBeLessThan(1e-8);
  });
});

describe('solveYoshida4', () => {
  it('converges with observed order ~4 under step halving', () => {
    const errors = [0.1, 0.05, 0.025, 0.0125].map((dt) => {
      const sol = solveYoshida4(harmonicTerms, [0, 10], [Q0, P0], { dt });
      expect(sol.status).toBe('success');
      return maxAbsDiff(sol.ys[sol.ys.length - 1]!, harmonicExact(10, Q0, P0));
    });
    for (let i = 1; i < errors.length; i++) {
      const order = Math.log2((errors[i - 1] as number) / (errors[i] as number));
      expect(order).toBeGreaterThan(3.9);
      expect(order).toBeLessThan(4.1);
    }
  });

  it('is time-reversible to round-off', () => {
    // 1000 steps each way, i.e. 3000 leapfrog substeps, more than leapfrog's test makes.
    const y0 = keplerPericentre(0.6);
    const forward = solveYoshida4(keplerTerms, [0, 10], y0, { dt: 0.01, saveEvery: 1000 });
    const yT = forward.ys[forward.ys.length - 1]!;
    const back = solveYoshida4(keplerTerms, [10, 0], yT, { dt: 0.01, saveEvery: 1000 });
    expect(back.status).toBe('success');
    expect(relativeDiff(back.ys[back.ys.length - 1]!, y0)).toBeLessThan(1e-12);
  });

  it('costs three evaluations of each term per step', () => {
    const sol = solveYoshida4(harmonicTerms, [0, 1], [Q0, P0], { dt: 0.1, tEval: [0.5, 1] });
    expect(sol.stats).toEqual({
      nfev: 31,
      nsteps: 10,
      naccepted: 10,
      nrejected: 0,
      ndTdp: 30,
      ndVdq: 31,
    });
    expect(Array.from(sol.ts)).toEqual([0.5, 1]);
  });
});
