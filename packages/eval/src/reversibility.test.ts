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
    expect(m.error.se).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeGreaterThanOrEqual(m.error.mean);
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
    expect(Number.isFinite(m.error.se)).toBe(true);
    const blowUp: OdeFunction = (_t, y, out) => {
      out[0] = y[0]! * y[0]!;
      out[1] = 0;
    };
    const f = reversibilityMetric(blowUp, [[1, 0]], 2);
    expect(f.failed).toBe(1);
    expect(f.error.mean).toBeNaN();
  });
});
