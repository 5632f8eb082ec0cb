// A pure throughput benchmark of the driving simulator (no I/O: the CLI prints the result).
// Like MetaDrive's profile_metadrive.py it times env.step() only, over many scenarios, with
// traffic (density 0.06 by default) and the full 240-ray lidar; resets are timed separately and
// map generation is timed on fresh seeds with the cache bypassed.
import { generateMap } from './map.ts';
import { DrivingEnv } from './driving-env.ts';
import { TOY_CONFIG, type DrivingConfig } from './config.ts';
import { laneKeeperAction } from './lane-keeper.ts';

export interface DrivingBenchOptions {
  env?: 'driving' | 'toy';
  /** Decision steps to time (default 20 000). */
  steps?: number;
  /** Maps to generate for the map-generation figure (default 100, after 20 untimed). */
  maps?: number;
  /** An episode is cut after this many steps so the run visits many scenarios (default 400). */
  episodeCap?: number;
  config?: Partial<DrivingConfig>;
}

export interface DrivingBenchResult {
  env: string;
  steps: number;
  episodes: number;
  stepsPerSecond: number;
  /** Resets per second with maps already cached (the usual case while training). */
  resetsPerSecond: number;
  /** Resets per second including generating the map. */
  coldResetsPerSecond: number;
  /** Mean, median and worst milliseconds to generate one map (fresh seeds, cache bypassed). */
  mapGenerationMs: number;
  mapGenerationMedianMs: number;
  mapGenerationMaxMs: number;
  /** The first map of the process, before the JIT has compiled the generator. */
  firstMapMs: number;
  /** Mean traffic cars alive per timed step. */
  meanTrafficCars: number;
  trafficDensity: number;
  lidar: boolean;
}

export function benchDrivingSim(options: DrivingBenchOptions = {}): DrivingBenchResult {
  const steps = options.steps ?? 20_000;
  const maps = options.maps ?? 100;
  const cap = options.episodeCap ?? 400;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`bench steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(maps) || maps < 1)
    throw new RangeError(`bench maps must be a positive integer, got ${maps}`);
  const envId = options.env ?? 'driving';
  const config: Partial<DrivingConfig> = { ...(envId === 'toy' ? TOY_CONFIG : {}), ...options.config };
  const env = new DrivingEnv(config);

  // Map generation on fresh seeds (never cached here), after a few untimed maps so the figure is
  // the steady state rather than the JIT's first compile.
  const spec = { map: env.config.map, lanes: env.config.lanes, laneWidth: env.config.laneWidth };
  let t = performance.now();
  generateMap(spec, 399_999);
  const firstMapMs = performance.now() - t;
  for (let i = 0; i < 20; i++) generateMap(spec, 400_000 + i);
  const genTimes: number[] = [];
  for (let i = 0; i < maps; i++) {
    const t0 = performance.now();
    generateMap(spec, 500_000 + i);
    genTimes.push(performance.now() - t0);
  }
  genTimes.sort((a, b) => a - b);

  // Cold resets (map generated on first use), then warm resets of the same seeds.
  const seeds = Array.from({ length: Math.min(50, maps) }, (_, i) => 1000 + i);
  t = performance.now();
  for (const seed of seeds) env.reset(seed);
  const coldResetMs = performance.now() - t;
  t = performance.now();
  for (let r = 0; r < 4; r++) for (const seed of seeds) env.reset(seed);
  const warmResetMs = performance.now() - t;

  // Timed steps: a lane keeper drives the route in the middle lane so traffic gets triggered.
  let stepMs = 0;
  let done = 0;
  let episodes = 0;
  let carSteps = 0;
  let seedIndex = 0;
  while (done < steps) {
    env.reset(seeds[seedIndex++ % seeds.length]);
    episodes++;
    const lane = Math.floor((env.config.lanes - 1) / 2);
    for (let k = 0; k < cap && done < steps; k++) {
      const action = laneKeeperAction(env, lane);
      const t1 = performance.now();
      const r = env.step(action);
      stepMs += performance.now() - t1;
      done++;
      carSteps += env.traffic.cars.length;
      if (r.terminated || r.truncated) break;
    }
  }
  return {
    env: envId,
    steps: done,
    episodes,
    stepsPerSecond: done / (stepMs / 1000),
    resetsPerSecond: (4 * seeds.length) / (warmResetMs / 1000),
    coldResetsPerSecond: seeds.length / (coldResetMs / 1000),
    mapGenerationMs: genTimes.reduce((a, b) => a + b, 0) / maps,
    mapGenerationMedianMs: genTimes[Math.floor(maps / 2)],
    mapGenerationMaxMs: genTimes[maps - 1],
    firstMapMs,
    meanTrafficCars: carSteps / done,
    trafficDensity: env.config.trafficDensity,
    lidar: env.config.lidar,
  };
}
