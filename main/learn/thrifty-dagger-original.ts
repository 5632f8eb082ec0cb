// Thrifty-DAgger as its authors run it (Hoque et al. 2021, ryanhoque/thriftydagger; aim-algorithm.md
// §6, "original Thrifty-DAgger"), robot-gated on novelty and on a risk critic:
//
//   policy   the five bootstrapped BC actors of thrifty-dagger.ts, on its schedule:
//              L_BC,k = E_(s,a_h)∼boot_k(D_h) ‖a_h − π_k(s)‖²,   π̄(s) = (1/K) Σ_k π_k(s)
//   novelty  u(s) = mean_dims Var_k[π_k(s)]
//   risk     Q_risk(s, a) = min(Q_1(s, a), Q_2(s, a)): twin critics with sigmoid outputs, so a value is
//            the discounted chance of reaching the goal, trained by TD on the sparse success reward
//            r = 1[the step reached the goal] over every transition, the expert's and the robot's:
//              L_Q = Σ_i E_(s,a,r,s',d) [ (Q_i(s, a) − y)² ]
//              y   = r + γ·(1 − d)·min_j Q̄_j(s', π̄(s')),   γ = 0.9999
//            with target critics Q̄_j ← τ·Q_j + (1 − τ)·Q̄_j after every second step (τ = 0.005), and
//            a tenth of each batch drawn from the goal-reaching transitions (as many as there are),
//            so the rare reward reaches the critics at all
//   gate     robot → human  if u(s) > β_H                                  (novel)
//                           or Q_risk(s, a_n) < ε_H                        (risky)
//            human → robot  if mean_dims (a_n − a_e)² < β_R and Q_risk(s, a_n) > ε_R
//            β_R is the ensemble's mean training discrepancy after its first fit; β_H starts as the
//            (1 − α) quantile of u over the held-out tenth of the warm-up data, ε_H as 0.48 and ε_R as
//            0.495 (the authors' a-priori guesses). At every episode end with more than 25 robot
//            steps since the last policy update, they follow those steps' estimates:
//              β_H = the (1 − α) quantile of u,  ε_H = the α quantile of Q_risk,  ε_R = its median
//            with α = 0.01, the target rate of context switches.
//
// Where this differs from the authors' loop, each to fit the comparison of the AIM paper: the
// ensemble and the critics keep training after every 25 new expert labels (25 batches per member,
// then `cadence.qSteps` critic steps), where the authors retrain both from scratch after every
// iteration of 2,000 environment steps; the critics learn from training steps only, not from
// evaluation roll-outs; quantiles interpolate (quantile.ts) where the authors index a sorted list.
// Expert-involved steps are the expert-labelled steps |D_h|, as for Thrifty-DAgger (§7).
import * as tf from '@tensorflow/tfjs';
import type { AimLearnerConfig, AimLearnerState, InitialFit, UpdateReport } from './aim.ts';
import { ReplayBuffer, type Batch, type Transition } from './buffer.ts';
import type { GateSignals, GateStepInput, MethodLearner } from './method.ts';
import { createAdam, createMlp, polyakUpdate, trainableVariables, predictAll } from './networks.ts';
import { quantile } from './quantile.ts';
import { EnsembleGate, EnsembleLearner } from './thrifty-dagger.ts';
import { Rng } from '../sim/random.ts';

/** α: the share of robot steps expected to switch to the human (the authors' `target_rate`). */
export const THRIFTY_TARGET_RATE = 0.01;
/** ε_H and ε_R before any robot step has been seen: the authors' a-priori guesses. */
export const INITIAL_RISK_TO_HUMAN = 0.48;
export const INITIAL_RISK_TO_ROBOT = 0.495;
/** Thresholds follow the robot steps only once more than this many have been seen (the authors' 25). */
export const MIN_ESTIMATES = 25;
export const RISK_GAMMA = 0.9999;
const RISK_TAU = 0.005;
/** The least share of a critic batch drawn from goal-reaching transitions (the authors' pos_fraction). */
const SUCCESS_FRACTION = 0.1;

/** The twin critics, and Q_risk as one model over the same layers (what the loop reads as q). */
export interface RiskCritic {
  twins: [tf.Sequential, tf.Sequential];
  risk: tf.LayersModel;
}

