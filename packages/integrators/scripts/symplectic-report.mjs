// Prints the numbers behind the README's "Which integrator" section: convergence orders by step
// halving, energy error over 10^5 steps against RK4/Dormand–Prince at equal cost, return error
// after a forward-backward run, and time per run. Runs on the built package:
//   pnpm --filter @hnn/integrators build && node packages/integrators/scripts/symplectic-report.mjs
// The tests in src/*.test.ts assert on the same quantities; this script only reports them.
import { log } from 'node:console';
import { performance } from 'node:perf_hooks';
import {
  solveDopri5,
  solveImplicitMidpoint,
  solveLeapfrog,
  solveRk4,
  solveYoshida4,
} from '@hnn/integrators';

/** @typedef {import('@hnn/integrators').OdeFunction} OdeFunction */
/** @typedef {import('@hnn/integrators').OdeSolution} OdeSolution */
/** @typedef {import('@hnn/integrators').SeparableHamiltonian} SeparableHamiltonian */
/** @typedef {(y: ArrayLike<number>) => number} Energy */

/** @param {ArrayLike<number>} v @param {number} i */
const at = (v, i) => /** @type {number} */ (v[i]);

/** H = q² + p². @type {SeparableHamiltonian} */
const harmonicTerms = {
  dTdp: (p, o) => void (o[0] = 2 * at(p, 0)),
  dVdq: (q, o) => void (o[0] = 2 * at(q, 0)),
};
/** @type {OdeFunction} */
const harmonic = (_t, y, o) => {
  o[0] = 2 * at(y, 1);
  o[1] = -2 * at(y, 0);
};
/** The paper's pendulum H = 3(1 - cos q) + p². @type {SeparableHamiltonian} */
const pendulumTerms = {
  dTdp: (p, o) => void (o[0] = 2 * at(p, 0)),
  dVdq: (q, o) => void (o[0] = 3 * Math.sin(at(q, 0))),
};
/** @type {OdeFunction} */
const pendulum = (_t, y, o) => {
  o[0] = 2 * at(y, 1);
  o[1] = -3 * Math.sin(at(y, 0));
};
/** @type {Energy} */
const pendulumEnergy = (y) => 3 * (1 - Math.cos(at(y, 0))) + at(y, 1) ** 2;
/** Reduced two-body problem H = |p|²/2 - 1/|q|. @type {SeparableHamiltonian} */
const keplerTerms = {
  dTdp: (p, o) => {
    o[0] = at(p, 0);
    o[1] = at(p, 1);
  },
  dVdq: (q, o) => {
    const k = Math.hypot(at(q, 0), at(q, 1)) ** -3;
    o[0] = at(q, 0) * k;
    o[1] = at(q, 1) * k;
  },
};
/** @type {OdeFunction} */
const kepler = (_t, y, o) => {
  const k = Math.hypot(at(y, 0), at(y, 1)) ** -3;
  o[0] = at(y, 2);
  o[1] = at(y, 3);
  o[2] = -at(y, 0) * k;
  o[3] = -at(y, 1) * k;
};
/** @type {Energy} */
const keplerEnergy = (y) =>
  0.5 * (at(y, 2) ** 2 + at(y, 3) ** 2) - 1 / Math.hypot(at(y, 0), at(y, 1));
const e = 0.6;
const keplerStart = [1 - e, 0, 0, Math.sqrt((1 + e) / (1 - e))];

/** @param {number} x */
const fmt = (x) => x.toExponential(2);

/** @param {OdeSolution} sol @param {Energy} energy */
function tenths(sol, energy) {
  const { ts, ys } = sol;
  const h0 = energy(/** @type {Float64Array} */ (ys[0]));
  const t0 = at(ts, 0);
  const t1 = at(ts, ts.length - 1);
  let first = 0;
  let last = 0;
  ys.forEach((y, i) => {
    const err = Math.abs(energy(y) - h0);
    if (at(ts, i) - t0 <= 0.1 * (t1 - t0)) first = Math.max(first, err);
    if (t1 - at(ts, i) <= 0.1 * (t1 - t0)) last = Math.max(last, err);
  });
  return { first, last };
}

/** @param {OdeSolution} sol */
const lastState = (sol) => /** @type {Float64Array} */ (sol.ys[sol.ys.length - 1]);

/**
 * Best of three runs after a warm-up, so the JIT has compiled the loop.
 * @param {() => OdeSolution} run
 */
function timed(run) {
  let sol = run();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    sol = run();
    best = Math.min(best, performance.now() - t);
  }
  return { sol, ms: best };
}

