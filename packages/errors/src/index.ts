// A registry symbol is the same in every copy of this package (and every realm), so the brand
// recognises an HnnError from another copy, where `instanceof` is false.
const BRAND = Symbol.for('@hnn/errors.HnnError');

/**
 * Base class of every error an @hnn package throws on purpose.
 *
 * Each concrete error class declares a stable `code` (SCREAMING_SNAKE_CASE, unique across the
 * @hnn packages; each package's `error-codes.test.ts` checks its own), so a caller can branch on
 * `error.code` where `instanceof` fails: two copies of a package in one node_modules, or class
 * names mangled by a minifier.
 */
export class HnnError extends Error {
  /** Machine-readable identifier of what went wrong; stable across releases. */
  readonly code: string = 'HNN_ERROR';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

Object.defineProperty(HnnError.prototype, BRAND, { value: true });

/**
 * True for an error thrown by an @hnn package, also when it comes from another copy of
 * @hnn/errors (where `instanceof HnnError` is false).
 */
export function isHnnError(value: unknown): value is HnnError {
  return (
    value instanceof Error &&
    (value as unknown as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** The form every error code takes: upper-case words joined by underscores, at least two. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
