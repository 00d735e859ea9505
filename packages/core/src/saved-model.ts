/**
 * The saved-model format: a JSON manifest (what the model is, each weight's name, shape and place)
 * plus the float32 weights as bytes. Everything here works on in-memory objects, so it runs in
 * browsers as well as Node; `@hnn/core/node` adds file helpers. One file holds both parts when
 * the bytes are embedded as base64 (`encodeModelJson`): 1.33x the binary size, and a page or a
 * CLI handles a single self-contained JSON file.
 */
import { createBaseline } from './baseline.js';
import type { MlpBaselineModel } from './baseline.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { DynamicsModel } from './dynamics-model.js';
import { HnnCoreError } from './errors.js';
import { float64DirectField, float64HamiltonianField } from './float64.js';
import type { Float64Dynamics } from './float64.js';
import { createDhnn, float64DissipativeHamiltonianField } from './dhnn.js';
import type { DhnnModel } from './dhnn.js';
import { createHnn } from './hnn.js';
import type { HnnGradientMethod, MlpHnnModel } from './hnn.js';

/** The `format` field of every model file (also the CLI's version-1 files). */
export const MODEL_FORMAT = 'hnn-model';
/** The layout this version writes; {@link decodeModelJson} also reads version 1 (hnn CLI files). */
export const MODEL_FORMAT_VERSION = 2;

/** A saved model cannot be read or made into a model; the message says what to do. */
export class SavedModelError extends HnnCoreError {
  override readonly code = 'HNN_CORE_SAVED_MODEL';
  /** Where the model came from (a path, or 'model' for an in-memory one). */
  readonly source: string;

  /** The message without the source, for callers that name the source their own way. */
  readonly problem: string;

  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.source = source;
    this.problem = problem;
  }
}

/** Where one weight array lies in the weight bytes: float32, little-endian, row-major. */
export interface SavedWeightSpec {
  /** 'W1', 'b1', ... for the built-in MLP; the variable's name for a network of your own. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface ModelManifest {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  /** Who wrote it, when the writer said (the hnn CLI does). */
  readonly library?: { readonly name: string; readonly version: string };
  /** ISO time of writing. */
  readonly createdAt: string;
  readonly model: {
    readonly kind: string;
    readonly inputDim: number;
    /**
     * 'mlp': the built-in tanh MLP (createHnn/createBaseline), which loads back whole;
     * 'custom': a network of your own, of which only the weights are saved.
     */
    readonly network: 'mlp' | 'custom';
    /** MLP widths, input first, e.g. [2, 200, 200, 1] (network 'mlp' only). */
    readonly layerSizes?: readonly number[];
    /** tanh on the hidden layers, no bias on the last (network 'mlp' only). */
    readonly activation?: 'tanh';
    /** How an MLP HNN computes dH/dx on TensorFlow.js (the same function either way). */
    readonly gradientMethod?: HnnGradientMethod;
  };
  /** [W1, b1, W2, b2, ..., W_last] for an MLP; in the model's variable order otherwise. */
  readonly weights: readonly SavedWeightSpec[];
  readonly weightsByteLength: number;
  /** Free-form JSON of the writer's (the CLI stores state names, normalisation, training). */
  readonly metadata?: { readonly [key: string]: unknown };
}

/** A saved model in memory: the manifest and the weight bytes it describes. */
export interface ModelArtifacts {
  readonly manifest: ModelManifest;
  readonly weights: Uint8Array;
}

export interface SerializeModelOptions {
  readonly metadata?: { readonly [key: string]: unknown };
  readonly library?: { readonly name: string; readonly version: string };
  /** Defaults to now. */
  readonly createdAt?: Date;
}

/** A model of the built-in MLP, as createHnn/createBaseline return and deserializeModel gives. */
export type SavedMlpModel = MlpHnnModel | MlpBaselineModel | DhnnModel;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function mlpWeightNames(layers: number): string[] {
  const names: string[] = [];
  for (let l = 1; l <= layers; l++) names.push(`W${l}`, ...(l < layers ? [`b${l}`] : []));
  return names;
}

