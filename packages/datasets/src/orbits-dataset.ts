import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import { RandomState } from '@hnn/random';
import { DatasetConfigError, DatasetGenerationError } from './errors.js';
import { linspace } from './linspace.js';
import {
  canonicalToReferenceState,
  nBodySystem,
  referenceLayoutField,
  referenceToCanonicalState,
} from './n-body.js';
import type { Dataset, DatasetSplit } from './types.js';

/**
 * Recipe of the reference's orbit datasets (experiment-2body/data.py, experiment-3body/data.py):
 * `trials` random near-circular orbits, each solved with Dormand-Prince at `timesteps` evenly
 * spaced times over `tSpan`; inputs are the exact solved states (no noise), targets the true
 * field at those states; the first `testFraction` of the points (in generation order) is the test
 * split, the rest the training split.
 */
export interface OrbitsDatasetConfig {
  readonly nbodies: 2 | 3;
  /** Seed of numpy's legacy global generator; train.py calls np.random.seed(args.seed) first. */
  readonly seed: number;
  /** Number of orbits. */
  readonly trials: number;
  /** Observation times per orbit (numpy.linspace over tSpan). */
  readonly timesteps: number;
  readonly tSpan: readonly [number, number];
  /**
   * Two-body: relative spread of the circular-orbit speed, one N(0, 1) draw per orbit
   * (`vel *= 1 + orbit_noise * randn()`). Three-body: per-component factor 1 + nu * U(-1, 1).
   */
  readonly orbitNoise: number;
  /** Two-body: each position coordinate ~ U(min, max). Three-body: radius ~ U(min, max). */
  readonly minRadius: number;
  readonly maxRadius: number;
  /** Fraction of points, from the start, that form the test split (reference: 0.2). */
  readonly testFraction: number;
  /** Solver tolerances: get_orbit's rtol 1e-9, SciPy's default atol 1e-6. */
  readonly rtol: number;
  readonly atol: number;
}

/** Task 4: 1000 orbits x 50 points over [0, 20], test = first 10,000 points, train = last 40,000. */
export const TWO_BODY_CONFIG: OrbitsDatasetConfig = {
  nbodies: 2,
  seed: 0,
  trials: 1000,
  timesteps: 50,
  tSpan: [0, 20],
  orbitNoise: 0.05,
  minRadius: 0.5,
  maxRadius: 1.5,
  testFraction: 0.2,
  rtol: 1e-9,
  atol: 1e-6,
};

/** Appendix B: 5000 orbits x 20 points over [0, 5], test = first 20,000 points, train = 80,000. */
export const THREE_BODY_CONFIG: OrbitsDatasetConfig = {
  nbodies: 3,
  seed: 0,
  trials: 5000,
  timesteps: 20,
  tSpan: [0, 5],
  orbitNoise: 0.2,
  minRadius: 0.9,
  maxRadius: 1.2,
  testFraction: 0.2,
  rtol: 1e-9,
  atol: 1e-6,
};

/** Start-state parameters, as the reference's `random_config` keyword arguments. */
export interface OrbitStartOptions {
  readonly orbitNoise?: number;
  readonly minRadius?: number;
  readonly maxRadius?: number;
}

/**
 * The reference's two-body `random_config` in canonical order [qx1, qx2, qy1, qy2, px1, px2, py1,
 * py2]. Draws, in order: rand(), rand() (body 1's position, each coordinate ~ U(min, max)), then
 * one randn() that scales the circular-orbit velocity (v = (-y, x) / (2 r^1.5), r = |q1|). Body 2
 * is body 1 mirrored through the origin, so the centre of mass is at rest at the origin.
 */
export function randomTwoBodyState(
  rng: RandomState,
  options: OrbitStartOptions = {},
): Float64Array {
  const noise = options.orbitNoise ?? TWO_BODY_CONFIG.orbitNoise;
  const min = options.minRadius ?? TWO_BODY_CONFIG.minRadius;
  const max = options.maxRadius ?? TWO_BODY_CONFIG.maxRadius;
  const x = rng.rand() * (max - min) + min;
  const y = rng.rand() * (max - min) + min;
  const r = Math.sqrt(x * x + y * y);
  const denom = 2 * Math.pow(r, 1.5);
  let vx = -(y / denom);
  let vy = x / denom;
  const scale = 1 + noise * rng.randn();
  vx *= scale;
  vy *= scale;
  return new Float64Array([x, -x, y, -y, vx, -vx, vy, -vy]);
}

