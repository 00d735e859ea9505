import { DatasetConfigError } from './errors.js';
import { LipsonFormatError, lipsonLineOfRow, type LipsonTable } from './lipson-format.js';
import type { Dataset } from './types.js';
import { HnnError } from '@hnn/errors';

/** File name of the real-pendulum data in Schmidt & Lipson's `invar_datasets.zip`. */
export const REAL_PENDULUM_FILE_NAME = 'real_pend_h_1.txt';

/** SHA-256 of the unmodified file (CRLF line endings), as pinned in `shared/data/README.md`. */
export const REAL_PENDULUM_SHA256 =
  '45d92988198b89a5933f5a53e67aa819d06937516f71a462ac09e1307d8b3411';

/** Environment variable that `reproduce` reads the file's path from (besides --real-pendulum-data). */
export const REAL_PENDULUM_ENV_VAR = 'HNN_REAL_PENDULUM_DATA';

/** Command-line flag of `reproduce` that gives the file's path. */
export const REAL_PENDULUM_FLAG = '--real-pendulum-data';

/** The command that downloads the file (the `bin` of this package). */
export const REAL_PENDULUM_FETCH_COMMAND = 'hnn-fetch-real-pendulum';

/**
 * Public byte-identical copies of the file at pinned commits (the Science supplement's own URL is
 * dead): github.com/sdascoli/odeformer (invar_datasets/, since deleted from that repository) and
 * github.com/Agata99/PracaMagisterska. Both have git blob 36832c7c... and the SHA-256 above.
 */
export const REAL_PENDULUM_SOURCES: readonly string[] = [
  'https://raw.githubusercontent.com/sdascoli/odeformer/904d7ece876d367877975d18d4b0c66b9e69fdd2/invar_datasets/real_pend_h_1.txt',
  'https://raw.githubusercontent.com/Agata99/PracaMagisterska/bc3b0d855a6ea95f355bfe12f03b56907cf4322b/real_pend_h_1.txt',
];

/** Columns of `real_pend_h_1.txt`: trial (always 0), t (s), theta (rad), omega (rad/s). */
export const REAL_PENDULUM_COLUMNS = 4;

/**
 * Where to get the file, as one line: the fetch command, the pinned sources and how to point the
 * code at a copy placed by hand. `outPath` is the path suggested to the fetch command.
 */
export function realPendulumHowToGet(outPath = `./${REAL_PENDULUM_FILE_NAME}`): string {
  return (
    `Download it with \`${REAL_PENDULUM_FETCH_COMMAND} --out ${outPath}\` (checks the SHA-256), ` +
    `or copy it by hand from ${REAL_PENDULUM_SOURCES.join(' or ')} ` +
    `(SHA-256 ${REAL_PENDULUM_SHA256}); then pass ${REAL_PENDULUM_FLAG} PATH or set ` +
    `${REAL_PENDULUM_ENV_VAR}=PATH. It is ${REAL_PENDULUM_FILE_NAME} from the supplementary ` +
    `invar_datasets.zip of Schmidt & Lipson, Science 324:81 (2009)`
  );
}

/** The data file is not at the given path; the message says where to get it. */
export class DataFileMissingError extends HnnError {
  override readonly code = 'HNN_DATASETS_DATA_FILE_MISSING';
  readonly file: string;

  constructor(file: string) {
    super(`real-pendulum data file not found: ${file}. ${realPendulumHowToGet(file)}.`);
    this.file = file;
  }
}

/**
 * Something is at the given path but it cannot be read as the data file: a directory, an empty
 * path, or a file without read permission. The message says which and what to pass instead.
 */
export class DataFileUnreadableError extends HnnError {
  override readonly code = 'HNN_DATASETS_DATA_FILE_UNREADABLE';
  readonly file: string;
  /** The file system's error code (EACCES, EISDIR, ...), when there was one. */
  readonly fsCode: string | undefined;

  constructor(file: string, problem: string, code?: string) {
    super(
      `real-pendulum data path ${JSON.stringify(file)} ${problem}. Pass ${REAL_PENDULUM_FLAG} ` +
        `PATH or set ${REAL_PENDULUM_ENV_VAR}=PATH with PATH the file ${REAL_PENDULUM_FILE_NAME} ` +
        `itself (get it with \`${REAL_PENDULUM_FETCH_COMMAND} --out PATH\`)`,
    );
    this.file = file;
    this.fsCode = code;
  }
}

/** The file's bytes are not the pinned file's; both hashes are in the message and properties. */
export class DataFileChecksumError extends HnnError {
  override readonly code = 'HNN_DATASETS_DATA_FILE_CHECKSUM';
  readonly file: string;
  readonly expected: string;
  readonly actual: string;

