import { describe, expect, it } from 'vitest';
import { RandomState } from '@hnn/random';
import { centreOfMass, nBodySystem, totalMomentum } from './n-body.js';
import {
  THREE_BODY_CONFIG,
  TWO_BODY_CONFIG,
  randomThreeBodyState,
  randomTwoBodyState,
  threeBodyDataset,
  twoBodyDataset,
} from './orbits-dataset.js';
import type { Dataset } from './types.js';

/** Point i of the concatenated data (test split first, as generated). */
function point(ds: Dataset, which: 'x' | 'dx', i: number): number[] {
  const split = i < ds.test.n ? ds.test : ds.train;
  const j = i < ds.test.n ? i : i - ds.test.n;
  return Array.from(split[which].subarray(j * ds.dim, (j + 1) * ds.dim));
}

function sums(ds: Dataset, which: 'x' | 'dx'): { sum: number; abs: number } {
  let sum = 0;
  let abs = 0;
  for (const split of [ds.test, ds.train]) {
    for (const v of split[which]) {
      sum += v;
      abs += Math.abs(v);
    }
  }
  return { sum, abs };
}

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    expect(Math.abs(actual[k]! - expected[k]!)).toBeLessThanOrEqual(tol);
  }
}

describe('nBodySystem', () => {
  it('uses the reference order [qx.., qy.., px.., py..] with H = |p|^2/2 - 1/r', () => {
    const sys = nBodySystem(2);
    expect(sys.dim).toBe(8);
    // Bodies at (1, 0) and (-1, 0), momenta (0, 0.5) and (0, -0.5): r = 2.
    const x = new Float64Array([1, -1, 0, 0, 0, 0, 0.5, -0.5]);
    expect(sys.hamiltonian(x)).toBeCloseTo(0.25 - 0.5, 15);
    const out = new Float64Array(8);
    sys.timeDerivative(0, x, out);
    // dq/dt = p; dp/dt: body 1 pulled toward -x with 1/r^2 = 1/4.
    expect(Array.from(out)).toEqual([0, 0, 0.5, -0.5, -0.25, 0.25, 0, 0]);
  });

  it('is the symplectic gradient of H (finite differences), for 3 bodies', () => {
    const sys = nBodySystem(3);
    const x = randomThreeBodyState(new RandomState(3));
    const out = new Float64Array(12);
    sys.timeDerivative(0, x, out);
    const h = 1e-6;
    for (let k = 0; k < 12; k++) {
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[k]! += h;
      xm[k]! -= h;
      const dH = (sys.hamiltonian(xp) - sys.hamiltonian(xm)) / (2 * h);
      // dq/dt = dH/dp for k in the p half; dp/dt = -dH/dq for k in the q half.
      const target = k < 6 ? -out[k + 6]! : out[k - 6]!;
      expect(dH).toBeCloseTo(target, 7);
    }
  });
});

