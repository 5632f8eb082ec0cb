// The gate each method drives with (the learners are in main/learn/methods.ts).
import type { ResolvedSessionConfig } from '../contract/session-config.ts';
import type { ActionSpace } from '../sim/env.ts';
import { DemonstrationGate } from '../learn/bc.ts';
import { ensembleDaggerGate } from '../learn/ensemble-dagger.ts';
import { HgDaggerGate, MismatchGate } from '../learn/hg-dagger.ts';
import type { MethodGate } from '../learn/method.ts';
import { PvpGate } from '../learn/pvp.ts';
import { PVP_TD3_FREE_LEVEL } from '../learn/pvp-td3.ts';
import { EnsembleGate, THRIFTY_NOVELTY_QUANTILE } from '../learn/thrifty-dagger.ts';
import { ThriftyOriginalGate } from '../learn/thrifty-dagger-original.ts';
import { DiscreteGate } from './discrete-gate.ts';
import { AimGate } from './gate.ts';

/** Robot-gated steps' thresholds are recomputed only from more than this many scores (reference: 25). */
const MIN_WINDOW = 25;

/**
 * The method's gate for this action space: on the grid's discrete actions, discrete AIM's (§4.4), or
 * the human-gated baselines' a_n ≠ a_e (§5.2).
 */
export function createGate(config: ResolvedSessionConfig, actions: ActionSpace['kind'] = 'box'): MethodGate {
  if (actions === 'discrete') {
    switch (config.method) {
      case 'aim':
        return new DiscreteGate({ warmupSteps: config.warmup, delta: config.delta });
      case 'pvp':
      case 'hg-dagger':
        return new MismatchGate();
      default:
        throw new Error(`${config.method} has no gate for discrete actions`);
    }
  }
  switch (config.method) {
    case 'aim':
      return new AimGate({
        warmupSteps: config.warmup,
        warmupMode: config.aim.warmupMode,
        delta: config.delta,
        minWindow: MIN_WINDOW,
        thresholdRecompute: config.aim.thresholdRecompute,
      });
    case 'bc':
      return new DemonstrationGate();
    case 'hg-dagger':
      return new HgDaggerGate(config.hgDaggerThreshold);
    case 'pvp':
      return new PvpGate(config.pvpFreeLevel);
    case 'pvp-td3':
      return new PvpGate(PVP_TD3_FREE_LEVEL);
    case 'ensemble-dagger':
      return ensembleDaggerGate(config.warmup);
    case 'thrifty-dagger':
      return new EnsembleGate(config.warmup, { quantile: THRIFTY_NOVELTY_QUANTILE });
    case 'thrifty-dagger-original':
      return new ThriftyOriginalGate(config.warmup);
  }
}
