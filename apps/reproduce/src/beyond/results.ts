import { join } from 'node:path';
import { readResultsJson, withResultsLock } from '../results.js';
import { writeFileAtomic } from '../write-atomic.js';
import {
  BEYOND_MODELS,
  BEYOND_TASK_IDS,
  type BeyondModel,
  type BeyondRow,
  type BeyondTaskId,
} from './run.js';

/** beyond.json: the "Beyond the paper" rows, one per (task, seed), kept apart from table1.json. */
export interface BeyondTable {
  readonly generatedAt: string;
  readonly rows: readonly BeyondRow[];
}

export const BEYOND_FILE = 'beyond.json';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function problem(parsed: unknown): string | null {
  if (!isObject(parsed) || !Array.isArray(parsed.rows)) return 'no "rows" array';
  for (const [i, row] of (parsed.rows as unknown[]).entries()) {
    if (!isObject(row)) return `rows[${i}] is not an object`;
    if (!(BEYOND_TASK_IDS as readonly unknown[]).includes(row.task)) {
      return `rows[${i}].task is not one of ${BEYOND_TASK_IDS.join(', ')}`;
    }
    if (typeof row.seed !== 'number') return `rows[${i}].seed is not a number`;
    if (!isObject(row.models)) return `rows[${i}].models is not an object`;
    for (const m of BEYOND_MODELS) {
      if (!isObject(row.models[m])) return `rows[${i}].models.${m} is not an object`;
    }
  }
  return null;
}

/** Reads beyond.json; null when there is none. A malformed one is reported, never overwritten. */
export function readBeyond(path: string): Promise<BeyondTable | null> {
  return readResultsJson<BeyondTable>(path, BEYOND_FILE, problem);
}

/** Merges rows into beyond.json by (task, seed), under the results lock shared with table1.json. */
export async function saveBeyondRows(
  dir: string,
  rows: readonly BeyondRow[],
): Promise<BeyondTable> {
  return withResultsLock(dir, async () => {
    const path = join(dir, BEYOND_FILE);
    const existing = await readBeyond(path);
    const byKey = new Map<string, BeyondRow>();
    for (const r of [...(existing?.rows ?? []), ...rows]) byKey.set(`${r.task}#${r.seed}`, r);
    const merged = [...byKey.values()].sort(
      (a, b) =>
        BEYOND_TASK_IDS.indexOf(a.task) - BEYOND_TASK_IDS.indexOf(b.task) || a.seed - b.seed,
    );
    const table = { generatedAt: new Date().toISOString(), rows: merged };
    await writeFileAtomic(path, `${JSON.stringify(table, null, 2)}\n`);
    return table;
  });
}

/**
 * The D-HNN paper's numbers, as its notebooks print them (greydanus/dissipative_hnns, one run with
 * seed 42 each): analyze_realpend.ipynb's "Quantitative analysis" cell (energy MSE, ± = std /
 * sqrt(n) over the test points) and analyze_dampedspring.ipynb's print_stats cell (test loss, mean
 * of the last 5 evaluations). The notebooks report no part-wise errors for the damped spring.
 */
export const DHNN_PAPER: {
  readonly realPendulumEnergy: Readonly<Record<BeyondModel, { mean: number; se: number }>>;
  readonly dampedSpringTestLoss: Readonly<Record<BeyondModel, number>>;
} = {
  realPendulumEnergy: {
    mlp: { mean: 1.167e-3, se: 1.06e-4 },
    hnn: { mean: 1.0177e-2, se: 7.95e-4 },
    dhnn: { mean: 1.0675e-3, se: 1.06e-4 },
  },
  dampedSpringTestLoss: { mlp: 9.86e-5, hnn: 6.26e-1, dhnn: 5.75e-5 },
};

const NAMES: Readonly<Record<BeyondModel, string>> = { mlp: 'MLP', hnn: 'HNN', dhnn: 'D-HNN' };

const sci = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

/** Across-seed mean ± sample sd (as Table 1), and the per-seed values. */
export function acrossSeeds(values: readonly number[]): { cell: string; perSeed: string } {
  const n = values.length;
  if (n === 0) return { cell: '—', perSeed: '—' };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return {
    cell: n > 1 ? `${sci(mean)} ± ${sci(sd)}` : sci(mean),
    perSeed: values.map(sci).join(', '),
  };
}

