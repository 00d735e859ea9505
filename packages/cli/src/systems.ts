import {
  idealPendulum,
  MASS_SPRING_CONFIG,
  massSpring,
  oscillatorTrajectories,
  PENDULUM_CONFIG,
} from '@hnn/datasets';
import type { HamiltonianSystem, OscillatorDatasetConfig } from '@hnn/datasets';

/**
 * A one-degree-of-freedom system from the paper (Section 4), in the reference code's units: a
 * view of @hnn/datasets' system and its data recipe, with what the command line prints.
 */
export interface PaperSystem {
  readonly name: string;
  readonly hamiltonianText: string;
  readonly hamiltonian: (q: number, p: number) => number;
  readonly field: (t: number, y: Float64Array, out: Float64Array) => void;
  /** Start radius in phase space ~ U(min, max), as the reference's data.py. */
  readonly radius: readonly [number, number];
  readonly points: number;
  /** The @hnn/datasets system and its reference data configuration. */
  readonly system: HamiltonianSystem;
  readonly config: OscillatorDatasetConfig;
}

function paperSystem(
  system: HamiltonianSystem,
  config: OscillatorDatasetConfig,
  hamiltonianText: string,
): PaperSystem {
  return {
    name: system.name,
    hamiltonianText,
    hamiltonian: (q, p) => system.hamiltonian([q, p]),
    field: (t, y, out) => system.timeDerivative(t, y, out),
    radius: [config.radius.low, config.radius.low + config.radius.width],
    points: config.pointsPerTrajectory,
    system,
    config,
  };
}

export const PAPER_SYSTEMS = {
  'mass-spring': paperSystem(massSpring, MASS_SPRING_CONFIG, 'H = q^2 + p^2'),
  pendulum: paperSystem(idealPendulum, PENDULUM_CONFIG, 'H = 3 (1 - cos q) + p^2'),
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
 * The CSV of trajectories made as the reference's data.py does (@hnn/datasets'
 * oscillatorTrajectories: a random direction scaled to a radius drawn as the reference draws it,
 * Dormand-Prince at rtol 1e-10, exact derivatives at the noiseless states, then Gaussian noise on
 * q and p), in chunks (header, then one chunk per trajectory) so that a large data set is
 * streamed to disk rather than built as one string. With 50 trajectories, seed 0 and the paper's
 * settings these are the reference's numbers.
 */
export function* paperSystemCsvChunks(
  system: PaperSystem,
  options: GenerateOptions,
): Generator<string, void, undefined> {
  const { trajectories, points, tEnd, noise, seed, derivatives } = options;
  yield derivatives ? 'trajectory,t,q1,p1,dq1,dp1\n' : 'trajectory,t,q1,p1\n';
  const made = oscillatorTrajectories(system.system, {
    ...system.config,
    seed,
    trajectories,
    pointsPerTrajectory: points,
    tSpan: [0, tEnd],
    noiseStd: noise,
  });
  for (const { index, t, x, dx } of made) {
    // Chunks of at most 10000 rows, so even a single long trajectory is never one huge string.
    let rows: string[] = [];
    for (let i = 0; i < t.length; i++) {
      const row: number[] = [index, t[i]!, x[2 * i]!, x[2 * i + 1]!];
      if (derivatives) row.push(dx[2 * i]!, dx[2 * i + 1]!);
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