describe('start states', () => {
  it('two-body: centre of mass at the origin and zero total momentum, exactly', () => {
    const rng = new RandomState(7);
    for (let i = 0; i < 50; i++) {
      const x = randomTwoBodyState(rng);
      expect(centreOfMass(x, 2)).toEqual([0, 0]);
      expect(totalMomentum(x, 2)).toEqual([0, 0]);
      // Each position coordinate of body 1 in [0.5, 1.5).
      expect(x[0]).toBeGreaterThanOrEqual(0.5);
      expect(x[2]).toBeLessThan(1.5);
      // Near-circular: speed within a few sigma (5%) of the circular speed 1 / (2 sqrt(r)).
      const r = Math.hypot(x[0]!, x[2]!);
      const ratio = Math.hypot(x[4]!, x[6]!) * 2 * Math.sqrt(r);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.3);
    }
  });

  it('three-body: centre of mass at the origin; momentum is the perturbation only', () => {
    const rng = new RandomState(7);
    for (let i = 0; i < 50; i++) {
      const x = randomThreeBodyState(rng);
      const [cx, cy] = centreOfMass(x, 3);
      expect(Math.abs(cx)).toBeLessThan(1e-15);
      expect(Math.abs(cy)).toBeLessThan(1e-15);
      for (let b = 0; b < 3; b++) {
        const r = Math.hypot(x[b]!, x[3 + b]!);
        expect(r).toBeGreaterThanOrEqual(0.9 - 1e-12);
        expect(r).toBeLessThan(1.2 + 1e-12);
      }
      // The reference perturbs each velocity component by a factor in [0.8, 1.2], so the total
      // momentum is not zero; it is bounded by 0.2 x the sum of the unperturbed speeds.
      const [mx, my] = totalMomentum(x, 3);
      expect(Math.hypot(mx, my)).toBeLessThan(3 * 0.2 * 1.5);
    }
    const unperturbed = randomThreeBodyState(new RandomState(1), { orbitNoise: 0 });
    const [mx, my] = totalMomentum(unperturbed, 3);
    expect(Math.abs(mx)).toBeLessThan(1e-15);
    expect(Math.abs(my)).toBeLessThan(1e-15);
  });

  it('energy-metric starts match numpy (np.random.seed(i); random_config())', () => {
    // From scripts/reference-orbits.py (numpy 2.4).
    expectClose(
      Array.from(randomTwoBodyState(new RandomState(1))),
      [
        0.917022004702574, -0.917022004702574, 1.220324493442158, -1.220324493442158,
        -0.31498377235605, 0.31498377235605, 0.23669692112790097, -0.23669692112790097,
      ],
      1e-15,
    );
    expectClose(
      Array.from(randomTwoBodyState(new RandomState(14))),
      [
        1.0139433437726901, -1.0139433437726901, 1.2731650520792968, -1.2731650520792968,
        -0.3092438188373667, 0.3092438188373667, 0.2462804890857673, -0.2462804890857673,
      ],
      1e-15,
    );
    expectClose(
      Array.from(randomThreeBodyState(new RandomState(1))),
      [
        -0.3172170333443803, -0.5708271131137256, 0.8880441464581056, 0.8422797144268052,
        -0.6958578666027712, -0.14642184782403425, -0.690264402101411, 0.5182551006051364,
        0.12224852912864445, -0.24239867430552803, -0.4442194005955086, 0.7576201836739599,
      ],
      1e-15,
    );
  });
});

