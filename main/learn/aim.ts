// AIM for continuous actions (Cai, Peng, Zhou, ICML 2025), as aim-algorithm.md §1–§4 specifies it.
//
// Two separate networks, both trained on the human buffer D_h of expert-labelled (takeover) steps:
//   novice actor π(s)    — behaviour cloning:
//                            L_BC  = E_(s,a_h)∈D_h ‖a_h − π(s)‖²
//   proxy Q_c(s, a)      — the AIM loss, with a_n = π(s) (the current novice, no gradient):
//                            L_AIM = E_(s,a_h)∈D_h [ |Q_c(s,a_h) + 1|² + |m·Q_c(s,a_n) − 1|² ]
//                            m = 1[ mean_dims (a_h − a_n)² > κ·ε ]   (κ the mask scale)
//   In words: the expert's action is labelled −1 ("no help needed"); the novice's action +1
//   ("help needed"), but only where it differs from the expert's by more than ε. As the reference
//   code does, a masked sample keeps the constant 1 in the mean (m·Q − 1 = −1), so it dilutes the
//   gradient without contributing to it.
//   The paper's objective adds a reward-free TD term over all transitions (D_h ∪ D_n):
//                            J = L_AIM + L_TD
//                            L_TD  = E_(s,a,s',d) [ |Q_c(s,a) − γ·(1−d)·Q̄_c(s', π(s'))|² ]
//   with a target network Q̄_c ← τ·Q_c + (1−τ)·Q̄_c after every proxy-Q step. The paper's max over
//   a' is taken at the novice's action, as TD3 does for continuous actions. The release code has no
//   TD term (the reference preset); the paper preset turns it on.
//
// The gate (main/session/gate.ts) asks for help when Q_c(s, a_n) exceeds the (1 − δ) quantile of
// Q_c over robot-controlled steps; this file supplies Q_c, π, ε and the held-out Q values.
import * as tf from '@tensorflow/tfjs';
import { bcSteps } from './bc.ts';
import { ReplayBuffer, type Batch, type Transition } from './buffer.ts';
import {
  createActor,
  createAdam,
  createProxyQ,
  polyakUpdate,
  trainableVariables,
  predictAll,
} from './networks.ts';
import { quantile } from './quantile.ts';
import { Rng } from '../sim/random.ts';

export interface AimCadence {
  /** Train after every `every` new human labels (reference 25, paper-era code 200). */
  every: number;
  /** Proxy-Q gradient steps per round (reference 25, paper-era 200). */
  qSteps: number;
  /** BC rounds per update; each round draws one batch and takes `bcStepsPerBatch` steps on it. */
  bcRounds: number;
  /**
   * The reference code re-runs the proxy-Q round on every env step while the human-label count
   * sits on a multiple of `every` (so long robot stretches train Q_c over and over). Off by
   * default: a round then runs once per `every` new labels. An asynchronous learner that has fallen
   * behind skips these extra rounds (afterStep's `mayRefire`) rather than queue them up.
   */
  refireWhileIdle: boolean;
}

export interface AimLearnerConfig {
  obsDim: number;
  actionDim: number;
  actorHidden: readonly number[];
  qHidden: readonly number[];
  learningRate: number;
  batchSize: number;
  /** Adam steps taken on each BC batch (SB3 gradient_steps: 5). */
  bcStepsPerBatch: number;
  /** Initial fit after warm-up: BC rounds and unmasked proxy-Q steps (the reference reuses init_bc_steps, 200). */
  initialRounds: number;
  heldOutFraction: number;
  /** κ in the mask m = 1[diff > κ·ε]: 1 in the release code, 1.5 in the paper-era code. */
  maskScale: number;
  cadence: AimCadence;
  /** The paper's TD term on the proxy Q (discount γ, target-network rate τ), or null for none. */
  td: { gamma: number; tau: number } | null;
  bufferCapacity: number;
  seed: number;
}

export const AIM_REFERENCE_DEFAULTS: Omit<AimLearnerConfig, 'obsDim' | 'actionDim' | 'seed'> = {
  actorHidden: [256, 256],
  qHidden: [400, 300],
  learningRate: 1e-4,
  batchSize: 1024,
  bcStepsPerBatch: 5,
  initialRounds: 200,
  heldOutFraction: 0.1,
  maskScale: 1,
  cadence: { every: 25, qSteps: 25, bcRounds: 25, refireWhileIdle: false },
  td: null,
  bufferCapacity: 50_000,
};

/** Samples of the novice buffer whose Q values set the threshold when it is recomputed every round. */
const THRESHOLD_SAMPLES = 200;
const THRESHOLD_MIN_NOVICE = 32;

