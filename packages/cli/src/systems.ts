import { solveDopri5 } from '@hnn/integrators';
import { RandomState } from '@hnn/random';
import { linspace } from './format.js';

/** A one-degree-of-freedom system from the paper (Section 4), in the reference code's units. */
export interface PaperSystem {
  readonly name: string;
  readonly hamiltonianText: string;
  readonly hamiltonian: (q: number, p: number) => number;
  readonly field: (t: number, y: Float64Array, out: Float64Array) => void;
  /** Start radius in phase space ~ U(min, max), as the reference's data.py. */
  readonly radius: readonly [number, number];
  readonly points: number;
}

export const PAPER_SYSTEMS = {
  'mass-spring': {
    name: 'mass-spring',
    hamiltonianText: 'H = q^2 + p^2',
    hamiltonian: (q, p) => q * q + p * p,
    field: (_t, y, out) => {
      out[0] = 2 * (y[1] as number);
      out[1] = -2 * (y[0] as number);
    },
    radius: [0.1, 1],
    points: 30,
  },
  pendulum: {
    name: 'pendulum',
    hamiltonianText: 'H = 3 (1 - cos q) + p^2',
    hamiltonian: (q, p) => 3 * (1 - Math.cos(q)) + p * p,
    field: (_t, y, out) => {
      out[0] = 2 * (y[1] as number);
      out[1] = -3 * Math.sin(y[0] as number);
    },
    radius: [1.3, 2.3],
    points: 45,
  },
} as const satisfies Record<string, PaperSystem>;

export type PaperSystemName = keyof typeof PAPER_SYSTEMS;
export const PAPER_SYSTEM_NAMES = Object.keys(PAPER_SYSTEMS) as PaperSystemName[];

export interface GenerateOptions {
  readonly trajectories: number;
  readonly points: number;
  readonly tEnd: number;
  readonly noise: number;
  readonly seed: number;
  readonly derivatives: boolean;
}

/**
 * The CSV of trajectories made as the reference's data.py does, in chunks (header, then one chunk
 * per trajectory) so that a large data set is streamed to disk rather than built as one string:
 * per trajectory a random direction scaled to a radius ~ U(min, max), Dormand-Prince (rtol 1e-10)
 * at evenly spaced times over [0, tEnd], exact derivatives from the true field at the noiseless
 * states, then Gaussian noise on q and p (all q draws, then all p draws). With 50 trajectories,
 * seed 0 and the paper's settings these are the reference's numbers.
 */
export function* paperSystemCsvChunks(
  system: PaperSystem,
  options: GenerateOptions,
): Generator<string, void, undefined> {
  const { trajectories, points, tEnd, noise, seed, derivatives } = options;
  const rng = new RandomState(seed);
  const tEval = linspace(0, tEnd, points);
  yield derivatives ? 'trajectory,t,q1,p1,dq1,dp1\n' : 'trajectory,t,q1,p1\n';
  const d = new Float64Array(2);
  for (let s = 0; s < trajectories; s++) {
    let q0 = rng.rand() * 2 - 1;
    let p0 = rng.rand() * 2 - 1;
    const r = rng.rand() * (system.radius[1] - system.radius[0]) + system.radius[0];
    const norm = Math.hypot(q0, p0);
    q0 = (q0 / norm) * r;
    p0 = (p0 / norm) * r;
    const sol = solveDopri5(system.field, [0, tEnd], [q0, p0], { tEval, rtol: 1e-10 });
    if (sol.status !== 'success') throw new Error(`${system.name}: ${sol.message}`);
    const qNoise = Array.from({ length: points }, () => rng.randn() * noise);
    const pNoise = Array.from({ length: points }, () => rng.randn() * noise);
    // Chunks of at most 10000 rows, so even a single long trajectory is never one huge string.
    let rows: string[] = [];
    for (let i = 0; i < sol.ys.length; i++) {
      const y = sol.ys[i] as Float64Array;
      const row: number[] = [
        s,
        tEval[i] as number,
        (y[0] as number) + (qNoise[i] as number),
        (y[1] as number) + (pNoise[i] as number),
      ];
      if (derivatives) {
        system.field(0, y, d);
        row.push(d[0] as number, d[1] as number);
      }
      rows.push(row.join(','));
      if (rows.length === 10000) {
        yield `${rows.join('\n')}\n`;
        rows = [];
      }
    }
    if (rows.length > 0) yield `${rows.join('\n')}\n`;
  }
}

/** The whole CSV of paperSystemCsvChunks as one string (for small data sets). */
export function generatePaperSystemCsv(system: PaperSystem, options: GenerateOptions): string {
  let text = '';
  for (const chunk of paperSystemCsvChunks(system, options)) text += chunk;
  return text;
}
