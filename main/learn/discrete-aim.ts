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
import { ReplayBuffer, type Batch, type Transition } from './buffer.ts';
import type { MethodLearner } from './method.ts';
import {
  createAdam,
  createMinigridCnn,
  minigridCnnForward,
  minigridPatches,
  trainableVariables,
} from './networks.ts';
import { quantile } from './quantile.ts';
import { Rng } from '../sim/random.ts';

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

export class DiscreteAimLearner implements MethodLearner {
  readonly config: DiscreteAimConfig;
  readonly human: ReplayBuffer;
  readonly novice: ReplayBuffer;
  /** The novice's Q-network; its greedy action is the policy (named as the continuous actor for the worker). */
  readonly actor: tf.Sequential;
  readonly proxyQ: tf.Sequential;
  /** Only the novice has a target network; the proxy's is never used by default (§2.3). */
  readonly proxyQTarget = null;
  private readonly noviceTarget: tf.Sequential;
  private readonly noviceOptimizer: tf.Optimizer;
  private readonly proxyOptimizer: tf.Optimizer;
  private readonly rng: Rng;
  private stepsSeen = 0;
  private proxyOn = false;

  constructor(config: DiscreteAimConfig) {
    this.config = config;
    this.rng = new Rng(config.seed ^ 0xd15c);
    this.human = new ReplayBuffer(config.bufferCapacity, OBS_SIZE, 1);
    this.novice = new ReplayBuffer(config.bufferCapacity, OBS_SIZE, 1);
    this.actor = createMinigridCnn(config.actions, config.seed, 'novice_q');
    this.noviceTarget = createMinigridCnn(config.actions, config.seed, 'novice_q_target');
    this.noviceTarget.setWeights(this.actor.getWeights());
    this.proxyQ = createMinigridCnn(config.actions, config.seed + 1000, 'proxy_q');
    this.noviceOptimizer = createAdam(config.learningRate);
    this.proxyOptimizer = createAdam(config.learningRate);
  }

  get initialised(): boolean {
    return this.proxyOn;
  }

  /** The policy, as the method seam expects it: the novice's Q-network, acting greedily. */
  get actors(): readonly tf.Sequential[] {
    return [this.actor];
  }

  /** Greedy novice actions (as numbers) for `count` stacked observations laid end to end. */
  act(obs: Float32Array, count = 1): Float32Array {
    return greedyActions(this.actor, obs, count);
  }

  /** Q_c(s, a) for `count` observation/action pairs laid end to end. */
  q(obs: Float32Array, actions: ArrayLike<number>, count = 1): Float32Array {
    return actionValues(this.proxyQ, obs, actions, count);
  }

  /** Stores a transition: takeover steps in the human buffer, the rest in the agent buffer. */
  observe(transition: Transition): void {
    checkActions(transition.appliedAction, this.config.actions);
    checkActions(transition.noviceAction, this.config.actions);
    (transition.intervention ? this.human : this.novice).add(transition);
    this.stepsSeen++;
  }

  /**
   * The end of warm-up: the proxy Q starts training (its first 32 steps run now) and the gate gets
   * its first threshold as the quantile of these Q values. The discrete agreement rule is exact
   * equality, so ε is 0.
   */
  initialFit(): InitialFit {
    if (this.human.size === 0) throw new Error('the proxy Q needs at least one expert transition to start');
    this.proxyOn = true;
    for (let k = 0; k < this.config.gradientSteps; k++) this.proxyStep();
    return { epsilon: 0, heldOutQ: this.thresholdSample() };
  }

  /** The updates due after an environment step (the argument keeps the worker's signature). */
  afterStep(_mayRefire = true): UpdateReport {
    const report: UpdateReport = { bcSteps: 0, qSteps: 0, policyUpdated: false };
    if (this.stepsSeen <= this.config.learningStarts) return report;
    for (let k = 0; k < this.config.gradientSteps; k++) this.noviceStep();
    this.updateTarget();
    report.bcSteps = this.config.gradientSteps;
    report.policyUpdated = true;
    if (this.proxyOn && this.human.size > 0) {
      for (let k = 0; k < this.config.gradientSteps; k++) this.proxyStep();
      report.qSteps = this.config.gradientSteps;
    }
    return report;
  }

  /** The (1 − δ) quantile of Q_c at the stored novice actions of a fresh agent-buffer sample (§4.2). */
  recomputedThreshold(delta: number): number {
    return quantile(this.thresholdSample(), 1 - delta);
  }

  state(): DiscreteAimState {
    return { kind: 'discrete', stepsSeen: this.stepsSeen, proxyOn: this.proxyOn };
  }

  /** Continues a saved schedule; the novice's target restarts as a copy of the novice. */
  restoreState(state: DiscreteAimState): void {
    this.stepsSeen = state.stepsSeen;
    this.proxyOn = state.proxyOn;
    this.noviceTarget.setWeights(this.actor.getWeights());
  }

  dispose(): void {
    this.actor.dispose();
    this.noviceTarget.dispose();
    this.proxyQ.dispose();
    this.noviceOptimizer.dispose();
    this.proxyOptimizer.dispose();
  }

  /** Q_c at stored novice actions of up to 200 agent samples (human ones while the agent buffer is small). */
  private thresholdSample(): Float32Array {
    const source = this.novice.size >= THRESHOLD_MIN_AGENT ? this.novice : this.human;
    const batch = source.gather(source.sampleIndices(THRESHOLD_SAMPLES, this.rng));
    return this.q(batch.obs, batch.noviceAction, batch.size);
  }

