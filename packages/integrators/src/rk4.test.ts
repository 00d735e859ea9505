import { describe, expect, it } from 'vitest';
import { IntegratorInputError } from './errors.js';
import { createRk4Workspace, rk4Step, solveRk4 } from './rk4.js';
import { harmonic, harmonicExact, maxAbsDiff } from './test-utils/problems.js';

const Q0 = 0.7;
const P0 = -0.4;

function finalError(dt: number, t1 = 20): number {
  const sol = solveRk4(harmonic, [0, t1], [Q0, P0], { dt });
  expect(sol.status).toBe('success');
  return maxAbsDiff(sol.ys[sol.ys.length - 1] as Float64Array, harmonicExact(t1, Q0, P0));
}

describe('rk4Step', () => {
  it('applies the RK4 stability polynomial exactly to a linear system', () => {
    // For y' = A y, one RK4 step is y -> R(hA) y with R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24.
    // With A = [[0, 2], [-2, 0]], A^2 = -4 I, so R(hA) = a I + b A with these a, b:
    const h = 0.3;
    const w = 2 * h;
    const a = 1 - (w * w) / 2 + w ** 4 / 24;
    const b = h * (1 - (w * w) / 6);
    const out = new Float64Array(2);
    rk4Step(harmonic, 0, new Float64Array([Q0, P0]), h, out);
    expect(out[0]).toBeCloseTo(a * Q0 + b * 2 * P0, 15);
    expect(out[1]).toBeCloseTo(a * P0 - b * 2 * Q0, 15);
  });

  it('has local error O(h^5) on the harmonic oscillator', () => {
    const local = (h: number): number => {
      const out = new Float64Array(2);
      rk4Step(harmonic, 0, new Float64Array([Q0, P0]), h, out);
      return maxAbsDiff(out, harmonicExact(h, Q0, P0));
    };
    const order = Math.log2(local(0.1) / local(0.05));
    expect(order).toBeGreaterThan(4.8);
    expect(order).toBeLessThan(5.2);
  });

  it('allows out to alias y and reuses the workspace', () => {
    const work = createRk4Workspace(2);
    const separate = new Float64Array(2);
    rk4Step(harmonic, 1, new Float64Array([Q0, P0]), 0.1, separate, work);
    const inPlace = new Float64Array([Q0, P0]);
    rk4Step(harmonic, 1, inPlace, 0.1, inPlace, work);
    expect(Array.from(inPlace)).toEqual(Array.from(separate));
  });
});

