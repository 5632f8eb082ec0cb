// The robot-gated switch of AIM (aim-algorithm.md §4.1–§4.3), as a small state machine:
//
//   warm-up  — the first W steps. expertDrive (release code): the expert drives every step.
//              humanGatedPVP (paper-era code): the expert steps in, step by step, where its density
//              of the novice's action is below 1 − free level (the caller decides; §5.1). Every
//              warm-up step is expert-involved. Control then stays with whoever held it until the
//              agreement rule hands it back (the reference's `last` carries over), and with the
//              expert for as long as the learner's initial fit is still running (real time).
//   robot    — the novice drives; ask for help when Q_c(s, a_n) > τ, where τ is the (1 − δ)
//              quantile (linear interpolation) of Q_c over robot-controlled steps. τ starts as that
//              quantile over the held-out 10% of warm-up data and is recomputed at each episode end
//              from the robot steps seen since the last policy update (when more than 25 exist) —
//              or, with thresholdRecompute 'everyTrainStep', set by the learner after every round.
//   human    — the expert drives until the novice's proposal agrees with the expert's action:
//              mean_dims (a_n − a_e)² ≤ ε. The agreeing step is already the robot's (reference §4.3).
import type { ThresholdRecompute, WarmupMode } from '../contract/session-config.ts';
import type { GateDecision, GateMode, GateStepInput, MethodGate } from '../learn/method.ts';
import { quantile } from '../learn/quantile.ts';

export type { GateDecision, GateMode, GateStepInput } from '../learn/method.ts';

export interface GateConfig {
  warmupSteps: number;
  warmupMode: WarmupMode;
  /** δ: the share of robot steps expected to need help. */
  delta: number;
  /** The threshold is recomputed only from more than this many robot-step Q values (reference: 25). */
  minWindow: number;
  thresholdRecompute: ThresholdRecompute;
}

export class GateError extends Error {
  override name = 'GateError';
}

/** Refuses a δ outside (0, 1) or a warm-up that is not a whole number of steps; every gate shares it. */
export function checkGateConfig(config: { delta: number; warmupSteps: number }): void {
  if (!(config.delta > 0 && config.delta < 1))
    throw new GateError(`δ must be in (0, 1), got ${config.delta}`);
  if (!Number.isInteger(config.warmupSteps) || config.warmupSteps < 0)
    throw new GateError(`warm-up must be a whole number of steps ≥ 0, got ${config.warmupSteps}`);
}

export class AimGate implements MethodGate {
  readonly signals = { q: true, novelty: false };
  readonly config: GateConfig;
  private stepsTaken = 0;
  private humanDriving = false;
  private threshold: number | null = null;
  private epsilon: number | null = null;
  private window: number[] = [];

  constructor(config: GateConfig) {
    checkGateConfig(config);
    this.config = config;
  }

  get inWarmup(): boolean {
    return this.stepsTaken < this.config.warmupSteps;
  }

  /** ε and a first threshold are set (by the initial fit or a resumed checkpoint). */
  get initialised(): boolean {
    return this.threshold !== null;
  }

  get currentThreshold(): number | null {
    return this.threshold;
  }

  get agreementThreshold(): number | null {
    return this.epsilon;
  }

  get mode(): GateMode {
    if (this.inWarmup) return 'warmup';
    return this.humanDriving ? 'human' : 'robot';
  }

  /** Sets ε and the first threshold from the learner's fit at the end of warm-up. */
  initialise(epsilon: number, heldOutQ: ArrayLike<number>): void {
    if (!Number.isFinite(epsilon) || epsilon < 0)
      throw new GateError(`ε must be a finite value ≥ 0, got ${epsilon}`);
    if (heldOutQ.length === 0) throw new GateError('the threshold needs at least one held-out Q value');
    this.epsilon = epsilon;
    this.threshold = quantile(heldOutQ, 1 - this.config.delta);
    this.window = [];
  }

  /** Continues a session saved past warm-up: ε and the threshold as they were, a new episode ahead. */
  resume(epsilon: number, threshold: number): void {
    if (!Number.isFinite(epsilon) || epsilon < 0 || !Number.isFinite(threshold))
      throw new GateError(
        `a resumed gate needs a finite ε ≥ 0 and threshold, got ${epsilon} and ${threshold}`,
      );
    this.stepsTaken = Math.max(this.stepsTaken, this.config.warmupSteps);
    this.epsilon = epsilon;
    this.threshold = threshold;
    this.window = [];
    this.humanDriving = false;
  }

  /** thresholdRecompute 'everyTrainStep': the learner's fresh quantile after an update round. */
  setThreshold(threshold: number): void {
    if (!Number.isFinite(threshold)) throw new GateError(`the threshold must be finite, got ${threshold}`);
    this.threshold = threshold;
  }

  /** Decides who drives this step. */
  step(input: GateStepInput): GateDecision {
    const decision = this.decide(input);
    this.stepsTaken++;
    return decision;
  }

  /** Recomputes the threshold from the robot steps in the window; a new episode starts with the robot. */
  episodeEnd(): void {
    this.humanDriving = false;
    if (this.config.thresholdRecompute !== 'episodeEnd') return;
    if (this.threshold !== null && this.window.length > this.config.minWindow) {
      this.threshold = quantile(this.window, 1 - this.config.delta);
    }
  }

  /** A policy update makes older Q values stale: start a new window (reference: `estimates = []`). */
  policyUpdated(): void {
    this.window = [];
  }

  private decide({
    q,
    discrepancy,
    personDriving = false,
    warmupTakeover = true,
  }: GateStepInput): GateDecision {
    const none = { helpRequested: false, handedBack: false, expertInvolved: false };
    if (this.inWarmup) {
      const wasHuman = this.humanDriving;
      this.humanDriving = personDriving || this.config.warmupMode === 'expertDrive' || warmupTakeover;
      // Under the density rule the expert lets go as soon as the novice's action is likely enough.
      const handedBack = wasHuman && !this.humanDriving;
      return {
        mode: this.humanDriving ? 'warmup' : 'robot',
        warmup: true,
        expertInvolved: true,
        helpRequested: false,
        handedBack,
      };
    }
    if (personDriving) {
      // The person's release hands control to the robot, whatever the gate had decided before.
      this.humanDriving = false;
      return { mode: 'human', warmup: false, ...none };
    }
    if (this.threshold === null || this.epsilon === null) {
      // The initial fit has not come back yet (real time): the warm-up carries over.
      this.humanDriving = true;
      return { mode: 'human', warmup: false, ...none };
    }
    if (this.humanDriving) {
      if (discrepancy <= this.epsilon) {
        this.humanDriving = false;
        return {
          mode: 'robot',
          warmup: false,
          expertInvolved: false,
          helpRequested: false,
          handedBack: true,
        };
      }
      return { mode: 'human', warmup: false, ...none };
    }
    if (q === null) throw new GateError('the robot is driving but no Q value was given');
    if (q > this.threshold) {
      this.humanDriving = true;
      return { mode: 'human', warmup: false, expertInvolved: false, helpRequested: true, handedBack: false };
    }
    this.window.push(q);
    return { mode: 'robot', warmup: false, ...none };
  }
}
