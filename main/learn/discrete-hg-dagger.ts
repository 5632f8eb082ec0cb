// HG-DAgger (Kelly et al. 2019) for the grid's discrete actions, as the AIM paper's MiniGrid
// baseline implements it (aim-algorithm.md §6, pvp_dqn_HG.py): the same MinigridCNN, trained as a
// classifier of the behaviour action over the whole mixed batch B, unmasked:
//
//   L_CE = − E_(s,a_b)∈B [ log softmax(Q(s,·))_{a_b} ]
//
// Unmasked is sound under this gate: the simulated human takes over wherever the novice's action
// differs from the expert's (MismatchGate, hg-dagger.ts), so an agent-buffer action is one the
// expert would have taken. Decided every step, so every step is expert-involved (§7: num_timesteps).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './buffer.ts';
import { DiscreteQLearner } from './discrete-q.ts';
import type { MethodLearner } from './method.ts';

export class DiscreteHgDaggerLearner extends DiscreteQLearner implements MethodLearner {
  protected noviceLoss(batch: Batch): (q: tf.Tensor2D) => tf.Scalar {
    const behaviour = tf.oneHot(
      tf.tensor1d(Int32Array.from(batch.appliedAction), 'int32'),
      this.config.actions,
    );
    return (q) => behaviourCrossEntropy(q, behaviour);
  }
}

/** L_CE = mean_b −log softmax(Q(s_b,·))[a_b], with the behaviour actions one-hot. */
export function behaviourCrossEntropy(q: tf.Tensor2D, behaviourOneHot: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(behaviourOneHot, q, undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
}
