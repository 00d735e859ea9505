import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetConfigError } from './errors.js';
import { LipsonFormatError, parseLipsonText } from './lipson-format.js';
import {
  DataFileChecksumError,
  DataFileMissingError,
  DataFileUnreadableError,
  REAL_PENDULUM_ENV_VAR,
  REAL_PENDULUM_SHA256,
  REAL_PENDULUM_SOURCES,
  realPendulumDataset,
  type RealPendulumRows,
} from './real-pendulum.js';
import { loadRealPendulum, sha256Hex } from './real-pendulum-file.js';

// The data is not in the repository: CI has it at ../shared/data relative to the repo root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const REAL_FILE =
  process.env[REAL_PENDULUM_ENV_VAR] ?? resolve(repoRoot, '../shared/data/real_pend_h_1.txt');
const haveRealFile = existsSync(REAL_FILE);

// Independent values from Python 3 / numpy 2.4.6 on the pinned file, following the reference's
// experiment-real/data.py: float() of each field, x = data[:, 2:4], dx = diff(x) / diff(t),
// x = x[:-1], train = x[:444] ++ x[554:], test = x[444:554], t_test = t[444:554].
const REFERENCE = {
  trainFirstX: [1.1383885512243586, 0.9197795905867725],
  trainFirstDx: [0.8218016305609063, -1.2023988682428093],
  trainLastX: [0.7754974968094597, -0.20769618834874848],
  trainLastDx: [-0.2373834120816102, -0.9035590446409599],
  testFirstX: [0.2587708919636975, 0.9056146608812483],
  testFirstDx: [0.9652798210284105, -0.4837202387163164],
  testLastX: [0.8050034942546529, -0.057495888174656784],
  testLastDx: [-0.1770359846711694, -0.9012018010446013],
  testFirstT: 81.0,
  testLastT: 99.16666666666667,
  sumTrainX: -2.248224866915619,
  sumTrainDx: -0.9005175807465182,
  sumTestX: 10.617176153707165,
  sumTestDx: -3.5795054663054557,
  sumTestT: 9909.166666666668,
} as const;

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hnn-real-pendulum-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, 'latin1');
  return path;
}

