import { describe, expect, it } from 'vitest';
import { solveDopri5 } from './dopri5.js';
import { solveImplicitMidpoint } from './implicit-midpoint.js';
import { solveLeapfrog } from './leapfrog.js';
import { solveRk4 } from './rk4.js';
import {
  coupled,
  coupledEnergy,
  kepler,
  keplerEnergy,
  keplerPericentre,
  keplerTerms,
  pendulum,
  pendulumEnergy,
  pendulumTerms,
} from './test-utils/problems.js';
import { energyErrorTenths } from './test-utils/symplectic.js';
import type { OdeSolution } from './types.js';
import { solveYoshida4 } from './yoshida4.js';

// Long runs of 10^5 steps. "No secular drift" is checked as: the largest |H - H0| over the last
// tenth of the run is no larger than over the first tenth (bounded, oscillating error), whereas
// a method that drifts linearly shows a last-tenth error about ten times the first-tenth one.
const STEPS = 100_000;
const BOUNDED = 1.05;
const DRIFTING = 5;

function tenths(sol: OdeSolution, energy: (y: Float64Array) => number) {
  expect(sol.status).toBe('success');
  return energyErrorTenths(sol.ts, sol.ys, energy);
}

describe('energy error over 10^5 steps: the paper pendulum H = 3(1 - cos q) + p²', () => {
  // Released from q = 2 rad: far from the linear regime (the period is ~40% above the
  // small-angle one). 10^5 steps of 0.02 cover about 600 periods.
  const y0 = [2, 0];
  const dt = 0.02;
  const span: [number, number] = [0, STEPS * dt];

  it('stays bounded for leapfrog, while RK4 and Dormand–Prince drift at the same cost', () => {
    const lf = solveLeapfrog(pendulumTerms, span, y0, { dt, saveEvery: 10 });
    const lfErr = tenths(lf, pendulumEnergy);
    expect(lfErr.last).toBeLessThan(BOUNDED * lfErr.first);

    // RK4 with 4 evaluations per step: the same 10^5 evaluations as leapfrog.
    const rk = solveRk4(pendulum, span, y0, { dt: 4 * dt });
    expect(rk.stats.nfev).toBeLessThanOrEqual(lf.stats.nfev);
    const rkErr = tenths(rk, pendulumEnergy);
    expect(rkErr.last).toBeGreaterThan(DRIFTING * rkErr.first);
    expect(rkErr.last).toBeGreaterThan(10 * lfErr.last);

    // Adaptive Dormand–Prince at a tolerance that costs no more evaluations than leapfrog.
    const dp = solveDopri5(pendulum, span, y0, { rtol: 1e-5, atol: 1e-8, maxSteps: 1e6 });
    expect(dp.stats.nfev).toBeLessThanOrEqual(lf.stats.nfev);
    const dpErr = tenths(dp, pendulumEnergy);
    expect(dpErr.last).toBeGreaterThan(DRIFTING * dpErr.first);
    expect(dpErr.last).toBeGreaterThan(3 * lfErr.last);
  });

  it('stays bounded for Yoshida 4 and for implicit midpoint on the field alone', () => {
    const y4 = solveYoshida4(pendulumTerms, span, y0, { dt, saveEvery: 10 });
    const y4Err = tenths(y4, pendulumEnergy);
    expect(y4Err.last).toBeLessThan(BOUNDED * y4Err.first);

    const im = solveImplicitMidpoint(pendulum, span, y0, { dt, saveEvery: 10 });
    const imErr = tenths(im, pendulumEnergy);
    expect(imErr.last).toBeLessThan(BOUNDED * imErr.first);
    // Fourth order: far smaller than the second-order methods' error at the same step.
    expect(y4Err.last).toBeLessThan(imErr.last / 100);
  });
});

describe('energy error over 10^5 steps: the Kepler problem, eccentricity 0.6', () => {
  // H = |p|²/2 - 1/|q|, period 2π: 10^5 steps of 0.01 cover about 160 orbits, each with a
  // close pericentre pass (r = 0.4) where the error peaks.
  const y0 = keplerPericentre(0.6);
  const dt = 0.01;
  const span: [number, number] = [0, STEPS * dt];

  it('stays bounded for leapfrog, Yoshida 4 and implicit midpoint', () => {
    const runs = [
      solveLeapfrog(keplerTerms, span, y0, { dt, saveEvery: 10 }),
      solveYoshida4(keplerTerms, span, y0, { dt, saveEvery: 10 }),
      solveImplicitMidpoint(kepler, span, y0, { dt, saveEvery: 10 }),
    ];
    for (const sol of runs) {
      const err = tenths(sol, keplerEnergy);
      expect(err.last).toBeLessThan(BOUNDED * err.first);
    }
  });

  it('drifts for RK4 and Dormand–Prince at the cost of the leapfrog run', () => {
    const rk = solveRk4(kepler, span, y0, { dt: 4 * dt });
    expect(rk.stats.nfev).toBeLessThanOrEqual(STEPS + 1);
    const rkErr = tenths(rk, keplerEnergy);
    expect(rkErr.last).toBeGreaterThan(DRIFTING * rkErr.first);

    const dp = solveDopri5(kepler, span, y0, { rtol: 2e-8, atol: 1e-10, maxSteps: 1e6 });
    expect(dp.stats.nfev).toBeLessThanOrEqual(STEPS + 1);
    const dpErr = tenths(dp, keplerEnergy);
    expect(dpErr.last).toBeGreaterThan(DRIFTING * dpErr.first);
  });
});

describe('energy error over 10^5 steps: a non-separable H = (q² + 1)(p² + 1) / 2', () => {
  // What a learned H looks like to an integrator: only the field J∇H, no T/V split.
  it('stays bounded for implicit midpoint on the field alone, while Dormand–Prince drifts', () => {
    const y0 = [0.8, -0.5];
    const span: [number, number] = [0, STEPS * 0.01];
    const im = solveImplicitMidpoint(coupled, span, y0, { dt: 0.01, saveEvery: 10 });
    const imErr = tenths(im, coupledEnergy);
    expect(imErr.last).toBeLessThan(BOUNDED * imErr.first);

    const dp = solveDopri5(coupled, span, y0, { rtol: 1e-7, atol: 1e-9, maxSteps: 1e6 });
    const dpErr = tenths(dp, coupledEnergy);
    expect(dpErr.last).toBeGreaterThan(DRIFTING * dpErr.first);
  });
});
