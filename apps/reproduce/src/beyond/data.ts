/**
 * The two datasets of "Beyond the paper", built as the D-HNN code builds them (Sosanya & Greydanus
 * 2022, greydanus/dissipative_hnns): the damped mass-spring of experiment_dampedspring/data.py and
 * the real pendulum as experiment_realpend/data.py prepares it (not as the HNN paper's row 3 does:
 * central differences and another split).
 */
import { checkRealPendulumRows, type RealPendulumRows } from '@hnn/datasets';
import { RandomState } from '@hnn/random';
import { TaskInputError } from '../errors.js';

/** The damped spring's parts at (q, p): conservative S = J grad H for H = q^2 + p^2, dissipative R. */
export interface DampedSpringParts {
  readonly conservative: readonly [number, number];
  readonly dissipative: readonly [number, number];
}

/**
 * analytic_model of experiment_dampedspring/data.py: H = q^2 + p^2 gives S = (2p, -2q); the
 * dissipative part is R = -rho (q, p) with its p component zeroed, R = (-rho q, 0), the gradient of
 * D = -rho q^2 / 2.
 */
export function dampedSpringParts(q: number, p: number, rho: number): DampedSpringParts {
  return { conservative: [2 * p, -2 * q], dissipative: [-rho * q, 0] };
}

export interface DampedSpringConfig {
  readonly gridSize: number;
  readonly range: readonly [number, number];
  readonly rho: number;
  /** Fraction of the shuffled grid trained on (the notebook sets train_split = 0.85). */
  readonly trainFraction: number;
  /** Seed of the numpy-compatible permutation that shuffles the grid. */
  readonly seed: number;
}

export const DAMPED_SPRING_CONFIG: Omit<DampedSpringConfig, 'seed'> = {
  gridSize: 25,
  range: [-1.2, 1.2],
  rho: 2,
  trainFraction: 0.85,
};

/** One split of the damped spring: states, total field and its two analytic parts, row-major. */
export interface DampedSpringSplit {
  readonly x: Float64Array;
  readonly dx: Float64Array;
  readonly conservative: Float64Array;
  readonly dissipative: Float64Array;
  readonly n: number;
}

export interface DampedSpringDataset {
  readonly dim: 2;
  readonly train: DampedSpringSplit;
  readonly test: DampedSpringSplit;
  readonly config: DampedSpringConfig;
}

const linspace = (a: number, b: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));

/**
 * get_dampedspring_data: the grid as np.meshgrid lays it out (point i * n + j is (x_j, y_i)),
 * shuffled by np.random.permutation (RandomState(seed) draws the same permutation as numpy), and
 * split at int(n^2 * trainFraction).
 */
export function dampedSpringDataset(
  seed: number,
  config = DAMPED_SPRING_CONFIG,
): DampedSpringDataset {
  const { gridSize: n, range, rho, trainFraction } = config;
  const axis = linspace(range[0], range[1], n);
  const count = n * n;
  const order = new RandomState(seed).permutation(count);
  const nTrain = Math.floor(count * trainFraction);
  const split = (from: number, to: number): DampedSpringSplit => {
    const m = to - from;
    const s = {
      x: new Float64Array(2 * m),
      dx: new Float64Array(2 * m),
      conservative: new Float64Array(2 * m),
      dissipative: new Float64Array(2 * m),
      n: m,
    };
    for (let r = 0; r < m; r++) {
      const k = order[from + r]!;
      const q = axis[k % n]!;
      const p = axis[Math.floor(k / n)]!;
      const { conservative: c, dissipative: d } = dampedSpringParts(q, p, rho);
      s.x.set([q, p], 2 * r);
      s.conservative.set(c, 2 * r);
      s.dissipative.set(d, 2 * r);
      s.dx.set([c[0] + d[0], c[1] + d[1]], 2 * r);
    }
    return s;
  };
  return {
    dim: 2,
    train: split(0, nTrain),
    test: split(nTrain, count),
    config: { ...config, seed },
  };
}

/** The real pendulum as get_lipson_data prepares it, plus what the energy metric needs. */
export interface DhnnRealPendulumDataset {
  readonly dim: 2;
  readonly train: { readonly x: Float64Array; readonly dx: Float64Array; readonly n: number };
  readonly test: { readonly x: Float64Array; readonly dx: Float64Array; readonly n: number };
  /** Measurement time (s) of each test point. */
  readonly testTimes: Float64Array;
  readonly config: {
    readonly source: string;
    readonly sha256: string;
    readonly trainFraction: number;
  };
}

/**
 * get_lipson_data of experiment_realpend/data.py: x = (theta, omega); forward differences
 * dx_i = (x_{i+1} - x_i) / (t_{i+1} - t_i), then every one but the last replaced by the mean of
 * itself and the next (so point i + 1 gets the central difference); the states from row 1 on;
 * split at int(rows * 0.8) of the file's row count, in time order: train first, test after.
 */
export function dhnnRealPendulumDataset(
  rows: RealPendulumRows,
  trainFraction = 0.8,
): DhnnRealPendulumDataset {
  checkRealPendulumRows(rows);
  const c = rows.columns;
  const at = (i: number, col: number) => rows.rows[i * c + col]!;
  const m = rows.n - 1;
  const split = Math.floor(rows.n * trainFraction);
  if (split < 1 || m - split < 2) {
    throw new TaskInputError(
      `${rows.source}: ${rows.n} rows are too few for the D-HNN split at ${trainFraction}`,
    );
  }
  const fwd = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    const dt = at(i + 1, 1) - at(i, 1);
    for (let k = 0; k < 2; k++) fwd[2 * i + k] = (at(i + 1, 2 + k) - at(i, 2 + k)) / dt;
  }
  const x = new Float64Array(2 * m);
  const dx = new Float64Array(2 * m);
  const t = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    t[i] = at(i + 1, 1);
    for (let k = 0; k < 2; k++) {
      x[2 * i + k] = at(i + 1, 2 + k);
      dx[2 * i + k] = i < m - 1 ? (fwd[2 * i + k]! + fwd[2 * (i + 1) + k]!) / 2 : fwd[2 * i + k]!;
    }
  }
  return {
    dim: 2,
    train: { x: x.slice(0, 2 * split), dx: dx.slice(0, 2 * split), n: split },
    test: { x: x.slice(2 * split), dx: dx.slice(2 * split), n: m - split },
    testTimes: t.slice(split),
    config: { source: rows.source, sha256: rows.sha256, trainFraction },
  };
}
