/**
 * Base class of every error @hnn/kernels throws on purpose, so callers can catch them as a group.
 * The package sits below @hnn/core (core depends on it), so it cannot use core's HnnCoreError.
 */
export class HnnKernelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An argument of a fused trainer has the wrong shape, length or value (e.g. NaN in training
 * data); thrown before anything is copied into the kernel's memory, so the trainer is unchanged.
 */
export class KernelInputError extends HnnKernelsError {}
