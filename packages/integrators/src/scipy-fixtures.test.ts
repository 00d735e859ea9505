import { describe, expect, it } from 'vitest';
import { solveDopri5 } from './dopri5.js';
import type { Dopri5Options } from './dopri5.js';
import type { OdeFunction } from './types.js';
import { harmonic, linspace, pendulum } from './test-utils/problems.js';

/**
 * Reference values from SciPy 1.17.1 (numpy 2.4.6, OpenBLAS 0.3.31, x86_64), produced by
 *   python3 packages/integrators/scripts/scipy-reference.py > /tmp/scipy-reference.json
 * i.e. scipy.integrate.solve_ivp(fun, t_span, y0, method='RK45', **options) with the options
 * listed per case (t_eval = np.linspace(...)). Each sample is [index into sol.t, t, y...].
 *
 * nfev and the number of outputs must match exactly: they pin down the step sequence.
 * With t_eval, states agree to ~1e-14. Without t_eval, the output times are the steps
 * themselves, and those drift apart at ~1e-10: SciPy forms the error estimate with np.dot
 * (OpenBLAS, whose summation order and FMA use depend on the CPU and the system size), and the
 * controller amplifies that round-off when the estimate is a small difference of large stage
 * terms. No portable implementation can reproduce it bit for bit.
 */
interface Fixture {
  name: string;
  f: OdeFunction;
  span: [number, number];
  y0: number[];
  options: Dopri5Options;
  nfev: number;
  nOut: number;
  samples: number[][];
  tol: number;
}

const x0 = [0.7, -0.4];
const tEval20 = linspace(0, 20, 100);