const rowsOf = (table: BeyondTable, task: BeyondTaskId) =>
  table.rows.filter((r) => r.task === task);

function values(rows: readonly BeyondRow[], pick: (r: BeyondRow) => number | null): number[] {
  return rows.map(pick).filter((v): v is number => v !== null && Number.isFinite(v));
}

/** The damped-spring table: test loss and part-wise MSE per model across seeds. */
function dampedSpringMarkdown(rows: readonly BeyondRow[]): string[] {
  if (rows.length === 0) return [];
  const seeds = rows.map((r) => r.seed).join(', ');
  const lines = [
    `**Damped mass-spring** (analytic field on a 25 × 25 grid over [−1.2, 1.2]², ρ = 2; ` +
      `${rows.length} seed${rows.length > 1 ? 's' : ''}: ${seeds}; MSE on the held-out 15% of the grid, ` +
      'across-seed mean ± sd)',
    '',
    '| Model | Field MSE | Conservative part MSE | Dissipative part MSE | D-HNN notebook: test loss (seed 42) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const m of BEYOND_MODELS) {
    const cell = (pick: (r: BeyondRow) => number | null) => {
      const v = values(rows, pick);
      return v.length === 0 ? '— (no parts)' : acrossSeeds(v).cell;
    };
    lines.push(
      `| ${NAMES[m]} | ${cell((r) => r.models[m].fieldMse)} | ` +
        `${cell((r) => r.models[m].conservativeMse)} | ${cell((r) => r.models[m].dissipativeMse)} | ` +
        `${sci(DHNN_PAPER.dampedSpringTestLoss[m])} |`,
    );
  }
  return lines;
}

/**
 * What the D-HNN's part-wise errors are made of, from the rows: when both part errors are far
 * above the field error and about equal, one field was moved from one part to the other.
 */
function partsSentence(rows: readonly BeyondRow[]): string[] {
  const mean = (pick: (r: BeyondRow) => number | null) => {
    const v = values(rows, pick);
    return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
  };
  const field = mean((r) => r.models.dhnn.fieldMse);
  const cons = mean((r) => r.models.dhnn.conservativeMse);
  const diss = mean((r) => r.models.dhnn.dissipativeMse);
  if (field === null || cons === null || diss === null) return [];
  return [
    `The D-HNN fits the whole field to ${sci(field)} (mean over seeds) while each part is off by ` +
      `${sci(cons)} (conservative) and ${sci(diss)} (dissipative): ` +
      (Math.min(cons, diss) > 100 * field && Math.abs(cons - diss) < 0.2 * Math.max(cons, diss)
        ? 'two nearly equal errors that cancel in the sum, i.e. one field moved from one part to the other.'
        : 'see below for what the parts can and cannot tell.'),
    '',
  ];
}

/** The real-pendulum table: energy MSE per model across seeds beside the D-HNN paper. */
function realPendulumMarkdown(rows: readonly BeyondRow[]): string[] {
  if (rows.length === 0) return [];
  const seeds = rows.map((r) => r.seed).join(', ');
  const lines = [
    `**Real pendulum** (Schmidt & Lipson's measurements, prepared as the D-HNN code does; ` +
      `${rows.length} seed${rows.length > 1 ? 's' : ''}: ${seeds}; energy MSE as analyze_realpend.ipynb ` +
      'measures it, across-seed mean ± sd)',
    '',
    '| Model | Energy MSE | Per seed | Test loss | D-HNN paper: energy MSE |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const m of BEYOND_MODELS) {
    const e = acrossSeeds(values(rows, (r) => r.models[m].energyMse?.mean ?? null));
    const t = acrossSeeds(values(rows, (r) => r.models[m].testLoss.mean));
    const p = DHNN_PAPER.realPendulumEnergy[m];
    lines.push(
      `| ${NAMES[m]} | ${e.cell} | ${e.perSeed} | ${t.cell} | ${sci(p.mean)} ± ${sci(p.se)} |`,
    );
  }
  return lines;
}

