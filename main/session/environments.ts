// Which simulator, simulated expert and scenario seeds each environment id means.
import type { EnvId } from '../contract/session-config.ts';
import { createDrivingEnv, createToyEnv } from '../sim/driving/index.ts';
import { createDrivingExpert } from '../experts/driving-expert.ts';
import type { EnvSetup } from './runner.ts';

/** MetaDrive's training scenarios: seeds 100–149 (environments.md §g). */
export const DRIVING_TRAIN_SEEDS = { start: 100, count: 50 };

export function createEnvSetup(id: EnvId, sessionSeed: number): EnvSetup {
  switch (id) {
    case 'toy': {
      const env = createToyEnv();
      // The toy task is one scenario (the AIM case study), whatever the episode.
      return { env, expert: createDrivingExpert(env), seedFor: () => 0 };
    }
    case 'driving': {
      const env = createDrivingEnv();
      const { start, count } = DRIVING_TRAIN_SEEDS;
      return {
        env,
        expert: createDrivingExpert(env),
        seedFor: (episode) => start + ((sessionSeed + episode) % count),
      };
    }
  }
}
