import { linspace } from '@hnn/datasets';
import { solveDopri5 } from '@hnn/integrators';
import { RandomState } from '@hnn/random';
import type { PlaygroundSystem } from './systems.js';
import { HnnError } from '@hnn/errors';

/** One trajectory: times, observed states and their time derivatives, row-major (dim each). */
export interface Trajectory {
  readonly t: Float64Array;
  readonly x: Float64Array;
  readonly dx: Float64Array;
}

export interface DataSettings {
  readonly trajectories: number;
  readonly timeSpan: number;
  readonly points: number;
  readonly noise: number;
  readonly seed: number;
}

/** Train and test rows, split by whole trajectories. */
export interface SplitData {
  readonly dim: number;
  readonly trainX: Float64Array;
  readonly trainDx: Float64Array;
  readonly testX: Float64Array;
  readonly testDx: Float64Array;
  readonly trajectories: readonly Trajectory[];
  readonly testIds: ReadonlySet<number>;
}

export class PlaygroundDataError extends HnnError {
  override readonly code = 'HNN_PLAYGROUND_DATA';
  // Explicit: class names do not survive the production build's minifier.
  override name = 'PlaygroundDataError';
}

/**
 * Trajectories of the true system from seeded random starts, solved with Dormand-Prince at
 * rtol 1e-10 (as the reference's data), Gaussian noise on the observed states and exact
 * derivatives at the noiseless states.
 */
export function generateTrajectories(
  system: PlaygroundSystem,
  settings: DataSettings,
): Trajectory[] {
  const truth = system.truth;
  if (truth === undefined) throw new PlaygroundDataError('this system has no true H to sample');
  const rng = new RandomState(settings.seed);
  const t = linspace(0, settings.timeSpan, settings.points);
  const out: Trajectory[] = [];
  const d = system.dim;
  for (let k = 0; k < settings.trajectories; k++) {
    const y0 = system.sampleStart(rng);
    const sol = solveDopri5(
      (t, y, out) => truth.timeDerivative(t, y, out),
      [0, settings.timeSpan],
      y0,
      {
        tEval: t,
        rtol: 1e-10,
        atol: 1e-10,
      },
    );
    if (sol.status !== 'success') {
      throw new PlaygroundDataError(
        `trajectory ${k} from [${Array.from(y0, (v) => v.toFixed(3)).join(', ')}] could not be solved (${sol.status}): shorten the time span`,
      );
    }
    const x = new Float64Array(settings.points * d);
    const dx = new Float64Array(settings.points * d);
    const slot = new Float64Array(d);
    sol.ys.forEach((y, i) => {
      truth.timeDerivative(0, y, slot);
      dx.set(slot, i * d);
      for (let j = 0; j < d; j++) x[i * d + j] = y[j]! + settings.noise * rng.randn();
    });
    out.push({ t, x, dx });
  }
  return out;
}

/** Holds out a seeded random fraction of whole trajectories (at least one when > 0, never all). */
export function splitTrajectories(
  trajectories: readonly Trajectory[],
  dim: number,
  testFraction: number,
  seed: number,
): SplitData {
  const n = trajectories.length;
  let nTest = Math.round(n * testFraction);
  if (testFraction > 0) nTest = Math.max(1, nTest);
  nTest = Math.min(nTest, n - 1);
  const order = new RandomState(seed + 1).permutation(n);
  const testIds = new Set<number>(Array.from(order.subarray(0, nTest)));
  const pack = (test: boolean): [Float64Array, Float64Array] => {
    const chosen = trajectories.filter((_, i) => testIds.has(i) === test);
    const rows = chosen.reduce((s, tr) => s + tr.t.length, 0);
    const x = new Float64Array(rows * dim);
    const dx = new Float64Array(rows * dim);
    let offset = 0;
    for (const tr of chosen) {
      x.set(tr.x, offset);
      dx.set(tr.dx, offset);
      offset += tr.x.length;
    }
    return [x, dx];
  };
  const [trainX, trainDx] = pack(false);
  const [testX, testDx] = pack(true);
  return { dim, trainX, trainDx, testX, testDx, trajectories, testIds };
}

/**
 * Second-order finite differences on a (possibly non-uniform) t grid: central 3-point inside,
 * one-sided 3-point at the ends, the difference quotient for 2 rows; as `hnn train` does.
 */
export function finiteDifferences(t: Float64Array, x: Float64Array, dim: number): Float64Array {
  const n = t.length;
  const dx = new Float64Array(n * dim);
  if (n < 2) return dx;
  for (let j = 0; j < dim; j++) {
    const v = (i: number): number => x[i * dim + j]!;
    if (n === 2) {
      const slope = (v(1) - v(0)) / (t[1]! - t[0]!);
      dx[j] = slope;
      dx[dim + j] = slope;
      continue;
    }
    for (let i = 0; i < n; i++) {
      // Three points around i (shifted inwards at the ends): the derivative of the quadratic
      // through them, evaluated at t[i].
      const a = Math.min(Math.max(i - 1, 0), n - 3);
      const [t0, t1, t2] = [t[a]!, t[a + 1]!, t[a + 2]!];
      const ti = t[i]!;
      const w0 = (2 * ti - t1 - t2) / ((t0 - t1) * (t0 - t2));
      const w1 = (2 * ti - t0 - t2) / ((t1 - t0) * (t1 - t2));
      const w2 = (2 * ti - t0 - t1) / ((t2 - t0) * (t2 - t1));
      dx[i * dim + j] = w0 * v(a) + w1 * v(a + 1) + w2 * v(a + 2);
    }
  }
  return dx;
}

