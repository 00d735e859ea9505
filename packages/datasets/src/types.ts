/** Task ids used across the project (Table 1 rows and the appendix). */
export const TASK_IDS = [
  'mass-spring',
  'pendulum',
  'real-pendulum',
  'two-body',
  'three-body',
  'pixel-pendulum',
] as const;
export type TaskId = (typeof TASK_IDS)[number];

/** Points of one split, row-major: point i is `x[i*dim .. (i+1)*dim)`, state order (q..., p...). */
export interface DatasetSplit {
  /** Observed states (noisy where the task adds noise), float64. */
  readonly x: Float64Array;
  /** Target time derivatives dx/dt, float64. */
  readonly dx: Float64Array;
  /** Number of points. */
  readonly n: number;
}

/** A supervised dataset of (state, time derivative) pairs, as every HNN task trains on. */
export interface Dataset<Config = unknown> {
  readonly task: TaskId;
  /** State dimension: 2 x degrees of freedom. */
  readonly dim: number;
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
  /** The full configuration the data was generated from, for provenance and caching. */
  readonly config: Config;
}

/**
 * A Hamiltonian system with state x = (q, p): its energy and true vector field, in float64.
 * The field has the signature of `@hnn/integrators`' `OdeFunction`.
 */
export interface HamiltonianSystem {
  readonly name: string;
  readonly dim: number;
  hamiltonian(x: ArrayLike<number>): number;
  timeDerivative(t: number, x: Float64Array, out: Float64Array): void;
}
