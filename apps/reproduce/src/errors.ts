import { HnnError } from '@hnn/errors';

/** A mistake in how the command was called; printed as one line, exit code 2. */
export class ReproduceUsageError extends HnnError {
  override readonly code = 'HNN_REPRODUCE_USAGE';
}

/**
 * A task cannot run because of what it was given (a missing input the user asked for); printed
 * as one line naming the fix, and the other tasks still run.
 */
export class TaskInputError extends HnnError {
  override readonly code = 'HNN_REPRODUCE_TASK_INPUT';
}