function mlpShapes(sizes: readonly number[]): number[][] {
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    shapes.push([sizes[l] as number, sizes[l + 1] as number]);
    if (l + 2 < sizes.length) shapes.push([sizes[l + 1] as number]);
  }
  return shapes;
}

/** Weight names of a built-in model: a D-HNN holds two MLPs, H's then D's (H.W1 ... D.W3). */
function kindWeightNames(kind: unknown, layers: number): string[] {
  const names = mlpWeightNames(layers);
  return kind === 'dhnn' ? [...names.map((n) => `H.${n}`), ...names.map((n) => `D.${n}`)] : names;
}

function kindShapes(kind: unknown, sizes: readonly number[]): number[][] {
  const shapes = mlpShapes(sizes);
  return kind === 'dhnn' ? [...shapes, ...shapes] : shapes;
}

/** The MLP of a built-in model (for a D-HNN, H's; D's has the same sizes). */
function builtInMlp(model: DynamicsModel): DynamicsModel['mlp'] {
  return model.kind === 'dhnn' ? (model as DhnnModel).hamiltonianMlp : model.mlp;
}

/** The manifest's weight list of a built-in model whose arrays are laid out one after another. */
function builtInWeightSpecs(
  kind: unknown,
  layerSizes: readonly number[],
  arrays: readonly Float32Array[],
): SavedWeightSpec[] {
  const shapes = kindShapes(kind, layerSizes);
  const names = kindWeightNames(kind, layerSizes.length - 1);
  let byteOffset = 0;
  return arrays.map((a, i): SavedWeightSpec => {
    const spec = {
      name: names[i] ?? `w${i}`,
      shape: shapes[i] ?? [a.length],
      dtype: 'float32' as const,
      byteOffset,
      byteLength: a.byteLength,
    };
    byteOffset += a.byteLength;
    return spec;
  });
}

function float32Bytes(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(4 * total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const a of arrays) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    } else {
      for (let i = 0; i < a.length; i++) view.setFloat32(offset + 4 * i, a[i] as number, true);
    }
    offset += a.byteLength;
  }
  return out;
}

/**
 * Snapshots a model as a manifest and float32 weight bytes. The built-in MLP models save whole;
 * a network of your own saves its weights (names and shapes of its variables) with
 * network 'custom': rebuild the network and give them back with {@link restoreWeights}.
 * Adam's moments are not saved: train() starts a fresh Adam on every call, saved or not.
 */
export function serializeModel(
  model: DynamicsModel,
  options: SerializeModelOptions = {},
): ModelArtifacts {
  const { metadata, library, createdAt = new Date() } = options;
  const arrays = model.getWeights();
  const mlp = builtInMlp(model);
  const names = mlp === undefined ? undefined : kindWeightNames(model.kind, mlp.sizes.length - 1);
  let byteOffset = 0;
  const weights = arrays.map((a, i): SavedWeightSpec => {
    const variable = model.variables[i];
    const spec = {
      name: names?.[i] ?? variable?.name ?? `w${i}`,
      shape: [...(variable?.shape ?? [a.length])],
      dtype: 'float32' as const,
      byteOffset,
      byteLength: a.byteLength,
    };
    byteOffset += a.byteLength;
    return spec;
  });
  const gradientMethod = (model as Partial<MlpHnnModel>).gradientMethod;
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    ...(library === undefined ? {} : { library: { name: library.name, version: library.version } }),
    createdAt: createdAt.toISOString(),
    model: {
      kind: model.kind,
      inputDim: model.inputDim,
      ...(mlp === undefined
        ? { network: 'custom' as const }
        : {
            network: 'mlp' as const,
            layerSizes: [...mlp.sizes],
            activation: 'tanh' as const,
            ...(model.kind === 'hnn' && gradientMethod !== undefined ? { gradientMethod } : {}),
          }),
    },
    weights,
    weightsByteLength: byteOffset,
    ...(metadata === undefined ? {} : { metadata }),
  };
  return { manifest, weights: float32Bytes(arrays) };
}

