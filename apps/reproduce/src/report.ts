import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  REFERENCE_TWO_BODY_HNN_ENERGY_BY_SEED,
  renderTable1Markdown,
  summariseSeeds,
  type ModelResult,
  type Table1,
} from '@hnn/eval';
import { BEYOND_FILE, readBeyond, renderBeyondMarkdown } from './beyond/results.js';
import { writeFileAtomic } from './write-atomic.js';

/** A figure the report knows how to caption; embedded only if its file exists. */
export interface FigureEntry {
  /** File name inside the figures folder. */
  readonly file: string;
  readonly title: string;
  /** What it shows. */
  readonly caption: string;
  /** Where it differs from the paper's figure, and why. */
  readonly differs: string;
  /** Task whose run (re)generates it. */
  readonly task: string;
}

export const FIGURES: readonly FigureEntry[] = [
  {
    file: 'figure-1-mass-spring.png',
    task: 'mass-spring',
    title: 'Figure 1 — learning the Hamiltonian of a mass-spring system',
    caption:
      'Noisy training observations (σ = 0.1) with the true trajectory, then the baseline and the HNN rolled out from (0.75, 0) over t ∈ [0, 20]. The baseline spirals (model error, not friction); the HNN stays on a closed level set of its learned H.',
    differs:
      "The paper's first panel is a cartoon of the spring; ours starts with the data instead. The start point and horizon are ours (the paper does not give them).",
  },
  {
    file: 'figure-2-mass-spring.png',
    task: 'mass-spring',
    title: 'Figure 2 — ideal mass-spring',
    caption:
      'Predicted trajectories; coordinate MSE against the truth over time; the HNN-conserved quantity (the learned H evaluated along each path); the total energy H = q² + p².',
    differs:
      'The paper draws the three tasks as one 3 × 4 grid; we write one row per task so a run of one task can refresh its row.',
  },
  {
    file: 'figure-2-pendulum.png',
    task: 'pendulum',
    title: 'Figure 2 — ideal pendulum',
    caption: 'As above for H = 3(1 − cos q) + p², from (1.8, 0).',
    differs: 'As above.',
  },
  {
    file: 'figure-2-real-pendulum.png',
    task: 'real-pendulum',
    title: 'Figure 2 — real pendulum',
    caption:
      'The measured test segment (points) and both models rolled out from its first state over the same 18.2 s; energy E = 2.4(1 − cos q) + p² as the reference notebook. The measured energy decays (friction) while the HNN keeps its learned H: the limitation the paper points out.',
    differs: 'Measurements are drawn as points rather than a line.',
  },
  {
    file: 'figure-3-two-body.png',
    task: 'two-body',
    title: 'Figure 3 — an example two-body orbit',
    caption:
      "Body positions from the energy metric's first orbit over t ∈ [0, 20] (truth, baseline, HNN) and the total energy Σ|p|²/2 − Σ1/r along each.",
    differs:
      'The paper plots kinetic, potential and total energy per model; we plot the total energy of all three in one panel.',
  },
  {
    file: 'figure-4-pixel-pendulum.gif',
    task: 'pixel-pendulum',
    title: 'Figure 4 — pixel pendulum, truth | baseline | HNN',
    caption:
      "The held-out trajectory (left) and each model's latent rollout decoded to pixels, one frame per 50 ms of gym time, 200 frames. Frames are the preprocessed 28 × 28 inputs (red minus green channel) drawn dark on white, enlarged 3×.",
    differs:
      'The paper shows still frames at a few times; an animation shows the same comparison at every frame.',
  },
  {
    file: 'figure-4-pixel-pendulum.png',
    task: 'pixel-pendulum',
    title: 'Figure 4 — latent trajectories and energy',
    caption:
      "Each model's latent space (its own autoencoder) with the encoded held-out frames and its rollout; the energy metric's E = 1.9(1 − cos q) + p² after mapping latents to (θ, θ̇/4) with the fitted linear map; the HNN's learned H along its rollout and along the encoded truth.",
    differs:
      "The paper's figure has the frames and one energy plot; the latent-space panels are added.",
  },
  {
    file: 'figure-5-pixel-pendulum.png',
    task: 'pixel-pendulum',
    title: "Figure 5 — energy editing in the pixel model's latent space",
    caption:
      "From the encoded held-out start: the symplectic gradient S_H at low H (blue), the Riemannian gradient R_H raising the learned H to the training data's upper quartile (purple), then S_H at the higher level (red), over contours of the learned H(z). Right: H along the path — flat, rising linearly, flat.",
    differs:
      'The paper integrates R_H for a fixed time; we integrate the normalised R_H/|R_H|² so the change in H is chosen exactly (library function editEnergy).',
  },
  {
    file: 'figure-5-mass-spring.png',
    task: 'mass-spring',
    title: 'Figure 5 — energy editing in the mass-spring model',
    caption:
      'The same three legs in the trained mass-spring HNN: S_H on the level set through (0.35, 0), R_H up to the level of (0.85, 0), S_H again.',
    differs: 'Not in the paper (which shows the pixel model only); added as the easy-to-read case.',
  },
  {
    file: 'figure-b1-three-body.png',
    task: 'three-body',
    title: 'Figure B.1 — three-body orbits',
    caption:
      "Body positions from the energy metric's first configuration over t ∈ [0, 5] and the total energy along truth, baseline and HNN.",
    differs:
      'The appendix figure runs longer; the dataset covers t ∈ [0, 5], beyond which both models are extrapolating chaotic dynamics.',
  },
  {
    file: 'hamiltonian-mass-spring.png',
    task: 'mass-spring',
    title: 'Learned H beside the true H — mass-spring',
    caption:
      "Filled contours over the training data's region; training observations as dots, the HNN rollout on the right.",
    differs: 'Not a figure of the paper.',
  },
  {
    file: 'hamiltonian-pendulum.png',
    task: 'pendulum',
    title: 'Learned H beside the true H — pendulum',
    caption: 'As above.',
    differs: 'Not a figure of the paper.',
  },
  {
    file: 'hamiltonian-real-pendulum.png',
    task: 'real-pendulum',
    title: "Learned H beside the notebook's energy — real pendulum",
    caption: 'As above, against E = 2.4(1 − cos q) + p².',
    differs: 'Not a figure of the paper.',
  },
];