/** A parsed trajectory CSV in the `hnn` CLI's format (trajectory,t,q1..qn,p1..pn[,dq..,dp..]). */
export interface CsvData {
  readonly dim: number;
  readonly trajectories: Trajectory[];
  readonly derivatives: 'columns' | 'finite differences';
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseTrajectoryCsv(text: string, name = 'the file'): CsvData {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) {
    throw new PlaygroundDataError(
      `${name} is empty: the first line must be a header trajectory,t,q1..qn,p1..pn[,dq1..dqn,dp1..dpn]`,
    );
  }
  const header = lines[headerIndex]!.split(',').map((h) => h.trim().toLowerCase());
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    const m = /^(trajectory|t|q|p|dq|dp)(\d*)$/.exec(h);
    if (m === null) {
      throw new PlaygroundDataError(
        `${name}:${headerIndex + 1}: unknown column '${h}'; the columns are trajectory,t,q1..qn,p1..pn[,dq1..dqn,dp1..dpn]`,
      );
    }
    const key = m[2] === '' ? m[1]! : `${m[1]}${Number(m[2])}`;
    if (col.has(key)) {
      throw new PlaygroundDataError(`${name}:${headerIndex + 1}: column '${key}' appears twice`);
    }
    col.set(key, i);
  });
  if (!col.has('trajectory') || !col.has('t')) {
    throw new PlaygroundDataError(
      `${name}:${headerIndex + 1}: the header needs columns 'trajectory' and 't'`,
    );
  }
  let n = 0;
  while (col.has(`q${n + 1}`)) n++;
  let np = 0;
  while (col.has(`p${np + 1}`)) np++;
  if (n === 0 || n !== np) {
    throw new PlaygroundDataError(
      `${name}:${headerIndex + 1}: ${n} q and ${np} p columns; a state is q1..qn,p1..pn with one p per q`,
    );
  }
  const hasDerivatives = col.has('dq1');
  const dim = 2 * n;
  const stateCols = [
    ...Array.from({ length: n }, (_, i) => col.get(`q${i + 1}`)!),
    ...Array.from({ length: n }, (_, i) => col.get(`p${i + 1}`)!),
  ];
  const derivCols = hasDerivatives
    ? [
        ...Array.from({ length: n }, (_, i) => col.get(`dq${i + 1}`)),
        ...Array.from({ length: n }, (_, i) => col.get(`dp${i + 1}`)),
      ]
    : [];
  if (hasDerivatives && derivCols.some((c) => c === undefined)) {
    throw new PlaygroundDataError(
      `${name}:${headerIndex + 1}: give all of dq1..dq${n},dp1..dp${n} or none`,
    );
  }
  const groups = new Map<string, { t: number[]; x: number[]; dx: number[] }>();
  for (let li = headerIndex + 1; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === '') continue;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== header.length) {
      throw new PlaygroundDataError(
        `${name}:${li + 1}: row has ${fields.length} fields but the header has ${header.length}`,
      );
    }
    const num = (c: number): number => {
      const s = fields[c]!;
      if (!NUMBER.test(s)) {
        throw new PlaygroundDataError(
          `${name}:${li + 1}: '${s.slice(0, 30)}' in column '${header[c]}' is not a plain decimal number`,
        );
      }
      return Number(s);
    };
    const label = fields[col.get('trajectory')!]!;
    let g = groups.get(label);
    if (g === undefined) {
      g = { t: [], x: [], dx: [] };
      groups.set(label, g);
    }
    const t = num(col.get('t')!);
    const last = g.t[g.t.length - 1];
    if (last !== undefined && !(t > last)) {
      throw new PlaygroundDataError(
        `${name}:${li + 1}: t = ${t} does not increase within trajectory '${label}'; sort by t`,
      );
    }
    g.t.push(t);
    for (const c of stateCols) g.x.push(num(c));
    for (const c of derivCols) g.dx.push(num(c!));
  }
  const trajectories = [...groups.values()].map((g): Trajectory => {
    const t = Float64Array.from(g.t);
    const x = Float64Array.from(g.x);
    return { t, x, dx: hasDerivatives ? Float64Array.from(g.dx) : finiteDifferences(t, x, dim) };
  });
  if (trajectories.length < 2) {
    throw new PlaygroundDataError(
      `${name} has ${trajectories.length} trajectory; at least 2 are needed to hold one out for testing`,
    );
  }
  return {
    dim,
    trajectories,
    derivatives: hasDerivatives ? 'columns' : 'finite differences',
  };
}
