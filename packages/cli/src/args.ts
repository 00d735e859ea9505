import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly (unknown flags and positionals are errors) and turns
 * node:util's messages into a UsageError that points at --help.
 */
export function parseFlags<T extends Options>(
  command: string,
  argv: readonly string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const first = (text.split('\n', 1)[0] ?? text).replace(/\.$/, '');
    const hint = /ambiguous/.test(text) ? " (write a value that starts with '-' as --flag=-1)" : '';
    throw new UsageError(`${first}${hint}; run 'hnn ${command} --help' for the options`);
  }
}

/** The value of a required flag, or a UsageError naming it. */
export function required(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new UsageError(
      `'hnn ${command}' needs --${name}. Run 'hnn ${command} --help' for an example.`,
    );
  }
  return value;
}

export function parseInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\s*[+]?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'.`);
  }
  return n;
}

export interface NumberBounds {
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive lower bound. */
  readonly atLeast?: number;
  /** Exclusive upper bound. */
  readonly below?: number;
}

export function parseNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  bounds: NumberBounds = {},
): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  const { above, atLeast, below } = bounds;
  const ok =
    Number.isFinite(n) &&
    (above === undefined || n > above) &&
    (atLeast === undefined || n >= atLeast) &&
    (below === undefined || n < below);
  if (!ok) {
    const parts = [
      above === undefined ? undefined : `> ${above}`,
      atLeast === undefined ? undefined : `>= ${atLeast}`,
      below === undefined ? undefined : `< ${below}`,
    ].filter((p) => p !== undefined);
    throw new UsageError(
      `--${name} must be a finite number${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}, got '${value}'.`,
    );
  }
  return n;
}

export function parseChoice<C extends string>(
  name: string,
  value: string | undefined,
  choices: readonly C[],
  fallback: C,
): C {
  if (value === undefined) return fallback;
  const found = choices.find((c) => c === value);
  if (found === undefined) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${value}'.`);
  }
  return found;
}

/** A comma-separated list of finite numbers, e.g. --x0 "0.5,0". */
export function parseNumberList(name: string, value: string): Float64Array {
  const parts = value.split(',').map((s) => s.trim());
  const out = new Float64Array(parts.length);
  parts.forEach((s, i) => {
    const n = s === '' ? Number.NaN : Number(s);
    if (!Number.isFinite(n)) {
      throw new UsageError(
        `--${name} must be comma-separated finite numbers; item ${i + 1} is '${s}'.`,
      );
    }
    out[i] = n;
  });
  return out;
}
