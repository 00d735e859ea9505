import { HnnError } from '@hnn/errors';
/** Thrown synchronously for invalid solver inputs; the message says what to fix. */
export class IntegratorInputError extends HnnError {
  override readonly code = 'HNN_INTEGRATORS_INVALID_INPUT';
}