/** What {@link artifactsFromWeights} needs: a built-in MLP model described by its weights. */
export interface MlpWeightsDescription extends SerializeModelOptions {
  readonly kind: 'hnn' | 'baseline' | 'dhnn';
  /** MLP widths, input first, e.g. [2, 200, 200, 1]. */
  readonly layerSizes: readonly number[];
  /** [W1, b1, W2, b2, ..., W_last], W (in x out) row-major; stored as float32. */
  readonly weights: readonly ArrayLike<number>[];
}

/**
 * Artifacts of a built-in MLP model given as plain arrays (e.g. weights read from another
 * format), without creating a TensorFlow.js model; checked like a loaded manifest.
 */
export function artifactsFromWeights(description: MlpWeightsDescription): ModelArtifacts {
  const { kind, layerSizes, metadata, library, createdAt = new Date() } = description;
  const arrays = description.weights.map((w) => Float32Array.from(w));
  const weights = builtInWeightSpecs(kind, layerSizes, arrays);
  const manifest = validateManifest({
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    ...(library === undefined ? {} : { library: { name: library.name, version: library.version } }),
    createdAt: createdAt.toISOString(),
    model: {
      kind,
      inputDim: layerSizes[0],
      network: 'mlp',
      layerSizes: [...layerSizes],
      activation: 'tanh',
    },
    weights,
    weightsByteLength: weights.reduce((n, w) => n + w.byteLength, 0),
    ...(metadata === undefined ? {} : { metadata }),
  });
  return { manifest, weights: float32Bytes(arrays) };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** Checks a manifest (any JSON value) against the layout; every problem names the field. */
export function validateManifest(value: unknown, source = 'model'): ModelManifest {
  const fail = (problem: string): never => {
    throw new SavedModelError(source, problem);
  };
  if (!isObject(value)) return fail('not a saved model: expected a JSON object');
  if (value.format !== MODEL_FORMAT) {
    fail(
      `not an ${MODEL_FORMAT} file (format is ${JSON.stringify(value.format) ?? 'missing'}); ` +
        'give a model written by saveModel, encodeModelJson or hnn train',
    );
  }
  if (value.formatVersion !== MODEL_FORMAT_VERSION) {
    fail(
      `format version ${JSON.stringify(value.formatVersion) ?? 'missing'} is not one this ` +
        `@hnn/core reads (${MODEL_FORMAT_VERSION}, and 1 through decodeModelJson); ` +
        'load it with the version that wrote it, or upgrade @hnn/core',
    );
  }
  const model = isObject(value.model) ? value.model : fail("missing the 'model' section");
  if (typeof model.kind !== 'string') fail('model.kind must be a string');
  if (!isCount(model.inputDim, 1)) fail('model.inputDim must be a positive integer');
  if (model.network !== 'mlp' && model.network !== 'custom') {
    fail(`model.network must be 'mlp' or 'custom', got ${JSON.stringify(model.network)}`);
  }
  const specs = Array.isArray(value.weights) ? value.weights : fail("'weights' must be a list");
  if (!isCount(value.weightsByteLength, 0)) fail('weightsByteLength must be an integer >= 0');
  let expectedOffset = 0;
  specs.forEach((spec: unknown, i) => {
    if (!isObject(spec)) return fail(`weights[${i}] must be an object`);
    const { shape, byteOffset, byteLength } = spec;
    if (typeof spec.name !== 'string') fail(`weights[${i}].name must be a string`);
    if (!Array.isArray(shape) || !shape.every((s) => isCount(s, 1))) {
      fail(`weights[${i}].shape must be a list of positive integers`);
    }
    if (spec.dtype !== 'float32') fail(`weights[${i}].dtype must be 'float32'`);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (byteOffset !== expectedOffset || byteLength !== 4 * size) {
      fail(
        `weights[${i}] (${String(spec.name)}) must take bytes ${expectedOffset}..` +
          `${expectedOffset + 4 * size} for shape ${JSON.stringify(shape)}; the manifest is damaged`,
      );
    }
    expectedOffset += 4 * size;
  });
  if (expectedOffset !== value.weightsByteLength) {
    fail(
      `weightsByteLength is ${String(value.weightsByteLength)} but the weights take ${expectedOffset}`,
    );
  }
  if (model.network === 'mlp') {
    const sizes = model.layerSizes;
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => isCount(s, 1))) {
      fail('model.layerSizes must be a list of at least 2 positive integers');
    }
    const layerSizes = sizes as number[];
    if (model.activation !== 'tanh') fail("model.activation must be 'tanh'");
    // Checked above to be a positive integer.
    const outDim = model.kind === 'hnn' || model.kind === 'dhnn' ? 1 : (model.inputDim as number);
    if (layerSizes[0] !== model.inputDim || layerSizes[layerSizes.length - 1] !== outDim) {
      fail(
        `model.layerSizes ${JSON.stringify(layerSizes)} do not fit a ${String(model.kind)} on ` +
          `${String(model.inputDim)} inputs (expected [${String(model.inputDim)}, ..., ${outDim}])`,
      );
    }
    const expected = kindShapes(model.kind, layerSizes);
    const names = kindWeightNames(model.kind, layerSizes.length - 1);
    if (
      specs.length !== expected.length ||
      specs.some(
        (s: Json, i) =>
          JSON.stringify(s.shape) !== JSON.stringify(expected[i]) || s.name !== names[i],
      )
    ) {
      fail(
        `the weights must be [${names.join(', ')}] with shapes ${JSON.stringify(expected)} ` +
          'from model.layerSizes; the manifest is damaged',
      );
    }
    const method = model.gradientMethod;
    if (method !== undefined && method !== 'explicit' && method !== 'autodiff') {
      fail(`model.gradientMethod must be 'explicit' or 'autodiff', got ${JSON.stringify(method)}`);
    }
  }
  if (value.metadata !== undefined && !isObject(value.metadata)) {
    fail('metadata must be a JSON object');
  }
  return value as unknown as ModelManifest;
}