const fixtures: Fixture[] = [
  {
    name: 'harmonic, rtol=1e-12, atol=1e-6, t_eval=linspace(0, 20, 100)',
    f: harmonic,
    span: [0, 20],
    y0: x0,
    options: { tEval: tEval20, rtol: 1e-12, atol: 1e-6 },
    nfev: 920,
    nOut: 100,
    samples: [
      [33, 6.666666666666667, 0.22643174430621882, -0.7737720908571862],
      [99, 20.0, -0.7648935246348331, -0.25479585307146957],
    ],
    tol: 1e-12,
  },
  {
    name: 'harmonic, rtol=1e-3, atol=1e-6, t_eval=linspace(0, 20, 100)',
    f: harmonic,
    span: [0, 20],
    y0: x0,
    options: { tEval: tEval20, rtol: 1e-3, atol: 1e-6 },
    nfev: 260,
    nOut: 100,
    samples: [
      [33, 6.666666666666667, 0.2234739626111703, -0.774734254852906],
      [99, 20.0, -0.7676164274718676, -0.2454082101269423],
    ],
    tol: 1e-12,
  },
  {
    name: 'harmonic, rtol=1e-6, atol=1e-6, max_step=0.05, t_eval=linspace(0, 20, 100)',
    f: harmonic,
    span: [0, 20],
    y0: x0,
    options: { tEval: tEval20, rtol: 1e-6, atol: 1e-6, maxStep: 0.05 },
    nfev: 2408,
    nOut: 100,
    samples: [
      [33, 6.666666666666667, 0.22643457223123276, -0.7737747328700347],
      [99, 20.0, -0.764901828346299, -0.25480394525278965],
    ],
    tol: 1e-12,
  },
  {
    // An oversized first step forces rejections at MIN_FACTOR, then the no-growth-after-reject rule.
    name: 'harmonic, rtol=atol=1e-8, first_step=20, t_eval=linspace(0, 20, 100)',
    f: harmonic,
    span: [0, 20],
    y0: x0,
    options: { tEval: tEval20, rtol: 1e-8, atol: 1e-8, firstStep: 20 },
    nfev: 2173,
    nOut: 100,
    samples: [
      [33, 6.666666666666667, 0.22643455941517313, -0.7737747130790834],
      [99, 20.0, -0.7649017693466823, -0.25480390981566353],
    ],
    tol: 1e-12,
  },
  {
    name: 'pendulum from (2, 0), rtol=atol=1e-9, t_eval=linspace(0, 20, 100)',
    f: pendulum,
    span: [0, 20],
    y0: [2, 0],
    options: { tEval: tEval20, rtol: 1e-9, atol: 1e-9 },
    nfev: 3638,
    nOut: 100,
    samples: [
      [33, 6.666666666666667, 1.9376151289818144, 0.4153280866679416],
      [99, 20.0, 1.4232109355547111, 1.2998427031451607],
    ],
    tol: 1e-12,
  },
  {
    name: 'pendulum backwards over [10, -5] from (1, 0.5), rtol=1e-8, atol=1e-10',
    f: pendulum,
    span: [10, -5],
    y0: [1, 0.5],
    options: { tEval: linspace(10, -5, 31), rtol: 1e-8, atol: 1e-10 },
    nfev: 2438,
    nOut: 31,
    samples: [
      [10, 5.0, 0.7731056887421501, -0.881095173291956],
      [30, -5.0, -1.0877932230941088, 0.1497174894747083],
    ],
    tol: 1e-12,
  },
  {
    name: 'pendulum from (2, 0), default tolerances, no t_eval',
    f: pendulum,
    span: [0, 20],
    y0: [2, 0],
    options: {},
    nfev: 452,
    nOut: 52,
    samples: [
      [17, 6.076560861219846, 0.5577794774110074, 1.9375258738047965],
      [51, 20.0, 1.7553123451972708, 0.7654965810563401],
    ],
    tol: 1e-9,
  },
  {
    name: 'harmonic, rtol=1e-6, atol=1e-9, no t_eval',
    f: harmonic,
    span: [0, 20],
    y0: x0,
    options: { rtol: 1e-6, atol: 1e-9 },
    nfev: 1418,
    nOut: 196,
    samples: [
      [65, 6.643253319822058, 0.2624055013184111, -0.762326171140367],
      [195, 20.0, -0.7648986558782468, -0.25480123138536537],
    ],
    tol: 1e-9,
  },
  {
    name: 'harmonic backwards over [3, 0], rtol=1e-5, atol=1e-8, no t_eval',
    f: harmonic,
    span: [3, 0],
    y0: x0,
    options: { rtol: 1e-5, atol: 1e-8 },
    nfev: 140,
    nOut: 20,
    samples: [
      [6, 2.1318066881398607, 0.27914275037953845, 0.7563575929219695],
      [19, 0.0, 0.5603518956634769, -0.5796526475302359],
    ],
    tol: 1e-9,
  },
  {
    name: 'harmonic, rtol=atol=1e-6, first_step=1e-3, no t_eval',
    f: harmonic,
    span: [0, 20],
    y0: x0,
    options: { rtol: 1e-6, atol: 1e-6, firstStep: 1e-3 },
    nfev: 865,
    nOut: 145,
    samples: [
      [48, 6.4913206227751425, 0.47847644706697035, -0.6488855973705983],
      [144, 20.0, -0.7648901858998497, -0.2547918021966412],
    ],
    tol: 1e-9,
  },
];

describe('solveDopri5 matches scipy.integrate.solve_ivp(method="RK45")', () => {
  for (const fx of fixtures) {
    it(fx.name, () => {
      const sol = solveDopri5(fx.f, fx.span, fx.y0, fx.options);
      expect(sol.status).toBe('success');
      expect(sol.stats.nfev).toBe(fx.nfev);
      expect(sol.ts.length).toBe(fx.nOut);
      expect(Array.from(sol.ys[0] as Float64Array)).toEqual(fx.y0);
      for (const [k, t, ...y] of fx.samples) {
        const i = k as number;
        expect(Math.abs((sol.ts[i] as number) - (t as number))).toBeLessThanOrEqual(fx.tol);
        y.forEach((v, j) => {
          const ours = (sol.ys[i] as Float64Array)[j] as number;
          expect(Math.abs(ours - v)).toBeLessThanOrEqual(fx.tol * Math.max(1, Math.abs(v)));
        });
      }
    });
  }
});
