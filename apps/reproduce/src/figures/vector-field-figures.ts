import type { Float64Dynamics } from '@hnn/core';
import {
  idealPendulum,
  linspace,
  massSpring,
  nBodySystem,
  solveOrbit,
  type Dataset,
  type HamiltonianSystem,
} from '@hnn/datasets';
import {
  drawOrbitStarts,
  editEnergy,
  followSymplecticGradient,
  realPendulumEnergy,
} from '@hnn/eval';
import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import type { VectorFieldArtifacts } from './artifacts.js';
import {
  column,
  contourFigure,
  figure,
  phaseSeries,
  sampleGrid,
  type PanelOptions,
  type Series,
} from './charts.js';
import { writeEnergyEditing } from './energy-editing-figure.js';
import { writeVega, writeVegaLite, type WrittenFigure } from './render.js';

const TRUTH = 'Ground truth';
const BASELINE = 'Baseline NN';
const HNN = 'Hamiltonian NN';

const odeOf =
  (f: Float64Dynamics['timeDerivative']): OdeFunction =>
  (_t, y, out) =>
    f(y, out);

/** Rollout for a figure: like the metrics' but a blow-up keeps the states reached so far. */
function path(field: OdeFunction, x0: ArrayLike<number>, ts: Float64Array): Float64Array[] {
  return solveDopri5(field, [ts[0]!, ts[ts.length - 1]!], x0, {
    tEval: ts,
    rtol: 1e-9,
    atol: 1e-9,
    maxSteps: 200_000,
  }).ys;
}

/** A 2-d task's Figure 2 ingredients: rollouts of truth and models and their energies. */
interface OscillatorRollouts {
  readonly title: string;
  readonly ts: Float64Array;
  readonly truth: Float64Array[];
  /** The truth is drawn as points (measurements) rather than a line. */
  readonly truthIsMeasured: boolean;
  readonly baseline: Float64Array[];
  readonly hnn: Float64Array[];
  readonly energy: (x: Float64Array) => number;
  readonly energyLabel: string;
}

const OSCILLATORS: Readonly<
  Record<'mass-spring' | 'pendulum', { system: HamiltonianSystem; title: string; x0: number[] }>
> = {
  // Start points in the middle of each training set's energy band.
  'mass-spring': { system: massSpring, title: 'Ideal mass-spring', x0: [0.75, 0] },
  pendulum: { system: idealPendulum, title: 'Ideal pendulum', x0: [1.8, 0] },
};

function oscillatorRollouts(a: VectorFieldArtifacts): OscillatorRollouts {
  if (a.task === 'real-pendulum') {
    const data = a.data as Dataset & { testTimes?: Float64Array };
    const times = data.testTimes;
    if (!times)
      throw new Error('the real-pendulum figures need the dataset from realPendulumDataset');
    const ts = times.map((t) => t - times[0]!);
    const truth = Array.from({ length: data.test.n }, (_, k) =>
      data.test.x.slice(2 * k, 2 * k + 2),
    );
    const x0 = truth[0]!;
    return {
      title: 'Real pendulum',
      ts,
      truth,
      truthIsMeasured: true,
      baseline: path(odeOf(a.baseline.timeDerivative), x0, ts),
      hnn: path(odeOf(a.hnn.timeDerivative), x0, ts),
      energy: (x) => realPendulumEnergy(x[0]!, x[1]!),
      energyLabel: 'E = 2.4(1 − cos q) + p²',
    };
  }
  if (a.task !== 'mass-spring' && a.task !== 'pendulum') throw new Error(`${a.task} is not 2-d`);
  const { system, title, x0 } = OSCILLATORS[a.task];
  const ts = linspace(0, 20, 400);
  return {
    title,
    ts,
    truth: path((t, y, out) => system.timeDerivative(t, y, out), x0, ts),
    truthIsMeasured: false,
    baseline: path(odeOf(a.baseline.timeDerivative), x0, ts),
    hnn: path(odeOf(a.hnn.timeDerivative), x0, ts),
    energy: (x) => system.hamiltonian(x),
    energyLabel: a.task === 'mass-spring' ? 'H = q² + p²' : 'H = 3(1 − cos q) + p²',
  };
}

