// The one interface every environment implements. Environments are pure and deterministic for a
// seed: no I/O, no clocks, no TF.js.
import type { Actor, Scene } from '../contract/scene.ts';

export type ActionSpace =
  { kind: 'box'; dim: number; low: number; high: number } | { kind: 'discrete'; n: number };

export interface EnvSpec {
  id: string;
  /** Shape of one observation; the observation itself is always a flat Float32Array. */
  obsShape: readonly number[];
  actionSpace: ActionSpace;
  /** Decisions per simulated second (10 for driving). */
  decisionHz: number;
  horizon: number;
}

/** Per-step facts every environment reports; driving-specific flags are false elsewhere. */
export interface StepInfo {
  arriveDest: boolean;
  crashVehicle: boolean;
  crashObject: boolean;
  outOfRoad: boolean;
  outOfRoute: boolean;
  maxStep: boolean;
  cost: number;
  routeCompletion: number;
  /** Name of the region (map block) the ego is in, for takeover analytics; '' when unknown. */
  region: string;
  episodeReward: number;
  episodeCost: number;
  episodeLength: number;
}

export interface StepResult {
  obs: Float32Array;
  reward: number;
  cost: number;
  /** The episode ended by its own rules (arrival, out of road, …). */
  terminated: boolean;
  /** The episode hit the horizon. */
  truncated: boolean;
  info: StepInfo;
}

export interface EgoState {
  x: number;
  y: number;
  heading: number;
  /** Metres per second (driving) or 0 (grid). */
  speed: number;
}

export interface Env {
  readonly spec: EnvSpec;
  /** Starts the scenario for this seed and returns the first observation. */
  reset(seed: number): Float32Array;
  /** Applies one decision. Continuous actions are clipped to the box; NaN is rejected with an error. */
  step(action: ArrayLike<number>): StepResult;
  /** Static geometry of the current scenario, for rendering and replay. */
  scene(): Scene;
  ego(): EgoState;
  /** Everything other than the ego that the renderer should draw this step. */
  actors(): Actor[];
}

export class EnvConfigError extends Error {
  override name = 'EnvConfigError';
}

export class ActionError extends Error {
  override name = 'ActionError';
}

/** Checks a continuous action and returns it clipped to [low, high]; NaN or non-numbers throw. */
export function clipBoxAction(
  action: ArrayLike<number>,
  space: { dim: number; low: number; high: number },
): Float64Array {
  if (action.length !== space.dim)
    throw new ActionError(`action has ${action.length} values, expected ${space.dim}`);
  const out = new Float64Array(space.dim);
  for (let i = 0; i < space.dim; i++) {
    const value = action[i];
    if (typeof value !== 'number' || Number.isNaN(value))
      throw new ActionError(`action[${i}] is ${String(value)}, not a number`);
    out[i] = Math.min(space.high, Math.max(space.low, value));
  }
  return out;
}
