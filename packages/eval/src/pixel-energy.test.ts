import { describe, expect, it } from 'vitest';
import { linspace } from '@hnn/datasets';
import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import {
  fitLatentToCanonical,
  PIXEL_ENERGY_CONFIG,
  pixelEnergyMetric,
  pixelModelEnergyMetric,
  pixelPendulumEnergy,
  type PixelEnergyModel,
} from './pixel-energy.js';
import { MetricInputError } from './stats.js';

/** The pendulum of the metric, H = 1.9 (1 - cos q) + p^2: dq/dt = 2p, dp/dt = -1.9 sin q - c p. */
const pendulum =
  (damping = 0): OdeFunction =>
  (_t, y, out) => {
    out[0] = 2 * y[1]!;
    out[1] = -1.9 * Math.sin(y[0]!) - damping * y[1]!;
  };

const FRAMES = 200;

/** Ground truth (q, p) at the metric's frame times, integrated tightly from (q0, 0). */
function trajectory(q0: number): Float64Array {
  const times = linspace(0, 0.98 * FRAMES, FRAMES);
  const sol = solveDopri5(pendulum(), [0, times[FRAMES - 1]!], [q0, 0], {
    tEval: times,
    rtol: 1e-12,
    atol: 1e-12,
  });
  expect(sol.status).toBe('success');
  const out = new Float64Array(2 * FRAMES);
  sol.ys.forEach((y, k) => out.set(y, 2 * k));
  return out;
}

// A start angle between pi/11 and pi/10, as the reference's held-out trajectory.
const canonical = trajectory(0.3);

/** An invertible affine latent space z = A (q, p) + c, and the true field expressed in it. */
const A = [0.7, -0.4, 0.3, 1.5]; // row-major 2 x 2
const c = [0.2, -0.1];
const det = A[0]! * A[3]! - A[1]! * A[2]!;
const toLatent = (cc: Float64Array): Float64Array => {
  const z = new Float64Array(cc.length);
  for (let k = 0; k < cc.length / 2; k++) {
    const q = cc[2 * k]!;
    const p = cc[2 * k + 1]!;
    z[2 * k] = A[0]! * q + A[1]! * p + c[0]!;
    z[2 * k + 1] = A[2]! * q + A[3]! * p + c[1]!;
  }
  return z;
};
const latentFieldOf = (damping = 0) => {
  const f = pendulum(damping);
  const y = new Float64Array(2);
  const dy = new Float64Array(2);
  return (z: Float64Array, out: Float64Array): void => {
    const u = z[0]! - c[0]!;
    const v = z[1]! - c[1]!;
    y[0] = (A[3]! * u - A[1]! * v) / det;
    y[1] = (-A[2]! * u + A[0]! * v) / det;
    f(0, y, dy);
    out[0] = A[0]! * dy[0]! + A[1]! * dy[1]!;
    out[1] = A[2]! * dy[0]! + A[3]! * dy[1]!;
  };
};

describe('pixelPendulumEnergy', () => {
  it('is 1.9 (1 - cos q) + p^2', () => {
    expect(pixelPendulumEnergy(0, 0)).toBe(0);
    expect(pixelPendulumEnergy(Math.PI, 0)).toBeCloseTo(3.8, 14);
    expect(pixelPendulumEnergy(0, 0.5)).toBe(0.25);
    expect(PIXEL_ENERGY_CONFIG).toEqual({
      timeSpanFactor: 0.98,
      rtol: 1e-3,
      atol: 1e-6,
      groups: 5,
    });
  });
});

describe('fitLatentToCanonical', () => {
  it('recovers an affine map exactly (least squares with bias)', () => {
    const map = fitLatentToCanonical(toLatent(canonical), canonical);
    // cc = (z - c) A^{-T}: W = A^{-T} (row-major, cc = z W + b).
    const inv = [A[3]! / det, -A[1]! / det, -A[2]! / det, A[0]! / det];
    const expected = [inv[0]!, inv[2]!, inv[1]!, inv[3]!];
    map.weights.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 10));
    const z = new Float64Array([c[0]!, c[1]!]);
    const b0 = z[0]! * map.weights[0]! + z[1]! * map.weights[2]! + map.bias[0]!;
    const b1 = z[0]! * map.weights[1]! + z[1]! * map.weights[3]! + map.bias[1]!;
    expect(b0).toBeCloseTo(0, 10);
    expect(b1).toBeCloseTo(0, 10);
  });

  it('refuses collinear latents', () => {
    const z = new Float64Array(20).map((_, i) => Math.floor(i / 2));
    expect(() => fitLatentToCanonical(z, canonical.subarray(0, 20))).toThrow(/collinear/);
  });
});

