/**
 * `@hnn/core/node`: model files on disk. A separate entry point, so that the main one never
 * imports `node:` modules and bundles for the browser as is; in a browser, use the in-memory
 * functions of `@hnn/core` (serializeModel, encodeModelJson, decodeModelJson, deserializeModel)
 * with fetch, IndexedDB or a download link.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DynamicsModel } from './dynamics-model.js';
import type { Float64Dynamics } from './float64.js';
import {
  SavedModelError,
  decodeModelJson,
  deserializeFloat64,
  deserializeModel,
  encodeModelJson,
  serializeModel,
} from './saved-model.js';
import type { ModelArtifacts, SavedMlpModel, SerializeModelOptions } from './saved-model.js';

/**
 * Writes `model` to `path` as one JSON file (manifest + base64 weights). Written beside the
 * target and renamed into place, so a crash never leaves a half-written model under `path`;
 * refuses to replace anything that is not a regular file (a directory, a device, a pipe).
 */
export async function saveModel(
  model: DynamicsModel,
  path: string,
  options: SerializeModelOptions = {},
): Promise<void> {
  const text = encodeModelJson(serializeModel(model, options));
  const existing = await lstat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    throw new SavedModelError(
      path,
      'exists and is not a regular file (a directory, link, device or pipe); choose another path',
    );
  }
  const tmp = join(
    dirname(path),
    `${basename(path)}.hnn-partial-${process.pid}-${randomBytes(3).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Reads a model file (this format, or a version-1 file of the hnn CLI) into artifacts. */
export async function readModelArtifacts(path: string): Promise<ModelArtifacts> {
  let text: string;
  try {
    // O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer forever.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) {
        throw new SavedModelError(path, 'is not a regular file; give the path of a model file');
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof SavedModelError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SavedModelError(
      path,
      code === 'ENOENT'
        ? 'no such model file; check the path or save one with saveModel'
        : `cannot be read (${code ?? String(error)})`,
    );
  }
  return decodeModelJson(text, { source: path });
}

/** Loads a model file as a trainable model (what createHnn/createBaseline return). */
export async function loadModel(path: string): Promise<SavedMlpModel> {
  return deserializeModel(await readModelArtifacts(path), { source: path });
}

/** Loads a model file as a float64 evaluator (no TensorFlow.js tensors). */
export async function loadFloat64Model(path: string): Promise<Float64Dynamics> {
  return deserializeFloat64(await readModelArtifacts(path), { source: path });
}