export interface InitialFit {
  /** ε: the mean squared BC discrepancy on the training part of the warm-up data (switch-to-robot threshold). */
  epsilon: number;
  /** Q_c(s, π(s)) on the held-out part of the warm-up data, to initialise the gate's threshold. */
  heldOutQ: Float32Array;
}

/** What a checkpoint needs beyond the weights to continue the schedule. */
export interface AimLearnerState {
  epsilon: number;
  nextPolicyUpdate: number;
  lastQRoundAt: number;
}

export interface UpdateReport {
  bcSteps: number;
  qSteps: number;
  /** A BC round ran: the gate starts a new window of robot-step Q values (the reference clears `estimates`). */
  policyUpdated: boolean;
}

export class AimLearner {
  readonly config: AimLearnerConfig;
  readonly human: ReplayBuffer;
  readonly novice: ReplayBuffer;
  readonly actor: tf.Sequential;
  readonly proxyQ: tf.Sequential;
  /** Q̄_c of the TD term, or null without it. */
  readonly proxyQTarget: tf.Sequential | null;
  private readonly actorOptimizer: tf.Optimizer;
  private readonly qOptimizer: tf.Optimizer;
  private readonly rng: Rng;
  private epsilon: number | null = null;
  private nextPolicyUpdate = Number.POSITIVE_INFINITY;
  private lastQRoundAt = -1;

  constructor(config: AimLearnerConfig) {
    this.config = config;
    this.rng = new Rng(config.seed ^ 0x5eed);
    this.human = new ReplayBuffer(config.bufferCapacity, config.obsDim, config.actionDim);
    this.novice = new ReplayBuffer(config.bufferCapacity, config.obsDim, config.actionDim);
    this.actor = createActor(config.obsDim, config.actionDim, config.actorHidden, config.seed);
    this.proxyQ = createProxyQ(config.obsDim, config.actionDim, config.qHidden, config.seed + 1000);
    this.proxyQTarget = null;
    if (config.td) {
      this.proxyQTarget = createProxyQ(config.obsDim, config.actionDim, config.qHidden, config.seed + 1000);
      this.proxyQTarget.setWeights(this.proxyQ.getWeights());
    }
    this.actorOptimizer = createAdam(config.learningRate);
    this.qOptimizer = createAdam(config.learningRate);
  }

  get initialised(): boolean {
    return this.epsilon !== null;
  }

  /** The novice policy, as the method seam expects it (one actor). */
  get actors(): readonly tf.Sequential[] {
    return [this.actor];
  }

  /** ε of the agreement rule, known after the initial fit. */
  get switchToRobotThreshold(): number | null {
    return this.epsilon;
  }

  /** Deterministic novice actions for `count` observations laid end to end. */
  act(obs: Float32Array, count = 1): Float32Array {
    return tf.tidy(
      () => predictAll(this.actor, tf.tensor2d(obs, [count, this.config.obsDim])).dataSync() as Float32Array,
    );
  }

  /** Q_c(s, a) for `count` observation/action pairs laid end to end. */
  q(obs: Float32Array, actions: Float32Array, count = 1): Float32Array {
    return tf.tidy(() => {
      const input = tf.concat(
        [tf.tensor2d(obs, [count, this.config.obsDim]), tf.tensor2d(actions, [count, this.config.actionDim])],
        1,
      );
      return predictAll(this.proxyQ, input).dataSync() as Float32Array;
    });
  }

  /** Stores a transition: takeover steps in the human buffer, the rest in the novice buffer. */
  observe(transition: Transition): void {
    (transition.intervention ? this.human : this.novice).add(transition);
  }

  /**
   * The fit right after warm-up (reference §3.1): BC on a bootstrap of the first 90% of the human
   * data, the unmasked AIM loss, then ε from the training part and held-out Q values for the gate.
   */
  initialFit(): InitialFit {
    const total = this.human.size;
    if (total < 2)
      throw new Error(`the initial fit needs at least 2 expert transitions, the human buffer has ${total}`);
    const trainCount = Math.max(1, Math.floor((1 - this.config.heldOutFraction) * total));
    const trainSlots = this.human.firstIndices(0, trainCount);
    const bootstrap = this.human.sampleIndices(trainCount, this.rng, trainSlots);
    for (let round = 0; round < this.config.initialRounds; round++) {
      this.bcRound(this.human.gather(this.human.sampleIndices(this.config.batchSize, this.rng, bootstrap)));
    }
    for (let step = 0; step < this.config.initialRounds; step++) this.proxyQStep(null);
    this.epsilon = this.meanDiscrepancy(this.human.gather(trainSlots));
    const heldOut = this.human.gather(this.human.firstIndices(trainCount, total));
    const heldOutQ =
      heldOut.size > 0
        ? this.q(heldOut.obs, this.act(heldOut.obs, heldOut.size), heldOut.size)
        : new Float32Array();
    this.nextPolicyUpdate = this.human.totalAdded + this.config.cadence.every;
    this.lastQRoundAt = this.human.totalAdded;
    return { epsilon: this.epsilon, heldOutQ };
  }

