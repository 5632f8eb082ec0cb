// Evaluation of the shortest-path grid expert over a list of layout seeds (pure: the CLI prints it).
import { createGridEnv, type GridEnvConfig } from '../sim/grid/env.ts';
import { Rng } from '../sim/random.ts';
import { createGridExpert, type GridExpertNoise } from './grid-expert.ts';

export interface GridExpertEvalOptions {
  seeds: Iterable<number>;
  config?: Partial<GridEnvConfig>;
  /** Act through sample() with this noise instead of the deterministic act(). */
  noise?: GridExpertNoise;
  /** Seed of the noise generator (default 0). */
  noiseSeed?: number;
}

export interface GridExpertEvaluation {
  episodes: number;
  successes: number;
  successRate: number;
  /** Over all episodes (a failed one counts with its full length). */
  medianEpisodeLength: number;
  meanEpisodeLength: number;
  p5EpisodeLength: number;
  p95EpisodeLength: number;
  maxEpisodeLength: number;
  /** Mean return per episode (1 − 0.9·k/120 on success, 0 otherwise). */
  meanReward: number;
  /** Seeds whose episode did not reach the goal. */
  failedSeeds: number[];
}

export function evaluateGridExpert(options: GridExpertEvalOptions): GridExpertEvaluation {
  const env = createGridEnv(options.config);
  const expert = createGridExpert(env, options.noise ? { noise: options.noise } : {});
  const rng = new Rng(options.noiseSeed ?? 0);
  const lengths: number[] = [];
  const failedSeeds: number[] = [];
  let rewardSum = 0;
  for (const seed of options.seeds) {
    env.reset(seed);
    expert.reset();
    for (;;) {
      const r = env.step(options.noise ? expert.sample(rng) : expert.act());
      if (!r.terminated && !r.truncated) continue;
      lengths.push(r.info.episodeLength);
      rewardSum += r.info.episodeReward;
      if (!r.info.arriveDest) failedSeeds.push(seed);
      break;
    }
  }
  const n = lengths.length;
  if (n === 0) throw new RangeError('evaluateGridExpert needs at least one seed');
  lengths.sort((a, b) => a - b);
  return {
    episodes: n,
    successes: n - failedSeeds.length,
    successRate: (n - failedSeeds.length) / n,
    medianEpisodeLength: n % 2 === 1 ? lengths[(n - 1) / 2] : (lengths[n / 2 - 1] + lengths[n / 2]) / 2,
    meanEpisodeLength: lengths.reduce((s, v) => s + v, 0) / n,
    p5EpisodeLength: percentile(lengths, 0.05),
    p95EpisodeLength: percentile(lengths, 0.95),
    maxEpisodeLength: lengths[n - 1],
    meanReward: rewardSum / n,
    failedSeeds,
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
