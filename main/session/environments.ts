// Which simulator, simulated expert and scenario seeds each environment id means.
import type { EnvId, ExpertSource } from '../contract/session-config.ts';
import { createDrivingEnv, createToyEnv } from '../sim/driving/index.ts';
import { createGridEnv, DONE } from '../sim/grid/index.ts';
import { createDrivingExpert } from '../experts/driving-expert.ts';
import { noiselessExpert } from '../experts/expert.ts';
import { createGridExpert } from '../experts/grid-expert.ts';
import type { EnvSetup } from './runner.ts';

/** MetaDrive's training scenarios: seeds 100–149 (environments.md §g). */
export const DRIVING_TRAIN_SEEDS = { start: 100, count: 50 };

/**
 * The grid's training layouts: MiniGrid draws a new one on every reset, so each episode of a session
 * gets its own seed, from a stream per session seed that starts far above the evaluation seeds
 * (1000–1049): seed 1,000,000 + 100,000·(session seed mod 20,000) + episode.
 */
export function gridTrainSeed(sessionSeed: number, episode: number): number {
  return 1_000_000 + 100_000 * (sessionSeed % 20_000) + (episode % 100_000);
}

/** No steering, full brake: what a car does when the person's input stops. */
const BRAKE = [0, -1];

/** The environment, its expert (noise-free when the scripted expert's noise is 'none') and seeds. */
export function createEnvSetup(id: EnvId, sessionSeed: number, source?: ExpertSource): EnvSetup {
  const setup = environment(id, sessionSeed);
  if (source?.kind === 'scripted' && source.noise === 'none') setup.expert = noiselessExpert(setup.expert);
  return setup;
}

function environment(id: EnvId, sessionSeed: number): EnvSetup {
  switch (id) {
    case 'toy': {
      const env = createToyEnv();
      // The toy task is one scenario (the AIM case study), whatever the episode.
      return { env, expert: createDrivingExpert(env), seedFor: () => 0, idleAction: BRAKE };
    }
    case 'driving': {
      const env = createDrivingEnv();
      const { start, count } = DRIVING_TRAIN_SEEDS;
      return {
        env,
        expert: createDrivingExpert(env),
        seedFor: (episode) => start + ((sessionSeed + episode) % count),
        idleAction: BRAKE,
      };
    }
    case 'grid': {
      const env = createGridEnv();
      // AIM's grid expert is the greedy policy of a trained Q-network: deterministic, no ε.
      const expert = createGridExpert(env, { noise: { kind: 'epsilon', epsilon: 0 } });
      // 'done' changes nothing in MultiRoom: the agent waits.
      return { env, expert, seedFor: (episode) => gridTrainSeed(sessionSeed, episode), idleAction: [DONE] };
    }
  }
}
