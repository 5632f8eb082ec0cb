// The robot-gated switch of AIM (aim-algorithm.md §4.1–§4.3), as a small state machine:
//
//   warm-up  — the first W steps the expert drives; every step is expert-labelled. Control then
//              stays with the expert until the agreement rule hands it back (the reference's
//              `last` is still true on the first gated step).
//   robot    — the novice drives; ask for help when Q_c(s, a_n) > τ, where τ is the (1 − δ)
//              quantile (linear interpolation) of Q_c over robot-controlled steps. τ starts as that
//              quantile over the held-out 10% of warm-up data and is recomputed at each episode end
//              from the robot steps seen since the last policy update (when more than 25 exist).
//   human    — the expert drives until the novice's proposal agrees with the expert's action:
//              mean_dims (a_n − a_e)² ≤ ε. The agreeing step is already the robot's (reference §4.3).
import { quantile } from '../learn/quantile.ts';

export type GateMode = 'warmup' | 'robot' | 'human';

export interface GateConfig {
  warmupSteps: number;
  /** δ: the share of robot steps expected to need help. */
  delta: number;
  /** The threshold is recomputed only from more than this many robot-step Q values (reference: 25). */
  minWindow: number;
}

export interface GateStepInput {
  /** Q_c(s, a_n) for the novice's proposal, or null before the proxy Q exists. */
  q: number | null;
  /** mean_dims (a_n − a_e)² between the novice's proposal and the expert's action. */
  discrepancy: number;
  /** A person is holding the takeover control: they drive, whatever the gate would decide. */
  personDriving?: boolean;
}

export interface GateDecision {
  /** Who drives this step. */
  mode: GateMode;
  /** The gate asked for help on this step (robot → human). */
  helpRequested: boolean;
  /** Control returned to the robot on this step by the agreement rule. */
  handedBack: boolean;
}

export class GateError extends Error {
  override name = 'GateError';
}

export class AimGate {
  readonly config: GateConfig;
  private stepsTaken = 0;
  private humanDriving = false;
  private threshold: number | null = null;
  private epsilon: number | null = null;
  private window: number[] = [];

  constructor(config: GateConfig) {
    if (!(config.delta > 0 && config.delta < 1))
      throw new GateError(`δ must be in (0, 1), got ${config.delta}`);
    if (!Number.isInteger(config.warmupSteps) || config.warmupSteps < 0)
      throw new GateError(`warm-up must be a whole number of steps ≥ 0, got ${config.warmupSteps}`);
    this.config = config;
  }

  get inWarmup(): boolean {
    return this.stepsTaken < this.config.warmupSteps;
  }

  /** True once warm-up is over but the learner has not yet supplied ε and the held-out Q values. */
  get awaitingInitialisation(): boolean {
    return !this.inWarmup && this.threshold === null;
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
    this.humanDriving = true;
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
    if (this.threshold !== null && this.window.length > this.config.minWindow) {
      this.threshold = quantile(this.window, 1 - this.config.delta);
    }
  }

  /** A policy update makes older Q values stale: start a new window (reference: `estimates = []`). */
  policyUpdated(): void {
    this.window = [];
  }

  private decide({ q, discrepancy, personDriving = false }: GateStepInput): GateDecision {
    if (this.inWarmup) return { mode: 'warmup', helpRequested: false, handedBack: false };
    if (personDriving) {
      // The person's release hands control to the robot, whatever the gate had decided before.
      this.humanDriving = false;
      return { mode: 'human', helpRequested: false, handedBack: false };
    }
    if (this.threshold === null || this.epsilon === null) {
      throw new GateError(
        'the gate was not initialised after warm-up (call initialise with ε and held-out Q values)',
      );
    }
    if (this.humanDriving) {
      if (discrepancy <= this.epsilon) {
        this.humanDriving = false;
        return { mode: 'robot', helpRequested: false, handedBack: true };
      }
      return { mode: 'human', helpRequested: false, handedBack: false };
    }
    if (q === null) throw new GateError('the robot is driving but no Q value was given');
    if (q > this.threshold) {
      this.humanDriving = true;
      return { mode: 'human', helpRequested: true, handedBack: false };
    }
    this.window.push(q);
    return { mode: 'robot', helpRequested: false, handedBack: false };
  }
}
