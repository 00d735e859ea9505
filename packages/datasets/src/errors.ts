/** Raised for a dataset configuration that cannot produce data; the message says what to change. */
export class DatasetConfigError extends Error {
  override name = 'DatasetConfigError';
}

/** Raised when the ODE solver could not produce a trajectory (should not happen at paper settings). */
export class DatasetGenerationError extends Error {
  override name = 'DatasetGenerationError';
}
