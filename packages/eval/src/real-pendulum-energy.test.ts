import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { realPendulumDataset } from '@hnn/datasets';
import { loadRealPendulum } from '@hnn/datasets/node';
import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import {
  REAL_PENDULUM_ENERGY_CONFIG,
  realPendulumEnergy,
  realPendulumRolloutMetrics,
  type RealPendulumTestData,
} from './real-pendulum-energy.js';
import { MetricInputError } from './stats.js';

/** dq/dt = b p, dp/dt = -a sin q - c p. */
const pendulumField =
  (a: number, c: number, b = 1): OdeFunction =>
  (_t, y, out) => {
    out[0] = b * y[1]!;
    out[1] = -a * Math.sin(y[0]!) - c * y[1]!;
  };

/** 110 measurement times from 81 s, mostly 1/6 s apart with a few gaps, as the real file. */
function measurementTimes(): Float64Array {
  const t = new Float64Array(110);
  t[0] = 81;
  for (let k = 1; k < 110; k++)
    t[k] = t[k - 1]! + (k % 37 === 0 ? 1 / 3 : k === 60 ? 1 / 2 : 1 / 6);
  return t;
}

/** Test data measured exactly (tight tolerance) along `field` from x0 at `times`. */
function synthetic(field: OdeFunction, x0: [number, number]): RealPendulumTestData {
  const times = measurementTimes();
  const sol = solveDopri5(field, [times[0]!, times[109]!], x0, {
    tEval: times,
    rtol: 1e-12,
    atol: 1e-12,
  });
  expect(sol.status).toBe('success');
  const x = new Float64Array(220);
  sol.ys.forEach((y, k) => x.set(y, 2 * k));
  return { dim: 2, test: { x, dx: new Float64Array(220), n: 110 }, testTimes: times };
}

describe('realPendulumEnergy', () => {
  it('is 2.4 (1 - cos q) + p^2', () => {
    expect(realPendulumEnergy(0, 0)).toBe(0);
    expect(realPendulumEnergy(Math.PI, 0)).toBeCloseTo(4.8, 15);
    expect(realPendulumEnergy(0, 0.5)).toBe(0.25);
  });
});

describe('realPendulumRolloutMetrics on synthetic measurements', () => {
  const truth = pendulumField(1.8, 0.01);
  const data = synthetic(truth, [0.26, 0.9]);

  it('returns one path state per test point, on times shifted to start at 0', () => {
    const m = realPendulumRolloutMetrics(truth, data);
    expect(m.path).toHaveLength(110);
    expect(m.path[0]).toEqual(data.test.x.subarray(0, 2));
    expect(m.times).toHaveLength(110);
    expect(m.times[0]).toBe(0);
    expect(m.times[109]).toBeCloseTo(data.testTimes[109]! - 81, 12);
    expect(m.energySquaredErrors).toHaveLength(110);
    expect(REAL_PENDULUM_ENERGY_CONFIG).toEqual({ rtol: 1e-3, atol: 1e-6, groups: 5 });
  });

  it('rolls the model out with the implicit midpoint rule on request: one state per measured time, the conserved energy kept', () => {
    // A conservative field whose energy is exactly the metric's: E = 2.4 (1 - cos q) + p^2.
    const conservative: OdeFunction = (_t, y, out) => {
      out[0] = 2 * y[1]!;
      out[1] = -2.4 * Math.sin(y[0]!);
    };
    const m = realPendulumRolloutMetrics(conservative, data, {
      ...REAL_PENDULUM_ENERGY_CONFIG,
      modelIntegrator: { method: 'implicit-midpoint', dt: 0.01 },
    });
    expect(m.path).toHaveLength(110);
    const e0 = realPendulumEnergy(m.path[0]![0]!, m.path[0]![1]!);
    const drift = Math.max(...m.path.map((y) => Math.abs(realPendulumEnergy(y[0]!, y[1]!) - e0)));
    expect(drift).toBeLessThan(1e-4);
    expect(drift).toBeGreaterThan(0);
  });

  it('gives a small error for the field that made the data, larger for wrong fields', () => {
    const good = realPendulumRolloutMetrics(truth, data);
    // Only the rtol 1e-3 solver error separates the model path from the measurements.
    expect(good.energyMse.mean).toBeLessThan(1e-4);
    expect(good.coordMse.mean).toBeLessThan(1e-4);
    for (const wrong of [
      pendulumField(1.8, 0.2),
      pendulumField(3, 0.01),
      pendulumField(1.8, -0.05),
    ]) {
      const bad = realPendulumRolloutMetrics(wrong, data);
      expect(bad.energyMse.mean).toBeGreaterThan(100 * good.energyMse.mean);
      expect(bad.coordMse.mean).toBeGreaterThan(100 * good.coordMse.mean);
      expect(bad.energyMse.se).toBeGreaterThan(0);
    }
  });

  it('takes the mean over points and the ± over 5 consecutive groups of 22', () => {
    const m = realPendulumRolloutMetrics(pendulumField(2.5, 0), data);
    const e = m.energySquaredErrors;
    const mean = e.reduce((s, v) => s + v, 0) / 110;
    const groupMeans = [0, 1, 2, 3, 4].map(
      (g) => e.slice(22 * g, 22 * g + 22).reduce((s, v) => s + v, 0) / 22,
    );
    const gm = groupMeans.reduce((s, v) => s + v, 0) / 5;
    const sd = Math.sqrt(groupMeans.reduce((s, v) => s + (v - gm) ** 2, 0) / 5);
    expect(m.energyMse.mean).toBeCloseTo(mean, 14);
    expect(m.energyMse.se).toBeCloseTo(sd / Math.sqrt(5), 14);
    // Energy along the model's own path versus the measured one, point by point.
    const k = 50;
    const y = m.path[k]!;
    const q = data.test.x[2 * k]!;
    const p = data.test.x[2 * k + 1]!;
    expect(e[k]).toBeCloseTo(
      (realPendulumEnergy(q, p) - realPendulumEnergy(y[0]!, y[1]!)) ** 2,
      15,
    );
  });

  it('rejects inconsistent inputs', () => {
    const short = { ...data, testTimes: data.testTimes.slice(0, 100) };
    expect(() => realPendulumRolloutMetrics(truth, short)).toThrow(MetricInputError);
    expect(() => realPendulumRolloutMetrics(truth, { ...data, dim: 4 })).toThrow(/2-d/);
    const times = data.testTimes.slice();
    times[10] = times[9]!;
    expect(() => realPendulumRolloutMetrics(truth, { ...data, testTimes: times })).toThrow(
      /strictly increase/,
    );
    // 108 points cannot be split into 5 equal groups.
    const cut: RealPendulumTestData = {
      dim: 2,
      test: { x: data.test.x.slice(0, 216), dx: data.test.dx.slice(0, 216), n: 108 },
      testTimes: data.testTimes.slice(0, 108),
    };
    expect(() => realPendulumRolloutMetrics(truth, cut)).toThrow(/5 equal groups/);
  });
});