const sci = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toExponential(2);

function reversibilityCell(m: ModelResult): string {
  const r = m.reversibility;
  if (!r) return 'not measured';
  const mean = r.error.mean as number | null;
  const body =
    mean === null || !Number.isFinite(mean)
      ? 'all blew up'
      : `${sci(r.error.mean)} ± ${sci(r.error.se)} (max ${sci(r.max)})`;
  return r.failed > 0 ? `${body}; ${r.failed}/${r.starts} blew up` : body;
}

/** One sentence on which model returns closer, computed from the table (one run = task, seed). */
export function reversibilitySummary(table: Table1): string {
  const measured = table.rows.flatMap((row) => {
    const b = row.baseline.reversibility?.error.mean as number | null | undefined;
    const h = row.hnn.reversibility?.error.mean as number | null | undefined;
    return typeof b === 'number' &&
      typeof h === 'number' &&
      Number.isFinite(b) &&
      Number.isFinite(h)
      ? [{ task: row.task, b, h }]
      : [];
  });
  if (measured.length === 0) return 'No task has a reversibility measurement yet.';
  /** "task (k of n seeds)" for the tasks where `pick` holds on some run, in table order. */
  const byTask = (pick: (m: (typeof measured)[number]) => boolean): string =>
    [...new Set(measured.map((m) => m.task))]
      .flatMap((task) => {
        const runs = measured.filter((m) => m.task === task);
        const k = runs.filter(pick).length;
        if (k === 0) return [];
        return [runs.length === 1 ? task : `${task} (${k} of ${runs.length} seeds)`];
      })
      .join(', ');
  const hnnCloser = measured.filter((m) => m.b > m.h);
  // A return error of exactly zero has no finite ratio; such runs are left out of the factor.
  const ratios = measured.filter((m) => m.b > 0 && m.h > 0).map((m) => m.b / m.h);
  const worst = ratios.length === 0 ? NaN : Math.max(...ratios.map((r) => Math.max(r, 1 / r)));
  const blown = table.rows.filter((r) => (r.baseline.reversibility?.failed ?? 0) > 0);
  const far = (m: (typeof measured)[number]) => m.h > 0 && m.b / m.h >= 100;
  const farTasks = byTask(far);
  return (
    `The HNN returns closer than the baseline on ${hnnCloser.length} of ${measured.length} runs` +
    (hnnCloser.length > 0 ? ` (${byTask((m) => m.b > m.h)})` : '') +
    (Number.isFinite(worst) ? `; the two differ by at most a factor ${worst.toPrecision(2)}` : '') +
    (ratios.length < measured.length
      ? ` (left out: ${byTask((m) => m.b === 0 || m.h === 0)}, where a model came back with an ` +
        'error of exactly zero, e.g. a field that does not move the state)'
      : '') +
    (blown.length > 0
      ? `, and the baseline's rollout blew up on ${[...new Set(blown.map((r) => r.task))].join(', ')}.`
      : '.') +
    (farTasks === '' && blown.length === 0
      ? ' Over these horizons every learned field is retraced to about the solver tolerance, so ' +
        'reversibility does not separate the models the way energy conservation does.'
      : farTasks !== ''
        ? ` On ${farTasks} the baseline's return error is over 100 times ` +
          "the HNN's: its field contracts enough on the way out for the way back to magnify the " +
          'solver error.'
        : '')
  );
}

