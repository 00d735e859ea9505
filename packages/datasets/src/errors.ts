import { HnnError } from '@hnn/errors';
/** Raised for a dataset configuration that cannot produce data; the message says what to change. */
export class DatasetConfigError extends HnnError {
  override readonly code = 'HNN_DATASETS_INVALID_CONFIG';
}

/** Raised when the ODE solver could not produce a trajectory (should not happen at paper settings). */
export class DatasetGenerationError extends HnnError {
  override readonly code = 'HNN_DATASETS_GENERATION_FAILED';
}

/**
 * Raised when an optional peer dependency of '@hnn/datasets/pixel' (sharp, or a Canvas 2D
 * library) cannot be loaded; the message names the package to install.
 */
export class MissingPeerDependencyError extends HnnError {
  override readonly code = 'HNN_DATASETS_MISSING_PEER_DEPENDENCY';
  readonly packageName: string;

  constructor(packageName: string, purpose: string, cause: unknown) {
    super(
      `${purpose} needs the optional peer dependency '${packageName}', which could not be loaded ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). Install it beside ` +
        `@hnn/datasets: npm install ${packageName}`,
      { cause },
    );
    this.packageName = packageName;
  }
}
