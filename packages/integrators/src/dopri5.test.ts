import { describe, expect, it } from 'vitest';
import { createDopri5Workspace, dopri5Step, solveDopri5 } from './dopri5.js';
import { IntegratorInputError } from './errors.js';
import type { OdeFunction } from './types.js';
import { harmonic, harmonicExact, linspace, maxAbsDiff } from './test-utils/problems.js';

const Q0 = 0.7;
const P0 = -0.4;

function worstError(ts: Float64Array, ys: Float64Array[], t0 = 0): number {
  let worst = 0;
  ts.forEach((t, k) => {
    worst = Math.max(worst, maxAbsDiff(ys[k] as Float64Array, harmonicExact(t - t0, Q0, P0)));
  });
  return worst;
}

function fixedStepDopri5(dt: number, t1: number): Float64Array {
  const work = createDopri5Workspace(2);
  const y = new Float64Array([Q0, P0]);
  const steps = Math.round(t1 / dt);
  for (let k = 0; k < steps; k++) dopri5Step(harmonic, k * dt, y, dt, y, work);
  return y;
}

describe('dopri5Step', () => {
  it('converges with observed order ~5 under fixed step halving', () => {
    const errors = [0.2, 0.1, 0.05, 0.025].map((dt) =>
      maxAbsDiff(fixedStepDopri5(dt, 10), harmonicExact(10, Q0, P0)),
    );
    for (let i = 1; i < errors.length; i++) {
      const order = Math.log2((errors[i - 1] as number) / (errors[i] as number));
      expect(order).toBeGreaterThan(4.8);
      expect(order).toBeLessThan(5.3);
    }
  });

  it('returns an error estimate that tracks the embedded 4th-order local error (O(h^5))', () => {
    const estimate = (h: number): number => {
      const out = new Float64Array(2);
      const err = new Float64Array(2);
      dopri5Step(harmonic, 0, new Float64Array([Q0, P0]), h, out, undefined, err);
      return Math.hypot(err[0] as number, err[1] as number);
    };
    const order = Math.log2(estimate(0.1) / estimate(0.05));
    expect(order).toBeGreaterThan(4.8);
    expect(order).toBeLessThan(5.2);
    // The 5th-order solution itself must be far more accurate than the estimate says.
    const out = new Float64Array(2);
    dopri5Step(harmonic, 0, new Float64Array([Q0, P0]), 0.05, out);
    expect(maxAbsDiff(out, harmonicExact(0.05, Q0, P0))).toBeLessThan(estimate(0.05) / 10);
  });
});

