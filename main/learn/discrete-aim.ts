// AIM for discrete actions (MiniGrid), as aim-algorithm.md §1.2, §2.3–2.5 and §3.2 specify it from
// the release code (aim_discrete.py::AIM_Discrete.train, train_aim_minigrid.py).
//
// Two Q-networks of the same MinigridCNN, trained on mixed batches of up to 100 agent-buffer and
// 100 human-buffer transitions (m = 1 for a human-buffer sample, 0 for an agent one):
//   novice Q (PVP-DQN, acts greedily):
//     L_Q  = E[ smooth_l1( Q(s,a_b), (1 − d)·γ·max_a' Q̄(s',a') ) ]                  (reward-free TD)
//          + E[ (m·Q(s,a_h) − m·(+1))² ] + E[ (m·o·Q(s,a_n) − m·o·(−1))² ]         (PVP proxy)
//     with a_b the applied action, a_h = a_b on human samples, a_n the stored novice proposal,
//     o = 1[a_h ≠ a_n], and the target Q̄ ← τ·Q + (1 − τ)·Q̄ once per environment step.
//   proxy Q_c (the AIM "classifier"; the sign convention is the opposite of PVP's):
//     L_AIM = E[ (m·Q_c(s,a_h) − m·(−1))² ] + E[ (m·o'·Q_c(s,a_n') − m·o'·(+1))² ]
//     with a_n' = argmax_a Q(s,a) of the current novice (no gradient) and o' = 1[a_h ≠ a_n'].
// Every mean runs over the whole batch, so masked samples count as zero error but dilute the
// gradient, as in the reference. Both networks: Adam 1e-4, gradient norm clipped at 10.
// Per environment step past `learningStarts`: 32 novice steps; once the proxy is on (after warm-up,
// `initialFit`) 32 proxy steps too, then the gate's threshold from a fresh agent-buffer sample.
import * as tf from '@tensorflow/tfjs';
import type { InitialFit, UpdateReport } from './aim.ts';
import { actionValues, lossInputs } from './discrete-q.ts';
import type { MethodLearner } from './method.ts';
import { createAdam, createMinigridCnn, minigridCnnForward, minigridPatches } from './networks.ts';
import { maskedProxyLoss, PvpDqnLearner } from './pvp-dqn.ts';
import { quantile } from './quantile.ts';

export interface DiscreteAimConfig {
  actions: number;
  learningRate: number;
  /** Samples per batch from each buffer (reference: 100 + 100). */
  halfBatch: number;
  /** Gradient steps per environment step, for each network (reference: 32). */
  gradientSteps: number;
  /** Environment steps before the novice trains (SB3 learning_starts: 10). */
  learningStarts: number;
  gamma: number;
  tau: number;
  maxGradNorm: number;
  bufferCapacity: number;
  seed: number;
}

export const DISCRETE_AIM_DEFAULTS: Omit<DiscreteAimConfig, 'seed'> = {
  actions: 7,
  learningRate: 1e-4,
  halfBatch: 100,
  gradientSteps: 32,
  learningStarts: 10,
  gamma: 0.99,
  tau: 0.005,
  maxGradNorm: 10,
  bufferCapacity: 10_000,
};

/** Samples of the agent buffer whose Q values set the threshold (§4.2, MiniGrid). */
const THRESHOLD_SAMPLES = 200;
const THRESHOLD_MIN_AGENT = 32;

/** What a checkpoint needs beyond the weights to continue the schedule. */
export interface DiscreteAimState {
  kind: 'discrete';
  stepsSeen: number;
  proxyOn: boolean;
}

/** Discrete AIM: the PVP-DQN novice of pvp-dqn.ts, and the proxy Q_c the gate reads. */
export class DiscreteAimLearner extends PvpDqnLearner implements MethodLearner {
  override readonly proxyQ: tf.Sequential;
  private readonly proxyOptimizer: tf.Optimizer;
  private proxyOn = false;

  constructor(config: DiscreteAimConfig) {
    super(config);
    this.proxyQ = createMinigridCnn(config.actions, config.seed + 1000, 'proxy_q');
    this.proxyOptimizer = createAdam(config.learningRate);
  }

  get initialised(): boolean {
    return this.proxyOn;
  }

  /** Q_c(s, a) for `count` observation/action pairs laid end to end. */
  q(obs: Float32Array, actions: ArrayLike<number>, count = 1): Float32Array {
    return actionValues(this.proxyQ, obs, actions, count);
  }

  /**
   * The end of warm-up: the proxy Q starts training (its first 32 steps run now) and the gate gets
   * its first threshold as the quantile of these Q values. The discrete agreement rule is exact
   * equality, so ε is 0.
   */
  override initialFit(): InitialFit {
    if (this.human.size === 0) throw new Error('the proxy Q needs at least one expert transition to start');
    this.proxyOn = true;
    for (let k = 0; k < this.config.gradientSteps; k++) this.proxyStep();
    return { epsilon: 0, heldOutQ: this.thresholdSample() };
  }

  /** The novice's steps, then (once the proxy is on) as many proxy steps. */
  override afterStep(mayRefire = true): UpdateReport {
    const report = super.afterStep(mayRefire);
    if (report.policyUpdated && this.proxyOn && this.human.size > 0) {
      for (let k = 0; k < this.config.gradientSteps; k++) this.proxyStep();
      report.qSteps = this.config.gradientSteps;
    }
    return report;
  }

  /** The (1 − δ) quantile of Q_c at the stored novice actions of a fresh agent-buffer sample (§4.2). */
  recomputedThreshold(delta: number): number {
    return quantile(this.thresholdSample(), 1 - delta);
  }

  override state(): DiscreteAimState {
    return { ...super.state(), proxyOn: this.proxyOn };
  }

  override restoreState(state: DiscreteAimState): void {
    super.restoreState(state);
    this.proxyOn = state.proxyOn;
  }

  override dispose(): void {
    super.dispose();
    this.proxyQ.dispose();
    this.proxyOptimizer.dispose();
  }

  /** Q_c at stored novice actions of up to 200 agent samples (human ones while the agent buffer is small). */
  private thresholdSample(): Float32Array {
    const source = this.novice.size >= THRESHOLD_MIN_AGENT ? this.novice : this.human;
    const batch = source.gather(source.sampleIndices(THRESHOLD_SAMPLES, this.rng));
    return this.q(batch.obs, batch.noviceAction, batch.size);
  }

  private proxyStep(): void {
    const batch = this.mixedBatch();
    const { actions } = this.config;
    tf.tidy(() => {
      const obs = minigridPatches(batch.obs, batch.size);
      const currentNovice = tf.argMax(minigridCnnForward(this.actor, obs), 1) as tf.Tensor1D;
      const inputs = lossInputs(batch);
      this.clippedStep(this.proxyOptimizer, this.proxyQ, () =>
        aimDiscreteLoss(
          minigridCnnForward(this.proxyQ, obs),
          inputs.applied,
          currentNovice,
          inputs.human,
          actions,
        ),
      );
    });
  }
}

/**
 * The AIM loss for the proxy Q: mean (m·Q_c(s,a_h) + m)² + mean (m·o'·Q_c(s,a_n') − m·o')², with
 * o' = 1[a_h ≠ a_n'] and a_n' the current novice's greedy action.
 */
export function aimDiscreteLoss(
  q: tf.Tensor2D,
  applied: tf.Tensor1D,
  currentNovice: tf.Tensor1D,
  human: tf.Tensor1D,
  n: number,
): tf.Scalar {
  return maskedProxyLoss(q, applied, currentNovice, human, n, -1);
}
