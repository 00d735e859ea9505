import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseDecimal } from './args.js';
import { DataFileError, printable, quoted } from './errors.js';
import { FINITE_DIFFERENCE_METHOD, finiteDifferenceDerivatives } from './finite-difference.js';

/** The expected header, for messages. */
export const CSV_HEADER_HINT = 'trajectory,t,q1..qn,p1..pn[,dq1..dqn,dp1..dpn]';

/** One trajectory of a data file, its rows in file order (t strictly increasing). */
export interface Trajectory {
  readonly id: string;
  /** 1-based line of its first row, for messages. */
  readonly line: number;
  readonly t: Float64Array;
  /** 1-based line of each row, for messages. */
  readonly lines: Int32Array;
  /** States (q1..qn, p1..pn), row-major: t.length x dim. */
  readonly x: Float64Array;
  /** dx/dt from the file's dq/dp columns (row-major), or undefined when it has none. */
  readonly dx: Float64Array | undefined;
}

/** A parsed, validated trajectory CSV. */
export interface TrajectoryData {
  readonly file: string;
  /** n: the number of coordinates q (and momenta p). */
  readonly degreesOfFreedom: number;
  /** 2n: the state dimension. */
  readonly dim: number;
  readonly hasDerivatives: boolean;
  readonly trajectories: readonly Trajectory[];
  /** Number of data rows. */
  readonly rows: number;
}

const FIX_HEADER = `the first line must be a header ${CSV_HEADER_HINT}`;

function unquote(field: string): string {
  const s = field.trim();
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).trim() : s;
}

interface Columns {
  readonly trajectory: number;
  readonly t: number;
  /** Column index of each state component q1..qn, p1..pn. */
  readonly state: number[];
  /** Column index of dq1..dqn, dp1..dpn, or undefined. */
  readonly derivative: number[] | undefined;
  readonly n: number;
}

function numbered(file: string, names: readonly string[], prefix: string): Map<number, number> {
  const found = new Map<number, number>();
  const re = new RegExp(`^${prefix}(\\d+)$`);
  names.forEach((name, col) => {
    const m = re.exec(name);
    if (m === null) return;
    const index = Number(m[1]);
    const earlier = found.get(index);
    if (earlier !== undefined) {
      // q1 and q01 both mean q1: training on either would silently drop the other.
      throw new DataFileError(
        file,
        1,
        `columns ${quoted(names[earlier] as string)} and ${quoted(name)} both name ` +
          `${prefix}${index}; keep one of them (or renumber)`,
      );
    }
    found.set(index, col);
  });
  return found;
}

function checkNumbering(file: string, prefix: string, found: Map<number, number>, n: number): void {
  for (let i = 1; i <= n; i++) {
    if (!found.has(i)) {
      const have = [...found.keys()].sort((a, b) => a - b).map((k) => `${prefix}${k}`);
      throw new DataFileError(
        file,
        1,
        `columns ${prefix}1..${prefix}${n} are expected but found ${have.join(',')}; ` +
          `number them 1..${n} without gaps (${CSV_HEADER_HINT})`,
      );
    }
  }
}

function parseHeader(file: string, line: string): Columns {
  const names = line.split(',').map((f) => unquote(f).toLowerCase());
  if (names.every((n) => n !== '' && Number.isFinite(parseDecimal(n)))) {
    throw new DataFileError(file, 1, `line 1 looks like data, not a header; ${FIX_HEADER}`);
  }
  const seen = new Map<string, number>();
  names.forEach((name, col) => {
    if (name === '') {
      throw new DataFileError(file, 1, `column ${col + 1} has an empty name; ${FIX_HEADER}`);
    }
    if (seen.has(name)) {
      throw new DataFileError(file, 1, `column ${quoted(name)} appears twice; keep one of them`);
    }
    seen.set(name, col);
    if (!/^(trajectory|t|d?[qp]\d+)$/.test(name)) {
      throw new DataFileError(
        file,
        1,
        `unknown column ${quoted(name)}; ${FIX_HEADER} (remove other columns)`,
      );
    }
  });
  for (const required of ['trajectory', 't']) {
    if (!seen.has(required)) {
      throw new DataFileError(file, 1, `missing column '${required}'; ${FIX_HEADER}`);
    }
  }
  const q = numbered(file, names, 'q');
  const p = numbered(file, names, 'p');
  const stateCount = q.size + p.size;
  if (stateCount === 0) {
    throw new DataFileError(file, 1, `no state columns q1.., p1..; ${FIX_HEADER}`);
  }
  if (stateCount % 2 !== 0 || q.size !== p.size) {
    throw new DataFileError(
      file,
      1,
      `${stateCount} state columns (${q.size} q, ${p.size} p): a state is q1..qn,p1..pn ` +
        'with one momentum p per coordinate q; add the missing columns',
    );
  }
  const n = q.size;
  checkNumbering(file, 'q', q, n);
  checkNumbering(file, 'p', p, n);
  const dq = numbered(file, names, 'dq');
  const dp = numbered(file, names, 'dp');
  let derivative: number[] | undefined;
  if (dq.size + dp.size > 0) {
    if (dq.size !== n || dp.size !== n) {
      throw new DataFileError(
        file,
        1,
        `found ${dq.size} dq and ${dp.size} dp columns for ${n} coordinates; give all of ` +
          `dq1..dq${n},dp1..dp${n} or none (then derivatives are estimated by finite differences)`,
      );
    }
    checkNumbering(file, 'dq', dq, n);
    checkNumbering(file, 'dp', dp, n);
    derivative = [];
    for (let i = 1; i <= n; i++) derivative.push(dq.get(i) as number);
    for (let i = 1; i <= n; i++) derivative.push(dp.get(i) as number);
  }
  const state: number[] = [];
  for (let i = 1; i <= n; i++) state.push(q.get(i) as number);
  for (let i = 1; i <= n; i++) state.push(p.get(i) as number);
  return {
    trajectory: seen.get('trajectory') as number,
    t: seen.get('t') as number,
    state,
    derivative,
    n,
  };
}

