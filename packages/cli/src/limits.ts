/**
 * Upper bounds on the sizes a user can ask for. Each one turns what used to be a stack trace, an
 * out-of-memory crash or hours without output into one line saying why, before any work starts.
 * The README's "Limits" table lists them with the same reasons.
 */
export const LIMITS = {
  /** @hnn/random's RandomState takes 32-bit seeds. */
  seed: {
    max: 2 ** 32 - 1,
    why: 'seeds are 32-bit unsigned integers',
  },
  /**
   * The orthogonal initialisation costs hidden^3 (measured on a 2-core x86 machine: 7 s at 1024,
   * 85 s at 2048, so hours at 30000) and the weights hidden^2; the paper uses 200.
   */
  hidden: {
    max: 1024,
    why: "the weights' orthogonal initialisation grows as hidden^3, about 7 s at 1024 and 85 s at 2048 on a 2-core x86 machine, and memory as hidden^2; the paper uses 200",
  },
  /** train() keeps every step's loss in memory for the history. */
  steps: {
    max: 1_000_000,
    why: 'every step is recorded in the training history held in memory; the paper uses 2000',
  },
  /** A rollout holds every output state in memory before writing. */
  rolloutPoints: {
    max: 1_000_000,
    why: 'every output state is held in memory; take a shorter --t-end or fewer points',
  },
  /** make-data streams its CSV, but a data set this large is more than training can hold. */
  makeDataRows: {
    max: 10_000_000,
    why: 'trajectories x points is capped at 10,000,000 rows (about 0.8 GB of CSV), more than training can hold in memory',
  },
} as const;
