import { describe, expect, it } from 'vitest';
import { parseDecimal, parseFlags, parseInteger, parseNumber, parseNumberList } from './args.js';
import { UsageError } from './errors.js';

const SPECS = {
  x0: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseFlags', () => {
  it('takes a value that starts with a minus, written the ordinary way or with =', () => {
    for (const argv of [
      ['--x0', '-0.6,0.5', '--seed', '-1'],
      ['--x0=-0.6,0.5', '--seed=-1'],
      ['--seed', '-1', '--x0', '-0.6,0.5'],
    ]) {
      expect(parseFlags('rollout', argv, SPECS)).toEqual({ x0: '-0.6,0.5', seed: '-1' });
    }
    expect(parseFlags('rollout', ['--x0', '-1e-3,-.5'], SPECS)).toEqual({ x0: '-1e-3,-.5' });
    expect(parseFlags('rollout', ['-h', '--json'], SPECS)).toEqual({ help: true, json: true });
  });

  it('refuses a repeated flag, naming both values', () => {
    expect(usageError(() => parseFlags('train', ['--seed', '1', '--seed=2'], SPECS))).toBe(
      "--seed is given twice ('1' and '2'); give it once",
    );
    expect(usageError(() => parseFlags('eval', ['--json', '--json'], SPECS))).toMatch(
      /^--json is given twice; give it once/,
    );
    expect(usageError(() => parseFlags('eval', ['-h', '--help'], SPECS))).toMatch(/given twice/);
  });

  it('refuses unknown flags, positionals, missing values and values for booleans', () => {
    const cases: [string[], RegExp][] = [
      [['--epochs', '3'], /^Unknown option '--epochs'; run 'hnn train --help'/],
      [['--constructor', '3'], /^Unknown option '--constructor'/],
      [['-x'], /^Unknown option '-x'/],
      [['3'], /^unexpected argument '3': 'hnn train' takes only options/],
      [['-1'], /^unexpected argument '-1'/],
      [['--seed'], /^--seed needs a value/],
      [['--seed', '--json'], /^--seed needs a value but is followed by the option '--json'/],
      [['--json=yes'], /^--json takes no value \(got 'yes'\)/],
      [['--'], /^unexpected argument '--'/],
    ];
    for (const [argv, message] of cases) {
      expect(usageError(() => parseFlags('train', argv, SPECS))).toMatch(message);
    }
  });
});

describe('numbers', () => {
  it('accepts plain decimals only: no hex, binary, octal, Infinity or empty text', () => {
    for (const [text, value] of [
      ['1', 1],
      ['-0.6', -0.6],
      ['+.5', 0.5],
      ['1e-3', 1e-3],
      [' 2.5E+2 ', 250],
      ['5.', 5],
    ] as const) {
      expect(parseDecimal(text)).toBe(value);
    }
    for (const text of ['0x10', '0b1', '0o7', 'Infinity', '', ' ', '1_000', '1,5', '--1', 'e5']) {
      expect(parseDecimal(text)).toBeNaN();
    }
    expect(usageError(() => parseNumber('lr', '0x10', 1, { above: 0 }))).toBe(
      "--lr must be a finite decimal number > 0, got '0x10'.",
    );
    expect(usageError(() => parseNumberList('x0', '0x10,0'))).toMatch(/item 1 is '0x10'/);
    expect(Array.from(parseNumberList('x0', '-0.6, 0.5'))).toEqual([-0.6, 0.5]);
  });

  it('bounds integers and says why the maximum is there', () => {
    const bounds = { min: 0, max: 2 ** 32 - 1, why: 'seeds are 32-bit' };
    expect(parseInteger('seed', '4294967295', 0, bounds)).toBe(4294967295);
    expect(usageError(() => parseInteger('seed', '4294967296', 0, bounds))).toBe(
      "--seed must be an integer from 0 to 4294967295, got '4294967296' (seeds are 32-bit).",
    );
    expect(usageError(() => parseInteger('seed', '-1', 0, bounds))).toBe(
      "--seed must be an integer from 0 to 4294967295, got '-1'.",
    );
    expect(usageError(() => parseInteger('seed', '0x10', 0, bounds))).toMatch(/got '0x10'/);
    expect(usageError(() => parseInteger('n', '99999999999999999999', 0, { min: 1 }))).toBe(
      "--n must be an integer >= 1, got '99999999999999999999'.",
    );
  });
});
