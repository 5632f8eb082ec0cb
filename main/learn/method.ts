// The seam between the session loop and a learning method (AIM or a baseline). A method is two
// parts that run on different threads:
//   - a gate, on the loop's thread: per step, who drives (robot or expert) and whether the step
//     costs the expert attention (the expert-involved steps of aim-algorithm.md §7);
//   - a learner, on the learner's thread: takes transitions in, trains when its schedule says so,
//     and supplies the networks the loop acts and gates with.
// AIM's gate is main/session/gate.ts and its learner main/learn/aim.ts; each baseline is one file
// here in main/learn/ with its loss and its gate.
import type * as tf from '@tensorflow/tfjs';
import type { AimLearnerState, InitialFit, UpdateReport } from './aim.ts';
import type { Transition } from './buffer.ts';
import type { DiscreteAimState } from './discrete-aim.ts';

/** What a checkpoint records of a learner's schedule beyond its weights: continuous or discrete AIM's. */
export type LearnerState = AimLearnerState | DiscreteAimState;

export type GateMode = 'warmup' | 'robot' | 'human';

/** What the loop knows about this step when the gate decides. */
export interface GateStepInput {
  /** AIM: Q_c(s, a_n) of the novice's proposal; thrifty-dagger-original: its risk Q. Null when not computed. */
  q: number | null;
  /** Ensemble methods: u(s), the mean over action dims of the members' action variance. */
  novelty?: number | null;
  /** mean_dims (a_n − a_e)² between the novice's proposal and a fresh expert action. */
  discrepancy: number;
  /** log π_E(a_n | s), the expert's log-density of the novice's proposal, where the expert has one. */
  expertLogDensity?: number | null;
  /** A person is holding the takeover control: they drive, whatever the gate would decide. */
  personDriving?: boolean;
  /** AIM's humanGatedPVP warm-up: the expert would step in (its density of a_n is below 1 − free level). */
  warmupTakeover?: boolean;
}

export interface GateDecision {
  /** Who drives this step: 'warmup' is the expert during warm-up. */
  mode: GateMode;
  /** A warm-up step. */
  warmup: boolean;
  /**
   * The step costs the expert attention even when the robot drives it: every warm-up step, and
   * every step of a human-gated method (a person must watch constantly). Steps the expert drives
   * are expert-involved anyway.
   */
  expertInvolved: boolean;
  /** The gate asked for help on this step (robot → human). */
  helpRequested: boolean;
  /** A human-gated method's simulated human took over, unasked. */
  humanGated?: boolean;
  /** Control returned to the robot on this step by the gate's hand-back rule. */
  handedBack: boolean;
}

/** Which learner outputs a gate reads; the loop computes only those. */
export interface GateSignals {
  q: boolean;
  novelty: boolean;
}

/** The loop's side of a method. */
export interface MethodGate {
  readonly inWarmup: boolean;
  /** The gate can decide on its own (after the learner's first fit, where it needs one). */
  readonly initialised: boolean;
  /** The robot → human threshold in use, if the method has one. */
  readonly currentThreshold: number | null;
  /** The human → robot threshold ε, if the method has one. */
  readonly agreementThreshold: number | null;
  readonly signals: GateSignals;
  /** The learner's first fit: ε and the held-out scores (Q or novelty) that set the first threshold. */
  initialise(epsilon: number, heldOutScores: ArrayLike<number>): void;
  /** Continues a session saved past warm-up. */
  resume(epsilon: number, threshold: number): void;
  /** A threshold the learner recomputed after an update round. */
  setThreshold(threshold: number): void;
  step(input: GateStepInput): GateDecision;
  episodeEnd(): void;
  /** A policy update makes older scores stale. */
  policyUpdated(): void;
}

/** The learner's side of a method (it lives on the learner's thread). */
export interface MethodLearner {
  /** The policy: one actor, or an ensemble whose members' mean action is the novice's. */
  readonly actors: readonly tf.Sequential[];
  /** The network whose value the gate reads as q (AIM's proxy Q, the risk critic), or null. */
  readonly proxyQ: tf.LayersModel | null;
  readonly proxyQTarget: tf.LayersModel | null;
  observe(transition: Transition): void;
  /** Called once, when the gate's warm-up ends. */
  initialFit(): InitialFit;
  /** Called after every transition; runs the update rounds that are due. */
  afterStep(mayRefire: boolean): UpdateReport;
  /** The deterministic novice's actions for `count` observations laid end to end. */
  act(obs: Float32Array, count: number): Float32Array;
  /** thresholdRecompute 'everyTrainStep': the gate's fresh threshold after a round. */
  recomputedThreshold?(delta: number): number;
  /** An offline method trains its policy here, on the data so far, before it is evaluated. */
  prepareEvaluation?(): void;
  state(): LearnerState;
  /** Each learner takes back the state it gave (a checkpoint is checked against its session first). */
  restoreState(state: LearnerState): void;
  dispose(): void;
}

/** A gate decision for steps that follow no threshold (human-gated methods, offline demonstration). */
export function fixedDecision(mode: GateMode, expertInvolved: boolean): GateDecision {
  return { mode, warmup: false, expertInvolved, helpRequested: false, handedBack: false };
}
