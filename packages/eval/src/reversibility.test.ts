import { describe, expect, it } from 'vitest';
import { massSpring } from '@hnn/datasets';
import type { OdeFunction } from '@hnn/integrators';
import { returnError, reversibilityMetric } from './reversibility.js';
import { MetricInputError } from './stats.js';

const spring: OdeFunction = (t, y, out) => massSpring.timeDerivative(t, y, out);

/** The spring with friction: a field that spirals in, like Figure 1's baseline. */
const damped =
  (gamma: number): OdeFunction =>
  (t, y, out) => {
    massSpring.timeDerivative(t, y, out);
    out[0]! -= gamma * y[0]!;
    out[1]! -= gamma * y[1]!;
  };

describe('returnError', () => {
  it('returns to the start at solver tolerance for a Hamiltonian field', () => {
    const r = returnError(spring, [0.6, -0.2], 20);
    expect(r.error).toBeLessThan(1e-7);
    expect(r.end).not.toBeNull();
    expect(massSpring.hamiltonian(r.end!)).toBeCloseTo(0.4, 7);
  });

  it('magnifies solver error when the field contracts forward and expands backward', () => {
    const opts = { rtol: 1e-6, atol: 1e-6 };
    const conservative = returnError(spring, [0.6, -0.2], 20, opts).error;
    const dissipative = returnError(damped(0.3), [0.6, -0.2], 20, opts).error;
    expect(dissipative).toBeGreaterThan(10 * conservative);
  });

  it('reports a blow-up as an infinite error instead of throwing', () => {
    const blowUp: OdeFunction = (_t, y, out) => {
      out[0] = y[0]! * y[0]!;
      out[1] = 0;
    };
    const r = returnError(blowUp, [1, 0], 2);
    expect(r.error).toBe(Infinity);
    expect(r.failure).toMatch(/^forward/);
  });

  it('rejects a non-positive horizon and non-finite starts', () => {
    expect(() => returnError(spring, [1, 0], 0)).toThrow(MetricInputError);
    expect(() => returnError(spring, [Number.NaN, 0], 1)).toThrow(MetricInputError);
  });
});

describe('reversibilityMetric', () => {
  it('aggregates over start points with the 5-group standard error', () => {
    const starts = Array.from({ length: 15 }, (_, i) => [0.2 + 0.05 * i, -0.3]);
    const m = reversibilityMetric(spring, starts, 10);
    expect(m).toMatchObject({ T: 10, starts: 15, failed: 0, rtol: 1e-9, atol: 1e-9 });
    expect(m.error.mean).toBeLessThan(1e-7);
    // The same numbers from the per-start return errors: 5 consecutive groups of 3, the std of
    // the group means (ddof 0, as the reference's bootstrap_conf) over sqrt(5).
    const errors = starts.map((x0) => returnError(spring, x0, 10).error);
    const groups = [0, 1, 2, 3, 4].map(
      (g) => (errors[3 * g]! + errors[3 * g + 1]! + errors[3 * g + 2]!) / 3,
    );
    const groupMean = groups.reduce((a, b) => a + b, 0) / 5;
    const se = Math.sqrt(groups.reduce((a, b) => a + (b - groupMean) ** 2, 0) / 5) / Math.sqrt(5);
    expect(m.error.mean).toBeCloseTo(groupMean, 20);
    expect(m.error.se).toBeCloseTo(se, 20);
    expect(m.error.se).toBeGreaterThan(0);
    expect(m.max).toBe(Math.max(...errors));
  });

  it('uses std / sqrt(n) when the starts do not split into 5 groups, and counts failures', () => {
    const m = reversibilityMetric(
      damped(0.1),
      [
        [0.5, 0],
        [0, 0.5],
        [0.3, 0.3],
      ],
      5,
    );
    expect(m.starts).toBe(3);
    const errors = [
      [0.5, 0],
      [0, 0.5],
      [0.3, 0.3],
    ].map((x0) => returnError(damped(0.1), x0, 5).error);
    const mu = (errors[0]! + errors[1]! + errors[2]!) / 3;
    const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mu) ** 2, 0) / 2);
    expect(m.error.mean).toBeCloseTo(mu, 15);
    expect(m.error.se).toBeCloseTo(sd / Math.sqrt(3), 15);
    expect(m.error.se).toBeGreaterThan(0);
    const blowUp: OdeFunction = (_t, y, out) => {
      out[0] = y[0]! * y[0]!;
      out[1] = 0;
    };
    const f = reversibilityMetric(blowUp, [[1, 0]], 2);
    expect(f.failed).toBe(1);
    expect(f.error.mean).toBeNaN();
  });
});