/**
 * The weight arrays of saved artifacts in the manifest's order, as float32, after checking the
 * manifest, the byte count and that every value is finite.
 */
export function deserializeWeights(
  artifacts: ModelArtifacts,
  options: DeserializeOptions = {},
): Float32Array[] {
  return readWeights(artifacts, options.source ?? 'model');
}

function readWeights(artifacts: ModelArtifacts, source: string): Float32Array[] {
  const manifest = validateManifest(artifacts.manifest, source);
  const bytes = artifacts.weights;
  if (!(bytes instanceof Uint8Array) || bytes.length !== manifest.weightsByteLength) {
    throw new SavedModelError(
      source,
      `the weights hold ${bytes instanceof Uint8Array ? bytes.length : 'no'} bytes, the manifest ` +
        `says ${manifest.weightsByteLength}; the weight data is truncated or belongs to another model`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return manifest.weights.map((spec) => {
    const out = new Float32Array(spec.byteLength / 4);
    for (let i = 0; i < out.length; i++) {
      const v = view.getFloat32(spec.byteOffset + 4 * i, true);
      if (!Number.isFinite(v)) {
        throw new SavedModelError(
          source,
          `weight ${spec.name} holds a non-finite value at ${i}; the model is unusable: retrain it`,
        );
      }
      out[i] = v;
    }
    return out;
  });
}

function requireMlp(manifest: ModelManifest, source: string, wanted: string): number[] {
  const { kind, network, layerSizes } = manifest.model;
  if (network !== 'mlp' || layerSizes === undefined) {
    throw new SavedModelError(
      source,
      `holds the weights of a network of your own (kind ${kind}), not a built-in MLP model; ` +
        `rebuild the network with createHnn/createBaseline({ network }) and call restoreWeights(model, artifacts) instead of ${wanted}`,
    );
  }
  if (kind !== 'hnn' && kind !== 'baseline' && kind !== 'dhnn') {
    throw new SavedModelError(
      source,
      `is a '${kind}' model, which this @hnn/core cannot rebuild (it knows 'hnn', 'baseline' and 'dhnn'); upgrade @hnn/core`,
    );
  }
  return [...layerSizes];
}

export interface DeserializeOptions {
  /** Named in error messages (e.g. a path or URL). */
  readonly source?: string;
}

/**
 * Rebuilds a trainable model (the same class createHnn/createBaseline return) from saved
 * artifacts: train() continues from the saved weights (with a fresh Adam). Needs the paper's
 * layout of two hidden layers of one width, which is what createHnn/createBaseline build.
 */
export function deserializeModel(
  artifacts: ModelArtifacts,
  options: DeserializeOptions = {},
): SavedMlpModel {
  const source = options.source ?? 'model';
  const weights = readWeights(artifacts, source);
  const manifest = artifacts.manifest;
  const sizes = requireMlp(manifest, source, 'deserializeModel');
  const hiddenDim = sizes[1] as number;
  if (sizes.length !== 4 || sizes[2] !== hiddenDim) {
    throw new SavedModelError(
      source,
      `has layer sizes ${JSON.stringify(sizes)}; a trainable model needs two hidden layers of one width ` +
        '(as createHnn/createBaseline build); use deserializeFloat64 to evaluate it',
    );
  }
  const { inputDim, gradientMethod } = manifest.model;
  // The seed only draws initial weights, which setWeights replaces.
  const kind = manifest.model.kind;
  const model: SavedMlpModel =
    kind === 'hnn'
      ? createHnn({
          inputDim,
          hiddenDim,
          seed: 0,
          ...(gradientMethod === undefined ? {} : { gradientMethod }),
        })
      : kind === 'dhnn'
        ? createDhnn({ inputDim, hiddenDim, seed: 0 })
        : createBaseline({ inputDim, hiddenDim, seed: 0 });
  try {
    model.setWeights(weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * The saved model's vector field (and H for an HNN) as a float64 evaluator in plain JavaScript,
 * without creating TensorFlow.js tensors: what rollouts and metrics use. Any MLP depth.
 */
export function deserializeFloat64(
  artifacts: ModelArtifacts,
  options: DeserializeOptions = {},
): Float64Dynamics {
  const source = options.source ?? 'model';
  const weights = readWeights(artifacts, source);
  const sizes = requireMlp(artifacts.manifest, source, 'deserializeFloat64');
  const arrays = weights.map((w) => Float64Array.from(w));
  const kind = artifacts.manifest.model.kind;
  if (kind === 'dhnn') {
    const half = arrays.length / 2;
    return float64DissipativeHamiltonianField(
      { sizes, weights: arrays.slice(0, half) },
      { sizes, weights: arrays.slice(half) },
    );
  }
  const mlp = { sizes, weights: arrays };
  return kind === 'hnn' ? float64HamiltonianField(mlp) : float64DirectField(mlp);
}

/**
 * Puts saved weights into an existing model whose variables have the saved shapes, in order: how
 * a network of your own loads (rebuild it, then restore), and also works for MLP models.
 */
export function restoreWeights(
  model: DynamicsModel,
  artifacts: ModelArtifacts,
  options: DeserializeOptions = {},
): void {
  const source = options.source ?? 'model';
  const weights = readWeights(artifacts, source);
  const specs = artifacts.manifest.weights;
  const shapes = model.variables.map((v) => v.shape);
  if (
    model.kind !== artifacts.manifest.model.kind ||
    shapes.length !== specs.length ||
    shapes.some((s, i) => JSON.stringify(s) !== JSON.stringify(specs[i]?.shape))
  ) {
    throw new SavedModelError(
      source,
      `holds a ${artifacts.manifest.model.kind} with weight shapes ` +
        `${JSON.stringify(specs.map((s) => s.shape))}, but the model is a ${model.kind} with ` +
        `${JSON.stringify(shapes)}; build the same network as was saved`,
    );
  }
  model.setWeights(weights);
}

/**
 * One self-contained JSON text: the manifest with the weight bytes in base64 under
 * `weightsData` (what saveModel writes and `hnn train` writes).
 */
export function encodeModelJson(artifacts: ModelArtifacts): string {
  return `${JSON.stringify({ ...artifacts.manifest, weightsData: encodeBase64(artifacts.weights) }, null, 2)}\n`;
}

/**
 * Reads a model JSON text (or its parsed value): this format's single file (version 2), or a
 * version-1 file written by the hnn CLI before it (weights as number lists; its state names,
 * normalisation and training record come back as metadata).
 */
export function decodeModelJson(json: unknown, options: DeserializeOptions = {}): ModelArtifacts {
  const source = options.source ?? 'model JSON';
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (error) {
      throw new SavedModelError(
        source,
        `not valid JSON (${error instanceof Error ? error.message : String(error)}); the file is ` +
          'truncated or damaged: save the model again',
      );
    }
  }
  if (isObject(value) && value.format === MODEL_FORMAT && value.formatVersion === 1) {
    return fromVersion1(value, source);
  }
  if (!isObject(value))
    throw new SavedModelError(source, 'not a saved model: expected a JSON object');
  const { weightsData, ...manifest } = value;
  const checked = validateManifest(manifest, source);
  const weights = typeof weightsData === 'string' ? decodeBase64(weightsData) : undefined;
  if (weights === undefined) {
    throw new SavedModelError(
      source,
      "'weightsData' must be the weights in base64 (a manifest saved without its weights file " +
        'loads with deserializeModel({ manifest, weights }))',
    );
  }
  return { manifest: checked, weights };
}

/** A version-1 hnn CLI model file as artifacts; `metadata` keeps what was not weights. */
function fromVersion1(file: Json, source: string): ModelArtifacts {
  const fail = (problem: string): never => {
    throw new SavedModelError(source, `(format version 1) ${problem}`);
  };
  const model = isObject(file.model) ? file.model : fail("missing the 'model' section");
  const kind = model.kind;
  if (kind !== 'hnn' && kind !== 'baseline' && kind !== 'dhnn') {
    fail(`model.kind must be 'hnn', 'baseline' or 'dhnn'`);
  }
  if (!isCount(model.degreesOfFreedom, 1))
    fail('model.degreesOfFreedom must be a positive integer');
  const records = Array.isArray(file.weights) ? file.weights : fail("'weights' must be a list");
  const arrays = records.map((r: unknown, i) => {
    const data = isObject(r) && Array.isArray(r.data) ? (r.data as unknown[]) : undefined;
    if (data === undefined || !data.every((x) => typeof x === 'number')) {
      return fail(`weights[${i}].data must be a list of numbers`);
    }
    // Written with 9 significant digits: rounding to float32 gives back the trained values.
    return Float32Array.from(data);
  });
  const sizes = model.layerSizes;
  const layerSizes = Array.isArray(sizes) ? (sizes as number[]) : fail('model.layerSizes missing');
  const specs = builtInWeightSpecs(kind, layerSizes, arrays);
  const library = isObject(file.library) ? file.library : {};
  // Everything else a version-1 file holds (normalization, training, ...) becomes metadata.
  const rest = Object.fromEntries(
    Object.entries(file).filter(
      ([key]) =>
        !['format', 'formatVersion', 'library', 'createdAt', 'model', 'weights'].includes(key),
    ),
  );
  const createdAt = file.createdAt;
  const manifest = validateManifest(
    {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      ...(typeof library.name === 'string' && typeof library.version === 'string'
        ? { library: { name: library.name, version: library.version } }
        : {}),
      createdAt: typeof createdAt === 'string' ? createdAt : '',
      model: {
        kind,
        inputDim: 2 * (model.degreesOfFreedom as number),
        network: 'mlp',
        layerSizes,
        activation: model.activation,
      },
      weights: specs,
      weightsByteLength: specs.reduce((n, w) => n + w.byteLength, 0),
      metadata: {
        convertedFromFormatVersion: 1,
        degreesOfFreedom: model.degreesOfFreedom,
        ...(model.stateNames === undefined ? {} : { stateNames: model.stateNames }),
        ...rest,
      },
    },
    source,
  );
  return { manifest, weights: float32Bytes(arrays) };
}
