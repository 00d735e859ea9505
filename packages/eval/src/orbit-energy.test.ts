import { describe, expect, it } from 'vitest';
import { nBodySystem } from '@hnn/datasets';
import type { OdeFunction } from '@hnn/integrators';
import {
  THREE_BODY_ENERGY_CONFIG,
  TWO_BODY_ENERGY_CONFIG,
  drawOrbitStarts,
  orbitRolloutMetrics,
} from './orbit-energy.js';
import { groupedStats } from './stats.js';

const truthOf = (nbodies: number): OdeFunction => {
  const sys = nBodySystem(nbodies);
  return (t, y, out) => sys.timeDerivative(t, y, out);
};

describe('orbit energy metric configs', () => {
  it('match the notebooks: 15 seeded trials, 500 points, rtol 1e-9, atol 1e-6', () => {
    expect(TWO_BODY_ENERGY_CONFIG).toMatchObject({
      trials: 15,
      groups: 5,
      points: 500,
      tSpan: [0, 25],
      rtol: 1e-9,
      atol: 1e-6,
      seed0: 0,
    });
    expect(THREE_BODY_ENERGY_CONFIG).toMatchObject({ nbodies: 3, tSpan: [0, 3], points: 500 });
  });

  it('draws trial i from RandomState(i) as np.random.seed(i); random_config()', () => {
    const starts = drawOrbitStarts(2, 0, 15);
    expect(starts).toHaveLength(15);
    // numpy: np.random.seed(14); random_config() (scripts/reference-orbits.py in @hnn/datasets).
    expect(starts[14]![0]).toBeCloseTo(1.0139433437726901, 15);
    expect(starts[14]![6]).toBeCloseTo(0.2462804890857673, 15);
  });
});

describe('orbitRolloutMetrics', () => {
  it('rolls the model out with the implicit midpoint rule on request: the true field keeps its energy', () => {
    const m = orbitRolloutMetrics(truthOf(2), 2, {
      trials: 5,
      groups: 5,
      modelIntegrator: { method: 'implicit-midpoint', dt: 25 / 499 / 10 },
    });
    // What is left is the midpoint rule's bounded O(dt^2) energy error and the RK45 truth's.
    expect(m.energyMse.mean).toBeLessThan(1e-8);
    expect(m.energyMse.mean).toBeGreaterThan(0);
  });

  it('two-body: the true field has zero error; its truth matches scipy', () => {
    const m = orbitRolloutMetrics(truthOf(2), 2);
    expect(m.energyMse.mean).toBe(0);
    expect(m.energyMse.se).toBe(0);
    expect(m.coordMse.mean).toBe(0);
    expect(m.trueEnergies).toHaveLength(15);
    expect(m.trueEnergies[0]).toHaveLength(500);
    // numpy/scipy: energies of trial 0 at t = 0 and t = 25, and of trial 14 at t = 25.
    expect(m.trueEnergies[0]![0]).toBeCloseTo(-0.1401268543695509, 14);
    expect(m.trueEnergies[0]![499]).toBeCloseTo(-0.1401271101454653, 11);
    expect(m.trueEnergies[14]![499]).toBeCloseTo(-0.15091841150018348, 11);
  });

  it('three-body: zero error for the true field; truth matches scipy over [0, 3]', () => {
    const m = orbitRolloutMetrics(truthOf(3), 3, { trials: 5 });
    expect(m.energyMse.mean).toBe(0);
    expect(m.coordMse.mean).toBe(0);
    expect(m.trueEnergies[0]![0]).toBeCloseTo(-0.7020879880546353, 14);
    expect(m.trueEnergies[0]![499]).toBeCloseTo(-0.7020878171749136, 10);
  });

  it('penalises a perturbed field; the ± is the notebook 5-group rule', () => {
    const sys = nBodySystem(2);
    // A slight extra drag on the momenta: energy decays along the rollout.
    const leaky: OdeFunction = (t, y, out) => {
      sys.timeDerivative(t, y, out);
      for (let k = 4; k < 8; k++) out[k]! -= 0.01 * y[k]!;
    };
    const m = orbitRolloutMetrics(leaky, 2);
    expect(m.energyMse.mean).toBeGreaterThan(1e-6);
    expect(m.energyMse.se).toBeGreaterThan(0);
    expect(m.coordMse.mean).toBeGreaterThan(0);
    // Groups of 3 trials x 500 points: the same as grouping the per-trial MSEs.
    const perTrial = groupedStats(m.perTrialEnergyMse, 5);
    expect(m.energyMse.mean).toBeCloseTo(perTrial.mean, 15);
    expect(m.energyMse.se).toBeCloseTo(perTrial.se, 15);
    // The model's energy really drifts down.
    const last = m.modelEnergies[0]![499]!;
    expect(last).toBeLessThan(m.trueEnergies[0]![499]!);
  });

  it('rejects configurations that cannot be grouped', () => {
    expect(() => orbitRolloutMetrics(truthOf(2), 2, { trials: 7 })).toThrow(/equal groups/);
  });
});
