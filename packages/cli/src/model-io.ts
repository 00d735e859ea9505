import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  artifactsFromWeights,
  decodeModelJson,
  deserializeWeights,
  encodeModelJson,
  float64DirectField,
  float64DissipativeHamiltonianField,
  float64HamiltonianField,
  SavedModelError,
} from '@hnn/core';
import type { DhnnModel, Float64Dynamics, MlpBaselineModel, MlpHnnModel } from '@hnn/core';
import { ModelFormatError } from './errors.js';
import type { Normalization } from './normalization.js';
import { LIBRARY } from './version.js';

/** The `format` field of every model file. */
export const MODEL_FORMAT = 'hnn-model';
/**
 * The layout version this library writes: @hnn/core's saved-model format (a manifest with the
 * float32 weights in base64), with the CLI's state names, normalisation and training record in
 * its metadata. Version 1 (weights as lists of numbers, written before) still loads.
 */
export const MODEL_FORMAT_VERSION = 2;
/** Every layout version this library reads. */
export const READABLE_MODEL_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** One weight array: W (in x out, row-major) or a bias b (out). */
export interface WeightRecord {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** What `hnn train` records about how the model was made; free-form for other writers. */
export interface TrainingRecord {
  readonly [key: string]: unknown;
}

/**
 * A model file's contents, in memory (see the README for every field), whichever version it was
 * read from: `weights` hold the numbers; the file stores them per its version.
 */
export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  /** The version of the file read; createModelFile: the version serializeModel writes. */
  readonly formatVersion: 1 | 2;
  /** The package (and version) that wrote the file. */
  readonly library: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  readonly model: {
    readonly kind: ModelKind;
    /** n: the state is (q1..qn, p1..pn). */
    readonly degreesOfFreedom: number;
    readonly stateNames: readonly string[];
    /**
     * MLP widths, input first: [2n, hidden, hidden, 1 (HNN) or 2n (baseline)]. A D-HNN has two
     * MLPs of these widths (ending in 1), H's and D's.
     */
    readonly layerSizes: readonly number[];
    /** tanh on hidden layers; no bias on the last layer. */
    readonly activation: 'tanh';
  };
  readonly normalization: Normalization;
  /**
   * [W1, b1, W2, b2, ..., W_last] in float32 precision; for a D-HNN H's arrays (named H.W1, ...)
   * then D's (D.W1, ...).
   */
  readonly weights: readonly WeightRecord[];
  readonly training?: TrainingRecord;
}

/** What a model file holds: an HNN, a baseline, or a Dissipative HNN (H and D). */
export type ModelKind = 'hnn' | 'baseline' | 'dhnn';
export const MODEL_KINDS: readonly ModelKind[] = ['hnn', 'baseline', 'dhnn'];
/** How messages name each kind. */
export const KIND_LABELS: Readonly<Record<ModelKind, string>> = {
  hnn: 'HNN',
  baseline: 'baseline',
  dhnn: 'D-HNN',
};

/** A saved model, evaluated in float64 without TensorFlow.js. Not re-entrant (shared buffers). */
export interface LoadedModel {
  readonly kind: ModelKind;
  /** 2n. */
  readonly dim: number;
  readonly degreesOfFreedom: number;
  /** Names of the state components, e.g. ['q1', 'p1']. */
  readonly stateNames: readonly string[];
  /** The validated file contents. */
  readonly file: ModelFile;
  /** dx/dt at a state x (length dim, data units); writes into `out` when given. */
  timeDerivative(x: ArrayLike<number>, out?: Float64Array): Float64Array;
  /**
   * The learned energy H(x) in data units (HNN and D-HNN). H is only defined up to a constant;
   * this one is 0 at the training data's mean state (normalization.shift).
   */
  readonly hamiltonian: ((x: ArrayLike<number>) => number) | undefined;
  /**
   * D-HNN only: dH/dt at x along the field, in data units per unit time. The conservative part
   * J grad H leaves H unchanged, so this is grad H . grad D, the rate at which the learned D
   * removes (negative) or adds energy.
   */
  readonly energyRate: ((x: ArrayLike<number>) => number) | undefined;
  /** The field as an @hnn/integrators OdeFunction: (t, y, out) => void. */
  readonly odeFunction: (t: number, y: Float64Array, out: Float64Array) => void;
}

export interface CreateModelFileOptions {
  readonly model: MlpHnnModel | MlpBaselineModel | DhnnModel;
  readonly stateNames: readonly string[];
  readonly normalization: Normalization;
  readonly training?: TrainingRecord;
  /** Defaults to now. */
  readonly createdAt?: Date;
}