/** Figure 2, one row: predictions, coordinate MSE, HNN-conserved quantity, total energy. */
async function figure2Row(
  a: VectorFieldArtifacts,
  r: OscillatorRollouts,
  dir: string,
): Promise<WrittenFigure> {
  const H = a.hnn.hamiltonian;
  if (!H) throw new Error('the HNN snapshot has no Hamiltonian');
  const t = Array.from(r.ts);
  const overTime = (
    name: string,
    states: readonly Float64Array[],
    f: (x: Float64Array) => number,
  ) => ({ name, x: t.slice(0, states.length), y: states.map(f) }) satisfies Series;
  const coordMse = (name: string, states: readonly Float64Array[]): Series => ({
    name,
    x: t.slice(0, states.length),
    y: states.map((s, k) => ((s[0]! - r.truth[k]![0]!) ** 2 + (s[1]! - r.truth[k]![1]!) ** 2) / 2),
  });
  const truthKind = r.truthIsMeasured ? 'points' : undefined;
  const panels: PanelOptions[] = [
    {
      title: 'Predictions',
      xTitle: 'q',
      yTitle: 'p',
      square: true,
      series: [
        phaseSeries(TRUTH, r.truth, truthKind),
        phaseSeries(BASELINE, r.baseline),
        phaseSeries(HNN, r.hnn),
      ],
    },
    {
      title: 'MSE between coordinates',
      xTitle: 'time',
      yTitle: 'MSE',
      series: [coordMse(BASELINE, r.baseline), coordMse(HNN, r.hnn)],
    },
    {
      title: 'Total HNN-conserved quantity',
      xTitle: 'time',
      yTitle: 'learned H',
      series: [
        { ...overTime(TRUTH, r.truth, H), ...(truthKind ? { kind: truthKind } : {}) },
        overTime(BASELINE, r.baseline, H),
        overTime(HNN, r.hnn, H),
      ],
    },
    {
      title: 'Total energy',
      xTitle: 'time',
      yTitle: r.energyLabel,
      series: [
        { ...overTime(TRUTH, r.truth, r.energy), ...(truthKind ? { kind: truthKind } : {}) },
        overTime(BASELINE, r.baseline, r.energy),
        overTime(HNN, r.hnn, r.energy),
      ],
    },
  ];
  return writeVegaLite(
    dir,
    `figure-2-${a.task}`,
    figure(`Figure 2 — ${r.title}`, panels, {
      subtitle: 'truth, baseline and HNN rolled out from the same start',
    }),
  );
}

/** Figure 1: noisy observations, the true trajectory, and each model's rollout in phase space. */
async function figure1(
  a: VectorFieldArtifacts,
  r: OscillatorRollouts,
  dir: string,
): Promise<WrittenFigure> {
  const obs = a.data.train;
  const observations: Series = {
    name: 'Observations',
    x: Array.from({ length: obs.n }, (_, k) => obs.x[2 * k]!),
    y: Array.from({ length: obs.n }, (_, k) => obs.x[2 * k + 1]!),
    kind: 'points',
  };
  const truth = phaseSeries(TRUTH, r.truth);
  return writeVegaLite(
    dir,
    'figure-1-mass-spring',
    figure(
      'Figure 1 — learning the Hamiltonian of a mass-spring system',
      [
        {
          title: 'Noisy observations',
          xTitle: 'q',
          yTitle: 'p',
          square: true,
          series: [observations, truth],
        },
        {
          title: 'Baseline NN prediction',
          xTitle: 'q',
          yTitle: 'p',
          square: true,
          series: [truth, phaseSeries(BASELINE, r.baseline)],
        },
        {
          title: 'Hamiltonian NN prediction',
          xTitle: 'q',
          yTitle: 'p',
          square: true,
          series: [truth, phaseSeries(HNN, r.hnn)],
        },
      ],
      {
        subtitle: `training points (σ = 0.1 noise) and rollouts from (q, p) = (${r.truth[0]![0]}, ${r.truth[0]![1]}) over t ∈ [0, 20]`,
      },
    ),
  );
}