/** The reversibility table: forward T, back T, |x_back − x0| per task and model. */
export function renderReversibilityMarkdown(table: Table1): string {
  const lines = [
    '| Task | T (each way) | Starts | Baseline: return error | HNN: return error |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const row of table.rows) {
    const r = row.hnn.reversibility ?? row.baseline.reversibility;
    lines.push(
      `| ${row.task} | ${r ? r.T.toPrecision(3) : '—'} | ${r ? r.starts : '—'} | ` +
        `${reversibilityCell(row.baseline)} | ${reversibilityCell(row.hnn)} |`,
    );
  }
  return lines.join('\n');
}

async function listFiles(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return new Set();
  }
}

const WHAT_WENT_WRONG = `## What the reference got wrong, and how we measure it

- **The pendulum's "energy" is not its energy.** The reference notebook scores every model with
  q² + p², also for the pendulum whose Hamiltonian is 3(1 − cos q) + p². Table 1 above gives both:
  the *paper protocol* column reproduces the notebook, the *corrected* column uses the true H.
- **The spring's horizon grows from trial to trial.** The mass-spring notebook stretches the
  models' time by 1.09 *in place*, so trial i integrates the truth to 20·1.09^(i+1) and the models
  to 20·1.09^(i+2), comparing states at different times. The corrected protocol integrates both to
  t = 20; the coordinate MSE is measured only there.
- **"RK4 with tolerance 1e-9" is RK45 at rtol 1e-12, atol 1e-6.** The paper names a fourth-order
  Runge-Kutta; the code calls scipy's \`solve_ivp\` (Dormand–Prince 4(5)) with rtol 1e-12 and the
  default atol 1e-6, which dominates. We use a step-for-step port of that solver with the same
  pair. The reference's \`--use_rk4\` option crashes (no dt) and its RK4 helper returns an
  increment, not a derivative.
- **The pixel-pendulum loss row is x1e5, not x1e3.** We print it at x1e5 (energies stay x1e3).
- **Hamiltonians as coded, not as printed.** The spring's H is q² + p² (Eq. 4 with k = m = 1
  would halve it) and the pendulum's 3(1 − cos q) + p²; we follow the code, which made the data.
- **Reversibility was claimed, not measured.** Section 6 says HNN trajectories are "perfectly
  reversible" because by Liouville's theorem the map (q0, p0) → (q1, p1) is bijective. Every
  smooth ODE's flow map is bijective, the baseline's included, and RK45 is neither symmetric nor
  symplectic, so neither model retraces its path exactly. What a Hamiltonian field does guarantee
  is that the flow preserves phase-space volume: it does not contract on the way out, so the way
  back does not magnify the solver's error. We measure exactly that — integrate forward for T,
  backward for T from the end state, and report |x_back − x0| (table above; rtol = atol = 1e-9,
  the metric's start points). A field that contracts on the way out (the baseline's inward spiral
  in Figure 1) expands on the way back and magnifies the solver's error by as much as it
  contracted — over these horizons only mildly, so both models come back close to the solver's
  tolerance and the table, not the claim, says how different they are.
- **The pixel task no longer runs** (removed scipy functions, the old gym API, a crop that
  depends on the screen size) and the **real-pendulum download link is dead**; we render the gym
  pendulum ourselves with the gym viewer's geometry and read the Schmidt & Lipson file from a path
  you give.
`;

const fmtE = (v: number) => (v * 1e6).toPrecision(3);
const spread = (v: readonly number[]) => (Math.max(...v) / Math.min(...v)).toFixed(1);

function meanSd(values: readonly number[]): string {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return `${fmtE(mean)} (one seed)`;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return `${fmtE(mean)} ± ${fmtE(sd)} (n = ${n})`;
}

/**
 * The two-body row against the reference implementation's own five seeds: whether the HNN energy
 * gap that one seed suggested is there, computed from the table and the re-run's values.
 */