/** Q_1, Q_2: concat(obs, action) → hidden ReLU layers → sigmoid; and Q_risk = their minimum. */
export function createRiskCritic(
  obsDim: number,
  actionDim: number,
  hidden: readonly number[],
  seed: number,
): RiskCritic {
  const twins = [0, 1].map((k) =>
    createMlp({
      sizes: [obsDim + actionDim, ...hidden, 1],
      hidden: 'relu',
      output: 'sigmoid',
      seed: seed + 100 * k,
      name: `risk_q${k + 1}`,
    }),
  ) as [tf.Sequential, tf.Sequential];
  const input = tf.input({ shape: [obsDim + actionDim] });
  const values = twins.map((q) => q.apply(input) as tf.SymbolicTensor);
  const risk = tf.model({
    inputs: input,
    outputs: tf.layers.minimum().apply(values) as tf.SymbolicTensor,
    name: 'risk_q',
  });
  return { twins, risk };
}

/** The risk critics share the actors' hidden sizes, as the authors' Ensemble does. */
export function riskCriticFor(config: AimLearnerConfig): RiskCritic {
  return createRiskCritic(config.obsDim, config.actionDim, config.actorHidden, config.seed + 3000);
}

/** Thrifty-DAgger's gate with the risk terms, and thresholds that follow the robot's steps. */
export class ThriftyOriginalGate extends EnsembleGate {
  override readonly signals: GateSignals = { q: true, novelty: true };
  private riskToHuman = INITIAL_RISK_TO_HUMAN;
  private riskToRobot = INITIAL_RISK_TO_ROBOT;
  /** u and Q_risk at the robot's steps since the last policy update (the authors' `estimates`). */
  private noveltyEstimates: number[] = [];
  private riskEstimates: number[] = [];

  constructor(warmupSteps: number) {
    super(warmupSteps, { quantile: 1 - THRIFTY_TARGET_RATE });
  }

  /** ε_H and ε_R in use. */
  get riskThresholds(): { toHuman: number; toRobot: number } {
    return { toHuman: this.riskToHuman, toRobot: this.riskToRobot };
  }

  override policyUpdated(): void {
    this.noveltyEstimates = [];
    this.riskEstimates = [];
  }

  override episodeEnd(): void {
    super.episodeEnd();
    if (this.threshold === null || this.noveltyEstimates.length <= MIN_ESTIMATES) return;
    this.threshold = quantile(this.noveltyEstimates, 1 - THRIFTY_TARGET_RATE);
    this.riskToHuman = quantile(this.riskEstimates, THRIFTY_TARGET_RATE);
    this.riskToRobot = quantile(this.riskEstimates, 0.5);
  }

  protected override asks(u: number, input: GateStepInput, threshold: number): boolean {
    const risk = riskOf(input);
    // Every step the robot holds control counts, the ones it then hands over included (as the authors').
    this.noveltyEstimates.push(u);
    this.riskEstimates.push(risk);
    return super.asks(u, input, threshold) || risk < this.riskToHuman;
  }

  protected override handsBack(input: GateStepInput, epsilon: number): boolean {
    return super.handsBack(input, epsilon) && riskOf(input) > this.riskToRobot;
  }
}

function riskOf({ q }: GateStepInput): number {
  if (q === null) throw new RangeError('the gate needs Q_risk(s, a_n) but none was given');
  return q;
}

/** Thrifty-DAgger's ensemble plus the risk critics, which learn from every transition. */
export class ThriftyOriginalLearner implements MethodLearner {
  private readonly config: AimLearnerConfig;
  private readonly ensemble: EnsembleLearner;
  /** Every transition, the expert's and the robot's: the critics' data. */
  private readonly all: ReplayBuffer;
  private readonly critic: RiskCritic;
  private readonly target: RiskCritic;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private criticSteps = 0;

  constructor(config: AimLearnerConfig) {
    this.config = config;
    this.ensemble = new EnsembleLearner(config);
    this.all = new ReplayBuffer(config.bufferCapacity, config.obsDim, config.actionDim);
    this.critic = riskCriticFor(config);
    this.target = riskCriticFor(config);
    this.target.risk.setWeights(this.critic.risk.getWeights());
    this.optimizer = createAdam(config.learningRate);
    this.rng = new Rng(config.seed ^ 0x7157);
  }

  get actors(): readonly tf.Sequential[] {
    return this.ensemble.actors;
  }

  get proxyQ(): tf.LayersModel {
    return this.critic.risk;
  }

  get proxyQTarget(): tf.LayersModel {
    return this.target.risk;
  }

  observe(transition: Transition): void {
    this.ensemble.observe(transition);
    this.all.add(transition);
  }