function dataBox(data: Dataset, margin = 0.15): { x: [number, number]; y: [number, number] } {
  let q0 = Infinity;
  let q1 = -Infinity;
  let p0 = Infinity;
  let p1 = -Infinity;
  for (let k = 0; k < data.train.n; k++) {
    const q = data.train.x[2 * k]!;
    const p = data.train.x[2 * k + 1]!;
    q0 = Math.min(q0, q);
    q1 = Math.max(q1, q);
    p0 = Math.min(p0, p);
    p1 = Math.max(p1, p);
  }
  const mq = (q1 - q0) * margin;
  const mp = (p1 - p0) * margin;
  return { x: [q0 - mq, q1 + mq], y: [p0 - mp, p1 + mp] };
}

/** The learned H beside the true one over the data's region of phase space. */
async function contours(
  a: VectorFieldArtifacts,
  r: OscillatorRollouts,
  dir: string,
): Promise<WrittenFigure> {
  const H = a.hnn.hamiltonian!;
  const box = dataBox(a.data);
  const x = new Float64Array(2);
  const at = (f: (x: Float64Array) => number) => (q: number, p: number) => {
    x[0] = q;
    x[1] = p;
    return f(x);
  };
  // At most ~400 observations: enough to show where the data is, a smaller SVG.
  const stride = Math.max(1, Math.ceil(a.data.train.n / 400));
  const picks = Array.from({ length: Math.ceil(a.data.train.n / stride) }, (_, k) => k * stride);
  const obs: Series = {
    name: 'Observations',
    x: picks.map((k) => a.data.train.x[2 * k]!),
    y: picks.map((k) => a.data.train.x[2 * k + 1]!),
    kind: 'points',
  };
  const hnnPath = phaseSeries(HNN, r.hnn);
  return writeVega(
    dir,
    `hamiltonian-${a.task}`,
    contourFigure(
      `${r.title}: learned H beside the true H`,
      [
        {
          title: `True ${r.energyLabel}`,
          grid: sampleGrid(at(r.energy), box),
          xTitle: 'q',
          yTitle: 'p',
          overlays: [obs],
        },
        {
          title: 'Learned H (HNN)',
          grid: sampleGrid(at(H), box),
          xTitle: 'q',
          yTitle: 'p',
          overlays: [obs, hnnPath],
        },
      ],
      { subtitle: 'each panel has its own colour levels: H is learned only up to a constant' },
    ),
  );
}

/**
 * Figure 5 in the mass-spring model: the symplectic gradient at low H, the Riemannian gradient
 * adding a fixed amount of learned H, then the symplectic gradient at the higher level.
 */
async function figure5Spring(a: VectorFieldArtifacts, dir: string): Promise<WrittenFigure> {
  const field = a.hnn.timeDerivative;
  const H = a.hnn.hamiltonian!;
  // A little over one period (pi for the true spring) so each level set closes.
  const low = followSymplecticGradient(field, [0.35, 0], 3.5, { points: 120 });
  const target = H(new Float64Array([0.85, 0])) - H(new Float64Array([0.35, 0]));
  const bump = editEnergy(field, low.states.at(-1)!, target, { points: 60 });
  const high = followSymplecticGradient(field, bump.states.at(-1)!, 3.5, { points: 120 });
  return writeEnergyEditing(dir, 'figure-5-mass-spring', 'mass-spring HNN, phase space (q, p)', {
    H,
    trueH: (x) => massSpring.hamiltonian(x),
    low,
    bump,
    high,
    box: { x: [-1.1, 1.1], y: [-1.1, 1.1] },
    axes: ['q', 'p'],
  });
}

