import { decodeModelJson, deserializeFloat64 } from '@hnn/core';
import { linspace } from '@hnn/datasets';
import { rollout as evalRollout, RolloutError } from '@hnn/eval';
import type { ModelKind } from './protocol.js';
import { HnnError } from '@hnn/errors';

/** A trained model as the page uses it: its float64 field, learned H (HNN) and saved JSON. */
export interface LoadedModel {
  readonly kind: ModelKind;
  readonly dim: number;
  readonly json: string;
  /** dx/dt at x, in the data's units. */
  readonly field: (x: Float64Array, out: Float64Array) => void;
  /** Learned H relative to its value at the origin of the normalisation (as `hnn rollout`). */
  readonly hamiltonian: ((x: Float64Array) => number) | undefined;
}

export class ModelFileError extends HnnError {
  override readonly code = 'HNN_PLAYGROUND_MODEL_FILE';
  // Explicit: class names do not survive the production build's minifier.
  override name = 'ModelFileError';
}

interface Normalization {
  readonly shift: readonly number[];
  readonly scale: readonly number[];
  readonly timeScale: number;
  readonly energyScale: number;
}

function readNormalization(metadata: unknown, dim: number): Normalization | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const n = (metadata as { normalization?: unknown }).normalization;
  if (typeof n !== 'object' || n === null) return undefined;
  const { shift, scale, timeScale, energyScale } = n as Record<string, unknown>;
  const vector = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length === dim && v.every((e) => typeof e === 'number');
  if (
    !vector(shift) ||
    !vector(scale) ||
    typeof timeScale !== 'number' ||
    typeof energyScale !== 'number'
  ) {
    throw new ModelFileError(
      'metadata.normalization must hold shift and scale (one number per state component), timeScale and energyScale',
    );
  }
  return { shift, scale, timeScale, energyScale };
}

/**
 * Reads @hnn/core's saved-model JSON (what the page downloads and `hnn train` writes) into a
 * float64 field. A file of the CLI carries its normalisation in metadata: the network sees
 * (x - shift) / scale, dx/dt = scale · f / timeScale and H = energyScale · H_net, the same
 * arithmetic `hnn rollout` uses, so both roll out to the same numbers.
 */
export function loadModelJson(json: string, source = 'model'): LoadedModel {
  let artifacts;
  try {
    artifacts = decodeModelJson(json, { source });
  } catch (error) {
    throw new ModelFileError(error instanceof Error ? error.message : String(error));
  }
  const kind = artifacts.manifest.model.kind;
  if (kind !== 'hnn' && kind !== 'baseline') {
    throw new ModelFileError(
      `${source} holds a '${kind}' model; the playground compares an HNN and a baseline: load one of those`,
    );
  }
  const net = deserializeFloat64(artifacts, { source });
  const dim = net.dim;
  const norm = readNormalization(artifacts.manifest.metadata, dim);
  const xn = new Float64Array(dim);
  const toNet = (x: Float64Array): Float64Array => {
    if (norm === undefined) return x;
    for (let i = 0; i < dim; i++) xn[i] = (x[i]! - norm.shift[i]!) / norm.scale[i]!;
    return xn;
  };
  const field = (x: Float64Array, out: Float64Array): void => {
    net.timeDerivative(toNet(x), out);
    if (norm !== undefined) {
      for (let i = 0; i < dim; i++) out[i] = (norm.scale[i]! * out[i]!) / norm.timeScale;
    }
  };
  const h = net.hamiltonian;
  let hamiltonian: ((x: Float64Array) => number) | undefined;
  if (h !== undefined) {
    const raw = (x: Float64Array): number => (norm?.energyScale ?? 1) * h(toNet(x));
    const origin = Float64Array.from(norm?.shift ?? new Array<number>(dim).fill(0));
    const offset = raw(origin);
    hamiltonian = (x) => raw(x) - offset;
  }
  return { kind, dim, json, field, hamiltonian };
}

export interface RolloutResult {
  readonly ts: Float64Array;
  readonly ys: Float64Array[];
}

/** Rollout settings of the page: those of `hnn rollout` (rk45, rtol = atol = 1e-9). */
export const ROLLOUT_TOLERANCE = 1e-9;

/**
 * Integrates a field from x0 over [0, tEnd] at `points` evenly spaced times with @hnn/eval's
 * `rollout` at rk45, rtol = atol = 1e-9: the function, settings and output grid of `hnn rollout`,
 * so a downloaded model rolls out there to the numbers shown here. Returns the states reached
 * (a shorter result) if the solver stops early.
 */
export function rollout(
  field: (x: Float64Array, out: Float64Array) => void,
  x0: ArrayLike<number>,
  tEnd: number,
  points: number,
): RolloutResult {
  try {
    return evalRollout((_t, y, out) => field(y, out), x0, linspace(0, tEnd, points), {
      rtol: ROLLOUT_TOLERANCE,
      atol: ROLLOUT_TOLERANCE,
    });
  } catch (error) {
    if (error instanceof RolloutError) return { ts: error.ts, ys: [...error.ys] };
    throw error;
  }
}

/**
 * Energy drift along a rollout: the RMS over its times of H(x(t)) - H(x(0)) with the true H,
 * relative to |H(x(0))| (absolute when H(x(0)) is 0).
 */
export function relativeEnergyDrift(
  hamiltonian: (x: Float64Array) => number,
  ys: readonly Float64Array[],
): number {
  if (ys.length === 0) return Number.NaN;
  const h0 = hamiltonian(ys[0]!);
  let sum = 0;
  for (const y of ys) sum += (hamiltonian(y) - h0) ** 2;
  const rms = Math.sqrt(sum / ys.length);
  return h0 === 0 ? rms : rms / Math.abs(h0);
}

/** The rollout as `hnn rollout` writes it: t,q1..qn,p1..pn[,H], full precision. */
export function rolloutCsv(model: LoadedModel, r: RolloutResult): string {
  const n = model.dim / 2;
  const header = [
    't',
    ...Array.from({ length: n }, (_, i) => `q${i + 1}`),
    ...Array.from({ length: n }, (_, i) => `p${i + 1}`),
    ...(model.hamiltonian === undefined ? [] : ['H']),
  ];
  const rows = r.ys.map((y, k) =>
    [r.ts[k]!, ...y, ...(model.hamiltonian === undefined ? [] : [model.hamiltonian(y)])]
      .map((v) => String(v))
      .join(','),
  );
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}

export function modelLabel(kind: ModelKind): string {
  return kind === 'hnn' ? 'HNN' : 'baseline';
}
