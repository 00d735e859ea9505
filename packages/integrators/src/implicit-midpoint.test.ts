import { describe, expect, it } from 'vitest';
import { IntegratorInputError } from './errors.js';
import {
  createImplicitMidpointWorkspace,
  implicitMidpointStep,
  solveImplicitMidpoint,
} from './implicit-midpoint.js';
import {
  coupled,
  harmonic,
  harmonicExact,
  kepler,
  keplerPericentre,
  maxAbsDiff,
} from './test-utils/problems.js';
import { relativeDiff, stepJacobian, symplecticDefect } from './test-utils/symplectic.js';
import type { OdeFunction } from './types.js';

const Q0 = 0.7;
const P0 = -0.4;

describe('implicitMidpointStep', () => {
  it('applies the Cayley transform exactly to a linear system', () => {
    // For y' = A y the step is (I - hA/2)^(-1) (I + hA/2) y; with A = [[0, 2], [-2, 0]] that
    // is [[1 - h², 2h], [-2h, 1 - h²]] / (1 + h²).
    const h = 0.3;
    const d = 1 + h * h;
    const out = new Float64Array(2);
    expect(implicitMidpointStep(harmonic, 0, new Float64Array([Q0, P0]), h, out)).toBe(true);
    const exact = [((1 - h * h) * Q0 + 2 * h * P0) / d, ((1 - h * h) * P0 - 2 * h * Q0) / d];
    expect(relativeDiff(out, exact)).toBeLessThan(4 * Number.EPSILON);
  });

  it('solves its implicit equation to round-off by default', () => {
    const y = Float64Array.from(keplerPericentre(0.6));
    const h = 0.05;
    const out = new Float64Array(4);
    expect(implicitMidpointStep(kepler, 0, y, h, out)).toBe(true);
    const mid = y.map((v, i) => 0.5 * (v + (out[i] as number)));
    const f = new Float64Array(4);
    kepler(h / 2, mid, f);
    const residual = out.map((v, i) => v - (y[i] as number) - h * (f[i] as number));
    expect(maxAbsDiff(residual, [0, 0, 0, 0])).toBeLessThan(1e-14);
  });

  it('preserves the symplectic form of a non-separable H and of the Kepler problem', () => {
    const step = (f: OdeFunction, h: number) => (y: Float64Array, out: Float64Array) => {
      expect(implicitMidpointStep(f, 0, y, h, out)).toBe(true);
    };
    expect(symplecticDefect(stepJacobian(step(coupled, 0.2), [0.8, -0.5]))).toBeLessThan(1e-9);
    expect(symplecticDefect(stepJacobian(step(kepler, 0.05), [0.6, 0.3, -0.4, 1.1]))).toBeLessThan(
      1e-8,
    );
  });

  it('returns false and leaves out untouched when the iteration cannot converge', () => {
    // |h|/2 times the Lipschitz constant 2 of this field is 1.5 > 1: the iteration diverges.
    const out = new Float64Array([9, 9]);
    const work = createImplicitMidpointWorkspace(2);
    expect(implicitMidpointStep(harmonic, 0, new Float64Array([Q0, P0]), 1.5, out, work)).toBe(
      false,
    );
    expect(Array.from(out)).toEqual([9, 9]);
    expect(work.iterations).toBe(100);
    expect(work.update).toBeGreaterThan(1);
  });
});