/** numpy's `(R @ p)` for R = [[cos, -sin], [sin, cos]]. */
function rotate(p: readonly [number, number], theta: number): [number, number] {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return [c * p[0] + -s * p[1], s * p[0] + c * p[1]];
}

/**
 * The reference's three-body `random_config` in canonical order [qx1..3, qy1..3, px1..3, py1..3].
 * Draws, in order: rand(2) (direction of body 1), rand() (radius ~ U(min, max)), then rand(2)
 * for each body's per-component velocity factor 1 + nu (2u - 1). Positions are body 1 rotated by
 * 2pi/3 and 4pi/3 (centre of mass at the origin); velocities start from the symmetric circular
 * solution, so the total momentum is zero only before the per-component perturbation.
 */
export function randomThreeBodyState(
  rng: RandomState,
  options: OrbitStartOptions = {},
): Float64Array {
  const nu = options.orbitNoise ?? THREE_BODY_CONFIG.orbitNoise;
  const min = options.minRadius ?? THREE_BODY_CONFIG.minRadius;
  const max = options.maxRadius ?? THREE_BODY_CONFIG.maxRadius;
  let p1: [number, number] = [2 * rng.rand() - 1, 2 * rng.rand() - 1];
  const r = rng.rand() * (max - min) + min;
  const k = r / Math.sqrt(p1[0] * p1[0] + p1[1] * p1[1]);
  p1 = [p1[0] * k, p1[1] * k];
  const p2 = rotate(p1, (2 * Math.PI) / 3);
  const p3 = rotate(p2, (2 * Math.PI) / 3);

  let v1 = rotate(p1, Math.PI / 2);
  const r15 = Math.pow(r, 1.5);
  v1 = [v1[0] / r15, v1[1] / r15];
  // Circular-orbit factor sqrt(sin(pi/3) / (2 cos(pi/6)^2)), as written in the reference.
  const circ = Math.sqrt(Math.sin(Math.PI / 3) / (2 * Math.pow(Math.cos(Math.PI / 6), 2)));
  v1 = [v1[0] * circ, v1[1] * circ];
  let v2 = rotate(v1, (2 * Math.PI) / 3);
  let v3 = rotate(v2, (2 * Math.PI) / 3);

  const perturb = (v: [number, number]): [number, number] => {
    const fx = 1 + nu * (2 * rng.rand() - 1);
    const fy = 1 + nu * (2 * rng.rand() - 1);
    return [v[0] * fx, v[1] * fy];
  };
  v1 = perturb(v1);
  v2 = perturb(v2);
  v3 = perturb(v3);
  return new Float64Array([
    p1[0],
    p2[0],
    p3[0],
    p1[1],
    p2[1],
    p3[1],
    v1[0],
    v2[0],
    v3[0],
    v1[1],
    v2[1],
    v3[1],
  ]);
}

/** The start-state rule of the dataset recipe for `nbodies` bodies. */
export function randomOrbitState(
  nbodies: 2 | 3,
  rng: RandomState,
  options: OrbitStartOptions = {},
): Float64Array {
  return nbodies === 2 ? randomTwoBodyState(rng, options) : randomThreeBodyState(rng, options);
}

export interface OrbitSolveOptions {
  readonly rtol: number;
  readonly atol: number;
  readonly maxSteps?: number;
}

/**
 * Solves an orbit from the canonical state `x0` at `tEval` the way the reference's `get_orbit`
 * does: Dormand-Prince on the per-body layout [m, qx, qy, px, py] (so the solver's error norm
 * also counts the constant masses), with `field` the canonical vector field (true or learned).
 * Returns canonical states, one per evaluation time.
 */
export function solveOrbit(
  field: OdeFunction,
  nbodies: number,
  x0: ArrayLike<number>,
  tEval: Float64Array,
  options: OrbitSolveOptions,
): { status: 'success' | 'failed'; message: string; states: Float64Array[] } {
  const s0 = canonicalToReferenceState(x0, nbodies);
  const tEnd = tEval[tEval.length - 1]!;
  const sol = solveDopri5(referenceLayoutField(field, nbodies), [tEval[0]!, tEnd], s0, {
    tEval,
    rtol: options.rtol,
    atol: options.atol,
    maxSteps: options.maxSteps ?? 10_000_000,
  });
  const states = sol.ys.map((s) => referenceToCanonicalState(s, nbodies));
  return {
    status: sol.status === 'success' && states.length === tEval.length ? 'success' : 'failed',
    message: sol.message,
    states,
  };
}

