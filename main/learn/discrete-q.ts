// What every learner on the grid's discrete actions shares (discrete AIM and the MiniGrid
// baselines, aim-algorithm.md §2.3–§2.4, §3.2, §6): the novice is a MinigridCNN Q-network acting
// greedily (ε = 0), trained after every environment step past `learningStarts` with
// `gradientSteps` Adam steps (gradient norm clipped at 10) on mixed batches of up to `halfBatch`
// human-buffer (takeover) and `halfBatch` agent-buffer transitions. Each method says what the
// novice's loss is on such a batch.
import * as tf from '@tensorflow/tfjs';
import type { InitialFit, UpdateReport } from './aim.ts';
import { ReplayBuffer, type Batch, type Transition } from './buffer.ts';
import type { DiscreteAimConfig, DiscreteAimState } from './discrete-aim.ts';
import {
  createAdam,
  createMinigridCnn,
  minigridCnnForward,
  minigridPatches,
  trainableVariables,
} from './networks.ts';
import { Rng } from '../sim/random.ts';

export abstract class DiscreteQLearner {
  readonly config: DiscreteAimConfig;
  readonly human: ReplayBuffer;
  readonly novice: ReplayBuffer;
  /** The novice's Q-network; its greedy action is the policy (named as the continuous actor for the worker). */
  readonly actor: tf.Sequential;
  /** A critic for the gate: none for the human-gated baselines (discrete AIM has its proxy Q). */
  readonly proxyQ: tf.LayersModel | null = null;
  readonly proxyQTarget = null;
  protected readonly rng: Rng;
  private readonly noviceOptimizer: tf.Optimizer;
  private stepsSeen = 0;

  constructor(config: DiscreteAimConfig) {
    this.config = config;
    this.rng = new Rng(config.seed ^ 0xd15c);
    this.human = new ReplayBuffer(config.bufferCapacity, OBS_SIZE, 1);
    this.novice = new ReplayBuffer(config.bufferCapacity, OBS_SIZE, 1);
    this.actor = createMinigridCnn(config.actions, config.seed, 'novice_q');
    this.noviceOptimizer = createAdam(config.learningRate);
  }

  /** The policy, as the method seam expects it: the novice's Q-network, acting greedily. */
  get actors(): readonly tf.Sequential[] {
    return [this.actor];
  }

  /** Greedy novice actions (as numbers) for `count` stacked observations laid end to end. */
  act(obs: Float32Array, count = 1): Float32Array {
    return greedyActions(this.actor, obs, count);
  }

  /** Stores a transition: takeover steps in the human buffer, the rest in the agent buffer. */
  observe(transition: Transition): void {
    checkActions(transition.appliedAction, this.config.actions);
    checkActions(transition.noviceAction, this.config.actions);
    (transition.intervention ? this.human : this.novice).add(transition);
    this.stepsSeen++;
  }

  /** Human-gated methods have nothing to fit when the gate starts; ε is exact agreement. */
  initialFit(): InitialFit {
    return { epsilon: 0, heldOutQ: new Float32Array() };
  }

  /** The novice's steps due after an environment step (the argument keeps the worker's signature). */
  afterStep(_mayRefire = true): UpdateReport {
    const report: UpdateReport = { bcSteps: 0, qSteps: 0, policyUpdated: false };
    if (this.stepsSeen <= this.config.learningStarts) return report;
    for (let k = 0; k < this.config.gradientSteps; k++) {
      const batch = this.mixedBatch();
      tf.tidy(() => {
        const obs = minigridPatches(batch.obs, batch.size);
        const loss = this.noviceLoss(batch);
        this.clippedStep(this.noviceOptimizer, this.actor, () => loss(minigridCnnForward(this.actor, obs)));
      });
    }
    this.noviceStepsDone();
    report.bcSteps = this.config.gradientSteps;
    report.policyUpdated = true;
    return report;
  }

  state(): DiscreteAimState {
    return { kind: 'discrete', stepsSeen: this.stepsSeen, proxyOn: false };
  }

  restoreState(state: DiscreteAimState): void {
    this.stepsSeen = state.stepsSeen;
  }

  dispose(): void {
    this.actor.dispose();
    this.noviceOptimizer.dispose();
  }

  /**
   * The novice's loss on this batch as a function of its Q values [B, actions]; whatever does not
   * depend on them (targets) is computed here, outside the gradient.
   */
  protected abstract noviceLoss(batch: Batch): (q: tf.Tensor2D) => tf.Scalar;

  /** After each environment step's novice steps (PVP-DQN moves its target network). */
  protected noviceStepsDone(): void {}

  /** Up to `halfBatch` from each buffer; all from one buffer (up to twice as many) while the other is empty. */
  protected mixedBatch(): Batch {
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

  /** One Adam step with the gradients' global norm clipped to maxGradNorm (PyTorch's clip_grad_norm_). */
  protected clippedStep(optimizer: tf.Optimizer, model: tf.LayersModel, loss: () => tf.Scalar): void {
    const variables = trainableVariables(model);
    const { grads } = tf.variableGrads(loss, variables);
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((name) => tf.sum(tf.square(grads[name]))))).dataSync()[0];
    const scale = Math.min(1, this.config.maxGradNorm / (norm + 1e-6));
    const clipped =
      scale < 1 ? Object.fromEntries(names.map((name) => [name, tf.mul(grads[name], scale)])) : grads;
    optimizer.applyGradients(clipped as tf.NamedTensorMap);
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
export function lossInputs(batch: Batch) {
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
