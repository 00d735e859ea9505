import { writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags, parseInteger, parseNumber, parseNumberList } from './args.js';
import { DataFileError, UsageError } from './errors.js';
import { run, tempDir } from './test-utils/run-cli.js';
import { parseTrajectoryCsv, readTrajectoryCsv, trajectoryDerivatives } from './trajectory-csv.js';
import type { TrajectoryData } from './trajectory-csv.js';

// Property-based tests: thousands of mutated inputs, each of which must end in a result or in
// exactly one typed error whose message is one printable line (no other exception, no hang).
// A fixed seed keeps CI reproducible; fast-check prints the seed and path of any failure.
const SEED = 20261127;

/** One line, no control characters: what a terminal shows as-is. */
function expectCleanMessage(message: string): void {
  // eslint-disable-next-line no-control-regex
  expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(message.length).toBeLessThan(2000);
}

const VALID_CSV =
  'trajectory,t,q1,q2,p1,p2,dq1,dq2,dp1,dp2\n' +
  '0,0,0.5,-0.1,0,1e-3,0,0.2,-1,0.5\n' +
  '0,0.1,0.49,-0.12,-0.1,0.001,-0.2,0.2,-0.98,0.5\n' +
  '0,0.2,0.47,-0.14,-0.2,0.002,-0.4,0.2,-0.95,0.5\n' +
  'b,0,1,2,3,4,5,6,7,8\n' +
  'b,1,1,2,3,4,5,6,7,8\n';

/** Characters a damaged or hostile CSV tends to contain. */
const CSV_CHARS = fc.constantFrom(
  ...'0123456789,,,\n\n\r.-+eExqpdtT"\u00a0\ufeff\u0000\u001b\u0007\t \u2028'.split(''),
  'trajectory',
  'q1',
  'q01',
  'p1',
  'dq1',
  'NaN',
  'inf',
  '1e300',
  '1e999',
  '0x10',
  '\u00e9',
);

type Mutation = { at: number; cut: number; insert: string };

const mutations = fc.array(
  fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 3 }),
    insert: fc.array(CSV_CHARS, { maxLength: 8 }).map((a) => a.join('')),
  }),
  { minLength: 1, maxLength: 6 },
);

function mutate(text: string, edits: readonly Mutation[]): string {
  let s = text;
  for (const { at, cut, insert } of edits) {
    const i = at % (s.length + 1);
    s = s.slice(0, i) + insert + s.slice(i + cut);
  }
  return s;
}

/** The outcome of parsing: a summary of the data, or the error message. */
function outcome(parse: () => TrajectoryData): string {
  try {
    const data = parse();
    trajectoryDerivatives(data);
    for (const tr of data.trajectories) {
      expect(tr.x.every(Number.isFinite)).toBe(true);
      expect(tr.t.every(Number.isFinite)).toBe(true);
      expect(tr.lines).toHaveLength(tr.t.length);
    }
    return `ok ${data.rows} rows ${data.dim} dim ${data.trajectories.map((t) => t.id).join('|')} ${data.trajectories
      .map((t) => Array.from(t.x).join(','))
      .join(';')}`;
  } catch (err) {
    if (!(err instanceof DataFileError)) throw err;
    expectCleanMessage(err.message);
    return `error ${err.message}`;
  }
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

describe('fuzz: the CSV reader', () => {
  it('parses 3000 mutated files to data or one clean DataFileError', () => {
    fc.assert(
      fc.property(mutations, (edits) => {
        outcome(() => parseTrajectoryCsv(mutate(VALID_CSV, edits), 'data.csv'));
      }),
      { numRuns: 3000, seed: SEED },
    );
  }, 60_000);

  it('parses 3000 files of random cells (names and values) to data or one clean DataFileError', () => {
    const name = fc.constantFrom(
      'trajectory',
      't',
      'T',
      'q1',
      'p1',
      'q2',
      'p2',
      'dq1',
      'dp1',
      'q01',
      'x',
      '',
      '"q1"',
      'q1\u001b[2J',
    );
    const cell = fc.oneof(
      { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
      { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }).map(String) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('', 'NaN', '-inf', '1e300', '1e999', '0x10', ' 1 ', '"2"', 'a'),
      },
    );
    const csv = fc
      .tuple(
        fc.array(name, { minLength: 1, maxLength: 7 }),
        fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { maxLength: 8 }),
      )
      .map(([header, rows]) => [header, ...rows].map((r) => r.join(',')).join('\n'));
    fc.assert(
      fc.property(csv, (text) => {
        outcome(() => parseTrajectoryCsv(text, 'data.csv'));
      }),
      { numRuns: 3000, seed: SEED },
    );
  }, 60_000);

  it('reads files from disk (streamed) exactly as it parses the same text', async () => {
    const path = dir.path('fuzz.csv');
    await fc.assert(
      fc.asyncProperty(mutations, async (edits) => {
        const text = mutate(VALID_CSV, edits);
        await writeFile(path, text);
        const fromText = outcome(() => parseTrajectoryCsv(text, path));
        const read = await readTrajectoryCsv(path).then(
          (d) => () => d,
          (err: unknown) => () => {
            throw err;
          },
        );
        const fromFile = outcome(read);
        expect(fromFile).toBe(fromText);
      }),
      { numRuns: 200, seed: SEED },
    );
  }, 60_000);
});