describe.skipIf(!haveRealFile)(`the real file (${REAL_FILE})`, () => {
  it('loads: 556 rows of 4 columns, header "o v", SHA-256 as pinned', async () => {
    const rows = await loadRealPendulum(REAL_FILE);
    expect(rows.n).toBe(556);
    expect(rows.columns).toBe(4);
    expect(rows.names).toEqual(['o', 'v']);
    expect(rows.sha256).toBe(REAL_PENDULUM_SHA256);
    expect(rows.rows[1]).toBe(5);
    expect(rows.rows[555 * 4 + 1]).toBe(99.5);
  });

  it('gives the reference split (445 / 110) and its values', async () => {
    const data = realPendulumDataset(await loadRealPendulum(REAL_FILE));
    expect(data.task).toBe('real-pendulum');
    expect(data.dim).toBe(2);
    expect(data.train.n).toBe(445);
    expect(data.test.n).toBe(110);
    expect(data.train.x.length).toBe(890);
    expect(data.test.dx.length).toBe(220);
    expect(data.config).toEqual({
      source: REAL_FILE,
      sha256: REAL_PENDULUM_SHA256,
      trainFraction: 0.8,
    });
    // Same decimal parsing and the same float64 operations: bit-for-bit equal.
    expect(Array.from(data.train.x.subarray(0, 2))).toEqual(REFERENCE.trainFirstX);
    expect(Array.from(data.train.dx.subarray(0, 2))).toEqual(REFERENCE.trainFirstDx);
    expect(Array.from(data.train.x.subarray(-2))).toEqual(REFERENCE.trainLastX);
    expect(Array.from(data.train.dx.subarray(-2))).toEqual(REFERENCE.trainLastDx);
    expect(Array.from(data.test.x.subarray(0, 2))).toEqual(REFERENCE.testFirstX);
    expect(Array.from(data.test.dx.subarray(0, 2))).toEqual(REFERENCE.testFirstDx);
    expect(Array.from(data.test.x.subarray(-2))).toEqual(REFERENCE.testLastX);
    expect(Array.from(data.test.dx.subarray(-2))).toEqual(REFERENCE.testLastDx);
    expect(sum(data.train.x)).toBeCloseTo(REFERENCE.sumTrainX, 10);
    expect(sum(data.train.dx)).toBeCloseTo(REFERENCE.sumTrainDx, 10);
    expect(sum(data.test.x)).toBeCloseTo(REFERENCE.sumTestX, 10);
    expect(sum(data.test.dx)).toBeCloseTo(REFERENCE.sumTestDx, 10);
  });

  it('keeps the test times: 110 increasing values from 81.0 to 99.1667 s', async () => {
    const { testTimes } = realPendulumDataset(await loadRealPendulum(REAL_FILE));
    expect(testTimes).toBeInstanceOf(Float64Array);
    expect(testTimes.length).toBe(110);
    expect(testTimes[0]).toBe(REFERENCE.testFirstT);
    expect(testTimes[109]).toBe(REFERENCE.testLastT);
    expect(sum(testTimes)).toBeCloseTo(REFERENCE.sumTestT, 9);
    for (let i = 1; i < 110; i++) expect(testTimes[i]!).toBeGreaterThan(testTimes[i - 1]!);
  });

  it('parses an LF copy identically, but its checksum differs unless verification is off', async () => {
    const crlf = await readFile(REAL_FILE, 'latin1');
    expect(crlf).toContain('\r\n');
    const lfPath = await writeTemp('lf.txt', crlf.replace(/\r\n/g, '\n'));
    const err = await loadRealPendulum(lfPath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileChecksumError);
    const e = err as DataFileChecksumError;
    expect(e.expected).toBe(REAL_PENDULUM_SHA256);
    expect(e.actual).toBe(sha256Hex(await readFile(lfPath)));
    expect(e.message).toContain(e.expected);
    expect(e.message).toContain(e.actual);
    expect(e.message).toContain(lfPath);

    const lf = await loadRealPendulum(lfPath, { verifyChecksum: false });
    const orig = await loadRealPendulum(REAL_FILE);
    expect(lf.rows).toEqual(orig.rows);
    expect(lf.names).toEqual(orig.names);
    const a = realPendulumDataset(lf);
    const b = realPendulumDataset(orig);
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect(a.testTimes).toEqual(b.testTimes);
  });

  it('names the line of a field corrupted in the middle of the real file', async () => {
    const lines = (await readFile(REAL_FILE, 'latin1')).split('\r\n');
    lines[299] = lines[299]!.replace(/e-00[0-9]/, 'e-0x1');
    const path = await writeTemp('corrupt.txt', lines.join('\r\n'));
    const err = await loadRealPendulum(path, { verifyChecksum: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LipsonFormatError);
    expect((err as LipsonFormatError).line).toBe(300);
    // The checksum catches it first when verification is on.
    await expect(loadRealPendulum(path)).rejects.toBeInstanceOf(DataFileChecksumError);
  });
});

describe('loadRealPendulum on local files', () => {
  const header = '%o v';
  const row = (t: number, q: number, p: number) => `  0.0e+000  ${t}  ${q}  ${p} `;

  it('tells where to get the file when it is missing', async () => {
    const path = join(dir, 'nowhere', 'real_pend_h_1.txt');
    const err = await loadRealPendulum(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileMissingError);
    const e = err as DataFileMissingError;
    expect(e.file).toBe(path);
    expect(e.message).toContain(path);
    expect(e.message).toContain('hnn-fetch-real-pendulum --out');
    expect(e.message).toContain(REAL_PENDULUM_ENV_VAR);
    expect(e.message).toContain('--real-pendulum-data');
    for (const url of REAL_PENDULUM_SOURCES) expect(e.message).toContain(url);
    expect(e.message).toContain(REAL_PENDULUM_SHA256);
    expect(e.message).not.toContain('\n');
  });

  it.each([
    ['an empty path', () => '', /"" is empty/],
    ['a directory', () => dir, /is a directory, not a file\. Pass --real-pendulum-data/],
  ])('rejects %s with a one-line DataFileUnreadableError naming the fix', async (_w, path, msg) => {
    const err = await loadRealPendulum(path()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileUnreadableError);
    const e = err as DataFileUnreadableError;
    expect(e.file).toBe(path());
    expect(e.message).toMatch(msg);
    expect(e.message).toContain(`${REAL_PENDULUM_ENV_VAR}=PATH`);
    expect(e.message).toContain('hnn-fetch-real-pendulum --out PATH');
    expect(e.message).not.toContain('\n');
  });

  it('points at the data file inside a directory given instead of it', async () => {
    const folder = join(dir, 'folder-with-file');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'real_pend_h_1.txt'), '%o v\n');
    await expect(loadRealPendulum(folder)).rejects.toThrow(
      `did you mean ${join(folder, 'real_pend_h_1.txt')}?`,
    );
  });

  it('checks the checksum by default and accepts a well-formed file with it off', async () => {
    const path = await writeTemp(
      'small.txt',
      [header, row(0, 0.1, 1), row(0.5, 0.2, 0.8)].join('\r\n'),
    );
    await expect(loadRealPendulum(path)).rejects.toBeInstanceOf(DataFileChecksumError);
    const rows = await loadRealPendulum(path, { verifyChecksum: false });
    expect(rows.n).toBe(2);
    expect(rows.sha256).toBe(sha256Hex(await readFile(path)));
  });

  it.each([
    ['equal', [row(5, 0, 0), row(5.5, 0, 0), row(5.5, 0, 0)], 4],
    ['decreasing', [row(5, 0, 0), row(6, 0, 0), row(7, 0, 0), row(6.5, 0, 0)], 5],
  ] as const)('rejects %s times with the line number', async (_kind, rows, line) => {
    const path = await writeTemp('time.txt', [header, ...rows].join('\r\n'));
    const err = await loadRealPendulum(path, { verifyChecksum: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LipsonFormatError);
    expect((err as LipsonFormatError).line).toBe(line);
    expect((err as LipsonFormatError).message).toMatch(
      new RegExp(`^.*time\\.txt:${line}: time \\(column 2\\) must strictly increase`),
    );
  });

  it.each([
    ['a wrong column count', [header, row(0, 1, 2), '0 1 2'], 3, /expected 4 columns/],
    ['six columns throughout', [header, '0 1 2 3 4 5', '0 2 2 3 4 5'], 2, /expected 4 columns/],
    ['a non-numeric field', [header, row(0, 1, 2), row(1, 1, 2).replace('1 ', 'x ')], 3, /"x"/],
    ['NaN', [header, row(0, 1, 2), row(1, 1, 2), '0 2 nan 1'], 4, /"nan"/],
    ['a missing header', [row(0, 1, 2), row(1, 1, 2)], 1, /header/],
    ['an empty file', [''], 1, /empty/],
  ] as const)('rejects %s with the line number', async (_what, lines, line, message) => {
    const path = await writeTemp('bad.txt', lines.join('\n'));
    const err = await loadRealPendulum(path, { verifyChecksum: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LipsonFormatError);
    expect((err as LipsonFormatError).file).toBe(path);
    expect((err as LipsonFormatError).line).toBe(line);
    expect((err as LipsonFormatError).message).toMatch(message);
  });
});

describe('realPendulumDataset', () => {
  // Ten rows with a gap in time: t = 0, 1, ..., 5, 7, 8, 9, 10; theta = t^2, omega = -t.
  const times = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10];
  const text = ['% o v', ...times.map((t) => `0 ${t} ${t * t} ${-t}`)].join('\n');
  const rows: RealPendulumRows = { ...parseLipsonText(text, 'mem'), source: 'mem', sha256: 'x' };

  it('uses forward differences over the actual time gaps and the reference split', () => {
    const data = realPendulumDataset(rows);
    // 9 points: int(9 * 0.8) = 7 train before the test block, int(9 * 0.2) = 1 test, then 1 more.
    expect(data.train.n).toBe(8);
    expect(data.test.n).toBe(1);
    expect(Array.from(data.test.x)).toEqual([64, -8]);
    expect(Array.from(data.testTimes)).toEqual([8]);
    // (81 - 64) / (9 - 8), (-9 + 8) / 1
    expect(Array.from(data.test.dx)).toEqual([17, -1]);
    // Point 5 spans the gap 5 -> 7: (49 - 25) / 2 = 12, (-7 + 5) / 2 = -1.
    expect(Array.from(data.train.dx.subarray(10, 12))).toEqual([12, -1]);
    // The point after the test block (t = 9) is the last training point; t = 10 is dropped.
    expect(Array.from(data.train.x.subarray(-2))).toEqual([81, -9]);
    expect(Array.from(data.train.x.subarray(0, 2))).toEqual([0, 0]);
  });

  it('reproduces the floating-point split sizes of the reference for 555 points', () => {
    const big = Array.from({ length: 556 }, (_, i) => `0 ${i / 6} ${Math.sin(i)} ${Math.cos(i)}`);
    const r = parseLipsonText(['%o v', ...big].join('\n'), 'big');
    const data = realPendulumDataset({ ...r, source: 'big', sha256: '' });
    expect([data.train.n, data.test.n]).toEqual([445, 110]);
    expect(data.testTimes[0]).toBe(444 / 6);
    expect(data.testTimes[109]).toBe(553 / 6);
    const half = realPendulumDataset({ ...r, source: 'big', sha256: '' }, { trainFraction: 0.5 });
    expect([half.train.n, half.test.n]).toEqual([278, 277]);
    expect(half.config.trainFraction).toBe(0.5);
  });

  it('rejects rows it cannot use', () => {
    expect(() => realPendulumDataset(rows, { trainFraction: 1 })).toThrow(DatasetConfigError);
    const two = parseLipsonText('%\n0 0 1 1\n0 1 1 1\n', 's');
    expect(() => realPendulumDataset({ ...two, source: 's', sha256: '' })).toThrow(/too few/);
    const three = parseLipsonText('%\n0 0 1\n0 1 1\n', 't');
    expect(() => realPendulumDataset({ ...three, source: 't', sha256: '' })).toThrow(
      /needs 4 columns/,
    );
    const back = parseLipsonText('%\n0 0 1 1\n0 2 1 1\n0 1 1 1\n', 'u');
    expect(() => realPendulumDataset({ ...back, source: 'u', sha256: '' })).toThrow(
      /u:4: time \(column 2\) must strictly increase/,
    );
  });
});