describe('solveRk4', () => {
  it('tracks the exact harmonic-oscillator solution', () => {
    const sol = solveRk4(harmonic, [0, 20], [Q0, P0], { dt: 0.01 });
    expect(sol.status).toBe('success');
    expect(sol.ts.length).toBe(2001);
    let worst = 0;
    sol.ts.forEach((t, k) => {
      worst = Math.max(worst, maxAbsDiff(sol.ys[k] as Float64Array, harmonicExact(t, Q0, P0)));
    });
    expect(worst).toBeLessThan(1e-7);
    expect(worst).toBeGreaterThan(1e-10); // a fourth-order method is not exact at this dt
  });

  it('converges with observed order ~4 under step halving', () => {
    const dts = [0.1, 0.05, 0.025, 0.0125];
    const errors = dts.map((dt) => finalError(dt));
    for (let i = 1; i < errors.length; i++) {
      const order = Math.log2((errors[i - 1] as number) / (errors[i] as number));
      expect(order).toBeGreaterThan(3.9);
      expect(order).toBeLessThan(4.1);
    }
  });

  it('shortens the final step to land on t1 exactly', () => {
    const sol = solveRk4(harmonic, [0, 1], [Q0, P0], { dt: 0.3 });
    expect(Array.from(sol.ts)).toEqual([0, 0.3, 0.6, 0.8999999999999999, 1]);
    expect(sol.stats).toEqual({ nfev: 16, nsteps: 4, naccepted: 4, nrejected: 0 });
    // The last step has size 1 - 0.9 = 0.1: compare with a direct step from the previous node.
    const out = new Float64Array(2);
    rk4Step(
      harmonic,
      sol.ts[3] as number,
      sol.ys[3] as Float64Array,
      1 - (sol.ts[3] as number),
      out,
    );
    expect(Array.from(sol.ys[4] as Float64Array)).toEqual(Array.from(out));
  });

  it('merges a grid node that coincides with t1 up to round-off', () => {
    // 10 * 0.1 is not exactly 1 in float64; no extra sliver step may appear.
    const sol = solveRk4(harmonic, [0, 1], [Q0, P0], { dt: 0.1 });
    expect(sol.ts.length).toBe(11);
    expect(sol.ts[10]).toBe(1);
    expect(sol.stats.nsteps).toBe(10);
  });

  it('steps exactly onto tEval points', () => {
    const tEval = [0, 0.05, 0.25, 0.3, 1.01, 2];
    const sol = solveRk4(harmonic, [0, 2], [Q0, P0], { dt: 0.1, tEval });
    expect(Array.from(sol.ts)).toEqual(tEval);
    expect(Array.from(sol.ys[0] as Float64Array)).toEqual([Q0, P0]);
    sol.ts.forEach((t, k) => {
      expect(maxAbsDiff(sol.ys[k] as Float64Array, harmonicExact(t, Q0, P0))).toBeLessThan(5e-5);
    });
    // The first output is one exact step of 0.05, not an interpolant.
    const out = new Float64Array(2);
    rk4Step(harmonic, 0, new Float64Array([Q0, P0]), 0.05, out);
    expect(Array.from(sol.ys[1] as Float64Array)).toEqual(Array.from(out));
  });

  it('integrates backwards', () => {
    const sol = solveRk4(harmonic, [3, -1], [Q0, P0], { dt: 0.01, tEval: [3, 2, 0, -1] });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.ts)).toEqual([3, 2, 0, -1]);
    const exact = (t: number): [number, number] => harmonicExact(t - 3, Q0, P0);
    sol.ts.forEach((t, k) => {
      expect(maxAbsDiff(sol.ys[k] as Float64Array, exact(t))).toBeLessThan(1e-8);
    });
  });

  it('reports non-finite state with the time it happened', () => {
    // y' = y^2, y(0) = 1 blows up at t = 1.
    const sol = solveRk4((_t, y, out) => (out[0] = (y[0] as number) ** 2), [0, 2], [1], {
      dt: 0.01,
    });
    expect(sol.status).toBe('non-finite');
    expect(sol.message).toMatch(/t=1\.0\d/);
    const tLast = sol.ts[sol.ts.length - 1] as number;
    expect(tLast).toBeGreaterThan(0.99);
    expect(tLast).toBeLessThan(1.1);
    expect(sol.ys.every((y) => Number.isFinite(y[0]))).toBe(true);
  });

  it('validates its inputs', () => {
    const bad = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(IntegratorInputError);
      expect(fn).toThrow(re);
    };
    bad(() => solveRk4(harmonic, [0, 1], [Q0, P0], { dt: 0 }), /dt must be a positive/);
    bad(() => solveRk4(harmonic, [0, 1], [Q0, P0], { dt: NaN }), /dt must be a positive/);
    bad(() => solveRk4(harmonic, [0, Infinity], [Q0, P0], { dt: 0.1 }), /tSpan must be finite/);
    bad(() => solveRk4(harmonic, [0, 1], [Q0, NaN], { dt: 0.1 }), /y0\[1\] is NaN/);
    bad(() => solveRk4(harmonic, [0, 1], [], { dt: 0.1 }), /at least one component/);
    bad(() => solveRk4(harmonic, [0, 1], [Q0, P0], { dt: 0.1, tEval: [0, 2] }), /outside tSpan/);
    bad(
      () => solveRk4(harmonic, [1, 0], [Q0, P0], { dt: 0.1, tEval: [0, 1] }),
      /strictly decreasing/,
    );
  });
});
