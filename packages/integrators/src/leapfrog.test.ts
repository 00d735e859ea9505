import { describe, expect, it } from 'vitest';
import { IntegratorInputError } from './errors.js';
import { leapfrogStep, solveLeapfrog } from './leapfrog.js';
import { rk4Step, solveRk4 } from './rk4.js';
import { createSeparableWorkspace } from './separable-composition.js';
import {
  harmonic,
  harmonicExact,
  harmonicTerms,
  keplerPericentre,
  keplerTerms,
  maxAbsDiff,
  pendulum,
  pendulumTerms,
} from './test-utils/problems.js';
import { relativeDiff, stepJacobian, symplecticDefect } from './test-utils/symplectic.js';
import type { SeparableHamiltonian } from './types.js';

const Q0 = 0.7;
const P0 = -0.4;

function finalError(dt: number, t1 = 10): number {
  const sol = solveLeapfrog(harmonicTerms, [0, t1], [Q0, P0], { dt });
  expect(sol.status).toBe('success');
  return maxAbsDiff(sol.ys[sol.ys.length - 1] as Float64Array, harmonicExact(t1, Q0, P0));
}

describe('leapfrogStep', () => {
  it('is kick-drift-kick', () => {
    // H = q² + p²: dT/dp = 2p, dV/dq = 2q.
    const h = 0.3;
    const pHalf = P0 - (h / 2) * 2 * Q0;
    const q1 = Q0 + h * 2 * pHalf;
    const p1 = pHalf - (h / 2) * 2 * q1;
    const out = new Float64Array(2);
    leapfrogStep(harmonicTerms, new Float64Array([Q0, P0]), h, out);
    expect(out[0]).toBeCloseTo(q1, 15);
    expect(out[1]).toBeCloseTo(p1, 15);
  });

  it('allows out to alias y and reuses the workspace', () => {
    const work = createSeparableWorkspace(4);
    const y = Float64Array.from(keplerPericentre(0.5));
    const separate = new Float64Array(4);
    leapfrogStep(keplerTerms, y, 0.05, separate, work);
    leapfrogStep(keplerTerms, y, 0.05, y, work);
    expect(Array.from(y)).toEqual(Array.from(separate));
  });

  it('preserves the symplectic form (det of the one-step Jacobian is 1), unlike RK4', () => {
    const h = 0.3;
    const start = [2, 0.5];
    const lf = stepJacobian((y, out) => leapfrogStep(pendulumTerms, y, h, out), start);
    expect(symplecticDefect(lf)).toBeLessThan(1e-9);
    const rk = stepJacobian((y, out) => rk4Step(pendulum, 0, y, h, out), start);
    expect(symplecticDefect(rk)).toBeGreaterThan(1e-6);
  });

  it('preserves the symplectic form of the 4-d Kepler problem', () => {
    const start = [0.6, 0.3, -0.4, 1.1];
    const m = stepJacobian((y, out) => leapfrogStep(keplerTerms, y, 0.05, out), start);
    expect(symplecticDefect(m)).toBeLessThan(1e-8);
  });
});