describe('solveDopri5', () => {
  it('tracks the exact harmonic-oscillator solution at tight tolerance', () => {
    const tEval = linspace(0, 20, 100);
    const sol = solveDopri5(harmonic, [0, 20], [Q0, P0], { tEval, rtol: 1e-12, atol: 1e-12 });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.ts)).toEqual(tEval);
    expect(worstError(sol.ts, sol.ys)).toBeLessThan(1e-10);
  });

  it('returns its own steps when tEval is absent, starting from t0 and ending at t1', () => {
    const sol = solveDopri5(harmonic, [0, 20], [Q0, P0], { rtol: 1e-8, atol: 1e-8 });
    expect(sol.ts[0]).toBe(0);
    expect(sol.ts[sol.ts.length - 1]).toBe(20);
    expect(sol.ts.length).toBe(sol.stats.naccepted + 1);
    for (let k = 1; k < sol.ts.length; k++) {
      expect(sol.ts[k] as number).toBeGreaterThan(sol.ts[k - 1] as number);
    }
    expect(worstError(sol.ts, sol.ys)).toBeLessThan(1e-6);
    // Every attempt costs 6 evaluations, plus f(t0) and the initial-step probe.
    expect(sol.stats.nfev).toBe(2 + 6 * sol.stats.nsteps);
    expect(sol.stats.nsteps).toBe(sol.stats.naccepted + sol.stats.nrejected);
  });

  it('lets the tolerance control the error, roughly proportionally', () => {
    const tols = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12];
    const errors = tols.map((tol) => {
      const sol = solveDopri5(harmonic, [0, 20], [Q0, P0], { rtol: tol, atol: tol });
      expect(sol.status).toBe('success');
      return maxAbsDiff(sol.ys[sol.ys.length - 1] as Float64Array, harmonicExact(20, Q0, P0));
    });
    for (let i = 0; i < tols.length; i++) {
      const ratio = (errors[i] as number) / (tols[i] as number);
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThan(100);
      if (i > 0) {
        const slope =
          Math.log((errors[i - 1] as number) / (errors[i] as number)) /
          Math.log((tols[i - 1] as number) / (tols[i] as number));
        expect(slope).toBeGreaterThan(0.8);
        expect(slope).toBeLessThan(1.2);
      }
    }
  });

  it('returns y0 exactly for a tEval point at t0, and fresh output arrays', () => {
    const y0 = [0.1 + 0.2, Math.PI];
    const sol = solveDopri5(harmonic, [0, 1], y0, { tEval: [0, 0.5, 1] });
    expect(Array.from(sol.ys[0] as Float64Array)).toEqual(y0);
    expect(new Set(sol.ys).size).toBe(3);
    (sol.ys[0] as Float64Array)[0] = 42;
    expect((sol.ys[1] as Float64Array)[0]).not.toBe(42);
  });

  it('integrates backwards with decreasing tEval', () => {
    const tEval = linspace(5, -3, 33);
    const sol = solveDopri5(harmonic, [5, -3], [Q0, P0], { tEval, rtol: 1e-10, atol: 1e-10 });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.ts)).toEqual(tEval);
    expect(worstError(sol.ts, sol.ys, 5)).toBeLessThan(1e-8);
  });

  it('round-trips forward then backward', () => {
    const opts = { rtol: 1e-11, atol: 1e-11 };
    const fwd = solveDopri5(harmonic, [0, 7], [Q0, P0], opts);
    const back = solveDopri5(harmonic, [7, 0], fwd.ys[fwd.ys.length - 1] as Float64Array, opts);
    expect(back.ts[back.ts.length - 1]).toBe(0);
    expect(maxAbsDiff(back.ys[back.ys.length - 1] as Float64Array, [Q0, P0])).toBeLessThan(1e-9);
  });

  it('respects maxStep and firstStep', () => {
    const sol = solveDopri5(harmonic, [0, 2], [Q0, P0], { maxStep: 0.01, firstStep: 1e-4 });
    expect(sol.ts[1]).toBe(1e-4);
    for (let k = 1; k < sol.ts.length; k++) {
      expect((sol.ts[k] as number) - (sol.ts[k - 1] as number)).toBeLessThanOrEqual(0.01 + 1e-15);
    }
    expect(sol.stats.nfev).toBe(1 + 6 * sol.stats.nsteps); // no initial-step probe
  });

  it('clamps rtol below 100 * eps like SciPy', () => {
    const a = solveDopri5(harmonic, [0, 1], [Q0, P0], { rtol: 1e-20, atol: 1e-14 });
    const b = solveDopri5(harmonic, [0, 1], [Q0, P0], { rtol: 100 * Number.EPSILON, atol: 1e-14 });
    expect(a.stats).toEqual(b.stats);
    expect(Array.from(a.ts)).toEqual(Array.from(b.ts));
  });

  it('accepts a per-component atol', () => {
    const loose = solveDopri5(harmonic, [0, 5], [Q0, P0], { rtol: 1e-12, atol: [1e-3, 1e-3] });
    const tight = solveDopri5(harmonic, [0, 5], [Q0, P0], { rtol: 1e-12, atol: [1e-3, 1e-12] });
    expect(tight.stats.nfev).toBeGreaterThan(loose.stats.nfev);
  });

  it('handles an empty span', () => {
    const sol = solveDopri5(harmonic, [2, 2], [Q0, P0], { tEval: [2] });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.ts)).toEqual([2]);
    expect(Array.from(sol.ys[0] as Float64Array)).toEqual([Q0, P0]);
  });

  it('keeps stage buffers fixed for the whole solve (no per-step allocation)', () => {
    const outs = new Set<Float64Array>();
    const ins = new Set<Float64Array>();
    const f: OdeFunction = (t, y, out) => {
      outs.add(out);
      ins.add(y);
      harmonic(t, y, out);
    };
    const sol = solveDopri5(f, [0, 50], [Q0, P0], { rtol: 1e-10, atol: 1e-10 });
    expect(sol.stats.nsteps).toBeGreaterThan(500);
    expect(outs.size).toBeLessThanOrEqual(8);
    expect(ins.size).toBeLessThanOrEqual(4);
  });

  describe('failure statuses', () => {
    it('max-steps: stops after maxSteps attempts with the points reached so far', () => {
      const tEval = linspace(0, 20, 41);
      const sol = solveDopri5(harmonic, [0, 20], [Q0, P0], {
        tEval,
        rtol: 1e-10,
        atol: 1e-10,
        maxSteps: 20,
      });
      expect(sol.status).toBe('max-steps');
      expect(sol.message).toMatch(/maxSteps = 20/);
      expect(sol.message).toMatch(/raise maxSteps|loosen rtol\/atol/i);
      expect(sol.stats.nsteps).toBe(20);
      expect(sol.ts.length).toBeGreaterThan(0);
      expect(sol.ts.length).toBeLessThan(41);
      expect(sol.ys.length).toBe(sol.ts.length);
      expect(Array.from(sol.ts)).toEqual(tEval.slice(0, sol.ts.length));
      expect(worstError(sol.ts, sol.ys)).toBeLessThan(1e-8);
    });

    it("step-size-underflow: y' = y^2 blows up at t = 1", () => {
      const sol = solveDopri5((_t, y, out) => (out[0] = (y[0] as number) ** 2), [0, 2], [1]);
      expect(sol.status).toBe('step-size-underflow');
      expect(sol.message).toMatch(/t=0\.9999/);
      const tLast = sol.ts[sol.ts.length - 1] as number;
      expect(tLast).toBeGreaterThan(0.999);
      expect(tLast).toBeLessThan(1);
      // Same count as scipy 1.17.1 solve_ivp(lambda t, y: y**2, (0, 2), [1.0]).
      expect(sol.stats.nfev).toBe(632);
    });

    it('non-finite: derivative NaN at t0', () => {
      const sol = solveDopri5((_t, y, out) => (out[0] = Math.sqrt(y[0] as number)), [0, 1], [-1]);
      expect(sol.status).toBe('non-finite');
      expect(sol.message).toMatch(/t=0/);
      expect(sol.stats.nfev).toBe(1);
    });

    it('non-finite: derivative turns NaN part-way', () => {
      const f: OdeFunction = (t, y, out) => {
        out[0] = t > 0.5 ? NaN : -(y[0] as number);
      };
      const sol = solveDopri5(f, [0, 2], [1]);
      expect(sol.status).toBe('non-finite');
      expect(sol.message).toMatch(/t=0\.4999/);
      expect(sol.ys.every((y) => Number.isFinite(y[0]))).toBe(true);
      const tLast = sol.ts[sol.ts.length - 1] as number;
      expect(Math.abs(tLast - 0.5)).toBeLessThan(1e-12);
    });
  });

  describe('input validation', () => {
    const bad = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(IntegratorInputError);
      expect(fn).toThrow(re);
    };
    const y0 = [Q0, P0];
    it('rejects bad spans, states and output times', () => {
      bad(() => solveDopri5(harmonic, [0, NaN], y0), /tSpan must be finite/);
      bad(() => solveDopri5(harmonic, [0, 1], [Infinity, 0]), /y0\[0\] is Infinity/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { tEval: [-0.1, 0.5] }), /outside tSpan/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { tEval: [0.5, 0.5] }), /strictly increasing/);
      bad(() => solveDopri5(harmonic, [1, 0], y0, { tEval: [0.2, 0.5] }), /strictly decreasing/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { tEval: [0, NaN] }), /must be finite/);
    });
    it('rejects bad tolerances and step controls', () => {
      bad(() => solveDopri5(harmonic, [0, 1], y0, { rtol: 0 }), /rtol must be a positive/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { rtol: -1e-3 }), /rtol must be a positive/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { rtol: Infinity }), /rtol must be a positive/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { atol: -1 }), /atol must be a finite/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { atol: NaN }), /atol must be a finite/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { atol: [1e-6] }), /atol has 1 entries/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { maxSteps: 0 }), /maxSteps must be/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { maxSteps: 2.5 }), /maxSteps must be/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { maxStep: 0 }), /maxStep must be/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { firstStep: 2 }), /exceeds the span/);
      bad(() => solveDopri5(harmonic, [0, 1], y0, { firstStep: -1 }), /firstStep must be/);
    });
  });
});