/** Name and shape of weight array i of a model with these MLP widths (two MLPs for a D-HNN). */
function weightLayout(
  kind: ModelKind,
  sizes: readonly number[],
  i: number,
): { name: string; shape: number[] } {
  const perNet = 2 * (sizes.length - 1) - 1;
  const j = i % perNet;
  const layer = Math.floor(j / 2);
  const isBias = j % 2 === 1;
  const shape = isBias
    ? [sizes[layer + 1] as number]
    : [sizes[layer] as number, sizes[layer + 1] as number];
  const base = `${isBias ? 'b' : 'W'}${layer + 1}`;
  return { name: kind === 'dhnn' ? `${i < perNet ? 'H' : 'D'}.${base}` : base, shape };
}

/** Snapshots a trained @hnn/core model (HNN, baseline or D-HNN, default MLP layout) as a model file. */
export function createModelFile(options: CreateModelFileOptions): ModelFile {
  const { model, stateNames, normalization, training, createdAt = new Date() } = options;
  const sizes = [...(model.kind === 'dhnn' ? model.hamiltonianMlp : model.mlp).sizes];
  const weights = model.getWeights().map((data, i): WeightRecord => ({
    ...weightLayout(model.kind, sizes, i),
    data: Array.from(data),
  }));
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    library: { ...LIBRARY },
    createdAt: createdAt.toISOString(),
    model: {
      kind: model.kind,
      degreesOfFreedom: model.inputDim / 2,
      stateNames: [...stateNames],
      layerSizes: sizes,
      activation: 'tanh',
    },
    normalization,
    weights,
    ...(training === undefined ? {} : { training }),
  };
}

/**
 * The file as JSON text in the current version: @hnn/core's manifest (readable) with the float32
 * weights in base64 (220 KB for a 2-200-200-1 HNN, 40% of version 1's number lists), and the
 * CLI's fields (state names, normalisation, training record) in its metadata.
 */
export function serializeModel(file: ModelFile): string {
  const { model } = file;
  const created = new Date(file.createdAt);
  return encodeModelJson(
    artifactsFromWeights({
      kind: model.kind,
      layerSizes: model.layerSizes,
      weights: file.weights.map((w) => w.data),
      library: file.library,
      // An unreadable time (a hand-made file) becomes the time of writing.
      ...(Number.isNaN(created.getTime()) ? {} : { createdAt: created }),
      metadata: {
        degreesOfFreedom: model.degreesOfFreedom,
        stateNames: [...model.stateNames],
        normalization: file.normalization,
        ...(file.training === undefined ? {} : { training: file.training }),
      },
    }),
  );
}

/**
 * A version-2 file in the version-1 layout that validateModelFile checks, numbers and all. A file
 * saved by @hnn/core's saveModel has no CLI metadata: it gets the names q1..pn and no scaling.
 */