/** Across-seed mean of one model's energy MSE on the real pendulum, or null without rows. */
export function meanEnergy(table: BeyondTable, m: BeyondModel): number | null {
  const v = values(rowsOf(table, 'real-pendulum-dhnn'), (r) => r.models[m].energyMse?.mean ?? null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

/** One sentence comparing the D-HNN's real-pendulum energy MSE with the HNN's, from the rows. */
export function realPendulumVerdict(table: BeyondTable): string | null {
  const d = meanEnergy(table, 'dhnn');
  const h = meanEnergy(table, 'hnn');
  const b = meanEnergy(table, 'mlp');
  if (d === null || h === null || b === null) return null;
  return (
    `On the real pendulum the D-HNN's mean energy MSE is ${(d / h).toPrecision(2)} × the HNN's ` +
    `and ${(d / b).toPrecision(2)} × the MLP's (across-seed means).`
  );
}

/** The figures of this section that exist in `files`, with captions. */
export const BEYOND_FIGURES = [
  {
    file: 'beyond-damped-spring.png',
    task: 'damped-spring',
    title: 'The damped spring decomposed: analytic parts and the D-HNN’s',
    caption:
      'Top: the training field and its analytic parts, J∇H for H = q² + p² and ∇D for D = −ρq²/2. ' +
      'Below: the D-HNN’s total field, its J∇H and its ∇D, on the same 25 × 25 grid (first seed). ' +
      'Each arrow starts at its grid point (dot) and is scaled by 0.04.',
  },
  {
    file: 'beyond-real-pendulum-energy.png',
    task: 'real-pendulum-dhnn',
    title: 'Real pendulum: energy over the test segment',
    caption:
      'E = 2.4(1 − cos q) + p² of the measured test states (points) and of each model rolled out ' +
      'from the first of them (first seed). Friction drains the measured energy; the HNN conserves ' +
      'its learned H by construction, while the D-HNN’s ∇D can take energy out.',
  },
] as const;

/** The "Beyond the paper" section of REPORT.md, from beyond.json; [] when it has no rows. */
export function renderBeyondMarkdown(
  table: BeyondTable | null,
  figures: ReadonlySet<string>,
): string[] {
  if (table === null || table.rows.length === 0) return [];
  const verdict = realPendulumVerdict(table);
  const present = BEYOND_FIGURES.filter((f) => figures.has(f.file));
  const settings = table.rows[0]?.settings;
  return [
    '## Beyond the paper: dissipative HNNs',
    '',
    'The paper names its own limit: the real pendulum loses energy to friction and an HNN cannot. ' +
      "Its authors' follow-up, *Dissipative Hamiltonian Neural Networks* (Sosanya & Greydanus 2022, " +
      'code at greydanus/dissipative_hnns), learns two scalars, H and a Rayleigh dissipation ' +
      'function D, and predicts J∇H + ∇D (`createDhnn` in @hnn/core). These rows are theirs, not ' +
      "Table 1's: trained at the D-HNN code's settings (hidden width 256, minibatch 128, 5000 " +
      'steps, no weight decay; learning rate 1e-3 for the spring and 5e-3 for the pendulum) with ' +
      "this library's MLP for all three models. Written to `beyond.json` by " +
      '`pnpm turbo run reproduce -- --tasks damped-spring,real-pendulum-dhnn`.' +
      (settings ? ` Bias initialisation: ${settings.biasInit}.` : ''),
    '',
    ...dampedSpringMarkdown(rowsOf(table, 'damped-spring')),
    '',
    ...partsSentence(rowsOf(table, 'damped-spring')),
    'The split into J∇H + ∇D is unique only up to a field that is both a symplectic gradient and ' +
      'a gradient (constants, (q, −p), (p, q), any harmonic gradient), and no loss on the total ' +
      'field can tell where such a part belongs; the analytic ∇D = (−2q, 0) itself contains one, ' +
      '−(q, −p), beside the pure divergence −(q, p). So the part-wise errors measure how the ' +
      'D-HNN happens to assign that shared part, not only how well it learned. The HNN has no ' +
      'dissipative part: its row is its whole field against J∇H, and zero against ∇D.',
    '',
    ...realPendulumMarkdown(rowsOf(table, 'real-pendulum-dhnn')),
    '',
    ...(verdict === null ? [] : [verdict, '']),
    ...present.flatMap((f) => [
      `### ${f.title}`,
      '',
      `![${f.title}](figures/${f.file})`,
      '',
      f.caption,
      '',
    ]),
  ];
}
