import { solveDopri5 } from './dopri5.js';
import { IntegratorInputError } from './errors.js';
import { solveImplicitMidpoint } from './implicit-midpoint.js';
import { solveLeapfrog } from './leapfrog.js';
import type { OdeFunction, OdeSolution, SeparableHamiltonian } from './types.js';
import { solveYoshida4 } from './yoshida4.js';

/** The integrators {@link solveHamiltonian} offers by name (e.g. for a `--integrator` flag). */
export const INTEGRATOR_NAMES = ['rk45', 'leapfrog', 'yoshida4', 'implicit-midpoint'] as const;
export type IntegratorName = (typeof INTEGRATOR_NAMES)[number];

export function isIntegratorName(name: unknown): name is IntegratorName {
  return typeof name === 'string' && (INTEGRATOR_NAMES as readonly string[]).includes(name);
}

/** The integrators that need H = T(p) + V(q) split into its two gradient terms. */
const SEPARABLE_ONLY: readonly IntegratorName[] = ['leapfrog', 'yoshida4'];

/**
 * A Hamiltonian system for y = (q, p), given as its field, its separable split, or both.
 * A learned H (an HNN) is in general not separable: give its field, e.g. the `timeDerivative`
 * of @hnn/core's `float64HamiltonianField` wrapped as `(_t, y, out) => timeDerivative(y, out)`.
 */
export interface HamiltonianSystem {
  /** dy/dt = J∇H(y). Enough for 'rk45' and 'implicit-midpoint'. */
  readonly field?: OdeFunction;
  /**
   * dT/dp and dV/dq of a separable H. Required by 'leapfrog' and 'yoshida4'; when `field` is
   * absent the other integrators use the field (dT/dp, -dV/dq) built from it.
   */
  readonly separable?: SeparableHamiltonian;
}

export interface HamiltonianSolveOptions {
  integrator: IntegratorName;
  /**
   * Output times. For rk45, any times inside tSpan (dense output); for the fixed-step
   * integrators, times on the grid t0 + k·dt (see FixedStepOutputOptions).
   */
  tEval?: ArrayLike<number>;
  /** Fixed-step integrators only, and required by them: the step size. */
  dt?: number;
  /** Fixed-step integrators only: output every `saveEvery` steps. */
  saveEvery?: number;
  /** rk45 only: tolerances and step budget of solveDopri5 (same defaults). */
  rtol?: number;
  atol?: number | ArrayLike<number>;
  maxSteps?: number;
  /** implicit-midpoint only: the fixed-point solve (see ImplicitMidpointSolveOptions). */
  tol?: number;
  maxIterations?: number;
}

const OPTION_OWNERS: Record<string, readonly IntegratorName[]> = {
  dt: ['leapfrog', 'yoshida4', 'implicit-midpoint'],
  saveEvery: ['leapfrog', 'yoshida4', 'implicit-midpoint'],
  rtol: ['rk45'],
  atol: ['rk45'],
  maxSteps: ['rk45'],
  tol: ['implicit-midpoint'],
  maxIterations: ['implicit-midpoint'],
};

/** The field (dT/dp(p), -dV/dq(q)) of a separable H, allocating its buffers once. */
export function separableField(terms: SeparableHamiltonian, n: number): OdeFunction {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) {
    throw new IntegratorInputError(
      `A separable Hamiltonian needs a state y = (q, p) of even length, got length ${n}.`,
    );
  }
  const m = n / 2;
  const q = new Float64Array(m);
  const p = new Float64Array(m);
  const dq = new Float64Array(m);
  const dp = new Float64Array(m);
  return (_t, y, out) => {
    for (let i = 0; i < m; i++) {
      q[i] = y[i] as number;
      p[i] = y[m + i] as number;
    }
    terms.dTdp(p, dq);
    terms.dVdq(q, dp);
    for (let i = 0; i < m; i++) {
      out[i] = dq[i] as number;
      out[m + i] = -(dp[i] as number);
    }
  };
}

/**
 * Integrates a Hamiltonian system with the integrator chosen by name, so that a command-line
 * flag or a UI can switch between adaptive Dormand–Prince ('rk45', solveDopri5) and the
 * symplectic methods ('leapfrog', 'yoshida4', 'implicit-midpoint').
 *
 * 'leapfrog' and 'yoshida4' need `system.separable`; with only a field (a learned H), only 'rk45'
 * and 'implicit-midpoint' apply and asking for another throws IntegratorInputError saying so.
 * Options that do not apply to the chosen integrator also throw, rather than being ignored.
 * Failures during the solve are reported through the solution's status, as by each solver.
 */