interface Builder {
  readonly id: string;
  readonly line: number;
  readonly t: number[];
  readonly lines: number[];
  readonly x: number[];
  readonly dx: number[];
}

/** A line longer than this is not a CSV row of numbers; refusing it bounds the memory a bad file can take. */
const MAX_LINE_CHARS = 1 << 20;

/**
 * Reads a trajectory CSV line by line, so a large file never has to be one string: feed lines in
 * order with line(), then finish().
 */
class TrajectoryCsvParser {
  private lineNo = 0;
  private columns: Columns | undefined;
  private width = 0;
  private names: string[] = [];
  private readonly done = new Map<string, number>();
  private readonly trajectories: Builder[] = [];
  private current: Builder | undefined;
  private rows = 0;
  private sawHeader = false;
  private blankBeforeHeader = false;

  constructor(private readonly file: string) {}

  private value(fields: string[], col: number): number {
    const raw = unquote(fields[col] as string);
    const name = this.names[col] as string;
    if (raw === '') {
      throw new DataFileError(
        this.file,
        this.lineNo,
        `empty value in column ${quoted(name)}; every column needs a finite number`,
      );
    }
    const v = parseDecimal(raw);
    if (Number.isNaN(v)) {
      if (/^[+-]?(nan|inf(inity)?)$/i.test(raw)) {
        throw new DataFileError(
          this.file,
          this.lineNo,
          `column ${quoted(name)} is ${raw}; every value must be a finite number: repair or drop that row`,
        );
      }
      throw new DataFileError(
        this.file,
        this.lineNo,
        `${quoted(raw)} in column ${quoted(name)} is not a number; use plain decimals like 0.25 ` +
          'or 1e-3 (no hex, no thousands separators)',
      );
    }
    if (!Number.isFinite(v)) {
      throw new DataFileError(
        this.file,
        this.lineNo,
        `column ${quoted(name)} is ${printable(raw.slice(0, 40))}, beyond the largest float64 number ` +
          '(about 1.8e308); rescale that column',
      );
    }
    return v;
  }

  line(raw: string): void {
    this.lineNo++;
    const lineNo = this.lineNo;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!this.sawHeader) {
      if (text.trim() === '') {
        // Only blank lines is an empty file; blank lines and then a header is not.
        this.blankBeforeHeader = true;
        return;
      }
      if (this.blankBeforeHeader) {
        throw new DataFileError(this.file, 1, `the file starts with a blank line; ${FIX_HEADER}`);
      }
      this.sawHeader = true;
      this.columns = parseHeader(this.file, text);
      const fields = text.split(',');
      this.width = fields.length;
      this.names = fields.map((f) => unquote(f));
      return;
    }
    const columns = this.columns as Columns;
    if (text.trim() === '') return;
    const fields = text.split(',');
    if (fields.length !== this.width) {
      throw new DataFileError(
        this.file,
        lineNo,
        `row has ${fields.length} fields but the header has ${this.width} ` +
          `(${quoted(this.names.join(','), 200)}); give every row exactly one value per column`,
      );
    }
    const id = unquote(fields[columns.trajectory] as string);
    if (id === '') {
      throw new DataFileError(
        this.file,
        lineNo,
        "empty 'trajectory' value; label every row's trajectory",
      );
    }
    const t = this.value(fields, columns.t);
    let current = this.current;
    if (current === undefined || current.id !== id) {
      const earlier = this.done.get(id);
      if (earlier !== undefined) {
        throw new DataFileError(
          this.file,
          lineNo,
          `trajectory ${quoted(id)} continues here after other trajectories (it started on line ` +
            `${earlier}); keep each trajectory's rows together, e.g. sort by trajectory then t`,
        );
      }
      current = { id, line: lineNo, t: [], lines: [], x: [], dx: [] };
      this.current = current;
      this.trajectories.push(current);
      this.done.set(id, lineNo);
    } else {
      const prev = current.t[current.t.length - 1] as number;
      if (!(t > prev)) {
        throw new DataFileError(
          this.file,
          lineNo,
          `t = ${t} does not increase (previous row of trajectory ${quoted(id)} has t = ${prev}); ` +
            'sort each trajectory by t and remove repeated times',
        );
      }
    }
    current.t.push(t);
    current.lines.push(lineNo);
    for (const col of columns.state) current.x.push(this.value(fields, col));
    if (columns.derivative !== undefined) {
      for (const col of columns.derivative) current.dx.push(this.value(fields, col));
    }
    this.rows++;
  }

  finish(): TrajectoryData {
    const columns = this.columns;
    if (columns === undefined) {
      throw new DataFileError(
        this.file,
        undefined,
        `the file is empty; ${FIX_HEADER}, then data rows`,
      );
    }
    if (this.rows === 0) {
      throw new DataFileError(
        this.file,
        2,
        `the header is there but no data rows follow; add rows`,
      );
    }
    return {
      file: this.file,
      degreesOfFreedom: columns.n,
      dim: 2 * columns.n,
      hasDerivatives: columns.derivative !== undefined,
      trajectories: this.trajectories.map((b) => ({
        id: b.id,
        line: b.line,
        t: Float64Array.from(b.t),
        lines: Int32Array.from(b.lines),
        x: Float64Array.from(b.x),
        dx: columns.derivative === undefined ? undefined : Float64Array.from(b.dx),
      })),
      rows: this.rows,
    };
  }
}

