import { readFile } from 'node:fs/promises';
import { DataFileError } from './errors.js';
import { FINITE_DIFFERENCE_METHOD, finiteDifferenceDerivatives } from './finite-difference.js';

/** The expected header, for messages. */
export const CSV_HEADER_HINT = 'trajectory,t,q1..qn,p1..pn[,dq1..dqn,dp1..dpn]';

/** One trajectory of a data file, its rows in file order (t strictly increasing). */
export interface Trajectory {
  readonly id: string;
  /** 1-based line of its first row, for messages. */
  readonly line: number;
  readonly t: Float64Array;
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

function numbered(names: readonly string[], prefix: string): Map<number, number> {
  const found = new Map<number, number>();
  const re = new RegExp(`^${prefix}(\\d+)$`);
  names.forEach((name, col) => {
    const m = re.exec(name);
    if (m !== null) found.set(Number(m[1]), col);
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
  if (names.every((n) => n !== '' && Number.isFinite(Number(n)))) {
    throw new DataFileError(file, 1, `line 1 looks like data, not a header; ${FIX_HEADER}`);
  }
  const seen = new Map<string, number>();
  names.forEach((name, col) => {
    if (name === '') {
      throw new DataFileError(file, 1, `column ${col + 1} has an empty name; ${FIX_HEADER}`);
    }
    if (seen.has(name)) {
      throw new DataFileError(file, 1, `column '${name}' appears twice; keep one of them`);
    }
    seen.set(name, col);
    if (!/^(trajectory|t|d?[qp]\d+)$/.test(name)) {
      throw new DataFileError(
        file,
        1,
        `unknown column '${name}'; ${FIX_HEADER} (remove other columns)`,
      );
    }
  });
  for (const required of ['trajectory', 't']) {
    if (!seen.has(required)) {
      throw new DataFileError(file, 1, `missing column '${required}'; ${FIX_HEADER}`);
    }
  }
  const q = numbered(names, 'q');
  const p = numbered(names, 'p');
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
  const dq = numbered(names, 'dq');
  const dp = numbered(names, 'dp');
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
  readonly x: number[];
  readonly dx: number[];
}

/**
 * Parses and validates a trajectory CSV (see CSV_HEADER_HINT): header names are
 * case-insensitive, columns may come in any order, blank lines are skipped, values must be
 * finite numbers, each trajectory's rows must be contiguous with strictly increasing t.
 * Throws DataFileError naming the line and the fix.
 */
export function parseTrajectoryCsv(text: string, file: string): TrajectoryData {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) {
    throw new DataFileError(file, undefined, `the file is empty; ${FIX_HEADER}, then data rows`);
  }
  if (headerIndex > 0) {
    throw new DataFileError(file, 1, `the file starts with a blank line; ${FIX_HEADER}`);
  }
  const header = lines[0] as string;
  const columns = parseHeader(file, header);
  const width = header.split(',').length;
  const names = header.split(',').map((f) => unquote(f));
  const dim = 2 * columns.n;
  const done = new Map<string, number>();
  const trajectories: Builder[] = [];
  let current: Builder | undefined;
  let rows = 0;

  const value = (fields: string[], col: number, lineNo: number): number => {
    const raw = unquote(fields[col] as string);
    const name = names[col] as string;
    if (raw === '') {
      throw new DataFileError(
        file,
        lineNo,
        `empty value in column '${name}'; every column needs a finite number`,
      );
    }
    const v = /^[+-]?inf$/i.test(raw) ? Number.POSITIVE_INFINITY : Number(raw);
    if (Number.isNaN(v) && !/^[+-]?(nan|inf(inity)?)$/i.test(raw)) {
      throw new DataFileError(
        file,
        lineNo,
        `'${raw}' in column '${name}' is not a number; use plain decimals like 0.25 or 1e-3`,
      );
    }
    if (!Number.isFinite(v)) {
      throw new DataFileError(
        file,
        lineNo,
        `column '${name}' is ${raw}; every value must be a finite number: repair or drop that row`,
      );
    }
    return v;
  };

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const fields = line.split(',');
    if (fields.length !== width) {
      throw new DataFileError(
        file,
        lineNo,
        `row has ${fields.length} fields but the header has ${width} (${names.join(',')}); ` +
          'give every row exactly one value per column',
      );
    }
    const id = unquote(fields[columns.trajectory] as string);
    if (id === '') {
      throw new DataFileError(
        file,
        lineNo,
        "empty 'trajectory' value; label every row's trajectory",
      );
    }
    const t = value(fields, columns.t, lineNo);
    if (current === undefined || current.id !== id) {
      const earlier = done.get(id);
      if (earlier !== undefined) {
        throw new DataFileError(
          file,
          lineNo,
          `trajectory '${id}' continues here after other trajectories (it started on line ` +
            `${earlier}); keep each trajectory's rows together, e.g. sort by trajectory then t`,
        );
      }
      current = { id, line: lineNo, t: [], x: [], dx: [] };
      trajectories.push(current);
      done.set(id, lineNo);
    } else {
      const prev = current.t[current.t.length - 1] as number;
      if (!(t > prev)) {
        throw new DataFileError(
          file,
          lineNo,
          `t = ${t} does not increase (previous row of trajectory '${id}' has t = ${prev}); ` +
            'sort each trajectory by t and remove repeated times',
        );
      }
    }
    current.t.push(t);
    for (const col of columns.state) current.x.push(value(fields, col, lineNo));
    if (columns.derivative !== undefined) {
      for (const col of columns.derivative) current.dx.push(value(fields, col, lineNo));
    }
    rows++;
  }
  if (rows === 0) {
    throw new DataFileError(file, 2, `the header is there but no data rows follow; add rows`);
  }
  return {
    file,
    degreesOfFreedom: columns.n,
    dim,
    hasDerivatives: columns.derivative !== undefined,
    trajectories: trajectories.map((b) => ({
      id: b.id,
      line: b.line,
      t: Float64Array.from(b.t),
      x: Float64Array.from(b.x),
      dx: columns.derivative === undefined ? undefined : Float64Array.from(b.dx),
    })),
    rows,
  };
}

/** Reads and parses a trajectory CSV; a missing or unreadable file is a DataFileError too. */
export async function readTrajectoryCsv(path: string): Promise<TrajectoryData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataFileError(
      path,
      undefined,
      code === 'ENOENT'
        ? 'no such file; check the path (relative paths start at the current directory)'
        : code === 'EISDIR'
          ? 'is a directory; give a CSV file'
          : `cannot be read (${code ?? String(err)})`,
    );
  }
  return parseTrajectoryCsv(text, path);
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