export function solveHamiltonian(
  system: HamiltonianSystem,
  tSpan: readonly [number, number],
  y0: ArrayLike<number>,
  options: HamiltonianSolveOptions,
): OdeSolution {
  const integrator = options?.integrator;
  if (!isIntegratorName(integrator)) {
    throw new IntegratorInputError(
      `Unknown integrator ${JSON.stringify(integrator)}; choose one of ` +
        `${INTEGRATOR_NAMES.join(', ')}.`,
    );
  }
  for (const [key, owners] of Object.entries(OPTION_OWNERS)) {
    if ((options as unknown as Record<string, unknown>)[key] !== undefined) {
      if (!owners.includes(integrator)) {
        throw new IntegratorInputError(
          `Option ${key} does not apply to integrator '${integrator}' (only to ` +
            `${owners.join(', ')}); remove it.`,
        );
      }
    }
  }
  const { field, separable } = system ?? {};
  if (field === undefined && separable === undefined) {
    throw new IntegratorInputError(
      'system needs a field (dy/dt = J∇H) or a separable split {dTdp, dVdq}; it has neither.',
    );
  }

  if (SEPARABLE_ONLY.includes(integrator)) {
    if (separable === undefined) {
      throw new IntegratorInputError(
        `'${integrator}' needs a separable Hamiltonian H = T(p) + V(q), given as ` +
          "system.separable = { dTdp, dVdq }; a field alone (such as a learned H's) does not " +
          "say whether H separates. Use 'implicit-midpoint' (symplectic, needs only the field) " +
          "or 'rk45'.",
      );
    }
    const fixed = {
      dt: requireDt(options.dt, integrator),
      tEval: options.tEval,
      saveEvery: options.saveEvery,
    };
    return integrator === 'leapfrog'
      ? solveLeapfrog(separable, tSpan, y0, fixed)
      : solveYoshida4(separable, tSpan, y0, fixed);
  }

  const f = field ?? separableField(separable as SeparableHamiltonian, y0.length);
  if (integrator === 'implicit-midpoint') {
    return solveImplicitMidpoint(f, tSpan, y0, {
      dt: requireDt(options.dt, integrator),
      tEval: options.tEval,
      saveEvery: options.saveEvery,
      tol: options.tol,
      maxIterations: options.maxIterations,
    });
  }
  return solveDopri5(f, tSpan, y0, {
    tEval: options.tEval,
    rtol: options.rtol,
    atol: options.atol,
    maxSteps: options.maxSteps,
  });
}

/**
 * The step for a fixed-step rollout from tEval[0] to the last tEval that puts every output on the
 * step grid: the largest dt <= maxDt that divides the (even) output spacing s, i.e. s / k for the
 * smallest whole k with s / k <= maxDt. Meant for a CLI or UI that has evenly spaced output times
 * (a linspace) and a step-size bound. Throws IntegratorInputError if tEval has fewer than two
 * points or is not evenly spaced (within 1e-9 of the spacing), since then no single such dt
 * need exist.
 */
export function stepForOutputs(tEval: ArrayLike<number>, maxDt: number): number {
  if (typeof maxDt !== 'number' || !(maxDt > 0) || !Number.isFinite(maxDt)) {
    throw new IntegratorInputError(`maxDt must be a positive finite number, got ${maxDt}.`);
  }
  const n = tEval.length;
  if (n < 2) {
    throw new IntegratorInputError(
      `tEval needs at least two times to define an output spacing, got ${n}.`,
    );
  }
  const first = tEval[0] as number;
  const spacing = Math.abs((tEval[n - 1] as number) - first) / (n - 1);
  if (!(spacing > 0) || !Number.isFinite(spacing)) {
    throw new IntegratorInputError('tEval must be finite and strictly monotone.');
  }
  const direction = Math.sign((tEval[n - 1] as number) - first);
  for (let i = 1; i < n; i++) {
    const gap = direction * ((tEval[i] as number) - (tEval[i - 1] as number));
    if (!(Math.abs(gap - spacing) <= 1e-9 * spacing)) {
      throw new IntegratorInputError(
        `tEval is not evenly spaced (tEval[${i - 1}] = ${tEval[i - 1]}, tEval[${i}] = ` +
          `${tEval[i]}, mean spacing ${spacing}); choose dt yourself so that every output ` +
          'time is a whole number of steps from tEval[0].',
      );
    }
  }
  // The 1e-9 keeps a ratio such as 10.000000000000002 from costing an eleventh step.
  const steps = Math.max(1, Math.ceil(spacing / maxDt - 1e-9));
  return spacing / steps;
}

function requireDt(dt: number | undefined, integrator: IntegratorName): number {
  if (dt === undefined) {
    throw new IntegratorInputError(
      `'${integrator}' is a fixed-step method: pass dt (for outputs spaced s apart, ` +
        'dt = s / k for a whole number k of steps per output).',
    );
  }
  return dt;
}