function fromVersion2(root: Json, source: string): Json {
  try {
    const artifacts = decodeModelJson(root, { source });
    const arrays = deserializeWeights(artifacts, { source });
    const { manifest } = artifacts;
    const meta: Json = manifest.metadata ?? {};
    const dim = manifest.model.inputDim;
    const dof = meta.degreesOfFreedom ?? dim / 2;
    const n = typeof dof === 'number' ? dof : 0;
    return {
      format: MODEL_FORMAT,
      formatVersion: 2,
      ...(manifest.library === undefined ? {} : { library: manifest.library }),
      createdAt: manifest.createdAt,
      model: {
        kind: manifest.model.kind,
        degreesOfFreedom: dof,
        stateNames: meta.stateNames ?? [
          ...Array.from({ length: n }, (_, i) => `q${i + 1}`),
          ...Array.from({ length: n }, (_, i) => `p${i + 1}`),
        ],
        layerSizes: manifest.model.layerSizes,
        activation: manifest.model.activation,
      },
      normalization: meta.normalization ?? {
        method: 'none',
        shift: new Array<number>(dim).fill(0),
        scale: new Array<number>(dim).fill(1),
        timeScale: 1,
        energyScale: 1,
      },
      weights: manifest.weights.map((spec, i) => ({
        name: spec.name,
        shape: spec.shape,
        data: Array.from(arrays[i] ?? []),
      })),
      ...(meta.training === undefined ? {} : { training: meta.training }),
    };
  } catch (error) {
    if (error instanceof SavedModelError) {
      throw new ModelFormatError(source, undefined, `${error.problem}; retrain with 'hnn train'`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineOf(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where V8's "Unexpected token 'x', ..."snippet"... is not valid JSON" points, when its message
 * has no position: the snippet is the text around the error (or the whole text when short).
 */
function snippetPosition(text: string, msg: string): [string, string] | null {
  const m = /Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON/.exec(msg);
  if (m === null) return null;
  const [, token = '', before, snippet = ''] = m;
  const at = text.indexOf(snippet);
  if (at < 0) return null;
  const within = before === undefined ? snippet.indexOf(token) : Math.floor(snippet.length / 2);
  return ['', String(at + Math.max(0, within))];
}

function parseJson(text: string, source: string): unknown {
  if (text.trim() === '') {
    throw new ModelFormatError(source, undefined, "the file is empty; write it with 'hnn train'");
  }
  if (!text.trimStart().startsWith('{')) {
    throw new ModelFormatError(
      source,
      1,
      `not a model file: it starts with '${(text.trimStart().split(/\r?\n/, 1)[0] ?? '').slice(0, 12)}...', not '{'; give ` +
        "the JSON written by 'hnn train --out' (a data CSV goes to --data)",
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg) ?? snippetPosition(text, msg);
    const truncated =
      /end of JSON input|Unterminated/i.test(msg) ||
      (pos !== null && Number(pos[1]) >= text.trimEnd().length);
    const line =
      pos !== null
        ? lineOf(text, Number(pos[1]))
        : truncated
          ? lineOf(text, text.length)
          : undefined;
    throw new ModelFormatError(
      source,
      line,
      truncated
        ? "the JSON ends early: the file is truncated or was cut off while copying; retrain with 'hnn train' or copy the file again"
        : `not valid JSON (${msg.split('\n', 1)[0]}); the file is damaged: retrain with 'hnn train'`,
    );
  }
}

/** Validates a parsed model file; every problem is a ModelFormatError naming the field. */
export function validateModelFile(value: unknown, source = 'model JSON'): ModelFile {
  const fail = (problem: string): never => {
    throw new ModelFormatError(source, undefined, problem);
  };
  if (!isObject(value)) fail("not a model: expected a JSON object written by 'hnn train'");
  let root = value as Json;
  // A version-2 file is a saved-model manifest; a ModelFile in memory (createModelFile) has the
  // version-1 layout whatever its version, and no manifest fields.
  const isManifest = root.weightsData !== undefined || root.weightsByteLength !== undefined;
  if (root.format === MODEL_FORMAT && root.formatVersion === 2 && isManifest) {
    root = fromVersion2(root, source);
  }
  if (root.format !== MODEL_FORMAT) {
    fail(
      `not an ${MODEL_FORMAT} file (format is ${JSON.stringify(root.format) ?? 'missing'}); ` +
        "give a model written by 'hnn train' (a data CSV goes to --data)",
    );
  }
  const library = isObject(root.library) ? root.library : {};
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const writer = `${str(library.name) ?? 'an unknown writer'} ${str(library.version) ?? ''}`.trim();
  const version = root.formatVersion;
  if (version !== 1 && version !== 2) {
    fail(
      `model format version ${JSON.stringify(version) ?? 'missing'} (written by ${writer}) ` +
        `is not one of the versions ${READABLE_MODEL_FORMAT_VERSIONS.join(' and ')} that ` +
        `${LIBRARY.name} ${LIBRARY.version} reads; retrain with this version's 'hnn train', or ` +
        'load it with the version that wrote it',
    );
  }
  const model = isObject(root.model) ? root.model : fail("missing the 'model' section");
  const kind = model.kind;
  if (kind !== 'hnn' && kind !== 'baseline' && kind !== 'dhnn') {
    fail(`model.kind must be 'hnn', 'baseline' or 'dhnn', got ${JSON.stringify(kind)}`);
  }
  if (model.activation !== 'tanh') {
    fail(`model.activation must be 'tanh', got ${JSON.stringify(model.activation)}`);
  }
  const n = model.degreesOfFreedom;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    fail(`model.degreesOfFreedom must be a positive integer, got ${JSON.stringify(n)}`);
  }
  const dof = n as number;
  const dim = 2 * dof;
  const names = model.stateNames;
  if (!Array.isArray(names) || names.length !== dim || !names.every((s) => typeof s === 'string')) {
    fail(`model.stateNames must list ${dim} names (q1..p${dof})`);
  }
  const sizes = model.layerSizes;
  if (
    !Array.isArray(sizes) ||
    sizes.length < 2 ||
    !sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 1)
  ) {
    fail('model.layerSizes must be a list of at least 2 positive integers');
  }
  const layerSizes = sizes as number[];
  const outDim = kind === 'baseline' ? dim : 1;
  if (layerSizes[0] !== dim || layerSizes[layerSizes.length - 1] !== outDim) {
    fail(
      `model.layerSizes ${JSON.stringify(layerSizes)} do not fit a ${String(kind)} on ${dim} state ` +
        `components (expected [${dim}, ..., ${outDim}])`,
    );
  }
  const norm = isObject(root.normalization)
    ? root.normalization
    : fail("missing the 'normalization' section");
  const numberList = (field: string, v: unknown, positive: boolean): number[] => {
    if (
      !Array.isArray(v) ||
      v.length !== dim ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))
    ) {
      fail(`normalization.${field} must be ${dim} finite${positive ? ' positive' : ''} numbers`);
    }
    return v as number[];
  };
  const shift = numberList('shift', norm.shift, false);
  const scale = numberList('scale', norm.scale, true);
  const positive = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      fail(`normalization.${field} must be a finite positive number, got ${JSON.stringify(v)}`);
    }
    return v as number;
  };
  const timeScale = positive('timeScale', norm.timeScale);
  const energyScale = positive('energyScale', norm.energyScale);
  if (norm.method !== 'symplectic' && norm.method !== 'none') {
    fail(`normalization.method must be 'symplectic' or 'none', got ${JSON.stringify(norm.method)}`);
  }
  if (kind === 'hnn' || kind === 'dhnn') {
    // The scaling must multiply every (q_i, p_i) pair's symplectic form by the same factor.
    const c = (scale[0] as number) * (scale[dof] as number);
    for (let i = 0; i < dof; i++) {
      const ci = (scale[i] as number) * (scale[dof + i] as number);
      if (Math.abs(ci - c) > 1e-9 * c) {
        fail(
          'normalization.scale gives pairs (q_i, p_i) different products, so it is not symplectic',
        );
      }
    }
    if (Math.abs(energyScale - c / timeScale) > 1e-9 * energyScale) {
      fail('normalization.energyScale must equal scale(q1) * scale(p1) / timeScale');
    }
  }
  const weights = root.weights;
  const layers = layerSizes.length - 1;
  const count = (kind === 'dhnn' ? 2 : 1) * (2 * layers - 1);
  if (!Array.isArray(weights) || weights.length !== count) {
    fail(
      kind === 'dhnn'
        ? `'weights' must hold ${count} arrays [H.W1, H.b1, ..., H.W${layers}, D.W1, ..., D.W${layers}]`
        : `'weights' must hold ${count} arrays [W1, b1, ..., W${layers}]`,
    );
  }
  const records = (weights as unknown[]).map((w, i): WeightRecord => {
    const { name: label, shape: expected } = weightLayout(kind as ModelKind, layerSizes, i);
    if (!isObject(w)) fail(`weights[${i}] (${label}) must be an object with shape and data`);
    const rec = w as Json;
    if (JSON.stringify(rec.shape) !== JSON.stringify(expected)) {
      fail(
        `weights[${i}] (${label}) has shape ${JSON.stringify(rec.shape)}, expected ` +
          `${JSON.stringify(expected)} from model.layerSizes`,
      );
    }
    const size = expected.reduce((a, b) => a * b, 1);
    const data = rec.data;
    if (!Array.isArray(data) || data.length !== size) {
      fail(
        `weights[${i}] (${label}) must hold ${size} numbers, has ` +
          `${Array.isArray(data) ? data.length : 'none'}; the file is damaged: retrain`,
      );
    }
    const arr = data as unknown[];
    const bad = arr.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) {
      fail(
        `weights[${i}] (${label}) value ${bad} is ${JSON.stringify(arr[bad])}, not a finite ` +
          'number; the model is unusable: retrain (a lower --lr helps if training diverged)',
      );
    }
    return { name: label, shape: expected, data: arr as number[] };
  });
  return {
    format: MODEL_FORMAT,
    formatVersion: version as 1 | 2,
    library: {
      name: typeof library.name === 'string' ? library.name : 'unknown',
      version: typeof library.version === 'string' ? library.version : 'unknown',
    },
    createdAt: typeof root.createdAt === 'string' ? root.createdAt : '',
    model: {
      kind: kind as ModelKind,
      degreesOfFreedom: dof,
      stateNames: names as string[],
      layerSizes,
      activation: 'tanh',
    },
    normalization: {
      method: norm.method as 'symplectic' | 'none',
      shift,
      scale,
      timeScale,
      energyScale,
    },
    weights: records,
    ...(isObject(root.training) ? { training: root.training } : {}),
  };
}