const TRAIN_FLAGS = {
  data: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  hidden: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ARG = fc.oneof(
  fc.constantFrom(
    '--data',
    '--out',
    '--seed',
    '--hidden',
    '--json',
    '--help',
    '-h',
    '--',
    '-',
    '--seed=',
    '--json=1',
    '--x0',
    '-0.6,0.5',
    '-1',
    '4294967296',
    '0x10',
    '1e300',
    '--__proto__',
    '--constructor',
    '\u001b[31m',
  ),
  fc.string({ maxLength: 12 }),
  fc.double().map(String),
  fc.integer().map(String),
);

describe('fuzz: the argument parser', () => {
  it('turns 5000 random command lines into flags or one clean UsageError', () => {
    fc.assert(
      fc.property(fc.array(ARG, { maxLength: 8 }), (argv) => {
        try {
          const flags = parseFlags('train', argv, TRAIN_FLAGS);
          for (const [name, value] of Object.entries(flags)) {
            expect(Object.keys(TRAIN_FLAGS)).toContain(name);
            if (typeof value !== 'string') continue;
            // The value parsers on whatever was accepted: a number or a UsageError.
            for (const parse of [
              () => parseInteger(name, value, 0, { min: 0, max: 2 ** 32 - 1 }),
              () => parseNumber(name, value, 0, { above: 0 }),
              () => parseNumberList(name, value),
            ]) {
              try {
                parse();
              } catch (err) {
                if (!(err instanceof UsageError)) throw err;
                expectCleanMessage(err.message);
              }
            }
          }
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          expectCleanMessage(err.message);
        }
      }),
      { numRuns: 5000, seed: SEED },
    );
  }, 60_000);

  it('the whole command line: exit 0 or 2 with one clean line, never an internal error', async () => {
    const missing = dir.path('no-such-dir/out.file');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('train', 'make-data', 'rollout', 'eval'),
        fc.array(ARG, { maxLength: 6 }),
        async (command, argv) => {
          // Valid flags still end at the output check (a missing directory) or at a missing
          // input file, so no property run trains or writes anything.
          const last = command === 'eval' ? `--model=${missing}` : `--out=${missing}`;
          const r = await run([command, ...argv, last]);
          if (r.code === 0) {
            expect(r.stdout).toMatch(/^Usage: hnn /);
            return;
          }
          expect(r.code, r.stderr).toBe(2);
          expect(r.stderr).toMatch(/^hnn: error: [^\n]*\n$/);
          expectCleanMessage(r.stderr.slice(0, -1));
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  }, 60_000);
});
