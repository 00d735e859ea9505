import type { RandomState } from '@hnn/random';
import { DatasetConfigError } from './errors.js';

/**
 * OpenAI Gym's `Pendulum-v0` (classic control), the source of the paper's pixel-pendulum task
 * (Section 5). Gym's angle `th` is 0 when the rod points straight up; the reference converts it to
 * an angle measured from the bottom with `get_theta`.
 */
export const GYM_PENDULUM = {
  /** Time step of one `env.step`. */
  dt: 0.05,
  /** Gravity. */
  g: 10,
  /** Mass of the rod. */
  m: 1,
  /** Length of the rod. */
  l: 1,
  /** `thdot` is clipped to [-maxSpeed, maxSpeed] after every step. */
  maxSpeed: 8,
} as const;

/** Gym's internal state: `th` (0 = upright, radians, never wrapped) and `thdot`. */
export interface GymPendulumState {
  readonly th: number;
  readonly thdot: number;
}

/**
 * One `env.step([0.])` of Pendulum-v0 (zero torque), in float64, in gym's order: a semi-implicit
 * Euler step (velocity first, the angle advanced with the new velocity) and the velocity clip
 * applied after the angle update, so the angle uses the unclipped velocity as gym does.
 */
export function gymPendulumStep(state: GymPendulumState): GymPendulumState {
  const { dt, g, l, maxSpeed } = GYM_PENDULUM;
  // Gym: newthdot = thdot + (-3 g / (2 l) * sin(th + pi) + 3 / (m l^2) * u) * dt, with u = 0.
  const newThdot = state.thdot + ((-3 * g) / (2 * l)) * Math.sin(state.th + Math.PI) * dt;
  const newTh = state.th + newThdot * dt;
  return { th: newTh, thdot: Math.min(Math.max(newThdot, -maxSpeed), maxSpeed) };
}

/**
 * The reference's `get_theta` on gym's observation (cos th, sin th, thdot): the angle from the
 * bottom, in (-pi, pi]. Computed through the observation, as the reference does, rather than as a
 * wrapped `th + pi`, so the last bits agree with it.
 */
export function getTheta(state: GymPendulumState): number {
  const cos = Math.cos(state.th);
  const sin = Math.sin(state.th);
  let theta = Math.atan2(cos, -sin) + Math.PI / 2;
  if (theta < -Math.PI) theta += 2 * Math.PI;
  if (theta > Math.PI) theta -= 2 * Math.PI;
  return theta;
}

/**
 * The reference's canonical coordinates (q, p) = (theta from the bottom, 0.25 thdot). The 0.25 is
 * the reference's: it makes H = 1.9 (1 - cos q) + p^2 as close to constant as it could fit.
 */
export function toCanonical(state: GymPendulumState): [q: number, p: number] {
  return [getTheta(state), 0.25 * state.thdot];
}

/** Inverse of `toCanonical`: gym's state for an angle from the bottom and a canonical momentum. */
export function fromCanonical(q: number, p: number): GymPendulumState {
  return { th: q + Math.PI, thdot: p / 0.25 };
}

/** Accepted start angles, measured from the bottom (the reference's min_angle < |theta| < max_angle). */
export interface GymStartRule {
  readonly minAngle: number;
  readonly maxAngle: number;
}

/** The reference's defaults: 0 < |theta| < pi/6. */
export const GYM_START_RULE: GymStartRule = { minAngle: 0, maxAngle: Math.PI / 6 };

/** Resets before giving up: a rule that accepts almost nothing is a configuration error. */
const MAX_RESETS = 1_000_000;

/**
 * The reference's reset loop: call `env.reset()` (th ~ U(-pi, pi), thdot ~ U(-1, 1), drawn in that
 * order as numpy's `uniform(low=-high, high=high)` with high = [pi, 1]) until the angle from the
 * bottom satisfies min < |theta| < max. Returns the start state and how many resets it took.
 *
 * Gym seeds its generator with a SHA-512 hash of the seed (`seeding.np_random`); we draw from
 * `RandomState(seed)` directly, so the start states follow the same rule but are not gym's.
 */
export function sampleGymStart(
  rng: RandomState,
  rule: GymStartRule = GYM_START_RULE,
): { state: GymPendulumState; resets: number } {
  if (!(rule.minAngle >= 0 && rule.maxAngle > rule.minAngle && rule.minAngle < Math.PI)) {
    throw new DatasetConfigError(
      `start rule needs 0 <= minAngle < maxAngle and minAngle < pi, got [${rule.minAngle}, ${rule.maxAngle}]`,
    );
  }
  for (let resets = 1; resets <= MAX_RESETS; resets++) {
    const th = -Math.PI + 2 * Math.PI * rng.rand();
    const thdot = -1 + 2 * rng.rand();
    const state = { th, thdot };
    const angle = Math.abs(getTheta(state));
    if (angle > rule.minAngle && angle < rule.maxAngle) return { state, resets };
  }
  throw new DatasetConfigError(
    `no start angle in (${rule.minAngle}, ${rule.maxAngle}) after ${MAX_RESETS} resets; widen the range`,
  );
}

/**
 * Rolls out `steps` states s_0 .. s_{steps-1} from `start` with zero torque (s_0 = start), as gym
 * holds them before each `env.step`. Row-major (th, thdot) pairs in float64.
 */
export function gymPendulumTrajectory(start: GymPendulumState, steps: number): Float64Array {
  const out = new Float64Array(steps * 2);
  let s = start;
  for (let t = 0; t < steps; t++) {
    out[2 * t] = s.th;
    out[2 * t + 1] = s.thdot;
    s = gymPendulumStep(s);
  }
  return out;
}
