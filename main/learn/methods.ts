// Which learner each method trains with, and the networks the loop keeps inference copies of. The
// gates live with the session (main/session/gates.ts). Continuous-action environments (driving,
// toy) have every method; the grid's discrete actions have discrete AIM and the MiniGrid baselines
// (PVP-DQN, HG-DAgger by cross-entropy).
import * as tf from '@tensorflow/tfjs';
import { GRID_METHODS, type Method } from '../contract/session-config.ts';
import { AimLearner, type AimLearnerConfig } from './aim.ts';
import { meanAction, OfflineBcLearner } from './bc.ts';
import { DiscreteAimLearner, type DiscreteAimConfig } from './discrete-aim.ts';
import { DiscreteHgDaggerLearner } from './discrete-hg-dagger.ts';
import { actionValues, greedyActions } from './discrete-q.ts';
import { PeriodicBcLearner } from './hg-dagger.ts';
import type { MethodLearner } from './method.ts';
import { createActor, createMinigridCnn, createProxyQ, MINIGRID_OBS_SHAPE, predictAll } from './networks.ts';
import { PvpDqnLearner } from './pvp-dqn.ts';
import { PvpTd3Learner } from './pvp-td3.ts';
import { ENSEMBLE_SIZE, EnsembleLearner } from './thrifty-dagger.ts';
import { riskCriticFor, ThriftyOriginalLearner } from './thrifty-dagger-original.ts';

/** A learner's configuration: a continuous method's, or discrete AIM's (told apart by its action count). */
export type LearnerConfig = AimLearnerConfig | DiscreteAimConfig;

export function isDiscreteConfig(config: LearnerConfig): config is DiscreteAimConfig {
  return 'actions' in config;
}

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

export function createMethodLearner(method: Method, config: LearnerConfig): MethodLearner {
  if (isDiscreteConfig(config)) {
    switch (method) {
      case 'aim':
        return new DiscreteAimLearner(config);
      case 'pvp':
        return new PvpDqnLearner(config);
      case 'hg-dagger':
        return new DiscreteHgDaggerLearner(config);
      default:
        throw new Error(
          `${method} has no learner for discrete actions; on the grid ${GRID_METHODS.join(', ')} train`,
        );
    }
  }
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

/** Values per observation and per action in the transitions a learner of this configuration takes. */
export function transitionSizes(config: LearnerConfig): { obsDim: number; actionDim: number } {
  return isDiscreteConfig(config)
    ? { obsDim: MINIGRID_OBS_SHAPE.reduce((a, b) => a * b, 1), actionDim: 1 }
    : { obsDim: config.obsDim, actionDim: config.actionDim };
}

/** The loop's copies of a method's networks, with how the novice acts and the gate's critic is read. */
export interface InferenceNetworks {
  readonly actors: readonly tf.Sequential[];
  /** The critic the gate reads (AIM's proxy Q, the risk critic), if the method has one. */
  readonly proxyQ: tf.LayersModel | null;
  /** The novice's actions for `count` observations: an ensemble's mean, a Q-network's greedy action. */
  act(obs: Float32Array, count: number): Float32Array;
  /** The critic's value for one observation and action: Q_c(s, a) (thrifty-dagger-original: Q_risk). */
  q(obs: Float32Array, action: ArrayLike<number>): number;
}

export function createInferenceNetworks(method: Method, config: LearnerConfig): InferenceNetworks {
  if (isDiscreteConfig(config)) {
    const actor = createMinigridCnn(config.actions, config.seed, 'novice_q');
    const proxyQ = networkLayout(method).critic
      ? createMinigridCnn(config.actions, config.seed + 1000, 'proxy_q')
      : null;
    return {
      actors: [actor],
      proxyQ,
      act: (obs, count) => greedyActions(actor, obs, count),
      q(obs, action) {
        if (!proxyQ) throw new Error(`${method} has no critic for its gate`);
        return actionValues(proxyQ, obs, action, 1)[0];
      },
    };
  }
  const { obsDim, actionDim, actorHidden, seed } = config;
  const actors = Array.from({ length: networkLayout(method).actors }, (_, k) =>
    createActor(obsDim, actionDim, actorHidden, seed + k),
  );
  const critic = createGateCritic(method, config);
  return {
    actors,
    proxyQ: critic,
    act: (obs, count) => meanAction(actors, obs, count),
    q(obs, action) {
      if (!critic) throw new Error(`${method} has no critic for its gate`);
      return tf.tidy(() => {
        const input = tf.concat(
          [tf.tensor2d(obs, [1, obsDim]), tf.tensor2d(Float32Array.from(action), [1, actionDim])],
          1,
        );
        return predictAll(critic, input).dataSync()[0];
      });
    },
  };
}