  /** Up to `halfBatch` from each buffer; all from one buffer (up to twice as many) while the other is empty. */
  private mixedBatch(): Batch {
    const { halfBatch } = this.config;
    const human = this.human.size;
    const agent = this.novice.size;
    const fromHuman = agent === 0 ? Math.min(2 * halfBatch, human) : Math.min(halfBatch, human);
    const fromAgent = human === 0 ? Math.min(2 * halfBatch, agent) : Math.min(halfBatch, agent);
    const parts = [
      this.human.gather(this.human.sampleIndices(fromHuman, this.rng)),
      ...(fromAgent > 0 ? [this.novice.gather(this.novice.sampleIndices(fromAgent, this.rng))] : []),
    ];
    return concatBatches(parts.filter((part) => part.size > 0));
  }

  private noviceStep(): void {
    const batch = this.mixedBatch();
    const { actions, gamma } = this.config;
    tf.tidy(() => {
      const obs = minigridPatches(batch.obs, batch.size);
      const nextMax = tf.max(
        minigridCnnForward(this.noviceTarget, minigridPatches(batch.nextObs, batch.size)),
        1,
      );
      const inputs = lossInputs(batch);
      const target = tf.mul(tf.mul(tf.sub(1, inputs.done), gamma), nextMax);
      this.clippedStep(this.noviceOptimizer, this.actor, () => {
        const q = minigridCnnForward(this.actor, obs);
        return tf.add(
          tdHuberLoss(q, inputs.applied, target, actions),
          pvpLoss(q, inputs.applied, inputs.novice, inputs.human, actions),
        ) as tf.Scalar;
      });
    });
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

  /** One Adam step with the gradients' global norm clipped to maxGradNorm (PyTorch's clip_grad_norm_). */
  private clippedStep(optimizer: tf.Optimizer, model: tf.LayersModel, loss: () => tf.Scalar): void {
    const variables = trainableVariables(model);
    const { grads } = tf.variableGrads(loss, variables);
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((name) => tf.sum(tf.square(grads[name]))))).dataSync()[0];
    const scale = Math.min(1, this.config.maxGradNorm / (norm + 1e-6));
    const clipped =
      scale < 1 ? Object.fromEntries(names.map((name) => [name, tf.mul(grads[name], scale)])) : grads;
    optimizer.applyGradients(clipped as tf.NamedTensorMap);
  }

  /** Polyak averaging once per environment step: Q̄ ← τ·Q + (1 − τ)·Q̄. */
  private updateTarget(): void {
    const online = trainableVariables(this.actor);
    const target = trainableVariables(this.noviceTarget);
    const { tau } = this.config;
    tf.tidy(() =>
      target.forEach((variable, i) =>
        variable.assign(tf.add(tf.mul(online[i], tau), tf.mul(variable, 1 - tau))),
      ),
    );
  }
}

const OBS_SIZE = 12 * 7 * 7;

/** A MinigridCNN's greedy actions (argmax of its Q values) for `count` stacked observations laid end to end. */
export function greedyActions(model: tf.LayersModel, obs: Float32Array, count: number): Float32Array {
  return tf.tidy(() => {
    const q = minigridCnnForward(model, minigridPatches(obs, count));
    return Float32Array.from(tf.argMax(q, 1).dataSync());
  });
}

/** A MinigridCNN's Q(s, a) for `count` observation/action pairs laid end to end. */
export function actionValues(
  model: tf.LayersModel,
  obs: Float32Array,
  actions: ArrayLike<number>,
  count: number,
): Float32Array {
  const n = model.outputs[0].shape[1] as number;
  checkActions(actions, n);
  return tf.tidy(() => {
    const all = minigridCnnForward(model, minigridPatches(obs, count));
    return selectAction(all, tf.tensor1d(Int32Array.from(actions), 'int32'), n).dataSync() as Float32Array;
  });
}

export class DiscreteActionError extends Error {
  override name = 'DiscreteActionError';
}

/** Actions must be whole numbers 0..n−1. */
function checkActions(actions: ArrayLike<number>, n: number): void {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (!Number.isInteger(a) || a < 0 || a >= n)
      throw new DiscreteActionError(`action ${String(a)} is not one of the ${n} discrete actions 0–${n - 1}`);
  }
}

function concatBatches(parts: Batch[]): Batch {
  if (parts.length === 1) return parts[0];
  const join = (key: Exclude<keyof Batch, 'size'>) => {
    const out = new Float32Array(parts.reduce((n, part) => n + part[key].length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part[key], offset);
      offset += part[key].length;
    }
    return out;
  };
  return {
    size: parts.reduce((n, part) => n + part.size, 0),
    obs: join('obs'),
    nextObs: join('nextObs'),
    noviceAction: join('noviceAction'),
    appliedAction: join('appliedAction'),
    intervention: join('intervention'),
    interventionStart: join('interventionStart'),
    done: join('done'),
    success: join('success'),
  };
}

/** A batch's actions and flags as tensors: applied and novice actions (int), m and d (float). */
function lossInputs(batch: Batch) {
  return {
    applied: tf.tensor1d(Int32Array.from(batch.appliedAction), 'int32'),
    novice: tf.tensor1d(Int32Array.from(batch.noviceAction), 'int32'),
    human: tf.tensor1d(batch.intervention),
    done: tf.tensor1d(batch.done),
  };
}

/** Q(s, a) for each row: the entry of `q` [B, n] at column a. */
export function selectAction(q: tf.Tensor2D, action: tf.Tensor1D, n: number): tf.Tensor1D {
  return tf.sum(tf.mul(q, tf.oneHot(action, n)), 1);
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

/** mean (m·Q(s,a_h) − m·y)² + mean (m·o·Q(s,a_n) + m·o·y)²: y = +1 for PVP's novice, −1 for AIM's proxy. */
function maskedProxyLoss(
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
