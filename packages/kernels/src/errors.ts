import { HnnError } from '@hnn/errors';
/**
 * Base class of every error @hnn/kernels throws on purpose, so callers can catch them as a group.
 * The package sits below @hnn/core (core depends on it), so it cannot use core's HnnCoreError.
 */
export class HnnKernelsError extends HnnError {
  override readonly code: string = 'HNN_KERNELS_ERROR';
}

/**
 * An argument of a fused trainer has the wrong shape, length or value (e.g. NaN in training
 * data); thrown before anything is copied into the kernel's memory, so the trainer is unchanged.
 */
export class KernelInputError extends HnnKernelsError {
  override readonly code = 'HNN_KERNELS_INVALID_INPUT';
}