describe('twoBodyDataset', () => {
  const ds = twoBodyDataset({ trials: 20 });
  const sys = nBodySystem(2);

  it('has the reference split: test = first 20%, train = the rest, dim 8', () => {
    expect(ds.task).toBe('two-body');
    expect(ds.dim).toBe(8);
    expect(ds.test.n).toBe(200);
    expect(ds.train.n).toBe(800);
    expect(ds.train.x.length).toBe(800 * 8);
    expect(ds.test.dx.length).toBe(200 * 8);
    expect(ds.config).toEqual({ ...TWO_BODY_CONFIG, trials: 20 });
    // The full recipe: 1000 x 50 points -> 10,000 test and 40,000 train.
    expect(Math.floor(TWO_BODY_CONFIG.trials * TWO_BODY_CONFIG.timesteps * 0.2)).toBe(10_000);
  });

  it('targets are the exact field at the (noise-free) inputs', () => {
    const out = new Float64Array(8);
    for (const split of [ds.train, ds.test]) {
      for (let i = 0; i < split.n; i += 37) {
        const x = split.x.subarray(i * 8, (i + 1) * 8);
        sys.timeDerivative(0, x, out);
        expect(Array.from(split.dx.subarray(i * 8, (i + 1) * 8))).toEqual(Array.from(out));
      }
    }
  });

  it('conserves energy along every orbit to the solver tolerance, momentum exactly', () => {
    // rtol 1e-9 with SciPy's default atol 1e-6: for |y| ~ 1 the absolute tolerance dominates
    // (rtol |y| ~ 1e-9 << 1e-6), so each step's local error is held near 1e-6, and the values
    // at the observation times come from the 4th-order dense output. Over an orbit's few hundred
    // steps the energy drifts by a few 1e-5 relative -- and the reference's own data drifts by
    // the same amount: its worst case over these 20 orbits is 3.1993593237e-5 (numpy/scipy),
    // which we reproduce to round-off. A tighter atol shrinks the drift accordingly (below).
    let worst = 0;
    for (let orbit = 0; orbit < 20; orbit++) {
      const e0 = sys.hamiltonian(point(ds, 'x', orbit * 50));
      for (let i = 1; i < 50; i++) {
        const x = point(ds, 'x', orbit * 50 + i);
        worst = Math.max(worst, Math.abs(sys.hamiltonian(x) - e0) / Math.abs(e0));
        const [mx, my] = totalMomentum(x, 2);
        expect(Math.abs(mx)).toBeLessThan(1e-12);
        expect(Math.abs(my)).toBeLessThan(1e-12);
        const [cx, cy] = centreOfMass(x, 2);
        expect(Math.abs(cx)).toBeLessThan(1e-12);
        expect(Math.abs(cy)).toBeLessThan(1e-12);
      }
    }
    expect(worst).toBeLessThan(1e-4);
    expect(Math.abs(worst - 3.1993593237109966e-5)).toBeLessThan(1e-12);
  });

  it('conserves energy to ~1e-9 when atol no longer dominates (atol 1e-12)', () => {
    const tight = twoBodyDataset({ trials: 5, atol: 1e-12 });
    let worst = 0;
    for (let orbit = 0; orbit < 5; orbit++) {
      const e0 = sys.hamiltonian(point(tight, 'x', orbit * 50));
      for (let i = 1; i < 50; i++) {
        const e = sys.hamiltonian(point(tight, 'x', orbit * 50 + i));
        worst = Math.max(worst, Math.abs(e - e0) / Math.abs(e0));
      }
    }
    expect(worst).toBeLessThan(1e-8);
  });

  it('is deterministic by seed', () => {
    const again = twoBodyDataset({ trials: 20 });
    expect(again.train.x).toEqual(ds.train.x);
    const other = twoBodyDataset({ trials: 20, seed: 1 });
    expect(other.test.x[0]).not.toBe(ds.test.x[0]);
  });

  it('matches the reference recipe run in numpy/scipy (5 orbits)', () => {
    // From scripts/reference-orbits.py: numpy 2.4.6, scipy 1.17.1.
    const small = twoBodyDataset({ trials: 5 });
    expect(small.test.n).toBe(50);
    expectClose(
      point(small, 'x', 0),
      [
        1.0488135039273248, -1.0488135039273248, 1.2151893663724196, -1.2151893663724196,
        -0.3133762445806374, 0.3133762445806374, 0.2704707975740104, -0.2704707975740104,
      ],
      1e-15,
    );
    expectClose(
      point(small, 'x', 1),
      [
        0.9158444625723704, -0.9158444625723704, 1.319288934615699, -1.319288934615699,
        -0.3376194088050681, 0.3376194088050681, 0.23919711223150025, -0.23919711223150025,
      ],
      1e-12,
    );
    expectClose(
      point(small, 'x', 249),
      [
        0.1553811972287611, -0.15538119722876143, -1.9197315416543546, 1.9197315416543548,
        0.3521384791402618, -0.35213847914026175, 0.03942780800342292, -0.03942780800342287,
      ],
      1e-10,
    );
    expectClose(
      point(small, 'dx', 249),
      [
        0.3521384791402618, -0.35213847914026175, 0.03942780800342292, -0.03942780800342287,
        -0.005437048565655039, 0.005437048565655039, 0.06717462480114371, -0.06717462480114371,
      ],
      1e-10,
    );
    expect(sums(small, 'x').abs).toBeCloseTo(1397.844388288196, 8);
    expect(sums(small, 'dx').abs).toBeCloseTo(282.7125395863748, 8);
  });
});