/** Figure 3 (two-body) and Figure B.1 (three-body): an orbit per model and the total energy. */
async function orbitFigure(a: VectorFieldArtifacts, dir: string): Promise<WrittenFigure> {
  const nbodies = a.task === 'two-body' ? 2 : 3;
  const system = nBodySystem(nbodies);
  const x0 = drawOrbitStarts(nbodies, a.seed, 1)[0]!;
  const tEnd = nbodies === 2 ? 20 : 5;
  const ts = linspace(0, tEnd, 400);
  const tols = { rtol: 1e-9, atol: 1e-6 };
  const orbit = (f: OdeFunction) => solveOrbit(f, nbodies, x0, ts, tols).states;
  const truth = orbit((t, y, out) => system.timeDerivative(t, y, out));
  const baseline = orbit(odeOf(a.baseline.timeDerivative));
  const hnn = orbit(odeOf(a.hnn.timeDerivative));
  // Canonical layout [qx1..qxn, qy1..qyn, px.., py..].
  const bodies = (name: string, states: Float64Array[]): Series[] =>
    Array.from({ length: nbodies }, (_, b) => ({
      name,
      group: b,
      x: column(states, b),
      y: column(states, nbodies + b),
    }));
  const t = Array.from(ts);
  const energy = (name: string, states: Float64Array[]): Series => ({
    name,
    x: t.slice(0, states.length),
    y: states.map((s) => system.hamiltonian(s)),
  });
  // One square window for the three orbit panels: it shows every path, so a model orbit that
  // drifts outward is seen drifting, but stops at 3x the true orbit so one that flies off does
  // not shrink the others to a dot.
  const reachOf = (states: Float64Array[]) => {
    let r = 0;
    for (const s of states) for (let i = 0; i < 2 * nbodies; i++) r = Math.max(r, Math.abs(s[i]!));
    return r;
  };
  const trueReach = reachOf(truth);
  const reach = Math.min(3 * trueReach, Math.max(trueReach, reachOf(baseline), reachOf(hnn)));
  const window: [number, number] = [-1.15 * reach, 1.15 * reach];
  const orbitPanel = (title: string, series: Series[]): PanelOptions => ({
    title,
    xTitle: 'x',
    yTitle: 'y',
    square: true,
    domain: { x: window, y: window },
    width: 200,
    series,
  });
  const isTwo = nbodies === 2;
  return writeVegaLite(
    dir,
    isTwo ? 'figure-3-two-body' : 'figure-b1-three-body',
    figure(
      isTwo ? 'Figure 3 — an example two-body orbit' : 'Figure B.1 — three-body orbits',
      [
        orbitPanel('Ground truth', bodies(TRUTH, truth)),
        orbitPanel('Baseline NN', bodies(BASELINE, baseline)),
        orbitPanel('Hamiltonian NN', bodies(HNN, hnn)),
        {
          title: 'Total energy',
          xTitle: 'time',
          yTitle: 'Σ|p|²/2 − Σ 1/r',
          width: 240,
          height: 200,
          series: [energy(TRUTH, truth), energy(BASELINE, baseline), energy(HNN, hnn)],
        },
      ],
      {
        subtitle:
          `body positions, t ∈ [0, ${tEnd}], start = the energy metric's trial 0` +
          (baseline.length < ts.length || hnn.length < ts.length
            ? ' (a model blew up: its path ends early)'
            : ''),
      },
    ),
  );
}

/** Every figure of a (state, derivative) task; ~0.5 s each. */
export async function vectorFieldFigures(
  a: VectorFieldArtifacts,
  dir: string,
): Promise<WrittenFigure[]> {
  if (a.task === 'two-body' || a.task === 'three-body') return [await orbitFigure(a, dir)];
  const r = oscillatorRollouts(a);
  const written = [await figure2Row(a, r, dir), await contours(a, r, dir)];
  if (a.task === 'mass-spring') {
    written.unshift(await figure1(a, r, dir));
    written.push(await figure5Spring(a, dir));
  }
  return written;
}
