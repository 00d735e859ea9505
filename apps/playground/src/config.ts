import { DEFAULT_CUSTOM_H, SYSTEM_IDS } from './systems.js';
import type { SystemId } from './systems.js';

/** Everything a shared link restores: the system, the data and training knobs, the rollout. */
export interface Config {
  system: SystemId;
  customH: string;
  trajectories: number;
  timeSpan: number;
  points: number;
  noise: number;
  split: number;
  seed: number;
  learningRate: number;
  hidden: number;
  steps: number;
  /** Start of the shown rollout; empty: the system's default. */
  x0: number[];
  rolloutTime: number;
  deltaH: number;
}

/** The paper's mass-spring task: 50 trajectories of 30 points over t in [0, 3], noise 0.1, half held out. */
export const DEFAULTS: Readonly<Config> = {
  system: 'mass-spring',
  customH: DEFAULT_CUSTOM_H,
  trajectories: 50,
  timeSpan: 3,
  points: 30,
  noise: 0.1,
  split: 0.5,
  seed: 0,
  learningRate: 1e-3,
  hidden: 200,
  steps: 2000,
  x0: [],
  rolloutTime: 20,
  deltaH: 0,
};

type NumberKey = Exclude<keyof Config, 'system' | 'customH' | 'x0'>;

/** URL parameter names, short so a link stays readable. */
const NUMBER_PARAMS: Record<NumberKey, { name: string; min: number; max: number; int?: boolean }> =
  {
    trajectories: { name: 'n', min: 2, max: 500, int: true },
    timeSpan: { name: 'T', min: 0.1, max: 50 },
    points: { name: 'pts', min: 3, max: 500, int: true },
    noise: { name: 'noise', min: 0, max: 1 },
    split: { name: 'split', min: 0.05, max: 0.9 },
    seed: { name: 'seed', min: 0, max: 4294967295, int: true },
    learningRate: { name: 'lr', min: 1e-5, max: 0.1 },
    hidden: { name: 'hidden', min: 4, max: 512, int: true },
    steps: { name: 'steps', min: 1, max: 100000, int: true },
    rolloutTime: { name: 'tr', min: 0.5, max: 200 },
    deltaH: { name: 'dH', min: -1, max: 1 },
  };

export const NUMBER_KEYS = Object.keys(NUMBER_PARAMS) as NumberKey[];

/** Clamps a number into its knob's range (NaN: undefined). */
export function clampKnob(key: NumberKey, value: number): number | undefined {
  const spec = NUMBER_PARAMS[key];
  if (!Number.isFinite(value)) return undefined;
  const v = Math.min(spec.max, Math.max(spec.min, value));
  return spec.int === true ? Math.round(v) : v;
}

/** Reads a configuration from a query string; unknown or bad values fall back to the defaults. */
export function parseConfig(search: string): Config {
  const params = new URLSearchParams(search);
  const config: Config = { ...DEFAULTS, x0: [] };
  const sys = params.get('sys');
  if (sys !== null && (SYSTEM_IDS as readonly string[]).includes(sys)) {
    config.system = sys as SystemId;
  }
  const h = params.get('H');
  if (h !== null && h.length <= 500) config.customH = h;
  for (const key of NUMBER_KEYS) {
    const raw = params.get(NUMBER_PARAMS[key].name);
    if (raw === null || raw.trim() === '') continue;
    const v = clampKnob(key, Number(raw));
    if (v !== undefined) config[key] = v;
  }
  const x0 = params.get('x0');
  if (x0 !== null) {
    const values = x0.split(',').map(Number);
    if (values.length > 0 && values.length <= 8 && values.every(Number.isFinite))
      config.x0 = values;
  }
  return config;
}

/** The query string of a configuration: only what differs from the defaults. */
export function formatConfig(config: Config): string {
  const params = new URLSearchParams();
  if (config.system !== DEFAULTS.system) params.set('sys', config.system);
  if (config.system === 'custom') params.set('H', config.customH);
  for (const key of NUMBER_KEYS) {
    if (config[key] !== DEFAULTS[key]) params.set(NUMBER_PARAMS[key].name, String(config[key]));
  }
  if (config.x0.length > 0) params.set('x0', config.x0.map((v) => +v.toPrecision(6)).join(','));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