describe('threeBodyDataset', () => {
  const ds = threeBodyDataset({ trials: 20 });
  const sys = nBodySystem(3);

  it('has the reference split and dim 12', () => {
    expect(ds.task).toBe('three-body');
    expect(ds.dim).toBe(12);
    expect(ds.test.n).toBe(80);
    expect(ds.train.n).toBe(320);
    expect(ds.config).toEqual({ ...THREE_BODY_CONFIG, trials: 20 });
    expect(Math.floor(THREE_BODY_CONFIG.trials * THREE_BODY_CONFIG.timesteps * 0.2)).toBe(20_000);
  });

  it('conserves energy and momentum along every orbit to the solver tolerance', () => {
    let worst = 0;
    for (let orbit = 0; orbit < 20; orbit++) {
      const x0 = point(ds, 'x', orbit * 20);
      const e0 = sys.hamiltonian(x0);
      const [m0x, m0y] = totalMomentum(x0, 3);
      for (let i = 1; i < 20; i++) {
        const x = point(ds, 'x', orbit * 20 + i);
        worst = Math.max(worst, Math.abs(sys.hamiltonian(x) - e0) / Math.abs(e0));
        const [mx, my] = totalMomentum(x, 3);
        // Momentum is conserved by the exact dynamics; RK steps conserve linear invariants
        // exactly up to round-off, since the forces cancel pairwise in every stage.
        expect(Math.abs(mx - m0x)).toBeLessThan(1e-12);
        expect(Math.abs(my - m0y)).toBeLessThan(1e-12);
      }
    }
    // Same tolerance argument as for two bodies; reference worst case 3.2949291649671345e-5.
    expect(worst).toBeLessThan(1e-4);
    expect(Math.abs(worst - 3.2949291649671345e-5)).toBeLessThan(1e-11);
  });

  it('matches the reference recipe run in numpy/scipy (5 orbits)', () => {
    const small = threeBodyDataset({ trials: 5 });
    expect(small.test.n).toBe(20);
    expectClose(
      point(small, 'x', 0),
      [
        0.2391005425951561, -1.0323847108952189, 0.7932841683000624, 1.0540504188545183,
        -0.31995806548121053, -0.7340923533733078, -0.7255601529449894, 0.22898641032502035,
        0.5741945757793613, 0.1567456552744601, -0.68068458195942, 0.6359189353295448,
      ],
      1e-15,
    );
    expectClose(
      point(small, 'x', 1),
      [
        0.04543466378616193, -0.9561492217041003, 0.9311410929598833, 1.0783726726511318,
        -0.49299138792336855, -0.5559128614002409, -0.7422419014891425, 0.3487786260469209,
        0.47108410860161376, 0.0274315267280133, -0.6305403204876143, 0.7150888024041859,
      ],
      1e-12,
    );
    expectClose(
      point(small, 'x', 99),
      [
        -0.46828094937832515, 1.0036518445019151, -1.2877699766218398, -0.6195799304118229,
        -0.5063145638437196, 0.7869491246898631, 0.6695289079966334, 0.05722220979162415,
        -0.8772309340879073, -0.19892862966877933, 0.5938636097638736, -0.46272405400823013,
      ],
      1e-9,
    );
    expectClose(
      point(small, 'dx', 99),
      [
        0.6695289079966334, 0.05722220979162415, -0.8772309340879073, -0.19892862966877933,
        0.5938636097638736, -0.46272405400823013, 0.2675086673814927, -0.5832773215794017,
        0.315768654197909, 0.36127136839785806, 0.03579207641509144, -0.39706344481294953,
      ],
      1e-9,
    );
    expect(sums(small, 'x').abs).toBeCloseTo(722.5169147834652, 7);
    expect(sums(small, 'dx').abs).toBeCloseTo(543.8002255650399, 7);
  });
});