  /**
   * Called once per environment step after the initial fit: runs the update rounds that are due.
   * `mayRefire` false skips a refireWhileIdle round (the learner is behind the loop).
   */
  afterStep(mayRefire = true): UpdateReport {
    const report: UpdateReport = { bcSteps: 0, qSteps: 0, policyUpdated: false };
    if (!this.initialised) return report;
    const { cadence, batchSize, bcStepsPerBatch } = this.config;
    const labels = this.human.totalAdded;
    if (labels >= this.nextPolicyUpdate) {
      this.nextPolicyUpdate = labels + cadence.every;
      const bootstrap = this.human.sampleIndices(this.human.size, this.rng);
      for (let round = 0; round < cadence.bcRounds; round++) {
        this.bcRound(this.human.gather(this.human.sampleIndices(batchSize, this.rng, bootstrap)));
      }
      report.bcSteps = cadence.bcRounds * bcStepsPerBatch;
      report.policyUpdated = true;
    }
    const onMultiple = labels % cadence.every === 0;
    const refire = cadence.refireWhileIdle && mayRefire;
    if (onMultiple && (refire || labels !== this.lastQRoundAt)) {
      this.lastQRoundAt = labels;
      const threshold = this.config.maskScale * (this.epsilon ?? 0);
      for (let step = 0; step < cadence.qSteps; step++) this.proxyQStep(threshold);
      report.qSteps = cadence.qSteps;
    }
    return report;
  }

  /**
   * The threshold as the MiniGrid release recomputes it after every update (§4.2): the (1 − δ)
   * quantile of Q_c at the stored novice actions of a fresh sample of the novice buffer (of the
   * human buffer while the novice buffer is nearly empty).
   */
  recomputedThreshold(delta: number): number {
    const source = this.novice.size >= THRESHOLD_MIN_NOVICE ? this.novice : this.human;
    const batch = source.gather(source.sampleIndices(THRESHOLD_SAMPLES, this.rng));
    return quantile(this.q(batch.obs, batch.noviceAction, batch.size), 1 - delta);
  }

  state(): AimLearnerState {
    if (this.epsilon === null) throw new Error('the learner has no state to save before its initial fit');
    return {
      epsilon: this.epsilon,
      nextPolicyUpdate: this.nextPolicyUpdate,
      lastQRoundAt: this.lastQRoundAt,
    };
  }

  /** Continues a schedule saved by state(), with the weights and buffers restored separately. */
  restoreState(state: AimLearnerState): void {
    this.epsilon = state.epsilon;
    this.nextPolicyUpdate = state.nextPolicyUpdate;
    this.lastQRoundAt = state.lastQRoundAt;
  }

  /** Frees the networks and optimizers' tensors. */
  dispose(): void {
    this.actor.dispose();
    this.proxyQ.dispose();
    this.proxyQTarget?.dispose();
    this.actorOptimizer.dispose();
    this.qOptimizer.dispose();
  }

  /** `bcStepsPerBatch` Adam steps of L_BC = mean ‖a_h − π(s)‖² on one batch. */
  private bcRound(batch: Batch): void {
    bcSteps(this.actor, this.actorOptimizer, batch, this.config.bcStepsPerBatch);
  }

