// Driving configuration: defaults merged with overrides and validated once (MetaDrive style).
// Defaults are the AIM human-in-the-loop environment: 3 random blocks, 3 lanes of 3.5 m, traffic
// density 0.06, accident probability 0.8, horizon 1500, training seeds 100–149.
import { EnvConfigError } from '../env.ts';
import { parseMapString } from './map.ts';

export interface DrivingConfig {
  /** Environment id reported in the spec ("driving" or "toy"). */
  id: string;
  /** A block string such as "COT", or the number of random blocks after the first. */
  map: string | number;
  lanes: number;
  laneWidth: number;
  trafficDensity: number;
  accidentProb: number;
  horizon: number;
  /** With numScenarios > 0, reset(seed) uses startSeed + (seed mod numScenarios); 0 uses the seed as given. */
  startSeed: number;
  numScenarios: number;
  successReward: number;
  outOfRoadPenalty: number;
  crashVehiclePenalty: number;
  crashObjectPenalty: number;
  drivingReward: number;
  speedReward: number;
  /** Lidar on (240 rays); off fills the lidar part with 1 (for quick experiments). */
  lidar: boolean;
}

export const DEFAULT_DRIVING_CONFIG: DrivingConfig = {
  id: 'driving',
  map: 3,
  lanes: 3,
  laneWidth: 3.5,
  trafficDensity: 0.06,
  accidentProb: 0.8,
  horizon: 1500,
  startSeed: 0,
  numScenarios: 0,
  successReward: 10,
  outOfRoadPenalty: 5,
  crashVehiclePenalty: 5,
  crashObjectPenalty: 5,
  drivingReward: 1,
  speedReward: 0.1,
  lidar: true,
};

/** Training and evaluation seed ranges of PVP/AIM. */
export const TRAIN_SEEDS = { start: 100, count: 50 } as const;
export const EVAL_SEEDS = { start: 1000, count: 50 } as const;

/**
 * The AIM toy case study: map "COT", one scenario, no traffic, obstacles on. Scenario 1 is the
 * one whose accident (a line of cones) closes the lane the car starts in, so the novice must
 * learn to change lanes in the curve.
 */
export const TOY_CONFIG: Partial<DrivingConfig> = {
  id: 'toy',
  map: 'COT',
  trafficDensity: 0,
  accidentProb: 0.8,
  startSeed: 1,
  numScenarios: 1,
};

type Check = (value: unknown) => string | null;

const finite =
  (lo: number, hi: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi
      ? null
      : `must be a number from ${lo} to ${hi}`;
const integer =
  (lo: number, hi: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
      ? null
      : `must be a whole number from ${lo} to ${hi}`;

const CHECKS: Record<keyof DrivingConfig, Check> = {
  id: (v) =>
    typeof v === 'string' && v.length > 0 && v.length < 64 ? null : 'must be a short non-empty string',
  map: (v) => {
    if (typeof v === 'number')
      return Number.isInteger(v) && v >= 1 && v <= 60
        ? null
        : 'must be a block string or a whole number of blocks from 1 to 60';
    if (typeof v === 'string') {
      parseMapString(v); // throws an EnvConfigError naming the bad letter
      return null;
    }
    return 'must be a block string such as "COT" or a number of blocks';
  },
  lanes: integer(1, 5),
  laneWidth: finite(2.5, 5),
  trafficDensity: finite(0, 1),
  accidentProb: finite(0, 1),
  horizon: integer(1, 1_000_000),
  startSeed: integer(0, 2 ** 31 - 1),
  numScenarios: integer(0, 2 ** 31 - 1),
  successReward: finite(-1e6, 1e6),
  outOfRoadPenalty: finite(-1e6, 1e6),
  crashVehiclePenalty: finite(-1e6, 1e6),
  crashObjectPenalty: finite(-1e6, 1e6),
  drivingReward: finite(-1e6, 1e6),
  speedReward: finite(-1e6, 1e6),
  lidar: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
};

/** Merges overrides into the defaults; any unknown key or bad value is an EnvConfigError naming it. */
export function resolveConfig(
  overrides: Partial<DrivingConfig> | undefined,
  base: DrivingConfig = DEFAULT_DRIVING_CONFIG,
): DrivingConfig {
  if (
    overrides !== undefined &&
    (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))
  )
    throw new EnvConfigError('driving config must be an object');
  const out: DrivingConfig = { ...base };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in CHECKS))
      throw new EnvConfigError(
        `driving config: unknown option "${key}"; known options are ${Object.keys(CHECKS).join(', ')}`,
      );
    if (value === undefined) continue;
    const problem = CHECKS[key as keyof DrivingConfig](value);
    if (problem)
      throw new EnvConfigError(`driving config: "${key}" ${problem} (got ${JSON.stringify(value)})`);
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
