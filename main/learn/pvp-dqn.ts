// PVP-DQN (Peng et al. 2023) for the grid's discrete actions: MiniGrid's PVP baseline
// (aim-algorithm.md §6, pvp_dqn_pvp.py) and the novice of discrete AIM (§2.4, discrete-aim.ts).
//
//   L_Q = E[ smooth_l1( Q(s,a_b), (1 − d)·γ·max_a' Q̄(s',a') ) ]                  (reward-free TD)
//       + E[ (m·Q(s,a_h) − m·(+1))² ] + E[ (m·o·Q(s,a_n) − m·o·(−1))² ]         (PVP proxy)
//   with a_b the applied action, m = 1 on human-buffer samples, a_h = a_b there, a_n the stored
//   novice proposal, o = 1[a_h ≠ a_n]; the target Q̄ ← τ·Q + (1 − τ)·Q̄ once per environment step.
//   The means run over the whole mixed batch (masked samples dilute, as in the reference).
//
// As the PVP baseline it is human-gated (MismatchGate, hg-dagger.ts): the simulated human takes
// over whenever the novice's action differs from the expert's, decided every step, so every step
// is expert-involved (§7: MiniGrid PVP counts num_timesteps).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './buffer.ts';
import type { DiscreteAimConfig } from './discrete-aim.ts';
import { DiscreteQLearner, lossInputs, selectAction } from './discrete-q.ts';
import type { MethodLearner } from './method.ts';
import { createMinigridCnn, minigridCnnForward, minigridPatches, polyakUpdate } from './networks.ts';

export class PvpDqnLearner extends DiscreteQLearner implements MethodLearner {
  private readonly noviceTarget: tf.Sequential;

  constructor(config: DiscreteAimConfig) {
    super(config);
    this.noviceTarget = createMinigridCnn(config.actions, config.seed, 'novice_q_target');
    this.noviceTarget.setWeights(this.actor.getWeights());
  }

  override restoreState(state: Parameters<DiscreteQLearner['restoreState']>[0]): void {
    super.restoreState(state);
    // The target restarts as a copy of the novice.
    this.noviceTarget.setWeights(this.actor.getWeights());
  }

  override dispose(): void {
    super.dispose();
    this.noviceTarget.dispose();
  }

  protected noviceLoss(batch: Batch): (q: tf.Tensor2D) => tf.Scalar {
    const { actions, gamma } = this.config;
    const nextMax = tf.max(
      minigridCnnForward(this.noviceTarget, minigridPatches(batch.nextObs, batch.size)),
      1,
    );
    const inputs = lossInputs(batch);
    const target = tf.mul(tf.mul(tf.sub(1, inputs.done), gamma), nextMax);
    return (q) =>
      tf.add(
        tdHuberLoss(q, inputs.applied, target, actions),
        pvpLoss(q, inputs.applied, inputs.novice, inputs.human, actions),
      ) as tf.Scalar;
  }

  /** Polyak averaging once per environment step: Q̄ ← τ·Q + (1 − τ)·Q̄. */
  protected override noviceStepsDone(): void {
    polyakUpdate(this.actor, this.noviceTarget, this.config.tau);
  }
}

/** The reward-free TD term: mean smooth_l1(Q(s,a_b), target), target computed without gradient. */
export function tdHuberLoss(q: tf.Tensor2D, applied: tf.Tensor1D, target: tf.Tensor, n: number): tf.Scalar {
  return tf.losses.huberLoss(
    target,
    selectAction(q, applied, n),
    undefined,
    1,
    tf.Reduction.MEAN,
  ) as tf.Scalar;
}

/**
 * PVP's proxy terms for the novice: mean (m·Q(s,a_h) − m)² + mean (m·o·Q(s,a_n) + m·o)², with
 * o = 1[a_h ≠ a_n] and a_n the stored novice proposal.
 */
export function pvpLoss(
  q: tf.Tensor2D,
  applied: tf.Tensor1D,
  novice: tf.Tensor1D,
  human: tf.Tensor1D,
  n: number,
): tf.Scalar {
  return maskedProxyLoss(q, applied, novice, human, n, 1);
}

/** mean (m·Q(s,a_h) − m·y)² + mean (m·o·Q(s,a_n) + m·o·y)²: y = +1 for PVP's novice, −1 for AIM's proxy. */
export function maskedProxyLoss(
  q: tf.Tensor2D,
  applied: tf.Tensor1D,
  other: tf.Tensor1D,
  human: tf.Tensor1D,
  n: number,
  humanLabel: number,
): tf.Scalar {
  const differs = tf.mul(human, tf.cast(tf.notEqual(applied, other), 'float32'));
  const humanTerm = tf.mean(tf.square(tf.mul(human, tf.sub(selectAction(q, applied, n), humanLabel))));
  const otherTerm = tf.mean(tf.square(tf.mul(differs, tf.add(selectAction(q, other, n), humanLabel))));
  return tf.add(humanTerm, otherTerm) as tf.Scalar;
}
