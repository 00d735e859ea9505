import { describe, expect, it } from 'vitest';
import { solveDopri5 } from './dopri5.js';
import { IntegratorInputError } from './errors.js';
import {
  INTEGRATOR_NAMES,
  isIntegratorName,
  separableField,
  solveHamiltonian,
  stepForOutputs,
} from './hamiltonian-rollout.js';
import type { HamiltonianSystem } from './hamiltonian-rollout.js';
import { solveImplicitMidpoint } from './implicit-midpoint.js';
import { solveLeapfrog } from './leapfrog.js';
import {
  coupled,
  kepler,
  keplerPericentre,
  keplerTerms,
  linspace,
  maxAbsDiff,
} from './test-utils/problems.js';
import { solveYoshida4 } from './yoshida4.js';

const y0 = keplerPericentre(0.5);
const tEval = linspace(0, 2, 11);
const both: HamiltonianSystem = { field: kepler, separable: keplerTerms };

describe('solveHamiltonian', () => {
  it('runs each named integrator exactly as its own solver', () => {
    const bits = (ys: readonly Float64Array[]) => ys.map((y) => Array.from(y));
    expect(bits(solveHamiltonian(both, [0, 2], y0, { integrator: 'rk45', tEval }).ys)).toEqual(
      bits(solveDopri5(kepler, [0, 2], y0, { tEval }).ys),
    );
    const fixed = { tEval, dt: 0.01 };
    expect(
      bits(solveHamiltonian(both, [0, 2], y0, { integrator: 'leapfrog', ...fixed }).ys),
    ).toEqual(bits(solveLeapfrog(keplerTerms, [0, 2], y0, fixed).ys));
    expect(
      bits(solveHamiltonian(both, [0, 2], y0, { integrator: 'yoshida4', ...fixed }).ys),
    ).toEqual(bits(solveYoshida4(keplerTerms, [0, 2], y0, fixed).ys));
    expect(
      bits(solveHamiltonian(both, [0, 2], y0, { integrator: 'implicit-midpoint', ...fixed }).ys),
    ).toEqual(bits(solveImplicitMidpoint(kepler, [0, 2], y0, fixed).ys));
  });

  it('gives the field-only methods a field built from the separable terms', () => {
    const f = separableField(keplerTerms, 4);
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    const y = Float64Array.from([0.6, 0.3, -0.4, 1.1]);
    f(0, y, a);
    kepler(0, y, b);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-15);

    const onlySplit = { separable: keplerTerms };
    const sol = solveHamiltonian(onlySplit, [0, 2], y0, {
      integrator: 'implicit-midpoint',
      dt: 0.01,
    });
    const direct = solveImplicitMidpoint(kepler, [0, 2], y0, { dt: 0.01 });
    expect(maxAbsDiff(sol.ys[sol.ys.length - 1]!, direct.ys[direct.ys.length - 1]!)).toBeLessThan(
      1e-14,
    );
  });

  it('with only a field (a learned H), offers rk45 and implicit-midpoint and says so', () => {
    const learned: HamiltonianSystem = { field: coupled };
    expect(solveHamiltonian(learned, [0, 1], [0.8, -0.5], { integrator: 'rk45' }).status).toBe(
      'success',
    );
    expect(
      solveHamiltonian(learned, [0, 1], [0.8, -0.5], { integrator: 'implicit-midpoint', dt: 0.1 })
        .status,
    ).toBe('success');
    for (const integrator of ['leapfrog', 'yoshida4'] as const) {
      const call = () => solveHamiltonian(learned, [0, 1], [0.8, -0.5], { integrator, dt: 0.1 });
      expect(call).toThrow(IntegratorInputError);
      expect(call).toThrow(/separable Hamiltonian.*Use 'implicit-midpoint'.*or 'rk45'/);
    }
  });

  it('rejects unknown names, missing dt and options that do not apply', () => {
    const bad = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(IntegratorInputError);
      expect(fn).toThrow(re);
    };
    bad(
      () => solveHamiltonian(both, [0, 1], y0, { integrator: 'euler' as 'rk45' }),
      /Unknown integrator "euler"; choose one of rk45, leapfrog, yoshida4, implicit-midpoint/,
    );
    bad(
      () => solveHamiltonian(both, [0, 1], y0, { integrator: 'leapfrog' }),
      /fixed-step method: pass dt/,
    );
    bad(
      () => solveHamiltonian(both, [0, 1], y0, { integrator: 'rk45', dt: 0.1 }),
      /Option dt does not apply to integrator 'rk45'/,
    );
    bad(
      () => solveHamiltonian(both, [0, 1], y0, { integrator: 'leapfrog', dt: 0.1, rtol: 1e-6 }),
      /Option rtol does not apply to integrator 'leapfrog' \(only to rk45\)/,
    );
    bad(
      () => solveHamiltonian(both, [0, 1], y0, { integrator: 'yoshida4', dt: 0.1, tol: 1e-12 }),
      /Option tol does not apply/,
    );
    bad(() => solveHamiltonian({}, [0, 1], y0, { integrator: 'rk45' }), /has neither/);
  });

  it('lists its names for a command-line flag', () => {
    expect([...INTEGRATOR_NAMES]).toEqual(['rk45', 'leapfrog', 'yoshida4', 'implicit-midpoint']);
    expect(INTEGRATOR_NAMES.every(isIntegratorName)).toBe(true);
    expect(isIntegratorName('rk4')).toBe(false);
    expect(isIntegratorName(undefined)).toBe(false);
  });
});

describe('stepForOutputs', () => {
  it('divides an even output spacing into whole steps no longer than maxDt', () => {
    const times = linspace(0, 3, 31); // spacing 0.1
    expect(stepForOutputs(times, 0.1)).toBeCloseTo(0.1, 15);
    expect(stepForOutputs(times, 0.03)).toBeCloseTo(0.025, 15);
    expect(stepForOutputs(times, 1)).toBeCloseTo(0.1, 15);
    const dt = stepForOutputs(times, 0.03);
    const sol = solveHamiltonian(both, [0, 3], y0, { integrator: 'leapfrog', dt, tEval: times });
    expect(sol.status).toBe('success');
    expect(sol.stats.nsteps).toBe(120);
    expect(Array.from(sol.ts)).toEqual(times);
    // Backwards in time works the same way.
    expect(stepForOutputs([...times].reverse(), 0.03)).toBeCloseTo(0.025, 15);
  });

  it('refuses uneven or degenerate output times', () => {
    expect(() => stepForOutputs([0, 0.1, 0.3], 0.05)).toThrow(/not evenly spaced/);
    expect(() => stepForOutputs([0], 0.05)).toThrow(/at least two times/);
    expect(() => stepForOutputs([0, 1], 0)).toThrow(/maxDt must be a positive/);
  });
});
