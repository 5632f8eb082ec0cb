// Which learner each method trains with, and the networks the loop keeps inference copies of. The
// gates live with the session (main/session/gates.ts).
import type { Method } from '../contract/session-config.ts';
import { AimLearner, type AimLearnerConfig } from './aim.ts';
import { OfflineBcLearner } from './bc.ts';
import { PeriodicBcLearner } from './hg-dagger.ts';
import type { MethodLearner } from './method.ts';
import { PvpTd3Learner } from './pvp-td3.ts';
import { ENSEMBLE_SIZE, EnsembleLearner } from './thrifty-dagger.ts';

/** The networks a method's learner sends to the loop: actors (an ensemble has several) and the proxy Q. */
export interface NetworkLayout {
  actors: number;
  proxyQ: boolean;
}

const LAYOUTS: Record<Method, NetworkLayout> = {
  aim: { actors: 1, proxyQ: true },
  bc: { actors: 1, proxyQ: false },
  'hg-dagger': { actors: 1, proxyQ: false },
  pvp: { actors: 1, proxyQ: false },
  'pvp-td3': { actors: 1, proxyQ: false },
  'ensemble-dagger': { actors: ENSEMBLE_SIZE, proxyQ: false },
  'thrifty-dagger': { actors: ENSEMBLE_SIZE, proxyQ: false },
};

export function networkLayout(method: Method): NetworkLayout {
  return LAYOUTS[method];
}

export function createMethodLearner(method: Method, config: AimLearnerConfig): MethodLearner {
  switch (method) {
    case 'aim':
      return new AimLearner(config);
    case 'bc':
      return new OfflineBcLearner(config);
    case 'hg-dagger':
    case 'pvp':
      return new PeriodicBcLearner(config);
    case 'pvp-td3':
      return new PvpTd3Learner(config);
    case 'ensemble-dagger':
    case 'thrifty-dagger':
      return new EnsembleLearner(config);
  }
}