log('## Convergence order on the harmonic oscillator (t = 10, dt = 0.1 ... 0.0125)\n');
const exact = [0.7 * Math.cos(20) - 0.4 * Math.sin(20), -0.4 * Math.cos(20) - 0.7 * Math.sin(20)];
/** @type {[string, (dt: number) => OdeSolution][]} */
const orderRuns = [
  ['leapfrog', (dt) => solveLeapfrog(harmonicTerms, [0, 10], [0.7, -0.4], { dt })],
  ['yoshida4', (dt) => solveYoshida4(harmonicTerms, [0, 10], [0.7, -0.4], { dt })],
  ['implicit-midpoint', (dt) => solveImplicitMidpoint(harmonic, [0, 10], [0.7, -0.4], { dt })],
];
for (const [name, solve] of orderRuns) {
  const errors = [0.1, 0.05, 0.025, 0.0125].map((dt) => {
    const y = lastState(solve(dt));
    return Math.max(Math.abs(at(y, 0) - at(exact, 0)), Math.abs(at(y, 1) - at(exact, 1)));
  });
  const orders = errors.slice(1).map((err, i) => Math.log2(at(errors, i) / err).toFixed(3));
  log(`${name}: errors ${errors.map(fmt).join(', ')}; orders ${orders.join(', ')}`);
}

const STEPS = 100_000;
const problems = [
  {
    title: 'paper pendulum, q0 = 2, dt = 0.02',
    terms: pendulumTerms,
    field: pendulum,
    energy: pendulumEnergy,
    y0: [2, 0],
    dt: 0.02,
    rtol: 1e-5,
    atol: 1e-8,
  },
  {
    title: 'Kepler e = 0.6, dt = 0.01',
    terms: keplerTerms,
    field: kepler,
    energy: keplerEnergy,
    y0: keplerStart,
    dt: 0.01,
    rtol: 2e-8,
    atol: 1e-10,
  },
];
for (const { title, terms, field, energy, y0, dt, rtol, atol } of problems) {
  /** @type {[number, number]} */
  const span = [0, STEPS * dt];
  log(`\n## ${title}: 10^5 steps, max |H - H0| in the first / last tenth\n`);
  log('| method | f evals | first tenth | last tenth | last / first | ms |');
  log('| --- | --- | --- | --- | --- | --- |');
  /** @type {[string, () => OdeSolution][]} */
  const rows = [
    ['leapfrog', () => solveLeapfrog(terms, span, y0, { dt, saveEvery: 10 })],
    ['yoshida4', () => solveYoshida4(terms, span, y0, { dt, saveEvery: 10 })],
    ['implicit-midpoint', () => solveImplicitMidpoint(field, span, y0, { dt, saveEvery: 10 })],
    ['rk4, 4·dt (leapfrog cost)', () => solveRk4(field, span, y0, { dt: 4 * dt })],
    [
      `dopri5 rtol ${rtol} atol ${atol}`,
      () => solveDopri5(field, span, y0, { rtol, atol, maxSteps: 1e6 }),
    ],
  ];
  for (const [name, run] of rows) {
    const { sol, ms } = timed(run);
    const { first, last } = tenths(sol, energy);
    const ratio = (last / first).toFixed(2);
    log(
      `| ${name} | ${sol.stats.nfev} | ${fmt(first)} | ${fmt(last)} | ${ratio} | ${ms.toFixed(1)} |`,
    );
  }
}

log('\n## Return error, 2000 steps of 0.01 forward then back (Kepler e = 0.6)\n');
/** @type {[string, (span: [number, number], y: ArrayLike<number>) => OdeSolution][]} */
const reversible = [
  ['leapfrog', (span, y) => solveLeapfrog(keplerTerms, span, y, { dt: 0.01, saveEvery: 2000 })],
  ['yoshida4', (span, y) => solveYoshida4(keplerTerms, span, y, { dt: 0.01, saveEvery: 2000 })],
  [
    'implicit-midpoint',
    (span, y) => solveImplicitMidpoint(kepler, span, y, { dt: 0.01, saveEvery: 2000 }),
  ],
  ['rk4', (span, y) => solveRk4(kepler, span, y, { dt: 0.01, tEval: [span[1]] })],
];
for (const [name, solve] of reversible) {
  const back = lastState(solve([20, 0], lastState(solve([0, 20], keplerStart))));
  const diff = Math.max(...keplerStart.map((v, i) => Math.abs(at(back, i) - v)));
  log(`${name}: relative return error ${fmt(diff / Math.max(...keplerStart.map(Math.abs)))}`);
}
