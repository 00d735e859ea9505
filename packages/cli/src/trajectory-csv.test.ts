import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors.js';
import { parseTrajectoryCsv, readTrajectoryCsv, trajectoryDerivatives } from './trajectory-csv.js';

const FILE = 'data.csv';

function parseError(text: string): DataFileError {
  try {
    trajectoryDerivatives(parseTrajectoryCsv(text, FILE));
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    return err as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

describe('parseTrajectoryCsv', () => {
  it('reads trajectories with derivative columns, in any column order and case', () => {
    const data = parseTrajectoryCsv(
      'T,Trajectory,p1,q1,dp1,dq1\r\n0,a,1,2,3,4\r\n0.5,a,5,6,7,8\r\n\r\n0,"b",9,10,11,12\r\n',
      FILE,
    );
    expect(data.degreesOfFreedom).toBe(1);
    expect(data.dim).toBe(2);
    expect(data.rows).toBe(3);
    expect(data.hasDerivatives).toBe(true);
    expect(data.trajectories.map((t) => [t.id, t.line])).toEqual([
      ['a', 2],
      ['b', 5],
    ]);
    const a = data.trajectories[0];
    expect(Array.from(a?.t ?? [])).toEqual([0, 0.5]);
    expect(Array.from(a?.x ?? [])).toEqual([2, 1, 6, 5]); // (q1, p1) order
    expect(Array.from(a?.dx ?? [])).toEqual([4, 3, 8, 7]);
  });

  it('reads n = 2 without derivatives and estimates them by finite differences', () => {
    const rows = [0, 0.1, 0.3].map((t) => `0,${t},${t},${2 * t},${t * t},1`);
    const data = parseTrajectoryCsv(['trajectory,t,q1,q2,p1,p2', ...rows].join('\n'), FILE);
    expect(data.degreesOfFreedom).toBe(2);
    expect(data.hasDerivatives).toBe(false);
    const [dx] = trajectoryDerivatives(data);
    // q1 = t, q2 = 2t, p1 = t^2, p2 = 1: exact for quadratics.
    const expected = [0, 0.1, 0.3].flatMap((t) => [1, 2, 2 * t, 0]);
    Array.from(dx ?? []).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 12));
  });

  // Every kind of bad input: one message naming the file, the line and the fix.
  const cases: [string, string, number | undefined, RegExp][] = [
    ['empty file', '', undefined, /empty.*header/],
    ['only blank lines', '\n  \n', undefined, /empty/],
    ['header without rows', 'trajectory,t,q1,p1\n', 2, /no data rows/],
    ['no header', '0,0,1,2\n0,1,1,2\n', 1, /looks like data, not a header/],
    ['missing t column', 'trajectory,q1,p1\n0,1,2\n', 1, /missing column 't'/],
    ['missing trajectory column', 't,q1,p1\n0,1,2\n', 1, /missing column 'trajectory'/],
    ['no state columns', 'trajectory,t\n0,1\n', 1, /no state columns/],
    ['unknown column', 'trajectory,t,q1,p1,energy\n0,0,1,2,3\n', 1, /unknown column 'energy'/],
    ['duplicate column', 'trajectory,t,q1,p1,q1\n0,0,1,2,3\n', 1, /'q1' appears twice/],
    [
      'odd number of state columns',
      'trajectory,t,q1,q2,p1\n0,0,1,2,3\n',
      1,
      /3 state columns \(2 q, 1 p\)/,
    ],
    [
      'q and p counts differ',
      'trajectory,t,q1,q2,q3,p1\n0,0,1,2,3,4\n',
      1,
      /4 state columns \(3 q, 1 p\)/,
    ],
    [
      'gap in numbering',
      'trajectory,t,q1,q3,p1,p2\n0,0,1,2,3,4\n',
      1,
      /q1\.\.q2 are expected but found q1,q3/,
    ],
    ['partial derivatives', 'trajectory,t,q1,p1,dq1\n0,0,1,2,3\n', 1, /1 dq and 0 dp columns/],
    [
      'ragged row (short)',
      'trajectory,t,q1,p1\n0,0,1,2\n0,1,1\n',
      3,
      /row has 3 fields but the header has 4/,
    ],
    ['ragged row (long)', 'trajectory,t,q1,p1\n0,0,1,2,5\n', 2, /row has 5 fields/],
    ['empty value', 'trajectory,t,q1,p1\n0,0,,2\n', 2, /empty value in column 'q1'/],
    ['not a number', 'trajectory,t,q1,p1\n0,0,1,abc\n', 2, /'abc' in column 'p1' is not a number/],
    ['NaN', 'trajectory,t,q1,p1\n0,0,1,2\n0,1,NaN,2\n', 3, /column 'q1' is NaN.*finite/],
    ['Infinity', 'trajectory,t,q1,p1\n0,0,1,Infinity\n', 2, /column 'p1' is Infinity/],
    ['-inf', 'trajectory,t,q1,p1\n0,0,-inf,1\n', 2, /column 'q1' is -inf/],
    ['overflow', 'trajectory,t,q1,p1\n0,0,1e999,1\n', 2, /column 'q1' is 1e999/],
    ['NaN time', 'trajectory,t,q1,p1\n0,nan,1,1\n', 2, /column 't' is nan/],
    ['empty trajectory label', 'trajectory,t,q1,p1\n,0,1,1\n', 2, /empty 'trajectory'/],
    ['repeated t', 'trajectory,t,q1,p1\n0,0,1,2\n0,0,1,2\n', 3, /t = 0 does not increase/],
    [
      'decreasing t',
      'trajectory,t,q1,p1\n0,1,1,2\n0,0.5,1,2\n',
      3,
      /t = 0.5 does not increase.*sort/,
    ],
    [
      'interleaved trajectories',
      'trajectory,t,q1,p1\na,0,1,2\nb,0,1,2\na,1,1,2\n',
      4,
      /trajectory 'a' continues here after other trajectories \(it started on line 2\)/,
    ],
    [
      'single-row trajectory without derivatives',
      'trajectory,t,q1,p1\na,0,1,2\na,1,1,2\nb,0,1,2\n',
      4,
      /trajectory 'b' has a single row/,
    ],
  ];

  it.each(cases)('rejects %s', (_name, text, line, message) => {
    const err = parseError(text);
    expect(err.file).toBe(FILE);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(line === undefined ? `${FILE}: ` : `${FILE}:${line}: `)).toBe(
      true,
    );
    expect(err.message).not.toContain('\n');
  });

  it('accepts a single-row trajectory when derivatives are given', () => {
    const data = parseTrajectoryCsv('trajectory,t,q1,p1,dq1,dp1\n0,0,1,2,3,4\n', FILE);
    expect(trajectoryDerivatives(data)).toHaveLength(1);
  });

  it('names a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hnn-csv-'));
    try {
      await expect(readTrajectoryCsv(join(dir, 'nope.csv'))).rejects.toThrow(
        /nope\.csv: no such file/,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
