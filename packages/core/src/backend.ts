import * as tf from './tf.js';
import { isNode, readEnv } from './env.js';
import { BackendUnavailableError, InvalidInputError } from './errors.js';
import { SILENT_LOGGER } from './logger.js';
import type { Logger } from './logger.js';

/** The TensorFlow.js backends @hnn/core knows how to pick, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface InitBackendOptions {
  /** Receives the line naming the chosen backend (warn when a faster one failed); default silent. */
  readonly logger?: Logger;
}

export interface BackendInfo {
  readonly name: BackendName;
  /** Why a faster backend was not used (only when 'auto' fell back, or a preference failed). */
  readonly fallbackReason?: string;
}

const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

// Both backends are optional peer dependencies (tfjs-node cannot install everywhere; wasm costs
// 14 MB that the fused kernel makes unnecessary for the built-in MLP); keeping the specifiers in
// variables stops TypeScript and bundlers from requiring them at build time. In a browser an app
// that wants wasm imports @tensorflow/tfjs-backend-wasm itself (and calls its setWasmPaths, so
// that the bundler serves the .wasm files): a backend registered that way is used as it is.
const TFJS_NODE = '@tensorflow/tfjs-node';
const TFJS_WASM = '@tensorflow/tfjs-backend-wasm';

let current: BackendInfo | undefined;

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n', 1)[0] ?? text;
  return firstLine.length > 160 ? `${firstLine.slice(0, 157)}...` : firstLine;
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (tf.findBackendFactory(name) === null) {
      if (name === 'tensorflow') {
        // Only a Node-API addon; a browser would fail to fetch a bare specifier.
        if (!isNode()) return 'not Node.js';
        await import(TFJS_NODE);
      }
      if (name === 'wasm') {
        if (!isNode()) {
          return `not registered (import '${TFJS_WASM}' and call its setWasmPaths first)`;
        }
        await import(TFJS_WASM);
      }
    }
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    return tf.getBackend() === name ? undefined : `active backend is ${tf.getBackend()}`;
  } catch (error) {
    return describe(error);
  }
}

function parsePreference(value: string, source: string): BackendPreference {
  const found = BACKEND_PREFERENCES.find((p) => p === value);
  if (found === undefined) {
    throw new InvalidInputError(
      `Unknown backend '${value}' (from ${source}); use one of ${BACKEND_PREFERENCES.join(', ')}.`,
    );
  }
  return found;
}

/**
 * Selects the TensorFlow.js backend: @tensorflow/tfjs-node when it imports (an optional peer
 * dependency whose native library download fails on some machines; Node only), else wasm (an
 * optional peer dependency; in a browser only when the app registered it), else the pure-JS cpu
 * backend, which @hnn/core always registers. An explicit preference (argument, else env HNN_BACKEND) is tried first and falls
 * back the same way, with the reason recorded. This sets TensorFlow.js's global backend (train()
 * never does unless asked). Logs one line naming the choice to `options.logger`, if given.
 */
export async function initBackend(
  preference?: BackendPreference,
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const { logger = SILENT_LOGGER } = options;
  const envValue = readEnv('HNN_BACKEND');
  const wanted =
    preference !== undefined
      ? parsePreference(preference, 'initBackend argument')
      : envValue !== undefined && envValue !== ''
        ? parsePreference(envValue, 'env HNN_BACKEND')
        : 'auto';
  const order: BackendName[] =
    wanted === 'auto'
      ? ['tensorflow', 'wasm', 'cpu']
      : [wanted, ...(['tensorflow', 'wasm', 'cpu'] as const).filter((n) => n !== wanted)];

  const failures: string[] = [];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      current = failures.length === 0 ? { name } : { name, fallbackReason: failures.join('; ') };
      if (current.fallbackReason === undefined) {
        logger.info(`[@hnn/core] TensorFlow.js backend: ${name}`);
      } else {
        logger.warn(`[@hnn/core] TensorFlow.js backend: ${name} (${current.fallbackReason})`);
      }
      return current;
    }
    failures.push(`${name} unavailable: ${failure}`);
  }
  throw new BackendUnavailableError(
    `No TensorFlow.js backend could be initialised (${failures.join('; ')}). ` +
      'Reinstall @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu.',
  );
}

/** The backend chosen by the last initBackend call, or undefined before the first one. */
export function getBackendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * The backend train() runs on: 'keep' uses TensorFlow.js's active backend as it is (the app's
 * choice, or the default TensorFlow.js picks itself); anything else is an initBackend() call,
 * which switches the global backend.
 */
export type TrainBackendOption = 'keep' | BackendPreference;

/** Applies a {@link TrainBackendOption}; returns the name of the backend that is active after it. */
export async function resolveTrainBackend(
  option: TrainBackendOption,
  logger: Logger,
): Promise<string> {
  if (option !== 'keep') return (await initBackend(option, { logger })).name;
  await tf.ready();
  return tf.getBackend();
}