export function twoBodyComparison(table: Pick<Table1, 'rows'>): string[] {
  const summary = summariseSeeds(table.rows).find((s) => s.task === 'two-body');
  const ours = summary?.hnn.energyMse;
  if (summary === undefined || ours === null || ours === undefined) return [];
  const ref = REFERENCE_TWO_BODY_HNN_ENERGY_BY_SEED;
  const sorted = [...ours.values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
  const refSorted = [...ref.torchBiases].sort((a, b) => a - b);
  const refMedian = refSorted[Math.floor((refSorted.length - 1) / 2)] ?? NaN;
  return [
    '### The two-body energy, ours beside the reference across seeds',
    '',
    `Two-body HNN energy MSE (x1e-6), seeds ${summary.seeds.join(', ')}: ours ` +
      `${ours.values.map(fmtE).join(', ')} — mean ± sd ${meanSd(ours.values)}, median ${fmtE(median)}. ` +
      `The reference implementation's own code, re-run here with seeds ${ref.seeds.join(', ')}: ` +
      `${ref.torchBiases.map(fmtE).join(', ')} — ${meanSd(ref.torchBiases)}, median ${fmtE(refMedian)}; ` +
      `with its hidden biases zeroed: ${ref.zeroBiases.map(fmtE).join(', ')} — ${meanSd(ref.zeroBiases)}. ` +
      'The paper prints 39 ± 5 and the reference re-run with seed 0 in our protocol notes gave 28.4.',
    '',
    `Between seeds ours spreads by a factor of ${spread(ours.values)} (largest / smallest) and ` +
      `the reference's by ${spread(ref.torchBiases)}: one seed is not a measurement of this row. ` +
      "Before this library started its biases as the reference does (torch's uniform " +
      '±1/√fan_in; until then they started at zero), our seed-0 two-body HNN gave 165 (x1e-6; ' +
      "the table1.json committed before that change, in this repository's history).",
    '',
  ];
}

/**
 * Rows 1-2's corrected-protocol energy MSE with the models rolled out by RK45 and by the
 * symplectic implicit midpoint rule: how much of each model's energy error was the integrator's.
 */
export function symplecticComparison(table: Pick<Table1, 'rows'>): string[] {
  const lines: string[] = [];
  const differing: string[] = [];
  let worst = 0;
  let closest = 0;
  for (const s of summariseSeeds(table.rows)) {
    for (const kind of ['baseline', 'hnn'] as const) {
      // Rows 1-2: the corrected protocol; the others have one protocol (no quirk to correct).
      const rk45 = s[kind].energyMseCorrected ?? s[kind].energyMse;
      const midpoint = s[kind].energyMseSymplectic;
      if (rk45 === null || midpoint === null) continue;
      const ratio = midpoint.mean / rk45.mean;
      worst = Math.max(worst, Math.abs(ratio - 1));
      if (Math.abs(ratio - 1) > 0.02) {
        differing.push(
          `${s.task} ${kind === 'hnn' ? 'HNN' : 'baseline'} (x${ratio.toPrecision(3)})`,
        );
      } else {
        closest = Math.max(closest, Math.abs(ratio - 1));
      }
      lines.push(
        `| ${s.task} | ${kind === 'hnn' ? 'HNN' : 'Baseline'} | ${s.seeds.length} | ` +
          `${(rk45.mean * s.energyScale).toPrecision(3)} | ${(midpoint.mean * s.energyScale).toPrecision(3)} | ` +
          `${ratio.toPrecision(3)} |`,
      );
    }
  }
  if (lines.length === 0) return [];
  return [
    '### Model error or integrator drift: the energy MSE with a symplectic rollout',
    '',
    "Each model's learned field rolled out once by Dormand–Prince RK45, as the energy columns " +
      'above do, and once by the implicit midpoint rule (symplectic; `solveImplicitMidpoint` in ' +
      '@hnn/integrators, 20 constant steps per output interval); the truth is the same both ' +
      'times. Rows 1-2 use the corrected protocol (RK45 at rtol 1e-12), the real pendulum its ' +
      "notebook's (RK45 at SciPy's default rtol 1e-3 against the measurements), the orbits theirs " +
      "(rtol 1e-9). Across-seed means in the row's energy scale. A ratio near 1 says the model's " +
      'own field makes the energy error; a ratio well below 1 says RK45 added part of it.',
    '',
    '| Task | Model | Seeds | Energy MSE, RK45 | Energy MSE, implicit midpoint | midpoint / RK45 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...lines,
    '',
    differing.length === 0
      ? `The two rollouts' energy MSEs differ by at most ${(100 * worst).toPrecision(2)}% on every row: ` +
        "RK45's own error is negligible next to each model's, and the energy columns measure the " +
        'learned fields, not the integrator.'
      : `On ${differing.join(', ')} the two differ by more than 2%: there RK45's own error at ` +
        "that row's tolerance is part of the energy column (a ratio above 1: RK45's error hid part of the " +
        "model's; below 1: RK45 added to it). On the other rows they differ by at most " +
        `${(100 * closest).toPrecision(2)}%, and the columns measure the learned fields.`,
    '',
  ];
}

/** REPORT.md's strip plots: one per task, a dot per seed beside the paper and the reference. */
function seedStrips(table: Table1, files: ReadonlySet<string>): string[] {
  const tasks = [...new Set(table.rows.map((r) => r.task))].filter((t) =>
    files.has(`seeds-${t}.png`),
  );
  if (tasks.length === 0) return [];
  return [
    '### Every seed beside the paper and the reference re-run',
    '',
    'Test loss and energy MSE (paper protocol) per seed (circles), the paper (diamond) and the ' +
      "reference implementation's own re-run (triangle), scaled as Table 1, on log axes.",
    '',
    ...tasks.flatMap((t) => [`![${t} across seeds](figures/seeds-${t}.png)`, '']),
  ];
}

/**
 * REPORT.md next to table1.json: Table 1 beside the paper, the reversibility table, every figure
 * that exists in `figures/`, and what the reference got wrong. Written atomically.
 */
export async function writeReport(
  dir: string,
  table: Table1,
  options: { quick: boolean },
): Promise<string> {
  const files = await listFiles(join(dir, 'figures'));
  const beyond = renderBeyondMarkdown(await readBeyond(join(dir, BEYOND_FILE)), files);
  const pixelExtras = await listFiles(join(dir, 'pixel-pendulum'));
  const runs = table.rows.map(
    (r) =>
      `${r.task}: ${r.steps} steps, seed ${r.seed}, ${r.backend}, ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
  );
  const present = FIGURES.filter((f) => files.has(f.file));
  const missing = FIGURES.filter((f) => !files.has(f.file));
  const figureSections = present.map(
    (f) =>
      `### ${f.title}\n\n![${f.title}](figures/${f.file})\n\n${f.caption}\n\n*Compared with the paper:* ${f.differs}` +
      (f.file.endsWith('.png') && files.has(f.file.replace(/\.png$/, '.svg'))
        ? ` ([SVG](figures/${f.file.replace(/\.png$/, '.svg')}))`
        : ''),
  );
  const extras = [
    'inputs.png',
    'reconstructions-baseline.png',
    'reconstructions-hnn.png',
    'rollout.png',
  ]
    .filter((f) => pixelExtras.has(f))
    .map((f) => `[${f}](pixel-pendulum/${f})`);
  const md = [
    '# Hamiltonian Neural Networks — reproduction report',
    '',
    `Generated by \`pnpm turbo run reproduce\`${options.quick ? ' (**quick smoke run: too few training steps for the numbers or figures to mean anything**)' : ''}; every number and figure below is rewritten by that command. Rows:`,
    '',
    ...runs.map((r) => `- ${r}`),
    '',
    '## Table 1, ours beside the paper',
    '',
    `Values scaled as in the paper (x1e3 unless the row says otherwise). Seeds in this table: ${table.seeds.join(', ')}.`,
    '',
    renderTable1Markdown(table).trimEnd(),
    '',
    ...seedStrips(table, files),
    ...twoBodyComparison(table),
    ...symplecticComparison(table),
    '## Reversibility (Section 6)',
    '',
    "Each model's learned field integrated forward for T from each of the task's energy-metric start points, then backward for T from where it ended; the table gives |x_back − x0| (Euclidean, in the task's coordinates; pixel pendulum: in each model's latent space), mean ± standard error (max). Dormand–Prince, rtol = atol = 1e-9 both ways.",
    '',
    renderReversibilityMarkdown(table),
    '',
    reversibilitySummary(table),
    '',
    ...beyond,
    '## Figures',
    '',
    ...figureSections.flatMap((s) => [s, '']),
    ...(extras.length > 0
      ? [`Pixel-pendulum inputs and reconstructions: ${extras.join(', ')}.`, '']
      : []),
    ...(missing.length > 0
      ? [
          `Not generated yet (run those tasks): ${missing.map((f) => `${f.file} (${f.task})`).join(', ')}.`,
          '',
        ]
      : []),
    WHAT_WENT_WRONG,
  ].join('\n');
  const path = join(dir, 'REPORT.md');
  await writeFileAtomic(path, md);
  return path;
}
