import { quoted, UsageError } from './errors.js';

/** One flag of a command: `--name VALUE` (string) or `--name` (boolean). */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** A one-letter alias, e.g. 'h' for -h. */
  readonly short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** Parsed flags: a string or true per flag given, absent otherwise. */
export type FlagValues<T extends FlagSpecs> = {
  -readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string;
};

/** A long option as typed by a user: two dashes and a letter (so '--5' or '--' are not). */
const LONG_OPTION = /^--[a-z]/i;

/**
 * Parses a command's flags. Unlike node:util's parseArgs this takes the argument after a string
 * flag as its value even when it starts with a minus, so `--x0 -0.6,0.5` and `--seed -1` are read
 * the ordinary way; only a following `--name` (a forgotten value) is refused. Every problem is a
 * UsageError: an unknown flag, a positional argument, a missing value, a value given to a boolean
 * flag, and a flag given twice (the old behaviour of silently keeping the last one hid typos in
 * long command lines).
 */
export function parseFlags<T extends FlagSpecs>(
  command: string,
  argv: readonly string[],
  specs: T,
): FlagValues<T> {
  const help = `run 'hnn ${command} --help' for the options`;
  const values = new Map<string, string | boolean>();
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.short !== undefined) byShort.set(spec.short, name);
  }
  const specOf = (name: string): FlagSpec | undefined =>
    Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
  const set = (name: string, value: string | boolean, shown: string): void => {
    const before = values.get(name);
    if (before !== undefined) {
      const both =
        typeof before === 'string' && typeof value === 'string'
          ? ` (${quoted(before)} and ${quoted(value)})`
          : '';
      throw new UsageError(`${shown} is given twice${both}; give it once`);
    }
    values.set(name, value);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (LONG_OPTION.test(arg)) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = specOf(name);
      if (spec === undefined) {
        throw new UsageError(`Unknown option ${quoted(`--${name}`)}; ${help}`);
      }
      if (spec.type === 'boolean') {
        if (eq >= 0) {
          throw new UsageError(
            `--${name} takes no value (got ${quoted(arg.slice(eq + 1))}); ${help}`,
          );
        }
        set(name, true, `--${name}`);
        continue;
      }
      if (eq >= 0) {
        set(name, arg.slice(eq + 1), `--${name}`);
        continue;
      }
      const next = argv[i + 1];
      if (next === undefined) {
        throw new UsageError(`--${name} needs a value; ${help}`);
      }
      if (LONG_OPTION.test(next)) {
        throw new UsageError(
          `--${name} needs a value but is followed by the option ${quoted(next)} (if that is ` +
            `the value, write --${name}=${next}); ${help}`,
        );
      }
      set(name, next, `--${name}`);
      i++;
      continue;
    }
    if (/^-[a-z]$/i.test(arg)) {
      const name = byShort.get(arg.slice(1));
      if (name === undefined) throw new UsageError(`Unknown option ${quoted(arg)}; ${help}`);
      set(name, true, arg);
      continue;
    }
    throw new UsageError(
      `unexpected argument ${quoted(arg)}: 'hnn ${command}' takes only options, each ` +
        `written --name VALUE (or --name=VALUE); ${help}`,
    );
  }
  return Object.fromEntries(values) as FlagValues<T>;
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

/**
 * A plain decimal number: optional sign, digits with an optional fraction, optional exponent.
 * Number() alone also takes '0x10', '0b1', '1_0'-free forms like '0o7', 'Infinity' and '' (as 0),
 * which no one means as a measurement or a setting.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a decimal string denotes, or NaN when it is not a plain decimal. */
export function parseDecimal(text: string): number {
  const s = text.trim();
  return DECIMAL.test(s) ? Number(s) : Number.NaN;
}

export interface IntegerBounds {
  /** Inclusive. */
  readonly min: number;
  /** Inclusive; Number.MAX_SAFE_INTEGER when omitted. */
  readonly max?: number;
  /** Why the maximum is there, for the message. */
  readonly why?: string;
}

export function parseInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  bounds: IntegerBounds,
): number {
  if (value === undefined) return fallback;
  const { min, max = Number.MAX_SAFE_INTEGER, why } = bounds;
  const s = value.trim();
  const n = Number(s);
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    const reason = why !== undefined && /^[+]?\d+$/.test(s) && n > max ? ` (${why})` : '';
    throw new UsageError(`--${name} must be an integer ${range}, got ${quoted(value)}${reason}.`);
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
  const n = parseDecimal(value);
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
      `--${name} must be a finite decimal number${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}, got ${quoted(value)}.`,
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
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${quoted(value)}.`);
  }
  return found;
}

/** A comma-separated list of finite decimal numbers, e.g. --x0 "0.5,0" or --x0 -0.6,0.5. */
export function parseNumberList(name: string, value: string): Float64Array {
  const parts = value.split(',');
  const out = new Float64Array(parts.length);
  parts.forEach((s, i) => {
    const n = parseDecimal(s);
    if (!Number.isFinite(n)) {
      throw new UsageError(
        `--${name} must be comma-separated finite decimal numbers; item ${i + 1} is ${quoted(s.trim())}.`,
      );
    }
    out[i] = n;
  });
  return out;
}
