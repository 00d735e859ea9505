import type { LoadedModel } from './model-io.js';
import { columnMeanStd, type NormalizationMethod } from './normalization.js';
import { rolloutModel } from './rollout.js';
import type { Trajectory } from './trajectory-csv.js';

/** One setting `--normalize auto` tries: what `--normalize METHOD [--input-spread S]` trains. */
export interface NormalizationCandidate {
  /** How the candidate is named in messages and in the model file. */
  readonly label: string;
  readonly method: NormalizationMethod;
  /** symplectic only: the input spread. */
  readonly spread?: number;
}

/**
 * The settings `--normalize auto` trains, in order of preference on a tie. bench/normalize.ts
 * (table in the README) found each of them best on some system (by the geometric mean over seeds)
 * and none of them safe everywhere: symplectic spread 1 on small clean states (duffing-small),
 * spread 0.5 on magnetic-2dof, the raw numbers (`none`) on mass-spring and henon-heiles, while
 * `none` diverged on mixed units (units-2dof). Other knobs it tried (time scale, centring, state
 * scaling) changed nothing beyond seed noise, so each extra candidate would cost a full training
 * for no measured gain.
 */
export const AUTO_CANDIDATES: readonly NormalizationCandidate[] = [
  { label: 'symplectic spread 1', method: 'symplectic', spread: 1 },
  { label: 'symplectic spread 0.5', method: 'symplectic', spread: 0.5 },
  { label: 'none', method: 'none' },
];

/** What the model file records about the criterion, in words. */
export const AUTO_CRITERION =
  'held-out rollout error: each held-out trajectory rolled out (rk45, rtol 1e-9, atol 1e-9) from ' +
  'its first row over its own times; mean over trajectories, rows after the first and state ' +
  'components of ((rolled-out state - row) / std of that component over the training rows)^2';

/**
 * Per-component standard deviations of the training states (row-major, dim columns), so that the
 * rollout error weighs every component alike whatever its units (q ~ 10 beside p ~ 0.01 would
 * otherwise leave p out of the choice). A constant component gets 1.
 */
export function componentStd(x: Float64Array, dim: number): Float64Array {
  const { std } = columnMeanStd(x, dim);
  for (let k = 0; k < dim; k++) if (!(std[k]! > 0 && Number.isFinite(std[k]!))) std[k] = 1;
  return std;
}

/**
 * The auto criterion (AUTO_CRITERION) of a model on held-out trajectories: the data alone decides,
 * no true energy needed. A trajectory of one row says nothing and is skipped; a rollout the solver
 * gives up on (the learned field blows up) scores Infinity. NaN when no trajectory has two rows.
 */
export function heldOutRolloutError(
  model: LoadedModel,
  trajectories: readonly Trajectory[],
  std: Float64Array,
): number {
  const dim = model.dim;
  let sum = 0;
  let counted = 0;
  for (const tr of trajectories) {
    const rows = tr.t.length;
    if (rows < 2) continue;
    let ys: readonly Float64Array[];
    try {
      ys = rolloutModel(model, tr.x.subarray(0, dim), tr.t, { rtol: 1e-9, atol: 1e-9 }).ys;
    } catch {
      return Infinity;
    }
    let s = 0;
    for (let r = 1; r < rows; r++) {
      const y = ys[r] as Float64Array;
      for (let k = 0; k < dim; k++) {
        s += (((y[k] as number) - (tr.x[r * dim + k] as number)) / (std[k] as number)) ** 2;
      }
    }
    const e = s / ((rows - 1) * dim);
    if (!Number.isFinite(e)) return Infinity;
    sum += e;
    counted++;
  }
  return counted === 0 ? Number.NaN : sum / counted;
}

/** The index of the lowest finite score; earlier candidates win ties. -1 if none is finite. */
export function chooseCandidate(scores: readonly number[]): number {
  let best = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s) && (best < 0 || s < (scores[best] as number))) best = i;
  });
  return best;
}