  constructor(file: string, expected: string, actual: string) {
    super(
      `${file}: SHA-256 is ${actual} but the pinned ${REAL_PENDULUM_FILE_NAME} has ${expected}. ` +
        'The file differs from the one the paper used (edited, truncated, or with converted line ' +
        `endings; the original has CRLF). Get an unmodified copy: ${REAL_PENDULUM_FETCH_COMMAND} ` +
        `--out PATH, or copy it from ${REAL_PENDULUM_SOURCES.join(' or ')}.`,
    );
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The real-pendulum file as read: its rows plus where it came from. */
export interface RealPendulumRows extends LipsonTable {
  /** Path the file was read from (or another label for data built in memory). */
  readonly source: string;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/**
 * Throws a `LipsonFormatError` naming the line if time (column 2) does not strictly increase, and a
 * `DatasetConfigError` if the rows do not have the real pendulum's 4 columns.
 */
export function checkRealPendulumRows(rows: RealPendulumRows): void {
  if (rows.columns !== REAL_PENDULUM_COLUMNS) {
    throw new DatasetConfigError(
      `${rows.source}: the real pendulum needs ${REAL_PENDULUM_COLUMNS} columns ` +
        `(trial, t, theta, omega), got ${rows.columns}`,
    );
  }
  const c = rows.columns;
  for (let i = 1; i < rows.n; i++) {
    const prev = rows.rows[(i - 1) * c + 1]!;
    const t = rows.rows[i * c + 1]!;
    if (!(t > prev)) {
      throw new LipsonFormatError(
        rows.source,
        lipsonLineOfRow(i),
        `time (column 2) must strictly increase, but ${t} follows ${prev} on line ` +
          `${lipsonLineOfRow(i - 1)}`,
        'The rows are out of order or duplicated; re-download the file or sort it by time',
      );
    }
  }
}

/** Provenance of the real-pendulum dataset. */
export interface RealPendulumConfig {
  /** Path of the file the data came from. */
  readonly source: string;
  /** SHA-256 of that file. */
  readonly sha256: string;
  /** The reference's `train_split`: train = int(n f) points, test = the next int(n (1 - f)). */
  readonly trainFraction: number;
}

/** The real-pendulum dataset plus the measurement times of the test points (for the energy metric). */
export interface RealPendulumDataset extends Dataset<RealPendulumConfig> {
  readonly task: 'real-pendulum';
  /** Time (s) of each test point, in order: 81.0 ... 99.1667 for the pinned file. */
  readonly testTimes: Float64Array;
}

export interface RealPendulumDatasetOptions {
  /** Default 0.8, the reference's. */
  readonly trainFraction?: number;
}

/**
 * Task 3 of the paper, as experiment-real/data.py builds it: x = (theta, omega) from columns 3-4,
 * targets by forward differences (x[i+1] - x[i]) / (t[i+1] - t[i]) with the last row dropped
 * (555 points from the pinned file), and an order-keeping split computed in floating point:
 * nTrain = int(n * 0.8) = 444, nTest = int(n * (1 - 0.8)) = int(110.99999999999997) = 110,
 * test = points [444, 554), train = points [0, 444) followed by point 554 (445 points).
 */
export function realPendulumDataset(
  rows: RealPendulumRows,
  options: RealPendulumDatasetOptions = {},
): RealPendulumDataset {
  const { trainFraction = 0.8 } = options;
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new DatasetConfigError(`trainFraction must be in (0, 1), got ${trainFraction}`);
  }
  checkRealPendulumRows(rows);
  const c = rows.columns;
  const n = rows.n - 1;
  const nTrain = Math.floor(n * trainFraction);
  const nTest = Math.floor(n * (1 - trainFraction));
  if (nTrain < 1 || nTest < 1) {
    throw new DatasetConfigError(
      `${rows.source}: ${rows.n} rows give ${n} points, too few for a split at trainFraction ` +
        `${trainFraction} (${nTrain} train / ${nTest} test)`,
    );
  }
  const at = (i: number, col: number) => rows.rows[i * c + col]!;
  const x = new Float64Array(2 * n);
  const dx = new Float64Array(2 * n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dt = at(i + 1, 1) - at(i, 1);
    t[i] = at(i, 1);
    for (let k = 0; k < 2; k++) {
      x[2 * i + k] = at(i, 2 + k);
      dx[2 * i + k] = (at(i + 1, 2 + k) - at(i, 2 + k)) / dt;
    }
  }
  const testEnd = nTrain + nTest;
  const nTrainAll = n - nTest;
  const trainX = new Float64Array(2 * nTrainAll);
  const trainDx = new Float64Array(2 * nTrainAll);
  trainX.set(x.subarray(0, 2 * nTrain));
  trainX.set(x.subarray(2 * testEnd), 2 * nTrain);
  trainDx.set(dx.subarray(0, 2 * nTrain));
  trainDx.set(dx.subarray(2 * testEnd), 2 * nTrain);
  return {
    task: 'real-pendulum',
    dim: 2,
    train: { x: trainX, dx: trainDx, n: nTrainAll },
    test: {
      x: x.slice(2 * nTrain, 2 * testEnd),
      dx: dx.slice(2 * nTrain, 2 * testEnd),
      n: nTest,
    },
    testTimes: t.slice(nTrain, testEnd),
    config: { source: rows.source, sha256: rows.sha256, trainFraction },
  };
}
