// Thrifty-DAgger (Hoque et al. 2021), robot-gated, as the AIM paper's table runs it (the version at
// the submission, aim-algorithm.md §6):
//
//   policy   an ensemble of K = 5 actors π_1…π_K, each trained by BC on its own bootstrap of D_h:
//              L_BC,k = E_(s,a_h)∼boot_k(D_h) ‖a_h − π_k(s)‖²,   π̄(s) = (1/K) Σ_k π_k(s)
//            one Adam step per member per batch ("gradient_steps = 1, fair comparison"): after
//            warm-up 200 batches on a bootstrap of the first 90% of the warm-up data, then 25 batches
//            per member after every 25 new expert labels
//   novelty  u(s) = mean_dims Var_k[π_k(s)]   (the members' disagreement)
//   gate     robot → human  if u(s) > β_H, β_H = the 0.9 quantile of u over the held-out 10% of the
//                           warm-up data, fixed afterwards (the online recompute was removed)
//            human → robot  if mean_dims (a_n − a_e)² < ε, ε = the mean squared training discrepancy
//                           of π̄ after the initial fit (as AIM's)
//   No risk critic (the original's is `thrifty-dagger-original`). Expert-involved steps = the
//   expert-labelled steps (|D_h|): the robot asks, so nobody watches it drive.
// Ensemble-DAgger (ensemble-dagger.ts) is the same with a fixed novelty threshold.
import type * as tf from '@tensorflow/tfjs';
import type { AimLearnerConfig, AimLearnerState, InitialFit, UpdateReport } from './aim.ts';
import { bcSteps, meanAction } from './bc.ts';
import { ReplayBuffer, type Transition } from './buffer.ts';
import type { GateDecision, GateSignals, GateStepInput, MethodGate, MethodLearner } from './method.ts';
import { createActor, createAdam } from './networks.ts';
import { quantile } from './quantile.ts';
import { Rng } from '../sim/random.ts';

export const ENSEMBLE_SIZE = 5;
/** β_H is this quantile of the held-out novelty. */
export const THRIFTY_NOVELTY_QUANTILE = 0.9;

/** u(s) for one state from the members' actions: the mean over action dims of their variance. */
export function novelty(actions: readonly ArrayLike<number>[]): number {
  const dims = actions[0].length;
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const mean = actions.reduce((total, a) => total + a[d], 0) / actions.length;
    sum += actions.reduce((total, a) => total + (a[d] - mean) ** 2, 0) / actions.length;
  }
  return sum / dims;
}

/** How β_H is set from the held-out novelty: a quantile of it (Thrifty) or a fixed value (Ensemble). */
export type NoveltyThreshold = { quantile: number } | { fixed: number };

export class EnsembleGate implements MethodGate {
  readonly signals: GateSignals = { q: false, novelty: true };
  private readonly warmupSteps: number;
  private readonly rule: NoveltyThreshold;
  private stepsTaken = 0;
  private humanDriving = false;
  /** β_H, on novelty. */
  protected threshold: number | null = null;
  /** ε, on the discrepancy. */
  private epsilon: number | null = null;

  constructor(warmupSteps: number, rule: NoveltyThreshold) {
    this.warmupSteps = warmupSteps;
    this.rule = rule;
  }

  get inWarmup(): boolean {
    return this.stepsTaken < this.warmupSteps;
  }

  get initialised(): boolean {
    return this.threshold !== null;
  }

  get currentThreshold(): number | null {
    return this.threshold;
  }

  get agreementThreshold(): number | null {
    return this.epsilon;
  }

  initialise(epsilon: number, heldOutNovelty: ArrayLike<number>): void {
    this.epsilon = epsilon;
    this.threshold = 'fixed' in this.rule ? this.rule.fixed : quantile(heldOutNovelty, this.rule.quantile);
  }

  resume(epsilon: number, threshold: number): void {
    this.stepsTaken = Math.max(this.stepsTaken, this.warmupSteps);
    this.epsilon = epsilon;
    this.threshold = threshold;
    this.humanDriving = false;
  }

  /** β_H stays as the initial fit set it. */
  setThreshold(): void {}

  policyUpdated(): void {}

  episodeEnd(): void {
    this.humanDriving = false;
  }

  step(input: GateStepInput): GateDecision {
    const decision = this.decide(input);
    this.stepsTaken++;
    return decision;
  }

  /** Robot → human, while the robot drives: the state is novel, u(s) > β_H. */
  protected asks(u: number, _input: GateStepInput, threshold: number): boolean {
    return u > threshold;
  }

  /** Human → robot: the novice agrees with the expert, mean_dims (a_n − a_e)² < ε. */
  protected handsBack(input: GateStepInput, epsilon: number): boolean {
    return input.discrepancy < epsilon;
  }

