import type { TopLevelSpec } from 'vega-lite';
import { realPendulumEnergy } from '@hnn/eval';
import { solveDopri5, type OdeFunction } from '@hnn/integrators';
import type { BeyondArtifacts } from '../beyond/run.js';
import { column, figure, phaseSeries, type Series } from './charts.js';
import { writeVegaLite, type WrittenFigure } from './render.js';

/** Arrow length per unit of the field: the analytic field reaches ~5 at the grid's corners. */
const ARROW_SCALE = 0.04;

interface Arrow {
  readonly row: string;
  readonly col: string;
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
}

const round = (v: number) => Number(v.toPrecision(5));

/**
 * The D-HNN paper's Figure-1 style: quivers of the total field, J∇H and ∇D, analytic (top) and
 * learned (bottom), over the whole grid (train and test points).
 */
export function dampedSpringSpec(
  a: Extract<BeyondArtifacts, { task: 'damped-spring' }>,
): TopLevelSpec {
  const cols = ['Field', 'Conservative J∇H', 'Dissipative ∇D'];
  const arrows: Arrow[] = [];
  const out = new Float64Array(2);
  const push = (row: string, col: string, q: number, p: number, u: number, v: number) =>
    arrows.push({
      row,
      col,
      x: round(q),
      y: round(p),
      x2: round(q + ARROW_SCALE * u),
      y2: round(p + ARROW_SCALE * v),
    });
  for (const split of [a.data.train, a.data.test]) {
    for (let r = 0; r < split.n; r++) {
      const q = split.x[2 * r]!;
      const p = split.x[2 * r + 1]!;
      const s = split.x.subarray(2 * r, 2 * r + 2);
      push('Analytic', cols[0]!, q, p, split.dx[2 * r]!, split.dx[2 * r + 1]!);
      push('Analytic', cols[1]!, q, p, split.conservative[2 * r]!, split.conservative[2 * r + 1]!);
      push('Analytic', cols[2]!, q, p, split.dissipative[2 * r]!, split.dissipative[2 * r + 1]!);
      a.dhnn.timeDerivative(s, out);
      push('D-HNN', cols[0]!, q, p, out[0]!, out[1]!);
      a.dhnn.conservative(s, out);
      push('D-HNN', cols[1]!, q, p, out[0]!, out[1]!);
      a.dhnn.dissipative(s, out);
      push('D-HNN', cols[2]!, q, p, out[0]!, out[1]!);
    }
  }
  const range = [-1.45, 1.45];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Damped mass-spring: the field and its two parts',
      subtitle: `analytic (top) and the D-HNN's (bottom), seed ${a.seed}`,
      fontSize: 15,
      anchor: 'start',
    },
    background: 'white',
    padding: 12,
    data: { values: arrows },
    facet: {
      row: { field: 'row', type: 'nominal', title: null, sort: ['Analytic', 'D-HNN'] },
      column: { field: 'col', type: 'nominal', title: null, sort: cols },
    },
    spec: {
      width: 210,
      height: 210,
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 1, color: '#2a6fdb', clip: true },
          encoding: {
            x: {
              field: 'x',
              type: 'quantitative',
              title: 'q',
              scale: { domain: range, nice: false },
            },
            y: {
              field: 'y',
              type: 'quantitative',
              title: 'p',
              scale: { domain: range, nice: false },
            },
            x2: { field: 'x2' },
            y2: { field: 'y2' },
          },
        },
        {
          mark: { type: 'circle', size: 5, color: '#222222', opacity: 0.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
          },
        },
      ],
    },
    config: { font: 'DejaVu Sans', axis: { labelFontSize: 10, titleFontSize: 11 } },
  };
}

/** Rollout for a figure: a blow-up keeps the states reached so far. */
function path(field: OdeFunction, x0: ArrayLike<number>, ts: Float64Array): Float64Array[] {
  return solveDopri5(field, [ts[0]!, ts[ts.length - 1]!], x0, {
    tEval: ts,
    rtol: 1e-9,
    atol: 1e-9,
    maxSteps: 200_000,
  }).ys;
}

/** Energy over the test segment and the phase portrait: measured, MLP, HNN, D-HNN. */
export function realPendulumSpec(
  a: Extract<BeyondArtifacts, { task: 'real-pendulum-dhnn' }>,
): TopLevelSpec {
  const { data } = a;
  const t0 = data.testTimes[0]!;
  const ts = data.testTimes.map((t) => t - t0);
  const truth = Array.from({ length: data.test.n }, (_, k) => data.test.x.slice(2 * k, 2 * k + 2));
  const x0 = truth[0]!;
  const models: [string, Float64Array[]][] = [
    ['Baseline NN', path((_t, y, out) => a.mlp.timeDerivative(y, out), x0, ts)],
    ['Hamiltonian NN', path((_t, y, out) => a.hnn.timeDerivative(y, out), x0, ts)],
    ['Dissipative HNN', path((_t, y, out) => a.dhnn.timeDerivative(y, out), x0, ts)],
  ];
  const energy = (states: readonly Float64Array[]) =>
    states.map((s) => realPendulumEnergy(s[0]!, s[1]!));
  const energySeries: Series[] = [
    { name: 'Measured', x: ts, y: energy(truth), kind: 'points' },
    ...models.map(([name, ys]) => ({ name, x: ts.slice(0, ys.length), y: energy(ys) })),
  ];
  const phase: Series[] = [
    phaseSeries('Measured', truth, 'points'),
    ...models.map(([name, ys]) => ({ name, x: column(ys, 0), y: column(ys, 1) })),
  ];
  return figure(
    'Real pendulum: the D-HNN follows the measured energy decay',
    [
      {
        title: 'Energy',
        xTitle: 'time since the first test state (s)',
        yTitle: 'E = 2.4(1 − cos q) + p²',
        series: energySeries,
        width: 320,
      },
      { title: 'Phase space', xTitle: 'q', yTitle: 'p', series: phase, square: true },
    ],
    {
      subtitle: `test segment of the D-HNN protocol, rolled out from its first state, seed ${a.seed}`,
    },
  );
}

/** Writes this section's figure for a trained task. */
export async function beyondFigures(a: BeyondArtifacts, dir: string): Promise<WrittenFigure[]> {
  return a.task === 'damped-spring'
    ? [await writeVegaLite(dir, 'beyond-damped-spring', dampedSpringSpec(a))]
    : [await writeVegaLite(dir, 'beyond-real-pendulum-energy', realPendulumSpec(a))];
}
