// Evaluation of a policy network on held-out scenarios (aim-algorithm.md §7): the deterministic
// novice drives one episode per seed, and all unfinished episodes step together so each decision
// is one network call for the whole batch.
import * as tf from '@tensorflow/tfjs';
import type { EnvId } from '../contract/session-config.ts';
import type { Env, EnvSpec, StepResult } from '../sim/env.ts';
import { createDrivingEnv, createToyEnv } from '../sim/driving/index.ts';
import { createGridEnv } from '../sim/grid/index.ts';
import { greedyActions } from './discrete-q.ts';
import { predictAll } from './networks.ts';
import {
  episodeOutcome,
  summariseOutcomes,
  type EpisodeOutcome,
  type EvalSummary,
} from '../experts/driving-eval.ts';

/** Actions for `count` observations laid end to end, one action after another. */
export type BatchPolicy = (obs: Float32Array, count: number) => Float32Array;

/** A policy network's deterministic actions: an actor's output, or a Q-network's greedy action. */
export function modelPolicy(model: tf.LayersModel, spec: EnvSpec): BatchPolicy {
  if (spec.actionSpace.kind === 'discrete') return (obs, count) => greedyActions(model, obs, count);
  const obsDim = spec.obsShape.reduce((a, b) => a * b, 1);
  return (obs, count) =>
    tf.tidy(() => predictAll(model, tf.tensor2d(obs, [count, obsDim])).dataSync() as Float32Array);
}

function createEnv(env: EnvId): Env {
  switch (env) {
    case 'toy':
      return createToyEnv();
    case 'driving':
      return createDrivingEnv();
    case 'grid':
      return createGridEnv();
  }
}

export interface SeedRange {
  start: number;
  count: number;
}

export interface PolicyEvalResult extends EvalSummary {
  env: EnvId;
  seeds: SeedRange;
  outcomes: EpisodeOutcome[];
}

interface Running {
  env: Env;
  seed: number;
  obs: Float32Array;
  crashed: boolean;
  last: StepResult | null;
}

export function evaluatePolicy(policy: BatchPolicy, env: EnvId, seeds: SeedRange): PolicyEvalResult {
  if (!Number.isInteger(seeds.start) || !Number.isInteger(seeds.count) || seeds.count < 1)
    throw new RangeError(
      `seeds must be a start and a positive count of whole numbers, got ${JSON.stringify(seeds)}`,
    );
  const episodes: Running[] = Array.from({ length: seeds.count }, (_, k) => {
    const instance = createEnv(env);
    const seed = seeds.start + k;
    return { env: instance, seed, obs: instance.reset(seed), crashed: false, last: null };
  });
  const obsDim = episodes[0].obs.length;
  const actionDim = policy(episodes[0].obs, 1).length;
  let running = episodes;
  while (running.length > 0) {
    const batch = new Float32Array(running.length * obsDim);
    running.forEach((episode, i) => batch.set(episode.obs, i * obsDim));
    const actions = policy(batch, running.length);
    running.forEach((episode, i) => {
      const result = episode.env.step(actions.subarray(i * actionDim, (i + 1) * actionDim));
      episode.crashed ||= result.info.crashVehicle || result.info.crashObject;
      episode.obs = result.obs;
      if (result.terminated || result.truncated) episode.last = result;
    });
    running = running.filter((episode) => episode.last === null);
  }
  const outcomes = episodes.map((e) => episodeOutcome(e.seed, (e.last as StepResult).info, e.crashed));
  return { env, seeds, ...summariseOutcomes(outcomes), outcomes };
}