  private decide(input: GateStepInput): GateDecision {
    const none = { warmup: false, expertInvolved: false, helpRequested: false, handedBack: false };
    if (this.inWarmup) {
      this.humanDriving = true;
      return { ...none, mode: 'warmup', warmup: true, expertInvolved: true };
    }
    if (input.personDriving) {
      this.humanDriving = false;
      return { ...none, mode: 'human' };
    }
    if (this.threshold === null || this.epsilon === null) {
      // The initial fit has not come back yet: the warm-up carries over.
      this.humanDriving = true;
      return { ...none, mode: 'human' };
    }
    if (this.humanDriving) {
      if (this.handsBack(input, this.epsilon)) {
        this.humanDriving = false;
        return { ...none, mode: 'robot', handedBack: true };
      }
      return { ...none, mode: 'human' };
    }
    const u = input.novelty;
    if (u === null || u === undefined) throw new RangeError('the robot is driving but no novelty was given');
    if (this.asks(u, input, this.threshold)) {
      this.humanDriving = true;
      return { ...none, mode: 'human', helpRequested: true };
    }
    return { ...none, mode: 'robot' };
  }
}

/** Five bootstrapped BC actors trained on the expert-labelled steps (Thrifty- and Ensemble-DAgger). */
export class EnsembleLearner implements MethodLearner {
  readonly proxyQ = null;
  readonly proxyQTarget = null;
  readonly members: tf.Sequential[];
  private readonly config: AimLearnerConfig;
  private readonly human: ReplayBuffer;
  private readonly optimizers: tf.Optimizer[];
  private readonly rng: Rng;
  private epsilon: number | null = null;
  private nextUpdate = Number.POSITIVE_INFINITY;

  constructor(config: AimLearnerConfig, size = ENSEMBLE_SIZE) {
    this.config = config;
    this.rng = new Rng(config.seed ^ 0xe45);
    this.human = new ReplayBuffer(config.bufferCapacity, config.obsDim, config.actionDim);
    this.members = Array.from({ length: size }, (_, k) =>
      createActor(config.obsDim, config.actionDim, config.actorHidden, config.seed + 7919 * k),
    );
    this.optimizers = this.members.map(() => createAdam(config.learningRate));
  }

  get actors(): readonly tf.Sequential[] {
    return this.members;
  }

  observe(transition: Transition): void {
    if (transition.intervention) this.human.add(transition);
  }

  initialFit(): InitialFit {
    const total = this.human.size;
    if (total < 2)
      throw new Error(`the initial fit needs at least 2 expert transitions, the human buffer has ${total}`);
    const trainCount = Math.max(1, Math.floor((1 - this.config.heldOutFraction) * total));
    this.trainMembers(this.config.initialRounds, this.human.firstIndices(0, trainCount));
    const train = this.human.gather(this.human.firstIndices(0, trainCount));
    const proposed = this.act(train.obs, train.size);
    let sum = 0;
    for (let k = 0; k < proposed.length; k++) sum += (train.appliedAction[k] - proposed[k]) ** 2;
    this.epsilon = sum / proposed.length;
    const heldOut = this.human.gather(this.human.firstIndices(trainCount, total));
    this.nextUpdate = this.human.totalAdded + this.config.cadence.every;
    return { epsilon: this.epsilon, heldOutQ: this.noveltyOf(heldOut.obs, heldOut.size) };
  }

  afterStep(): UpdateReport {
    const report: UpdateReport = { bcSteps: 0, qSteps: 0, policyUpdated: false };
    if (this.epsilon === null || this.human.totalAdded < this.nextUpdate) return report;
    this.nextUpdate = this.human.totalAdded + this.config.cadence.every;
    this.trainMembers(this.config.cadence.bcRounds, null);
    return { bcSteps: this.config.cadence.bcRounds, qSteps: 0, policyUpdated: true };
  }

  act(obs: Float32Array, count: number): Float32Array {
    return meanAction(this.members, obs, count);
  }

  state(): AimLearnerState {
    if (this.epsilon === null) throw new Error('the learner has no state to save before its initial fit');
    return { epsilon: this.epsilon, nextPolicyUpdate: this.nextUpdate, lastQRoundAt: -1 };
  }

  restoreState(state: AimLearnerState): void {
    this.epsilon = state.epsilon;
    this.nextUpdate = state.nextPolicyUpdate;
  }

  dispose(): void {
    for (const member of this.members) member.dispose();
    for (const optimizer of this.optimizers) optimizer.dispose();
  }

  /** `rounds` one-step batches per member, each member on its own bootstrap of `slots` (all held by default). */
  private trainMembers(rounds: number, slots: ArrayLike<number> | null): void {
    const size = slots ? slots.length : this.human.size;
    this.members.forEach((member, k) => {
      const bootstrap = this.human.sampleIndices(size, this.rng, slots ?? undefined);
      for (let round = 0; round < rounds; round++) {
        const batch = this.human.gather(this.human.sampleIndices(this.config.batchSize, this.rng, bootstrap));
        bcSteps(member, this.optimizers[k], batch, 1);
      }
    });
  }

  /** u(s) for `count` observations laid end to end. */
  private noveltyOf(obs: Float32Array, count: number): Float32Array {
    const actions = this.members.map((member) => meanAction([member], obs, count));
    const dims = this.config.actionDim;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++)
      out[i] = novelty(actions.map((a) => a.subarray(i * dims, (i + 1) * dims)));
    return out;
  }
}
