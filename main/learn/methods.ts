// Which learner each method trains with, and the networks the loop keeps inference copies of. The
// gates live with the session (main/session/gates.ts).
import type * as tf from '@tensorflow/tfjs';
import type { Method } from '../contract/session-config.ts';
import { AimLearner, type AimLearnerConfig } from './aim.ts';
import { OfflineBcLearner } from './bc.ts';
import { PeriodicBcLearner } from './hg-dagger.ts';
import type { MethodLearner } from './method.ts';
import { createProxyQ } from './networks.ts';
import { PvpTd3Learner } from './pvp-td3.ts';
import { ENSEMBLE_SIZE, EnsembleLearner } from './thrifty-dagger.ts';
import { riskCriticFor, ThriftyOriginalLearner } from './thrifty-dagger-original.ts';

/**
 * The networks a method's learner sends to the loop: actors (an ensemble has several) and the
 * critic whose value the gate reads as q, by the name its checkpoints are stored under: AIM's
 * proxy Q, or thrifty-dagger-original's risk critic.
 */
export interface NetworkLayout {
  actors: number;
  critic: 'proxy-q' | 'risk-q' | null;
}

const LAYOUTS: Record<Method, NetworkLayout> = {
  aim: { actors: 1, critic: 'proxy-q' },
  bc: { actors: 1, critic: null },
  'hg-dagger': { actors: 1, critic: null },
  pvp: { actors: 1, critic: null },
  'pvp-td3': { actors: 1, critic: null },
  'ensemble-dagger': { actors: ENSEMBLE_SIZE, critic: null },
  'thrifty-dagger': { actors: ENSEMBLE_SIZE, critic: null },
  'thrifty-dagger-original': { actors: ENSEMBLE_SIZE, critic: 'risk-q' },
};

export function networkLayout(method: Method): NetworkLayout {
  return LAYOUTS[method];
}

/** A fresh copy of the method's gate critic (the loop's inference copy), or null without one. */
export function createGateCritic(method: Method, config: AimLearnerConfig): tf.LayersModel | null {
  const { obsDim, actionDim, qHidden, seed } = config;
  switch (LAYOUTS[method].critic) {
    case 'proxy-q':
      return createProxyQ(obsDim, actionDim, qHidden, seed + 1000);
    case 'risk-q':
      return riskCriticFor(config).risk;
    case null:
      return null;
  }
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
    case 'thrifty-dagger-original':
      return new ThriftyOriginalLearner(config);
  }
}
