import { describe, expect, it } from 'vitest';
import { idealPendulum, massSpring } from '@hnn/datasets';
import type { OdeFunction } from '@hnn/integrators';
import {
  drawOscillatorStarts,
  oscillatorEnergyConfig,
  oscillatorRolloutMetrics,
  symplecticEnergyConfig,
} from './oscillator-energy.js';

describe('drawOscillatorStarts', () => {
  it('draws x0 in U(-0.8, 0.8)^2 pushed 0.2 away from the axes, seeded', () => {
    const starts = drawOscillatorStarts(0, 15);
    for (const x0 of starts) {
      for (const v of x0) {
        expect(Math.abs(v)).toBeGreaterThanOrEqual(0.2);
        expect(Math.abs(v)).toBeLessThanOrEqual(1.0);
      }
    }
    // numpy: np.random.RandomState(0).rand(2) * 1.6 - 0.8 = [0.0781016, 0.34430302], + 0.2 * sign
    expect(starts[0]![0]).toBeCloseTo(0.5488135039273248 * 1.6 - 0.8 + 0.2, 14);
    expect(starts[0]![1]).toBeCloseTo(0.7151893663724195 * 1.6 - 0.8 + 0.2, 14);
    expect(drawOscillatorStarts(0, 15)).toEqual(starts);
  });
});

describe('oscillatorRolloutMetrics', () => {
  const truthOf =
    (sys: typeof massSpring): OdeFunction =>
    (t, y, out) =>
      sys.timeDerivative(t, y, out);

  it('gives zero error for the true field under the corrected protocol', () => {
    for (const sys of [massSpring, idealPendulum]) {
      const task = sys === massSpring ? 'mass-spring' : 'pendulum';
      const m = oscillatorRolloutMetrics(
        truthOf(sys),
        sys,
        oscillatorEnergyConfig(task, 'corrected', 0),
      );
      expect(m.energyMse.mean).toBeLessThan(1e-20);
      expect(m.coordMse!.mean).toBeLessThan(1e-20);
    }
  });

  it('with the model rolled out by the implicit midpoint rule: bounded energy error for the truth, the same verdict on a leaky field', () => {
    for (const sys of [massSpring, idealPendulum]) {
      const task = sys === massSpring ? 'mass-spring' : 'pendulum';
      const config = symplecticEnergyConfig(task, 0);
      expect(config.modelIntegrator).toEqual({ method: 'implicit-midpoint', dt: 20 / 99 / 20 });
      const m = oscillatorRolloutMetrics(truthOf(sys), sys, config);
      // The midpoint rule keeps H within O(dt^2) without drift (the spring's quadratic H exactly,
      // up to its iteration tolerance); what remains is mostly the RK45 truth's own error at
      // atol 1e-6 (~1e-10 in the MSE).
      expect(m.energyMse.mean).toBeLessThan(1e-8);
      expect(m.energyMse.mean).toBeGreaterThan(0);
    }
    const leaky: OdeFunction = (t, y, out) => {
      massSpring.timeDerivative(t, y, out);
      out[0]! += 0.01 * y[0]!;
      out[1]! += 0.01 * y[1]!;
    };
    const rk45 = oscillatorRolloutMetrics(
      leaky,
      massSpring,
      oscillatorEnergyConfig('mass-spring', 'corrected', 0),
    );
    const midpoint = oscillatorRolloutMetrics(
      leaky,
      massSpring,
      symplecticEnergyConfig('mass-spring', 0),
    );
    // The leak is the field's, not the integrator's: both see it, within a few per cent.
    expect(midpoint.energyMse.mean / rk45.energyMse.mean).toBeGreaterThan(0.95);
    expect(midpoint.energyMse.mean / rk45.energyMse.mean).toBeLessThan(1.05);
  });

  it('penalises a field that gains energy', () => {
    // The true spring field plus a small outward push: energy grows along the rollout.
    const leaky: OdeFunction = (t, y, out) => {
      massSpring.timeDerivative(t, y, out);
      out[0]! += 0.01 * y[0]!;
      out[1]! += 0.01 * y[1]!;
    };
    const m = oscillatorRolloutMetrics(
      leaky,
      massSpring,
      oscillatorEnergyConfig('mass-spring', 'corrected', 0),
    );
    expect(m.energyMse.mean).toBeGreaterThan(1e-3);
    expect(m.energyMse.se).toBeGreaterThan(0);
  });

  it('reproduces the paper protocol quirks: stretched, growing horizon for the spring', () => {
    const paper = oscillatorEnergyConfig('mass-spring', 'paper', 0);
    expect(paper.timeStretch).toBe(1.09);
    expect(paper.energy).toBe('phase-radius');
    // The true field integrated on stretched time no longer matches the truth: the quirk is live.
    const m = oscillatorRolloutMetrics(truthOf(massSpring), massSpring, paper);
    expect(m.coordMse).toBeNull();
    // Energy is conserved by the true spring, so even with stretched time its energy MSE is ~0.
    expect(m.energyMse.mean).toBeLessThan(1e-10);
    // The pendulum is not stretched: truth and model share the grid.
    const pend = oscillatorRolloutMetrics(
      truthOf(idealPendulum),
      idealPendulum,
      oscillatorEnergyConfig('pendulum', 'paper', 0),
    );
    expect(pend.energyMse.mean).toBeLessThan(1e-10);
    expect(pend.coordMse!.mean).toBeLessThan(1e-20);
  });
});