describe('pixelEnergyMetric on a synthetic pendulum', () => {
  it('latent = canonical coordinates and the true field give a near-zero error', () => {
    const m = pixelEnergyMetric({
      latentField: (z, out) => pendulum()(0, z, out),
      latentsOfTrajectory: canonical,
      canonical,
    });
    // Only the rtol 1e-3 rollout error separates the two: energies are ~0.085 here, and ~60
    // periods of phase drift leave the coordinates slightly off (measured 2e-6 and 4e-4).
    expect(m.energyMse.mean).toBeLessThan(1e-5);
    expect(m.coordMse.mean).toBeLessThan(2e-3);
    // With a tight solver the pipeline is exact.
    const tight = pixelEnergyMetric(
      { latentField: (z, out) => pendulum()(0, z, out), latentsOfTrajectory: canonical, canonical },
      { ...PIXEL_ENERGY_CONFIG, rtol: 1e-11, atol: 1e-12 },
    );
    expect(tight.energyMse.mean).toBeLessThan(1e-16);
    expect(tight.coordMse.mean).toBeLessThan(1e-14);
    expect(m.energySquaredErrors[0]).toBe(0);
    expect(m.times).toHaveLength(FRAMES);
    expect(m.times[FRAMES - 1]).toBeCloseTo(196, 12);
    expect(m.latentPath).toHaveLength(2 * FRAMES);
    expect(m.trueEnergy[0]).toBeCloseTo(pixelPendulumEnergy(0.3, 0), 12);
  });

  it('an affine latent space with the true field in it also gives a near-zero error', () => {
    const m = pixelEnergyMetric({
      latentField: latentFieldOf(),
      latentsOfTrajectory: toLatent(canonical),
      canonical,
    });
    expect(m.energyMse.mean).toBeLessThan(1e-5);
    expect(m.coordMse.mean).toBeLessThan(2e-3);
  });

  it('a dissipative field (like a baseline that loses energy) gives a much larger error', () => {
    const good = pixelEnergyMetric({
      latentField: latentFieldOf(),
      latentsOfTrajectory: toLatent(canonical),
      canonical,
    });
    const bad = pixelEnergyMetric({
      latentField: latentFieldOf(0.05),
      latentsOfTrajectory: toLatent(canonical),
      canonical,
    });
    expect(bad.energyMse.mean).toBeGreaterThan(1e-4);
    expect(bad.energyMse.mean).toBeGreaterThan(1000 * good.energyMse.mean);
    expect(bad.energyMse.se).toBeGreaterThan(0);
    // Energy decays along the path, so later groups err more.
    expect(bad.predictedEnergy[FRAMES - 1]!).toBeLessThan(0.2 * bad.trueEnergy[FRAMES - 1]!);
  });

  it('fits the map on separate data when given, and applies reencode to the path', () => {
    const other = trajectory(0.5);
    const viaFit = pixelEnergyMetric({
      latentField: latentFieldOf(),
      latentsOfTrajectory: toLatent(canonical),
      canonical,
      fit: { latents: toLatent(other), canonical: other },
    });
    expect(viaFit.energyMse.mean).toBeLessThan(1e-5);
    let calls = 0;
    const shifted = pixelEnergyMetric({
      latentField: latentFieldOf(),
      latentsOfTrajectory: toLatent(canonical),
      canonical,
      reencode: (z) => {
        calls++;
        expect(z).toHaveLength(2 * (FRAMES - 1));
        return z.map((v) => v + 0.05);
      },
    });
    expect(calls).toBe(1);
    expect(shifted.energyMse.mean).toBeGreaterThan(100 * viaFit.energyMse.mean);
  });

  it('rejects malformed inputs', () => {
    const field = latentFieldOf();
    expect(() =>
      pixelEnergyMetric({
        latentField: field,
        latentsOfTrajectory: canonical.subarray(2),
        canonical,
      }),
    ).toThrow(MetricInputError);
    const nan = Float64Array.from(canonical);
    nan[7] = NaN;
    expect(() =>
      pixelEnergyMetric({ latentField: field, latentsOfTrajectory: nan, canonical }),
    ).toThrow(/non-finite value at row 3/);
    expect(() =>
      pixelEnergyMetric({
        latentField: field,
        latentsOfTrajectory: canonical.subarray(0, 6),
        canonical: canonical.subarray(0, 6),
      }),
    ).toThrow(/groups/);
    expect(() =>
      pixelEnergyMetric({
        latentField: field,
        latentsOfTrajectory: canonical,
        canonical,
        reencode: (z) => z.subarray(2),
      }),
    ).toThrow(/reencode/);
  });
});

describe('pixelModelEnergyMetric', () => {
  it('fits the map on the training samples and re-encodes the rollout, as the reference', () => {
    // A stand-in model whose "pixels" are the latents themselves, counting its calls.
    const calls = { encode: 0, decode: 0 };
    const model: PixelEnergyModel = {
      latentField64: () => latentFieldOf(),
      encodeBatch: (pixels, n) => {
        calls.encode++;
        return Float64Array.from(pixels.subarray(0, 2 * n));
      },
      decodeBatch: (z, n) => {
        calls.decode++;
        return Float32Array.from(z.subarray(0, 2 * n));
      },
    };
    const asPixels = (cc: Float64Array) => Float32Array.from(toLatent(cc));
    const train = trajectory(0.5);
    const result = pixelModelEnergyMetric(
      model,
      { pixels: asPixels(canonical), coords: canonical, n: FRAMES },
      { pixels: asPixels(train), coords: train, n: FRAMES },
    );
    const direct = pixelEnergyMetric({
      latentField: latentFieldOf(),
      latentsOfTrajectory: Float64Array.from(asPixels(canonical)),
      canonical,
      fit: { latents: Float64Array.from(asPixels(train)), canonical: train },
      reencode: (z) => Float64Array.from(Float32Array.from(z)),
    });
    expect(result.energyMse).toEqual(direct.energyMse);
    expect(result.trajectoryLatents).toEqual(Float64Array.from(asPixels(canonical)));
    // Trajectory, training set, and the re-encoding of the rollout.
    expect(calls).toEqual({ encode: 3, decode: 1 });
    expect(result.energyMse.mean).toBeLessThan(1e-3);
  });
});
