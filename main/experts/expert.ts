// A simulated human: privileged access to its environment's state, one action per decision.
import type { Rng } from '../sim/random.ts';

export interface Expert {
  /** Prepares for the scenario the environment just reset to. */
  reset(): void;
  /** The expert's deterministic action for the environment's current state. */
  act(): Float64Array;
  /** A noisy action (driving: Gaussian around act(), clipped; grid: ε-random), drawn from rng. */
  sample(rng: Rng): Float64Array;
  /** Log-density of an action under the expert's action distribution (human-gated baselines need it). */
  logDensity?(action: ArrayLike<number>): number;
}

/**
 * The same expert giving its deterministic action where a sample was asked for: noise-free labels
 * and hand-back comparisons. logDensity keeps the expert's distribution (PVP's density gate).
 */
export function noiselessExpert(expert: Expert): Expert {
  return {
    reset: () => expert.reset(),
    act: () => expert.act(),
    sample: () => expert.act(),
    ...(expert.logDensity
      ? { logDensity: (action: ArrayLike<number>) => expert.logDensity?.(action) ?? 0 }
      : {}),
  };
}
