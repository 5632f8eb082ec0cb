// Evaluation of the scripted driving expert over a seed range (what `aim eval --policy expert`
// prints). Pure: no I/O, deterministic for its arguments.
import type { StepInfo } from '../sim/env.ts';
import { Rng } from '../sim/random.ts';
import { DrivingEnv } from '../sim/driving/driving-env.ts';
import { EVAL_SEEDS, TOY_CONFIG, type DrivingConfig } from '../sim/driving/config.ts';
import { DrivingExpert, type DrivingExpertOptions } from './driving-expert.ts';

export interface ExpertEvalOptions {
  env?: 'driving' | 'toy';
  /** First seed and number of seeds; defaults to the evaluation seeds 1000–1049. */
  seeds?: { start: number; count: number };
  /** Sample the noisy action instead of the deterministic one. */
  stochastic?: boolean;
  /** Seed of the expert's noise (stochastic only). */
  noiseSeed?: number;
  config?: Partial<DrivingConfig>;
  expert?: Partial<DrivingExpertOptions>;
}

export interface EpisodeOutcome {
  seed: number;
  success: boolean;
  crash: boolean;
  outOfRoad: boolean;
  maxStep: boolean;
  routeCompletion: number;
  return: number;
  cost: number;
  length: number;
  /** Region (block) where the episode ended. */
  region: string;
}

/** The metrics of an evaluation (aim-algorithm.md §7), over its episodes. */
export interface EvalSummary {
  episodes: number;
  successRate: number;
  routeCompletion: number;
  /** Share of episodes with at least one vehicle or object crash. */
  crashRate: number;
  outOfRoadRate: number;
  maxStepRate: number;
  meanReturn: number;
  meanCost: number;
  meanLength: number;
}

export interface ExpertEvalResult extends EvalSummary {
  env: string;
  policy: 'expert';
  stochastic: boolean;
  seeds: { start: number; count: number };
  outcomes: EpisodeOutcome[];
}

/** How an episode ended, from its last step's info and whether it crashed on the way. */
export function episodeOutcome(seed: number, info: StepInfo, crashed: boolean): EpisodeOutcome {
  return {
    seed,
    success: info.arriveDest,
    crash: crashed,
    outOfRoad: info.outOfRoad,
    maxStep: info.maxStep && !info.arriveDest && !info.outOfRoad,
    routeCompletion: info.routeCompletion,
    return: info.episodeReward,
    cost: info.episodeCost,
    length: info.episodeLength,
    region: info.region,
  };
}

export function summariseOutcomes(outcomes: readonly EpisodeOutcome[]): EvalSummary {
  const mean = (f: (o: EpisodeOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0) / outcomes.length;
  return {
    episodes: outcomes.length,
    successRate: mean((o) => +o.success),
    routeCompletion: mean((o) => o.routeCompletion),
    crashRate: mean((o) => +o.crash),
    outOfRoadRate: mean((o) => +o.outOfRoad),
    maxStepRate: mean((o) => +o.maxStep),
    meanReturn: mean((o) => o.return),
    meanCost: mean((o) => o.cost),
    meanLength: mean((o) => o.length),
  };
}

export function evaluateExpert(options: ExpertEvalOptions = {}): ExpertEvalResult {
  const envId = options.env ?? 'driving';
  const seeds = options.seeds ?? { start: EVAL_SEEDS.start, count: EVAL_SEEDS.count };
  if (!Number.isInteger(seeds.start) || !Number.isInteger(seeds.count) || seeds.count < 1)
    throw new RangeError(
      `seeds must be a start and a positive count of whole numbers, got ${JSON.stringify(seeds)}`,
    );
  const stochastic = options.stochastic ?? false;
  const env = new DrivingEnv({ ...(envId === 'toy' ? TOY_CONFIG : {}), ...options.config });
  const expert = new DrivingExpert(env, options.expert);
  const noise = new Rng(options.noiseSeed ?? 0);
  const outcomes: EpisodeOutcome[] = [];
  for (let k = 0; k < seeds.count; k++) {
    const seed = seeds.start + k;
    env.reset(seed);
    expert.reset();
    let crashed = false;
    let info: StepInfo;
    for (;;) {
      const action = stochastic ? expert.sample(noise) : expert.act();
      const r = env.step(action);
      if (r.info.crashVehicle || r.info.crashObject) crashed = true;
      if (r.terminated || r.truncated) {
        info = r.info;
        break;
      }
    }
    outcomes.push(episodeOutcome(seed, info, crashed));
  }
  return { env: envId, policy: 'expert', stochastic, seeds, ...summariseOutcomes(outcomes), outcomes };
}