export interface LoadModelOptions {
  /** Named in error messages (e.g. the file path). */
  readonly source?: string;
}

/**
 * Loads a model from its JSON text (or the parsed object) and returns its float64 vector field,
 * and for an HNN its learned energy, in the data's units. Needs no TensorFlow.js backend.
 * Throws ModelFormatError for anything that is not a valid model of this format version.
 */
export function loadModel(json: unknown, options: LoadModelOptions = {}): LoadedModel {
  const source = options.source ?? 'model JSON';
  const file = validateModelFile(typeof json === 'string' ? parseJson(json, source) : json, source);
  const { kind, layerSizes, stateNames, degreesOfFreedom } = file.model;
  const { shift, scale, timeScale, energyScale } = file.normalization;
  const dim = 2 * degreesOfFreedom;
  // The weights are float32 values written with 9 significant digits: rounding back to float32
  // gives exactly the trained numbers.
  const arrays = file.weights.map((w) => Float64Array.from(w.data, Math.fround));
  const mlp = { sizes: layerSizes, weights: arrays };
  const half = arrays.length / 2;
  const dhnn =
    kind === 'dhnn'
      ? float64DissipativeHamiltonianField(
          { sizes: layerSizes, weights: arrays.slice(0, half) },
          { sizes: layerSizes, weights: arrays.slice(half) },
        )
      : undefined;
  const field: Float64Dynamics =
    dhnn ?? (kind === 'hnn' ? float64HamiltonianField(mlp) : float64DirectField(mlp));
  const xn = new Float64Array(dim);
  const fn = new Float64Array(dim);
  const toNormalized = (x: ArrayLike<number>): Float64Array => {
    if (x.length !== dim) {
      throw new RangeError(`a state of this model has ${dim} components, got ${x.length}`);
    }
    for (let k = 0; k < dim; k++)
      xn[k] = ((x[k] as number) - (shift[k] as number)) / (scale[k] as number);
    return xn;
  };
  const timeDerivative = (
    x: ArrayLike<number>,
    out: Float64Array = new Float64Array(dim),
  ): Float64Array => {
    field.timeDerivative(toNormalized(x), fn);
    for (let k = 0; k < dim; k++) out[k] = ((fn[k] as number) * (scale[k] as number)) / timeScale;
    return out;
  };
  const h = field.hamiltonian;
  // H is defined up to a constant; report it relative to its value at the data mean (x' = 0).
  const offset = h === undefined ? 0 : h(new Float64Array(dim));
  // dH/dt = grad_x H . f_D(x) in data units: grad_x H_k = energyScale dH'/dx'_k / scale_k and
  // f_D,k = scale_k dD'/dx'_k / timeScale, so the scales cancel but for energyScale / timeScale.
  const cons = new Float64Array(dim);
  const diss = new Float64Array(dim);
  const energyRate =
    dhnn === undefined
      ? undefined
      : (x: ArrayLike<number>): number => {
          const xn2 = toNormalized(x);
          dhnn.conservative(xn2, cons);
          dhnn.dissipative(xn2, diss);
          // cons = (dH'/dp', -dH'/dq').
          let dot = 0;
          for (let i = 0; i < degreesOfFreedom; i++) {
            dot -= (cons[degreesOfFreedom + i] as number) * (diss[i] as number);
            dot += (cons[i] as number) * (diss[degreesOfFreedom + i] as number);
          }
          return (energyScale / timeScale) * dot;
        };
  return {
    kind,
    dim,
    degreesOfFreedom,
    stateNames,
    file,
    timeDerivative,
    energyRate,
    hamiltonian: h === undefined ? undefined : (x) => energyScale * (h(toNormalized(x)) - offset),
    odeFunction: (_t, y, out) => {
      timeDerivative(y, out);
    },
  };
}

/**
 * Reads a model file from disk and loads it; a missing file, or one that is not a regular file
 * (a named pipe would block forever), is a ModelFormatError too.
 */
export async function readModelFile(path: string): Promise<LoadedModel> {
  let text: string;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        throw new ModelFormatError(
          path,
          undefined,
          info.isDirectory()
            ? "is a directory; give the model file written by 'hnn train --out'"
            : "is not a regular file (a named pipe, device or socket); give the model file written by 'hnn train --out'",
        );
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFormatError(
      path,
      undefined,
      code === 'ENOENT'
        ? "no such model file; check the path or create one with 'hnn train --out'"
        : `cannot be read (${code ?? String(err)})`,
    );
  }
  return loadModel(text, { source: path });
}