  /**
   * One Adam step of L_AIM on a human-buffer batch (plus L_TD when the TD term is on);
   * `maskThreshold` null means the unmasked loss of the initial fit.
   */
  private proxyQStep(maskThreshold: number | null): void {
    const { obsDim, actionDim, batchSize } = this.config;
    const batch = this.human.gather(this.human.sampleIndices(batchSize, this.rng));
    const tdBatches = this.config.td ? this.tdBatches() : [];
    const variables = trainableVariables(this.proxyQ);
    tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [batch.size, obsDim]);
      const humanAction = tf.tensor2d(batch.appliedAction, [batch.size, actionDim]);
      const noviceAction = predictAll(this.actor, obs) as tf.Tensor2D;
      const mask =
        maskThreshold === null
          ? tf.ones([batch.size, 1])
          : disagreementMask(humanAction, noviceAction, maskThreshold);
      const humanInput = tf.concat([obs, humanAction], 1);
      const noviceInput = tf.concat([obs, noviceAction], 1);
      const td = tdBatches.map((part) => this.tdInputs(part));
      this.qOptimizer.minimize(
        () => {
          const loss = aimLoss(
            this.proxyQ.apply(humanInput) as tf.Tensor,
            this.proxyQ.apply(noviceInput) as tf.Tensor,
            mask,
          );
          if (td.length === 0) return loss;
          // The mean over an even mix of human and novice transitions.
          const tdTerms = td.map(({ input, nextQ, done }) =>
            tdLoss(this.proxyQ.apply(input) as tf.Tensor, nextQ, done, this.config.td?.gamma ?? 0),
          );
          return tf.add(loss, tf.div(tf.addN(tdTerms), tdTerms.length)) as tf.Scalar;
        },
        false,
        variables,
      );
    });
    if (this.config.td) polyakUpdate(this.proxyQ, this.proxyQTarget as tf.Sequential, this.config.td.tau);
  }

  /** Half a batch from each buffer (all from the human buffer while the novice buffer is empty). */
  private tdBatches(): Batch[] {
    const { batchSize } = this.config;
    if (this.novice.size === 0) return [this.human.gather(this.human.sampleIndices(batchSize, this.rng))];
    const half = Math.ceil(batchSize / 2);
    return [
      this.human.gather(this.human.sampleIndices(half, this.rng)),
      this.novice.gather(this.novice.sampleIndices(batchSize - half, this.rng)),
    ];
  }

  /** The TD term's input (s, a_applied) and its constants Q̄_c(s', π(s')) and d. */
  private tdInputs(batch: Batch): { input: tf.Tensor; nextQ: tf.Tensor; done: tf.Tensor } {
    const { obsDim, actionDim } = this.config;
    const obs = tf.tensor2d(batch.obs, [batch.size, obsDim]);
    const applied = tf.tensor2d(batch.appliedAction, [batch.size, actionDim]);
    const nextObs = tf.tensor2d(batch.nextObs, [batch.size, obsDim]);
    const nextAction = predictAll(this.actor, nextObs);
    const target = this.proxyQTarget as tf.Sequential;
    return {
      input: tf.concat([obs, applied], 1),
      nextQ: predictAll(target, tf.concat([nextObs, nextAction], 1)),
      done: tf.tensor2d(batch.done, [batch.size, 1]),
    };
  }

  /** mean over samples of mean_dims (a_h − π(s))², computed in slices to bound memory. */
  private meanDiscrepancy(batch: Batch): number {
    const { obsDim, actionDim } = this.config;
    let sum = 0;
    const slice = 4096;
    for (let start = 0; start < batch.size; start += slice) {
      const n = Math.min(slice, batch.size - start);
      const proposed = this.act(batch.obs.subarray(start * obsDim, (start + n) * obsDim), n);
      for (let k = 0; k < n * actionDim; k++) {
        const d = batch.appliedAction[start * actionDim + k] - proposed[k];
        sum += (d * d) / actionDim;
      }
    }
    return sum / batch.size;
  }
}

/** m = 1[ mean_dims (a_h − a_n)² > threshold ], one column per sample. */
export function disagreementMask(
  humanAction: tf.Tensor2D,
  noviceAction: tf.Tensor2D,
  threshold: number,
): tf.Tensor {
  return tf.tidy(() =>
    tf.cast(tf.greater(tf.mean(tf.square(tf.sub(humanAction, noviceAction)), 1, true), threshold), 'float32'),
  );
}

/** L_AIM = mean_b[ (Q_c(s,a_h) + 1)² + (m·Q_c(s,a_n) − 1)² ]. */
export function aimLoss(qHuman: tf.Tensor, qNovice: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () =>
      tf.mean(tf.add(tf.square(tf.add(qHuman, 1)), tf.square(tf.sub(tf.mul(mask, qNovice), 1)))) as tf.Scalar,
  );
}

/**
 * L_TD = mean_b[ (Q_c(s,a) − γ·(1 − d)·Q̄_c(s', π(s')))² ]. `nextQ` must be computed outside the
 * optimizer's closure, so the target side carries no gradient.
 */
export function tdLoss(q: tf.Tensor, nextQ: tf.Tensor, done: tf.Tensor, gamma: number): tf.Scalar {
  return tf.tidy(
    () => tf.mean(tf.square(tf.sub(q, tf.mul(tf.mul(tf.sub(1, done), gamma), nextQ)))) as tf.Scalar,
  );
}
