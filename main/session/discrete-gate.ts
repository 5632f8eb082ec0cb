// The robot-gated switch of discrete AIM (aim-algorithm.md §4.4, MiniGrid's
// MinigridWrapperWithFakeHumanRobotGate.step), as a small state machine:
//
//   warm-up  — the first W steps: the expert's action is applied (it differs from the novice's or
//              equals it), every step labelled takeover. Agreement does not end warm-up.
//   human    — after warm-up, until the first step on which the novice's action equals the
//              expert's (carry-over), and after a help request. The agreeing step is still the
//              expert's, labelled takeover (a_h = a_n, so it adds no "+1" label); the robot drives
//              from the next step.
//   robot    — the novice drives; ask for help when Q_c(s, a_n) > τ, where τ is the (1 − δ)
//              quantile of Q_c over a fresh agent-buffer sample, set by the learner after every
//              update round. A request whose novice action already agrees is one takeover step.
// A person holding the takeover control drives whatever the gate decided; their release hands
// control to the robot.
import { quantile } from '../learn/quantile.ts';
import type { GateDecision, GateStepInput, MethodGate } from '../learn/method.ts';
import { GateError, checkGateConfig } from './gate.ts';

export interface DiscreteGateConfig {
  warmupSteps: number;
  /** δ: the share of robot steps expected to need help. */
  delta: number;
}

export class DiscreteGate implements MethodGate {
  readonly signals = { q: true, novelty: false };
  readonly config: DiscreteGateConfig;
  private stepsTaken = 0;
  /** The expert holds control (before this step's agreement test). */
  private humanDriving = false;
  /** The previous step ended a takeover by agreement: this step reports the handback. */
  private handbackDue = false;
  private threshold: number | null = null;

  constructor(config: DiscreteGateConfig) {
    checkGateConfig(config);
    this.config = config;
  }

  get inWarmup(): boolean {
    return this.stepsTaken < this.config.warmupSteps;
  }

  get initialised(): boolean {
    return this.threshold !== null;
  }

  get currentThreshold(): number | null {
    return this.threshold;
  }

  /** Agreement is exact equality of actions: ε = 0 in the discrepancy mean (a_n − a_e)². */
  get agreementThreshold(): number | null {
    return this.threshold === null ? null : 0;
  }

  /** The first threshold, from the Q values of the proxy's first round. */
  initialise(_epsilon: number, firstQ: ArrayLike<number>): void {
    if (firstQ.length === 0) throw new GateError('the threshold needs at least one Q value');
    this.setThreshold(quantile(firstQ, 1 - this.config.delta));
  }

  resume(_epsilon: number, threshold: number): void {
    this.stepsTaken = Math.max(this.stepsTaken, this.config.warmupSteps);
    this.setThreshold(threshold);
    this.humanDriving = false;
    this.handbackDue = false;
  }

  setThreshold(threshold: number): void {
    if (!Number.isFinite(threshold)) throw new GateError(`the threshold must be finite, got ${threshold}`);
    this.threshold = threshold;
  }

  /** The threshold follows the learner's rounds; nothing is windowed here. */
  policyUpdated(): void {}

  /** A new episode starts with the robot (warm-up goes on regardless). */
  episodeEnd(): void {
    this.humanDriving = false;
    this.handbackDue = false;
  }

  step(input: GateStepInput): GateDecision {
    const decision = this.decide(input);
    this.stepsTaken++;
    return decision;
  }

  private decide({ q, discrepancy, personDriving = false }: GateStepInput): GateDecision {
    if (this.inWarmup) {
      this.humanDriving = true;
      return { mode: 'warmup', warmup: true, expertInvolved: true, helpRequested: false, handedBack: false };
    }
    const handedBack = this.handbackDue;
    this.handbackDue = false;
    if (personDriving) {
      this.humanDriving = false;
      return { mode: 'human', warmup: false, expertInvolved: true, helpRequested: false, handedBack: false };
    }
    let helpRequested = false;
    if (!this.humanDriving && this.threshold !== null) {
      if (q === null) throw new GateError('the robot is driving but no Q value was given');
      helpRequested = q > this.threshold;
      this.humanDriving = helpRequested;
    }
    if (!this.humanDriving)
      return { mode: 'robot', warmup: false, expertInvolved: false, helpRequested: false, handedBack };
    if (discrepancy === 0) {
      // This step is still the expert's (and a takeover); control returns on the next one.
      this.humanDriving = false;
      this.handbackDue = true;
    }
    return { mode: 'human', warmup: false, expertInvolved: true, helpRequested, handedBack };
  }
}
