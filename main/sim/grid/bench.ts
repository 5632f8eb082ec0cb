// A pure throughput benchmark of the grid simulator (no I/O: the CLI prints the result).
import { Rng } from '../random.ts';
import { NUM_ACTIONS } from './codes.ts';
import { createGridEnv, type GridEnvConfig } from './env.ts';

export interface GridBenchOptions {
  /** Environment steps to time (default 200,000). */
  steps?: number;
  /** Resets to time separately (default steps / 100, at least 100). */
  resets?: number;
  /** Seed of the layouts and of the random actions (default 0). */
  seed?: number;
  config?: Partial<GridEnvConfig>;
}

export interface GridBenchResult {
  steps: number;
  /** Steps per second with uniformly random actions, including the resets episodes end with. */
  stepsPerSecond: number;
  /** Episodes ended (and so resets) during the timed steps. */
  episodes: number;
  resets: number;
  /** Layout generations (reset) per second on their own. */
  resetsPerSecond: number;
}

/**
 * Times env.step() with uniformly random actions as MiniGrid's own benchmark does; an episode that
 * ends is reset within the timed loop, so the figure is what a training loop actually gets. Resets
 * are then timed on their own. Single-threaded, whatever core it runs on.
 */
export function benchGridSim(options: GridBenchOptions = {}): GridBenchResult {
  const steps = options.steps ?? 200_000;
  const resets = options.resets ?? Math.max(100, Math.floor(steps / 100));
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`bench steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(resets) || resets < 1)
    throw new RangeError(`bench resets must be a positive integer, got ${resets}`);
  const seed = options.seed ?? 0;
  const env = createGridEnv(options.config);
  const rng = new Rng(seed);
  // Actions are drawn before timing so the figure is the simulator's, not the generator's.
  const actions = new Uint8Array(steps);
  for (let i = 0; i < steps; i++) actions[i] = rng.int(0, NUM_ACTIONS);
  const action = new Float64Array(1);

  let episodes = 0;
  let checksum = 0;
  env.reset(seed);
  let start = performance.now();
  for (let i = 0; i < steps; i++) {
    action[0] = actions[i];
    const r = env.step(action);
    checksum += r.obs[440];
    if (r.terminated || r.truncated) {
      episodes++;
      env.reset(seed + episodes);
    }
  }
  const stepSeconds = (performance.now() - start) / 1000;

  start = performance.now();
  for (let i = 0; i < resets; i++) checksum += env.reset(seed + 1_000_000 + i)[0];
  const resetSeconds = (performance.now() - start) / 1000;
  // Using the checksum keeps the optimiser from discarding the work; it is never NaN.
  if (Number.isNaN(checksum)) throw new Error('unreachable');
  return {
    steps,
    stepsPerSecond: steps / stepSeconds,
    episodes,
    resets,
    resetsPerSecond: resets / resetSeconds,
  };
}