function validate(config: OrbitsDatasetConfig): void {
  const problems: string[] = [];
  const { nbodies, trials, timesteps, tSpan, testFraction, minRadius, maxRadius } = config;
  if (nbodies !== 2 && nbodies !== 3) problems.push('nbodies must be 2 or 3');
  if (!Number.isInteger(trials) || trials < 1) problems.push('trials must be a positive integer');
  if (!Number.isInteger(timesteps) || timesteps < 2)
    problems.push('timesteps must be an integer >= 2');
  if (!(Number.isFinite(tSpan[0]) && Number.isFinite(tSpan[1]) && tSpan[1] > tSpan[0]))
    problems.push('tSpan must be finite and increasing');
  if (!(testFraction > 0 && testFraction < 1)) problems.push('testFraction must be in (0, 1)');
  if (!(minRadius > 0 && maxRadius >= minRadius))
    problems.push('radii must satisfy 0 < minRadius <= maxRadius');
  if (!(config.orbitNoise >= 0)) problems.push('orbitNoise must be >= 0');
  if (!(config.rtol > 0) || !(config.atol >= 0)) problems.push('rtol must be > 0 and atol >= 0');
  if (problems.length > 0) {
    throw new DatasetConfigError(`invalid orbits configuration: ${problems.join('; ')}`);
  }
}

function slice(x: Float64Array, dx: Float64Array, dim: number, from: number, to: number) {
  const split: DatasetSplit = {
    x: x.slice(from * dim, to * dim),
    dx: dx.slice(from * dim, to * dim),
    n: to - from,
  };
  return split;
}

/**
 * Generates an orbits dataset exactly as the reference's `make_orbits_dataset`: draws every start
 * state from one `RandomState(seed)` stream in orbit order (the reference seeds numpy once in
 * train.py before building the data), solves each orbit, takes the exact solved states as inputs
 * and the true field there as targets (no noise is added), then splits at int(N * testFraction):
 * test = the first points, train = the rest.
 */
export function generateOrbitsDataset(config: OrbitsDatasetConfig): Dataset<OrbitsDatasetConfig> {
  validate(config);
  const { nbodies, trials, timesteps } = config;
  const system = nBodySystem(nbodies);
  const dim = system.dim;
  const rng = new RandomState(config.seed);
  const tEval = linspace(config.tSpan[0], config.tSpan[1], timesteps);
  const total = trials * timesteps;
  const x = new Float64Array(total * dim);
  const dx = new Float64Array(total * dim);
  const deriv = new Float64Array(dim);
  const field = (t: number, y: Float64Array, out: Float64Array) => system.timeDerivative(t, y, out);
  const start = {
    orbitNoise: config.orbitNoise,
    minRadius: config.minRadius,
    maxRadius: config.maxRadius,
  };

  for (let s = 0; s < trials; s++) {
    const x0 = randomOrbitState(nbodies, rng, start);
    const sol = solveOrbit(field, nbodies, x0, tEval, config);
    if (sol.status !== 'success') {
      throw new DatasetGenerationError(
        `${system.name}: orbit ${s} failed after ${sol.states.length} of ${timesteps} points: ${sol.message}`,
      );
    }
    for (let i = 0; i < timesteps; i++) {
      const y = sol.states[i]!;
      system.timeDerivative(tEval[i]!, y, deriv);
      const base = (s * timesteps + i) * dim;
      x.set(y, base);
      dx.set(deriv, base);
    }
  }

  const nTest = Math.floor(total * config.testFraction);
  return {
    task: nbodies === 2 ? 'two-body' : 'three-body',
    dim,
    train: slice(x, dx, dim, nTest, total),
    test: slice(x, dx, dim, 0, nTest),
    config,
  };
}

/** Task 4 of the paper (Table 1 row 4), the reference recipe with optional overrides. */
export function twoBodyDataset(
  overrides: Partial<Omit<OrbitsDatasetConfig, 'nbodies'>> = {},
): Dataset<OrbitsDatasetConfig> {
  return generateOrbitsDataset({ ...TWO_BODY_CONFIG, ...overrides, nbodies: 2 });
}

/** The appendix B three-body task, the reference recipe with optional overrides. */
export function threeBodyDataset(
  overrides: Partial<Omit<OrbitsDatasetConfig, 'nbodies'>> = {},
): Dataset<OrbitsDatasetConfig> {
  return generateOrbitsDataset({ ...THREE_BODY_CONFIG, ...overrides, nbodies: 3 });
}
