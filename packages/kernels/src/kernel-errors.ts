import { KernelStatus } from './boundary.js';
import { HnnKernelsError } from './errors.js';

/** Thrown when the fused path cannot run or fails; train() then reports it as is. */
export class FusedPathError extends HnnKernelsError {
  override readonly code: string = 'HNN_KERNELS_FUSED_PATH';
}

/**
 * What the fused kernel's boundary refused (native/kernel.h, "Boundary checks"), or, for
 * KERNEL_REGION_TOO_LARGE, a trainer whose memory region would exceed MAX_REGION_BYTES.
 */
export type FusedKernelErrorCode =
  | 'KERNEL_BAD_CONTEXT'
  | 'KERNEL_BAD_FIELD'
  | 'KERNEL_BAD_BUFFER'
  | 'KERNEL_BAD_THREAD'
  | 'KERNEL_BAD_INDEX'
  | 'KERNEL_BAD_REGION'
  | 'KERNEL_BAD_ARGUMENT'
  | 'KERNEL_REGION_TOO_LARGE';

/** A FusedPathError with a machine-readable `code`: the kernel refused a call, touching nothing. */
export class FusedKernelError extends FusedPathError {
  override readonly code: FusedKernelErrorCode;

  constructor(code: FusedKernelErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// The kernel's negative return values (KernelStatus in src/boundary.ts, the K_* of native/boundary.h).
const STATUS: Readonly<Record<number, readonly [FusedKernelErrorCode, string]>> = {
  [KernelStatus.BAD_CONTEXT]: [
    'KERNEL_BAD_CONTEXT',
    'the context offset is outside the region, or its self field differs',
  ],
  [KernelStatus.BAD_FIELD]: [
    'KERNEL_BAD_FIELD',
    'a size field is out of range or disagrees with the others',
  ],
  [KernelStatus.BAD_BUFFER]: [
    'KERNEL_BAD_BUFFER',
    'a buffer lies outside the region, is misaligned or overlaps another',
  ],
  [KernelStatus.BAD_THREAD]: [
    'KERNEL_BAD_THREAD',
    'a thread id, slice number or slice count is out of range',
  ],
  [KernelStatus.BAD_INDEX]: ['KERNEL_BAD_INDEX', 'a batch row index is outside the data set'],
  [KernelStatus.BAD_REGION]: [
    'KERNEL_BAD_REGION',
    'the address is not a live region of the native addon',
  ],
  [KernelStatus.BAD_ARGUMENT]: ['KERNEL_BAD_ARGUMENT', 'an argument is not an integer in range'],
};

/** The error for a kernel status (< 0) returned by `call`. */
export function kernelError(status: number, call: string): FusedKernelError {
  const [code, what] = STATUS[status] ?? ['KERNEL_BAD_ARGUMENT', `unknown status ${status}`];
  return new FusedKernelError(
    code,
    `The fused kernel refused ${call}: ${what} (${code}); it touched no memory. The trainers ` +
      'check their inputs before calling it, so this means a bug in @hnn/kernels or a region ' +
      'written from outside: please report it. HNN_FAST_PATH=0 trains on TensorFlow.js meanwhile.',
  );
}

/** `result` when it is a success (>= 0); throws the FusedKernelError for a negative status. */
export function checkKernel(result: number, call: string): number {
  if (result < 0) throw kernelError(result, call);
  return result;
}

/** An argument of a raw entry point: an integer in [lo, hi], else KERNEL_BAD_ARGUMENT. */
export function checkKernelArgument(name: string, value: number, lo: number, hi: number): number {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new FusedKernelError(
      'KERNEL_BAD_ARGUMENT',
      `The fused kernel's ${name} must be an integer in ${lo}..${hi}, got ${value}; this is a ` +
        'bug in the caller of the raw entry points (src/engines.ts).',
    );
  }
  return value;
}
