/** A mistake in how the command was called; printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A task cannot run because of what it was given (a missing input the user asked for); printed
 * as one line naming the fix, and the other tasks still run.
 */
export class TaskInputError extends Error {
  override name = 'TaskInputError';
}
