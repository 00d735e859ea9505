/** Thrown synchronously for invalid solver inputs; the message says what to fix. */
export class IntegratorInputError extends Error {
  override readonly name = 'IntegratorInputError';
}