// The real file lives outside the repository (CI: ../shared/data from the repo root).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const REAL_FILE =
  process.env.HNN_REAL_PENDULUM_DATA ?? resolve(repoRoot, '../shared/data/real_pend_h_1.txt');

/** The reference's test split, through the package's own loader. */
async function realTestData(): Promise<RealPendulumTestData> {
  return realPendulumDataset(await loadRealPendulum(REAL_FILE));
}

describe.skipIf(!existsSync(REAL_FILE))('realPendulumRolloutMetrics on the real file', () => {
  // SciPy 1.17.1: solve_ivp(f, [0, t[-1]], x_test[0], t_eval=t_test - 81, rtol=1e-3), energies
  // 2.4 (1 - cos q) + p^2, per-point squared errors, mean and std(5 group means) / sqrt(5).
  // The undamped pendulum with the stiffness fitted to the training targets (1.284) roughly follows
  // the data; stiffness 4 does not.
  it.each([
    [
      'a roughly right field',
      pendulumField(1.284, 0),
      { mean: 0.0074295501402395865, se: 0.003054374144250299 },
      { mean: 0.03613466258513491, se: 0.015751126929897087 },
      [0.7675155035637724, 0.4202469495019508],
    ],
    [
      'a wrong field',
      pendulumField(4, 0),
      { mean: 0.08545105404589154, se: 0.005643873040020263 },
      { mean: 0.724566091686166, se: 0.03665967263080801 },
      [-0.522214899572091, 0.108589521989233],
    ],
  ] as const)('matches SciPy for %s', async (_what, field, energy, coord, last) => {
    const data = await realTestData();
    expect(data.testTimes[0]).toBe(81);
    const m = realPendulumRolloutMetrics(field, data);
    expect(m.times[109]).toBeCloseTo(18.1667, 4);
    // Same solver, same steps: agreement to rounding, far inside the metric's own scale.
    expect(m.energyMse.mean).toBeCloseTo(energy.mean, 10);
    expect(m.energyMse.se).toBeCloseTo(energy.se, 10);
    expect(m.coordMse.mean).toBeCloseTo(coord.mean, 10);
    expect(m.coordMse.se).toBeCloseTo(coord.se, 10);
    expect(m.path[109]![0]).toBeCloseTo(last[0], 10);
    expect(m.path[109]![1]).toBeCloseTo(last[1], 10);
  });

  it('ranks the roughly right field well below the wrong one', async () => {
    const data = await realTestData();
    const good = realPendulumRolloutMetrics(pendulumField(1.284, 0), data);
    const bad = realPendulumRolloutMetrics(pendulumField(4, 0), data);
    expect(good.energyMse.mean).toBeLessThan(bad.energyMse.mean / 5);
    expect(good.coordMse.mean).toBeLessThan(bad.coordMse.mean / 5);
  });
});