describe('solveImplicitMidpoint', () => {
  it('converges with observed order ~2 under step halving', () => {
    const errors = [0.1, 0.05, 0.025, 0.0125].map((dt) => {
      const sol = solveImplicitMidpoint(harmonic, [0, 10], [Q0, P0], { dt });
      expect(sol.status).toBe('success');
      return maxAbsDiff(sol.ys[sol.ys.length - 1]!, harmonicExact(10, Q0, P0));
    });
    for (let i = 1; i < errors.length; i++) {
      const order = Math.log2((errors[i - 1] as number) / (errors[i] as number));
      expect(order).toBeGreaterThan(1.95);
      expect(order).toBeLessThan(2.05);
    }
  });

  it('is time-reversible to round-off on a non-separable H and on the Kepler problem', () => {
    for (const [f, y0, dt] of [
      [coupled, [0.8, -0.5], 0.01],
      [kepler, keplerPericentre(0.6), 0.01],
    ] as const) {
      const forward = solveImplicitMidpoint(f, [0, 20], y0, { dt, saveEvery: 2000 });
      const yT = forward.ys[forward.ys.length - 1]!;
      const back = solveImplicitMidpoint(f, [20, 0], yT, { dt, saveEvery: 2000 });
      expect(back.status).toBe('success');
      expect(relativeDiff(back.ys[back.ys.length - 1]!, y0)).toBeLessThan(1e-12);
    }
  });

  it('conserves the angular momentum of the Kepler problem (a quadratic invariant)', () => {
    const y0 = keplerPericentre(0.6);
    const momentum = (y: ArrayLike<number>) =>
      (y[0] as number) * (y[3] as number) - (y[1] as number) * (y[2] as number);
    const sol = solveImplicitMidpoint(kepler, [0, 100], y0, { dt: 0.01, saveEvery: 100 });
    const l0 = momentum(y0);
    const worst = Math.max(...sol.ys.map((y) => Math.abs(momentum(y) - l0)));
    expect(worst / l0).toBeLessThan(1e-12);
  });

  it('counts every field evaluation, iterations included', () => {
    let calls = 0;
    const counting: OdeFunction = (t, y, out) => {
      calls++;
      harmonic(t, y, out);
    };
    const sol = solveImplicitMidpoint(counting, [0, 1], [Q0, P0], { dt: 0.1 });
    expect(sol.stats.nfev).toBe(calls);
    expect(sol.stats.nfev).toBe(1 + sol.stats.niterations);
    expect(sol.stats.nsteps).toBe(10);
    expect(sol.stats.maxStepIterations).toBeGreaterThan(1);
    // A looser tol needs fewer iterations.
    const loose = solveImplicitMidpoint(harmonic, [0, 1], [Q0, P0], { dt: 0.1, tol: 1e-6 });
    expect(loose.stats.niterations).toBeLessThan(sol.stats.niterations);
  });

  it('stops with no-convergence, returning only converged states', () => {
    const sol = solveImplicitMidpoint(harmonic, [0, 10], [Q0, P0], { dt: 0.1, maxIterations: 3 });
    expect(sol.status).toBe('no-convergence');
    expect(sol.message).toMatch(/did not converge in the step from t=0 to t=0\.1/);
    expect(sol.message).toMatch(/reduce dt/);
    expect(Array.from(sol.ts)).toEqual([0]);
    expect(sol.stats).toMatchObject({ nsteps: 1, naccepted: 0, nrejected: 1 });

    const diverging = solveImplicitMidpoint(harmonic, [0, 15], [Q0, P0], { dt: 1.5 });
    expect(diverging.status).toBe('no-convergence');
    expect(diverging.ys.length).toBe(1);
  });

  it('reports a non-finite field with the step where it happened', () => {
    // dq/dt = p, dp/dt = -sqrt(q): defined only for q >= 0, which this orbit leaves.
    const f: OdeFunction = (_t, y, out) => {
      out[0] = y[1] as number;
      out[1] = -Math.sqrt(y[0] as number);
    };
    const sol = solveImplicitMidpoint(f, [0, 10], [1, -3], { dt: 0.1 });
    expect(sol.status).toBe('non-finite');
    expect(sol.message).toMatch(/implicit midpoint step from t=\d/);
    expect(sol.ys.length).toBeGreaterThan(1);
    expect(sol.ys.every((y) => y.every(Number.isFinite))).toBe(true);
    const atStart = solveImplicitMidpoint(f, [0, 1], [-1, 0], { dt: 0.1 });
    expect(atStart.status).toBe('non-finite');
    expect(atStart.message).toMatch(/f\(t0, y0\)/);
  });

  it('validates its inputs', () => {
    const bad = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(IntegratorInputError);
      expect(fn).toThrow(re);
    };
    const y0 = [Q0, P0];
    bad(() => solveImplicitMidpoint(harmonic, [0, 1], y0, { dt: 0.1, tol: 1e-17 }), /tol must/);
    bad(() => solveImplicitMidpoint(harmonic, [0, 1], y0, { dt: 0.1, tol: NaN }), /tol must/);
    bad(
      () => solveImplicitMidpoint(harmonic, [0, 1], y0, { dt: 0.1, maxIterations: 0 }),
      /maxIterations must be a positive integer/,
    );
    bad(() => solveImplicitMidpoint(harmonic, [0, 1], y0, { dt: 0.15 }), /whole number of steps/);
    bad(() => solveImplicitMidpoint(harmonic, [0, 1], [NaN, 0], { dt: 0.1 }), /y0\[0\] is NaN/);
  });
});
