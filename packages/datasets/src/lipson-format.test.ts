import { describe, expect, it } from 'vitest';
import { LipsonFormatError, lipsonLineOfRow, parseLipsonText } from './lipson-format.js';

const GOOD = [
  '%o v',
  '  0.0000000000000000e+000  5.0000000000000000e+000  1.1383885512243586e+000  9.1977959058677250e-001 ',
  '  0.0000000000000000e+000  5.1666666666666670e+000  1.2753554896511765e+000  7.1937977921297058e-001 ',
  '  0.0000000000000000e+000  5.3333333333333330e+000  1.3897036702636778e+000  4.9994686484440010e-001 ',
];

/** Runs `fn`, expects a LipsonFormatError and returns it. */
function dataFileError(fn: () => unknown): LipsonFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LipsonFormatError);
    return err as LipsonFormatError;
  }
  throw new Error('expected a LipsonFormatError');
}

describe('parseLipsonText', () => {
  it('parses a CRLF file with the header names, row-major values and the trailing newline', () => {
    const table = parseLipsonText(`${GOOD.join('\r\n')}\r\n`, 'good.txt');
    expect(table.names).toEqual(['o', 'v']);
    expect(table.columns).toBe(4);
    expect(table.n).toBe(3);
    expect(table.rows).toBeInstanceOf(Float64Array);
    expect(Array.from(table.rows.subarray(0, 4))).toEqual([
      0, 5, 1.1383885512243586, 0.9197795905867725,
    ]);
    expect(table.rows[2 * 4 + 1]).toBe(5.333333333333333);
  });

  it('gives the same result for LF, CRLF, no final newline, blank trailing lines and a BOM', () => {
    const want = parseLipsonText(GOOD.join('\r\n'), 'a');
    for (const text of [
      GOOD.join('\n'),
      `${GOOD.join('\n')}\n`,
      `${GOOD.join('\r\n')}\r\n\r\n  \r\n`,
      `${GOOD.join('\n')}\n\n\t\n`,
      `\uFEFF${GOOD.join('\r\n')}\r\n`,
    ]) {
      expect(parseLipsonText(text, 'b')).toEqual(want);
    }
  });

  it('accepts tabs and the expected column count; names may be spaced after the %', () => {
    const t = parseLipsonText('% t x\n1\t2\n3 \t 4\n', 'tabs.txt', { expectedColumns: 2 });
    expect(t.names).toEqual(['t', 'x']);
    expect(Array.from(t.rows)).toEqual([1, 2, 3, 4]);
  });

  it('maps data rows to 1-based line numbers after the header', () => {
    expect(lipsonLineOfRow(0)).toBe(2);
    expect(lipsonLineOfRow(555)).toBe(557);
  });

  it.each([
    [
      'a row with too few columns',
      [...GOOD.slice(0, 3), '0 5.5 1.0'],
      4,
      /expected 4 columns.*found 3/,
    ],
    ['a row with too many columns', [...GOOD, '0 6 1 2 3'], 5, /expected 4 columns.*found 5/],
    [
      'a non-numeric field',
      [GOOD[0]!, GOOD[1]!, '0 5.2 abc 0.1', GOOD[3]!],
      3,
      /field 3 \("abc"\)/,
    ],
    ['NaN', [...GOOD, '0 6 NaN 0.1'], 5, /field 3 \("NaN"\) is not a finite/],
    ['Infinity', [...GOOD, '0 6 0.1 -Infinity'], 5, /field 4 \("-Infinity"\)/],
    ['a hex number', [...GOOD, '0 0x10 0.1 0.2'], 5, /field 2 \("0x10"\)/],
    ['a number beyond float64', [...GOOD, '0 6 1e999 0.2'], 5, /out of the float64 range/],
    ['two numbers glued by a comma', [...GOOD, '0 6 0.1,0.2'], 5, /expected 4 columns/],
    ['a blank line between rows', [GOOD[0]!, GOOD[1]!, '', GOOD[2]!], 3, /blank line/],
    ['a missing header', GOOD.slice(1), 1, /header line starting with "%"/],
    ['a header only', [GOOD[0]!], 2, /no data rows/],
  ] as const)('rejects %s, naming line %i', (_what, lines, line, message) => {
    for (const eol of ['\r\n', '\n']) {
      const err = dataFileError(() => parseLipsonText(`${lines.join(eol)}${eol}`, 'bad.txt'));
      expect(err.file).toBe('bad.txt');
      expect(err.line).toBe(line);
      expect(err.message).toMatch(message);
      expect(err.message).toContain(`bad.txt:${line}: `);
    }
  });

  it('rejects an empty or blank file on line 1, saying it is empty', () => {
    for (const text of ['', '\r\n', '   \n\n']) {
      const err = dataFileError(() => parseLipsonText(text, 'empty.txt'));
      expect(err.line).toBe(1);
      expect(err.message).toMatch(/^empty\.txt:1: the file is empty\. .*fetch the file again/);
    }
  });

  it('checks the count against expectedColumns from the first row on', () => {
    const err = dataFileError(() =>
      parseLipsonText(GOOD.join('\n'), 'x.txt', { expectedColumns: 6 }),
    );
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/expected 6 columns \(as this format requires\) but found 4/);
    expect(() => parseLipsonText(GOOD.join('\n'), 'x', { expectedColumns: 0 })).toThrow(RangeError);
  });

  it('says what to do in every message', () => {
    const err = dataFileError(() => parseLipsonText(`${GOOD.join('\n')}\n0 1 2`, 'f'));
    expect(err.message).toMatch(/re-download the file or correct that line$/);
    expect(err.name).toBe('LipsonFormatError');
  });
});
