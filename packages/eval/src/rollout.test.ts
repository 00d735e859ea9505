import { IntegratorInputError, solveDopri5, solveImplicitMidpoint } from '@hnn/integrators';
import type { OdeFunction } from '@hnn/integrators';
import { describe, expect, it } from 'vitest';
import { rollout, RolloutError } from './rollout.js';
import { MetricInputError } from './stats.js';

/** A nonlinear pendulum's field, H = p²/2 + 3(1 - cos q). */
const pendulum: OdeFunction = (_t, y, out) => {
  out[0] = y[1]!;
  out[1] = -3 * Math.sin(y[0]!);
};
const H = (y: Float64Array) => y[1]! ** 2 / 2 + 3 * (1 - Math.cos(y[0]!));
const grid = (n: number, end: number) =>
  Float64Array.from({ length: n }, (_, i) => (end * i) / (n - 1));

describe('rollout', () => {
  it('rk45 is the Dormand-Prince solve at tEval, with its stats', () => {
    const t = grid(41, 4);
    const r = rollout(pendulum, [1, 0.2], t, { rtol: 1e-9, atol: 1e-9 });
    const direct = solveDopri5(pendulum, [0, 4], [1, 0.2], { tEval: t, rtol: 1e-9, atol: 1e-9 });
    expect(r.ys).toEqual(direct.ys);
    expect(r.ts).toEqual(t);
    expect(r.ts).not.toBe(t);
    expect(r.stats).toEqual(direct.stats);
  });

  it('implicit-midpoint on uneven times splits each interval into equal steps <= dt', () => {
    const t = Float64Array.from([0, 0.07, 0.2, 0.21, 0.5]);
    const r = rollout(pendulum, [1, 0.2], t, { integrator: 'implicit-midpoint', dt: 0.05 });
    expect(r.ys).toHaveLength(5);
    // Interval by interval: 2, 3, 1 and 6 steps.
    let y: Float64Array = Float64Array.from([1, 0.2]);
    for (const [k, steps] of [2, 3, 1, 6].entries()) {
      const a = t[k]!;
      const b = t[k + 1]!;
      const sol = solveImplicitMidpoint(pendulum, [a, b], y, {
        dt: (b - a) / steps,
        saveEvery: steps,
      });
      y = sol.ys[sol.ys.length - 1]!;
      expect(r.ys[k + 1]).toEqual(y);
    }
    expect(r.stats.naccepted).toBe(12);
    // Symplectic: the energy error stays at the step's order, no drift.
    for (const s of r.ys) expect(Math.abs(H(s) - H(r.ys[0]!))).toBeLessThan(1e-3);
  });

  it('refuses a method that needs a separable H, and unusable times or steps', () => {
    const t = grid(5, 1);
    expect(() => rollout(pendulum, [1, 0], t, { integrator: 'leapfrog', dt: 0.1 })).toThrow(
      IntegratorInputError,
    );
    expect(() => rollout(pendulum, [1, 0], t.subarray(0, 1), {})).toThrow(MetricInputError);
    expect(() => rollout(pendulum, [1, 0], t, { integrator: 'implicit-midpoint' })).toThrow(
      /needs a step dt > 0/,
    );
    expect(() =>
      rollout(pendulum, [1, 0], Float64Array.from([0, 0.5, 0.5, 1]), {
        integrator: 'implicit-midpoint',
        dt: 0.1,
      }),
    ).toThrow(/must increase \(index 2\)/);
  });

  it.each([
    ['rk45', {}],
    ['implicit-midpoint', { integrator: 'implicit-midpoint', dt: 0.01 }],
  ] as const)('%s: a field that blows up is a RolloutError with the states reached', (_, o) => {
    // dq/dt = q², from q = 1: q = 1 / (1 - t) blows up at t = 1.
    const blowUp: OdeFunction = (_t, y, out) => {
      out[0] = y[0]! ** 2;
      out[1] = 0;
    };
    const t = grid(21, 2);
    let error: unknown;
    try {
      rollout(blowUp, [1, 0], t, { rtol: 1e-9, atol: 1e-9, ...o, hint: 'shorten the span' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RolloutError);
    const e = error as RolloutError;
    expect(e.code).toBe('HNN_EVAL_ROLLOUT_FAILED');
    expect(e.message).toMatch(/rollout from \[1, 0\] stopped at t=/);
    expect(e.message).toMatch(/; shorten the span$/);
    expect(e.ys.length).toBeGreaterThan(1);
    expect(e.ys.length).toBe(e.ts.length);
    expect(e.ts[e.ts.length - 1]).toBeLessThan(1.01);
    expect(e.ys[0]).toEqual(Float64Array.from([1, 0]));
  });
});