  initialFit(): InitialFit {
    const fit = this.ensemble.initialFit();
    this.trainCritics(this.config.initialRounds);
    return fit;
  }

  afterStep(): UpdateReport {
    const report = this.ensemble.afterStep();
    if (!report.policyUpdated) return report;
    this.trainCritics(this.config.cadence.qSteps);
    return { ...report, qSteps: this.config.cadence.qSteps };
  }

  act(obs: Float32Array, count: number): Float32Array {
    return this.ensemble.act(obs, count);
  }

  /** Q_risk(s, a) for `count` observation/action pairs laid end to end. */
  risk(obs: Float32Array, actions: Float32Array, count: number): Float32Array {
    const { obsDim, actionDim } = this.config;
    return tf.tidy(() => {
      const input = tf.concat(
        [tf.tensor2d(obs, [count, obsDim]), tf.tensor2d(actions, [count, actionDim])],
        1,
      );
      return predictAll(this.critic.risk, input).dataSync() as Float32Array;
    });
  }

  state(): AimLearnerState {
    return this.ensemble.state();
  }

  restoreState(state: AimLearnerState): void {
    this.ensemble.restoreState(state);
  }

  dispose(): void {
    this.ensemble.dispose();
    for (const critic of [this.critic, this.target]) for (const twin of critic.twins) twin.dispose();
    this.optimizer.dispose();
  }

  private trainCritics(steps: number): void {
    const reached = this.all.slotsBySuccess(true);
    const others = this.all.slotsBySuccess(false);
    for (let k = 0; k < steps; k++) {
      this.criticStep(this.all.gather(this.sampleSlots(reached, others)));
      // The authors move the targets after every second step, starting with the first.
      if (this.criticSteps % 2 === 0)
        this.critic.twins.forEach((twin, i) => polyakUpdate(twin, this.target.twins[i], RISK_TAU));
      this.criticSteps++;
    }
  }

  /** A batch with a tenth (or all there are, if fewer) from the goal-reaching transitions. */
  private sampleSlots(reached: Int32Array, others: Int32Array): Int32Array {
    const size = this.config.batchSize;
    const positives = Math.min(reached.length, Math.floor(size * SUCCESS_FRACTION));
    const slots = new Int32Array(size);
    if (positives > 0) slots.set(this.all.sampleIndices(positives, this.rng, reached));
    if (others.length > 0) slots.set(this.all.sampleIndices(size - positives, this.rng, others), positives);
    else slots.set(this.all.sampleIndices(size - positives, this.rng, reached), positives);
    return slots;
  }

  private criticStep(batch: Batch): void {
    const { obsDim, actionDim } = this.config;
    const n = batch.size;
    const variables = this.critic.twins.flatMap((twin) => trainableVariables(twin));
    tf.tidy(() => {
      const nextObs = tf.tensor2d(batch.nextObs, [n, obsDim]);
      const members = this.ensemble.actors.map((actor) => predictAll(actor, nextObs));
      const nextAction = tf.div(tf.addN(members), members.length);
      const nextRisk = predictAll(this.target.risk, tf.concat([nextObs, nextAction], 1));
      const target = riskTarget(
        tf.tensor2d(batch.success, [n, 1]),
        tf.tensor2d(batch.done, [n, 1]),
        nextRisk,
      );
      const input = tf.concat(
        [tf.tensor2d(batch.obs, [n, obsDim]), tf.tensor2d(batch.appliedAction, [n, actionDim])],
        1,
      );
      this.optimizer.minimize(
        () =>
          riskLoss(
            this.critic.twins.map((twin) => twin.apply(input) as tf.Tensor),
            target,
          ),
        false,
        variables,
      );
    });
  }
}

/** y = r + γ·(1 − d)·min_j Q̄_j(s', π̄(s')), with r the success reward; no gradient flows through it. */
export function riskTarget(
  reward: tf.Tensor,
  done: tf.Tensor,
  nextRisk: tf.Tensor,
  gamma = RISK_GAMMA,
): tf.Tensor {
  return tf.tidy(() => tf.add(reward, tf.mul(tf.mul(tf.sub(1, done), gamma), nextRisk)));
}

/** L_Q = Σ_i mean_b (Q_i(s, a) − y)². */
export function riskLoss(twinValues: readonly tf.Tensor[], target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.addN(twinValues.map((q) => tf.mean(tf.square(tf.sub(q, target))))) as tf.Scalar);
}