/**
 * Parses and validates a trajectory CSV (see CSV_HEADER_HINT): header names are
 * case-insensitive, columns may come in any order, blank lines are skipped, values must be
 * finite plain decimals, each trajectory's rows must be contiguous with strictly increasing t.
 * Throws DataFileError naming the line and the fix.
 */
export function parseTrajectoryCsv(text: string, file: string): TrajectoryData {
  const parser = new TrajectoryCsvParser(file);
  const lines = text.split('\n');
  // A final newline ends the last line rather than starting an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) parser.line(line.endsWith('\r') ? line.slice(0, -1) : line);
  return parser.finish();
}

function readError(path: string, err: unknown): DataFileError {
  const code = (err as NodeJS.ErrnoException).code;
  return new DataFileError(
    path,
    undefined,
    code === 'ENOENT'
      ? 'no such file; check the path (relative paths start at the current directory)'
      : code === 'EISDIR'
        ? 'is a directory; give a CSV file'
        : `cannot be read (${code ?? String(err)})`,
  );
}

/**
 * Reads and parses a trajectory CSV, streaming it in chunks (a file of any size is never one
 * string). Only regular files are read: a named pipe, a device or a socket would block or never
 * end, so they are refused up front. A missing or unreadable file is a DataFileError too.
 */
export async function readTrajectoryCsv(path: string): Promise<TrajectoryData> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw readError(path, err);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw readError(path, { code: 'EISDIR' });
    if (!info.isFile()) {
      throw new DataFileError(
        path,
        undefined,
        'is not a regular file (a named pipe, device or socket); hnn reads data only from ' +
          'regular files: save the data to a file first',
      );
    }
    const parser = new TrajectoryCsvParser(path);
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(1 << 16);
    let pending = '';
    let lineNo = 0;
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
      } catch (err) {
        throw readError(path, err);
      }
      const chunk = bytesRead === 0 ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead));
      pending += chunk;
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        const line = pending.slice(start, nl);
        parser.line(line.endsWith('\r') ? line.slice(0, -1) : line);
        lineNo++;
        start = nl + 1;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_CHARS) {
        throw new DataFileError(
          path,
          lineNo + 1,
          `the line is longer than ${MAX_LINE_CHARS} characters; this is not a trajectory CSV ` +
            '(one row of numbers per line)',
        );
      }
      if (bytesRead === 0) break;
    }
    if (pending !== '') parser.line(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
    return parser.finish();
  } finally {
    await handle.close();
  }
}

/** Where a data set's derivatives come from, for output and the model file. */
export function derivativeSource(data: TrajectoryData): string {
  return data.hasDerivatives
    ? 'dq/dp columns of the file'
    : `estimated from q, p: ${FINITE_DIFFERENCE_METHOD}`;
}

/**
 * dx/dt for every trajectory: the file's columns, else finite differences. A trajectory of one
 * row without derivative columns is a DataFileError.
 */
export function trajectoryDerivatives(data: TrajectoryData): Float64Array[] {
  return data.trajectories.map((tr) => {
    if (tr.dx !== undefined) return tr.dx;
    if (tr.t.length < 2) {
      throw new DataFileError(
        data.file,
        tr.line,
        `trajectory '${tr.id}' has a single row, so dq/dt and dp/dt cannot be estimated; give ` +
          'it 2 or more rows (3+ for second-order differences) or add dq1..,dp1.. columns',
      );
    }
    return finiteDifferenceDerivatives(tr.t, tr.x, data.dim);
  });
}
