import { HnnError } from '@hnn/errors';
/**
 * Reader for the text format of the Schmidt & Lipson (2009) "invar_datasets" files (the real
 * pendulum of the HNN paper's Table 1 row 3): one header line starting with `%` that names some
 * columns, then one row of whitespace-separated numbers per sample, CRLF or LF line endings.
 */

/**
 * A data file that cannot be used as it is. `line` is 1-based (the header is line 1); the message
 * names the file, the line, what is wrong and what to do about it.
 */
export class LipsonFormatError extends HnnError {
  override readonly code = 'HNN_DATASETS_LIPSON_FORMAT';
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, problem: string, advice: string) {
    super(`${file}:${line}: ${problem}. ${advice}`);
    this.file = file;
    this.line = line;
  }
}

/** A parsed Schmidt & Lipson file. Data row `i` (0-based) is line `i + 2` of the file. */
export interface LipsonTable {
  /** Names on the header line after the `%` (the real pendulum's header names only `o v`). */
  readonly names: string[];
  /** Fields per data row. */
  readonly columns: number;
  /** Row-major values: row i is `rows[i*columns .. (i+1)*columns)`. */
  readonly rows: Float64Array;
  /** Number of data rows. */
  readonly n: number;
}

export interface ParseLipsonOptions {
  /** Required fields per row; by default the first data row sets the count. */
  readonly expectedColumns?: number;
}

/** Line number of data row `row` (0-based): the header is line 1 and blank lines only trail. */
export function lipsonLineOfRow(row: number): number {
  return row + 2;
}

// A decimal number as C's printf writes it: no hex, no NaN/Infinity, no empty string (which
// Number() would all accept or turn into 0).
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const FIX_FORMAT =
  'A Schmidt & Lipson file has one header line starting with "%", then rows of the same number ' +
  'of whitespace-separated decimal numbers; re-download the file or correct that line';

function preview(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

/**
 * Parses the text of a Schmidt & Lipson file. `source` (usually the path) only labels errors.
 * Accepts CRLF or LF endings, leading/trailing blanks on a line, a UTF-8 byte-order mark and blank
 * lines at the end; rejects, with a `LipsonFormatError` naming the line, a missing header, a blank
 * line between rows, a field that is not a finite decimal number (including NaN and Infinity),
 * a row whose field count differs from the others, and a file without data rows.
 */
export function parseLipsonText(
  text: string,
  source: string,
  options: ParseLipsonOptions = {},
): LipsonTable {
  const { expectedColumns } = options;
  if (
    expectedColumns !== undefined &&
    !(Number.isInteger(expectedColumns) && expectedColumns > 0)
  ) {
    throw new RangeError(`expectedColumns must be a positive integer, got ${expectedColumns}`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  // Drop blank lines at the end (including the empty string after the final newline).
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  if (end === 0) {
    throw new LipsonFormatError(
      source,
      1,
      'the file is empty',
      'Expected a header line starting with "%" and data rows; the download or copy was probably ' +
        'cut short, so fetch the file again',
    );
  }
  const header = lines[0]!.trim();
  if (!header.startsWith('%')) {
    throw new LipsonFormatError(
      source,
      1,
      `expected a header line starting with "%", found ${preview(header)}`,
      `${FIX_FORMAT} (is this the right file?)`,
    );
  }
  const names = header
    .slice(1)
    .split(/\s+/)
    .filter((s) => s !== '');
  if (end === 1) {
    throw new LipsonFormatError(
      source,
      2,
      'the file has a header but no data rows',
      'The copy is probably truncated; fetch the file again',
    );
  }

  let columns = expectedColumns ?? 0;
  const n = end - 1;
  let rows = new Float64Array(columns > 0 ? n * columns : 0);
  for (let i = 0; i < n; i++) {
    const lineNo = lipsonLineOfRow(i);
    const trimmed = lines[i + 1]!.trim();
    if (trimmed === '') {
      throw new LipsonFormatError(
        source,
        lineNo,
        'blank line between data rows',
        `${FIX_FORMAT}; remove the blank line`,
      );
    }
    const fields = trimmed.split(/\s+/);
    if (columns === 0) {
      columns = fields.length;
      rows = new Float64Array(n * columns);
    }
    if (fields.length !== columns) {
      const why =
        expectedColumns !== undefined
          ? 'as this format requires'
          : `as set by the first data row on line ${lipsonLineOfRow(0)}`;
      throw new LipsonFormatError(
        source,
        lineNo,
        `expected ${columns} columns (${why}) but found ${fields.length}`,
        FIX_FORMAT,
      );
    }
    for (let j = 0; j < columns; j++) {
      const field = fields[j]!;
      const value = DECIMAL.test(field) ? Number(field) : Number.NaN;
      if (!Number.isFinite(value)) {
        const what = DECIMAL.test(field)
          ? `is out of the float64 range`
          : `is not a finite decimal number`;
        throw new LipsonFormatError(
          source,
          lineNo,
          `field ${j + 1} (${preview(field)}) ${what}`,
          FIX_FORMAT,
        );
      }
      rows[i * columns + j] = value;
    }
  }
  return { names, columns, rows, n };
}
