// HG-DAgger (Kelly et al. 2019), human-gated, as the AIM paper's MetaDrive baseline implements it
// (aim-algorithm.md §5.1, §6):
//
//   gate    takeover_t = 1[ mean_dims (a_n,t − a_e,t)² > θ ]     θ = 0.2, decided afresh every step,
//           with a_e,t a fresh sample of the expert's action
//   policy  L_BC = E_(s,a_h)∈D_h ‖a_h − π(s)‖²  on the expert-labelled (takeover) steps D_h,
//           every 25 env steps: 25 batches of 1024, 5 Adam steps each
//
// Expert-involved steps are all env steps: the human decides every step, so must watch every step.
// PVP (pvp.ts) trains the same way and differs only in its gate.
import type * as tf from '@tensorflow/tfjs';
import type { AimLearnerConfig, AimLearnerState, InitialFit, UpdateReport } from './aim.ts';
import { bcSteps, meanAction } from './bc.ts';
import { ReplayBuffer, type Transition } from './buffer.ts';
import type { GateDecision, GateStepInput, MethodGate, MethodLearner } from './method.ts';
import { createActor, createAdam } from './networks.ts';
import { Rng } from '../sim/random.ts';

/** The takeover threshold on mean_dims (a_n − a_e)² in the paper's table (commit "add table1"). */
export const HG_DAGGER_THRESHOLD = 0.2;

/** The gate of a human-gated method: a per-step rule of the simulated human decides each step. */
export abstract class HumanGate implements MethodGate {
  readonly inWarmup = false;
  readonly initialised = true;
  readonly currentThreshold = null;
  readonly agreementThreshold = null;
  readonly signals = { q: false, novelty: false };
  private humanDriving = false;

  /** Whether the simulated human takes over on this step. */
  protected abstract takesOver(input: GateStepInput): boolean;

  initialise(): void {}
  resume(): void {}
  setThreshold(): void {}
  policyUpdated(): void {}

  episodeEnd(): void {
    this.humanDriving = false;
  }

  step(input: GateStepInput): GateDecision {
    const wasHuman = this.humanDriving;
    this.humanDriving = input.personDriving === true || this.takesOver(input);
    return {
      mode: this.humanDriving ? 'human' : 'robot',
      warmup: false,
      expertInvolved: true,
      helpRequested: false,
      humanGated: this.humanDriving,
      handedBack: wasHuman && !this.humanDriving,
    };
  }
}

export class HgDaggerGate extends HumanGate {
  readonly threshold: number;

  constructor(threshold = HG_DAGGER_THRESHOLD) {
    super();
    if (!(threshold >= 0) || !Number.isFinite(threshold))
      throw new RangeError(`the HG-DAgger threshold must be a finite value ≥ 0, got ${threshold}`);
    this.threshold = threshold;
  }

  protected takesOver({ discrepancy }: GateStepInput): boolean {
    return discrepancy > this.threshold;
  }
}

/**
 * The grid's human-gated baselines (MiniGrid PVP and HG-DAgger, aim-algorithm.md §5.2): the
 * simulated human takes over whenever the novice's discrete action differs from the expert's,
 * a_n ≠ a_e, which for one-number actions is exactly (a_n − a_e)² > 0.
 */
export class MismatchGate extends HumanGate {
  protected takesOver({ discrepancy }: GateStepInput): boolean {
    return discrepancy > 0;
  }
}

/**
 * BC on the human buffer every `cadence.every` env steps (not labels): `cadence.bcRounds` batches of
 * `bcStepsPerBatch` steps. HG-DAgger's and PVP's learner.
 */
export class PeriodicBcLearner implements MethodLearner {
  readonly proxyQ = null;
  readonly proxyQTarget = null;
  readonly actor: tf.Sequential;
  private readonly config: AimLearnerConfig;
  private readonly human: ReplayBuffer;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private steps = 0;
  private nextUpdate: number;

  constructor(config: AimLearnerConfig) {
    this.config = config;
    this.rng = new Rng(config.seed ^ 0x4d6);
    this.human = new ReplayBuffer(config.bufferCapacity, config.obsDim, config.actionDim);
    this.actor = createActor(config.obsDim, config.actionDim, config.actorHidden, config.seed);
    this.optimizer = createAdam(config.learningRate);
    this.nextUpdate = config.cadence.every;
  }

  get actors(): readonly tf.Sequential[] {
    return [this.actor];
  }

  /** Every transition counts as an env step; only expert-labelled ones are kept. */
  observe(transition: Transition): void {
    this.steps++;
    if (transition.intervention) this.human.add(transition);
  }

  initialFit(): InitialFit {
    return { epsilon: 0, heldOutQ: new Float32Array() };
  }

  afterStep(): UpdateReport {
    const report: UpdateReport = { bcSteps: 0, qSteps: 0, policyUpdated: false };
    if (this.steps < this.nextUpdate) return report;
    this.nextUpdate = this.steps + this.config.cadence.every;
    if (this.human.size === 0) return report;
    const { batchSize, bcStepsPerBatch, cadence } = this.config;
    for (let round = 0; round < cadence.bcRounds; round++)
      bcSteps(
        this.actor,
        this.optimizer,
        this.human.gather(this.human.sampleIndices(batchSize, this.rng)),
        bcStepsPerBatch,
      );
    return { bcSteps: cadence.bcRounds * bcStepsPerBatch, qSteps: 0, policyUpdated: true };
  }

  act(obs: Float32Array, count: number): Float32Array {
    return meanAction(this.actors, obs, count);
  }

  state(): AimLearnerState {
    return { epsilon: 0, nextPolicyUpdate: this.nextUpdate, lastQRoundAt: -1 };
  }

  restoreState(state: AimLearnerState): void {
    this.nextUpdate = state.nextPolicyUpdate;
  }

  dispose(): void {
    this.actor.dispose();
    this.optimizer.dispose();
  }
}