describe('solveLeapfrog', () => {
  it('converges with observed order ~2 under step halving', () => {
    const errors = [0.1, 0.05, 0.025, 0.0125].map((dt) => finalError(dt));
    for (let i = 1; i < errors.length; i++) {
      const order = Math.log2((errors[i - 1] as number) / (errors[i] as number));
      expect(order).toBeGreaterThan(1.95);
      expect(order).toBeLessThan(2.05);
    }
  });

  it('is time-reversible to round-off, unlike RK4', () => {
    const y0 = keplerPericentre(0.6);
    const forward = solveLeapfrog(keplerTerms, [0, 20], y0, { dt: 0.01, saveEvery: 2000 });
    const yT = forward.ys[forward.ys.length - 1] as Float64Array;
    const back = solveLeapfrog(keplerTerms, [20, 0], yT, { dt: 0.01, saveEvery: 2000 });
    expect(back.status).toBe('success');
    expect(relativeDiff(back.ys[back.ys.length - 1] as Float64Array, y0)).toBeLessThan(1e-12);

    // Negating the momenta and running forward again also returns to the start (with -p).
    const flipped = [yT[0], yT[1], -(yT[2] as number), -(yT[3] as number)] as number[];
    const again = solveLeapfrog(keplerTerms, [0, 20], flipped, { dt: 0.01, saveEvery: 2000 });
    const end = again.ys[again.ys.length - 1] as Float64Array;
    expect(relativeDiff([end[0]!, end[1]!, -end[2]!, -end[3]!], y0)).toBeLessThan(1e-12);

    // RK4 at a step with a smaller error per step still does not come back to round-off.
    const rkForward = solveRk4(harmonic, [0, 20], [Q0, P0], { dt: 0.01 });
    const rkBack = solveRk4(harmonic, [20, 0], rkForward.ys[rkForward.ys.length - 1]!, {
      dt: 0.01,
    });
    expect(relativeDiff(rkBack.ys[rkBack.ys.length - 1]!, [Q0, P0])).toBeGreaterThan(1e-9);
  });

  it('counts one dTdp and one dVdq call per step, sharing dVdq between steps', () => {
    let nT = 0;
    let nV = 0;
    const counting: SeparableHamiltonian = {
      dTdp: (p, out) => {
        nT++;
        harmonicTerms.dTdp(p, out);
      },
      dVdq: (q, out) => {
        nV++;
        harmonicTerms.dVdq(q, out);
      },
    };
    const sol = solveLeapfrog(counting, [0, 1], [Q0, P0], { dt: 0.1 });
    expect([nT, nV]).toEqual([10, 11]);
    expect(sol.stats).toEqual({
      nfev: 11,
      nsteps: 10,
      naccepted: 10,
      nrejected: 0,
      ndTdp: 10,
      ndVdq: 11,
    });
    // The solver's steps agree with repeated single steps.
    const y = new Float64Array([Q0, P0]);
    for (let k = 0; k < 10; k++) leapfrogStep(harmonicTerms, y, 0.1, y);
    expect(maxAbsDiff(sol.ys[10] as Float64Array, y)).toBeLessThan(1e-15);
  });

  it('outputs every step, every k steps with t1 always included, or at tEval on the grid', () => {
    const every = solveLeapfrog(harmonicTerms, [0, 1], [Q0, P0], { dt: 0.1 });
    expect(every.ts.length).toBe(11);
    expect(every.ts[10]).toBe(1);

    const sparse = solveLeapfrog(harmonicTerms, [0, 1], [Q0, P0], { dt: 0.1, saveEvery: 4 });
    expect(Array.from(sparse.ts)).toEqual([0, 0.4, 0.8, 1]);
    expect(Array.from(sparse.ys[2] as Float64Array)).toEqual(Array.from(every.ys[8]!));

    // 0.3 and 0.7 are not exact multiples of 0.1 in float64 but lie on the grid within 1e-9·dt.
    const tEval = [0.3, 0.7, 1];
    const onGrid = solveLeapfrog(harmonicTerms, [0, 1], [Q0, P0], { dt: 0.1, tEval });
    expect(Array.from(onGrid.ts)).toEqual(tEval);
    expect(Array.from(onGrid.ys[1] as Float64Array)).toEqual(Array.from(every.ys[7]!));
  });

  it('integrates backwards on the grid t0 - k·dt', () => {
    const sol = solveLeapfrog(harmonicTerms, [2, 0], [Q0, P0], { dt: 0.001, tEval: [2, 1, 0] });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.ts)).toEqual([2, 1, 0]);
    expect(maxAbsDiff(sol.ys[2]!, harmonicExact(-2, Q0, P0))).toBeLessThan(1e-5);
  });

  it('returns the state at t0 when t1 = t0', () => {
    const sol = solveLeapfrog(harmonicTerms, [1, 1], [Q0, P0], { dt: 0.1 });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.ts)).toEqual([1]);
    expect(Array.from(sol.ys[0]!)).toEqual([Q0, P0]);
  });

  it('reports a non-finite state with the step where it happened', () => {
    // V = (2/3)·q^(3/2) exists only for q >= 0; this orbit runs into q < 0, where sqrt is NaN.
    const fall: SeparableHamiltonian = {
      dTdp: (p, out) => (out[0] = p[0] as number),
      dVdq: (q, out) => (out[0] = Math.sqrt(q[0] as number)),
    };
    const sol = solveLeapfrog(fall, [0, 10], [1, -3], { dt: 0.1 });
    expect(sol.status).toBe('non-finite');
    expect(sol.message).toMatch(/leapfrog step from t=\d/);
    expect(sol.ys.every((y) => y.every(Number.isFinite))).toBe(true);

    const atStart = solveLeapfrog(fall, [0, 1], [-1, 1], { dt: 0.5 });
    expect(atStart.status).toBe('non-finite');
    expect(atStart.message).toMatch(/dVdq\(q0\)/);
    expect(atStart.ys.length).toBe(1);
  });

  it('validates its inputs', () => {
    const bad = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(IntegratorInputError);
      expect(fn).toThrow(re);
    };
    const y0 = [Q0, P0];
    bad(() => solveLeapfrog(harmonicTerms, [0, 1], y0, { dt: 0 }), /dt must be a positive/);
    bad(() => solveLeapfrog(harmonicTerms, [0, 1], y0, { dt: 0.3 }), /whole number of steps/);
    bad(() => solveLeapfrog(harmonicTerms, [0, 1], y0, { dt: 0.3 }), /dt = 0\.25 \(4 steps\)/);
    bad(() => solveLeapfrog(harmonicTerms, [0, 0.05], y0, { dt: 0.1 }), /dt = 0\.05 \(one step\)/);
    bad(
      () => solveLeapfrog(harmonicTerms, [0, 1], y0, { dt: 0.1, tEval: [0.25] }),
      /not on the step grid/,
    );
    bad(
      () => solveLeapfrog(harmonicTerms, [0, 1], y0, { dt: 0.1, tEval: [1], saveEvery: 2 }),
      /either tEval or saveEvery/,
    );
    bad(
      () => solveLeapfrog(harmonicTerms, [0, 1], y0, { dt: 0.1, saveEvery: 1.5 }),
      /saveEvery must be a positive integer/,
    );
    bad(() => solveLeapfrog(harmonicTerms, [0, 1], [1, 2, 3], { dt: 0.1 }), /even length/);
    bad(
      () =>
        solveLeapfrog({ dTdp: harmonicTerms.dTdp } as SeparableHamiltonian, [0, 1], y0, {
          dt: 0.1,
        }),
      /dTdp\(p, out\) and dVdq\(q, out\)/,
    );
  });
});
