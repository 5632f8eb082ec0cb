// Public entry points of the driving simulator.
import type { Env } from '../env.ts';
import { TOY_CONFIG, type DrivingConfig } from './config.ts';
import { DrivingEnv } from './driving-env.ts';

export { DrivingEnv } from './driving-env.ts';
export { DEFAULT_DRIVING_CONFIG, EVAL_SEEDS, TOY_CONFIG, TRAIN_SEEDS, type DrivingConfig } from './config.ts';
export { OBS_DIM } from './observation.ts';
export { benchDrivingSim, type DrivingBenchOptions, type DrivingBenchResult } from './bench.ts';
export { BLOCK_LETTERS, type BlockLetter } from './blocks.ts';

/** The MetaDrive-equivalent driving environment (AIM's human-in-the-loop defaults, overridable). */
export function createDrivingEnv(config?: Partial<DrivingConfig>): Env {
  return new DrivingEnv(config);
}

/** The AIM toy case study: map "COT", one scenario, no traffic, obstacles on. */
export function createToyEnv(config?: Partial<DrivingConfig>): Env {
  return new DrivingEnv({ ...TOY_CONFIG, ...config });
}
