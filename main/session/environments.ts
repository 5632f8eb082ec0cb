// Which simulator, simulated expert and scenario seeds each environment id means.
import type { EnvId, ExpertSource } from '../contract/session-config.ts';
import { createDrivingEnv, createToyEnv } from '../sim/driving/index.ts';
import { createDrivingExpert } from '../experts/driving-expert.ts';
import { noiselessExpert } from '../experts/expert.ts';
import type { EnvSetup } from './runner.ts';

/** MetaDrive's training scenarios: seeds 100–149 (environments.md §g). */
export const DRIVING_TRAIN_SEEDS = { start: 100, count: 50 };

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
