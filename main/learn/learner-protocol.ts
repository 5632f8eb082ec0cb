// The messages between the session loop's thread and the learner's worker thread. Transitions go
// one way as typed arrays (transferred, not copied); weights come back the other way as TF.js
// artifacts after every update round. Messages are handled in the order they were sent, so a
// request (an initial fit, an evaluation) applies to exactly the transitions sent before it.
import type { BackendName, EnvId, Method } from '../contract/session-config.ts';
import type { UpdateReport } from './aim.ts';
import type { Transition } from './buffer.ts';
import type { PackedModel } from './checkpoint.ts';
import type { PolicyEvalResult, SeedRange } from './evaluate.ts';
import type { LearnerState } from './method.ts';
import type { LearnerConfig } from './methods.ts';

/** Where the loop was when it sent a message; echoed back so results can be dated. */
export interface StepStamp {
  step: number;
  expertSteps: number;
}

export interface LearnerWeights {
  actor: PackedModel;
  /** The other members of an ensemble policy (none for a single actor). */
  members: PackedModel[];
  /** AIM's proxy Q (the risk critic of thrifty-dagger-original), or null for methods without one. */
  proxyQ: PackedModel | null;
  /** The TD term's target network, when the TD term is on. */
  proxyQTarget: PackedModel | null;
}

/** Transitions laid end to end, so a block moves between threads without copying. */
export interface TransitionBlock {
  count: number;
  obs: Float32Array;
  nextObs: Float32Array;
  noviceAction: Float32Array;
  appliedAction: Float32Array;
  /** Bit 0 intervention, bit 1 intervention start, bit 2 done, bit 3 success. */
  flags: Uint8Array;
}

export interface LearnerRestore {
  weights: LearnerWeights;
  state: LearnerState;
  /** Every transition of the session so far, in order, to refill the buffers. */
  transitions: TransitionBlock;
}

export interface WorkerSetup {
  backend: BackendName;
  method: Method;
  learner: LearnerConfig;
  /** δ, for a threshold recomputed after every update round. */
  delta: number;
  /** thresholdRecompute 'everyTrainStep': send a fresh threshold with every proxy-Q round. */
  recomputeThreshold: boolean;
  evaluation: { env: EnvId; seeds: SeedRange };
  restore: LearnerRestore | null;
  /** A new session's novice starts as this policy (an imported export) instead of fresh weights. */
  initialActor?: PackedModel | null;
}

export type ToWorker =
  | { type: 'setup'; setup: WorkerSetup }
  | {
      type: 'transitions';
      block: TransitionBlock;
      at: StepStamp;
      /** The learner had taken in everything before this block when it was sent (always, in lockstep). */
      caughtUp: boolean;
    }
  | { type: 'initialFit'; at: StepStamp }
  | { type: 'evaluate'; at: StepStamp };

interface Trained {
  /** Transitions the worker has taken in (and run the due updates for). */
  processed: number;
  at: StepStamp;
  weights: LearnerWeights;
  state: LearnerState;
  /** TF.js tensors alive in the worker, to show they stay flat. */
  numTensors: number;
}

export type FromWorker =
  | { type: 'ready'; weights: LearnerWeights; numTensors: number }
  | { type: 'processed'; processed: number }
  | (Trained & { type: 'fitted'; epsilon: number; heldOutQ: Float32Array })
  | (Trained & { type: 'updated'; report: UpdateReport; threshold: number | null })
  | { type: 'evaluated'; at: StepStamp; result: PolicyEvalResult }
  | { type: 'failed'; message: string };

export function packTransitions(
  transitions: readonly Transition[],
  obsDim: number,
  actionDim: number,
): TransitionBlock {
  const count = transitions.length;
  const block: TransitionBlock = {
    count,
    obs: new Float32Array(count * obsDim),
    nextObs: new Float32Array(count * obsDim),
    noviceAction: new Float32Array(count * actionDim),
    appliedAction: new Float32Array(count * actionDim),
    flags: new Uint8Array(count),
  };
  transitions.forEach((t, k) => {
    block.obs.set(t.obs, k * obsDim);
    block.nextObs.set(t.nextObs, k * obsDim);
    block.noviceAction.set(t.noviceAction, k * actionDim);
    block.appliedAction.set(t.appliedAction, k * actionDim);
    block.flags[k] =
      (t.intervention ? 1 : 0) | (t.interventionStart ? 2 : 0) | (t.done ? 4 : 0) | (t.success ? 8 : 0);
  });
  return block;
}

/** The k-th transition of a block, as views into its arrays. */
export function unpackTransition(block: TransitionBlock, k: number): Transition {
  const obsDim = block.obs.length / block.count;
  const actionDim = block.noviceAction.length / block.count;
  const flags = block.flags[k];
  return {
    obs: block.obs.subarray(k * obsDim, (k + 1) * obsDim),
    nextObs: block.nextObs.subarray(k * obsDim, (k + 1) * obsDim),
    noviceAction: block.noviceAction.subarray(k * actionDim, (k + 1) * actionDim),
    appliedAction: block.appliedAction.subarray(k * actionDim, (k + 1) * actionDim),
    intervention: (flags & 1) !== 0,
    interventionStart: (flags & 2) !== 0,
    done: (flags & 4) !== 0,
    success: (flags & 8) !== 0,
  };
}

export function blockBuffers(block: TransitionBlock): ArrayBuffer[] {
  return [block.obs, block.nextObs, block.noviceAction, block.appliedAction, block.flags].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

export function weightBuffers(weights: LearnerWeights): ArrayBuffer[] {
  return [weights.actor, ...weights.members, weights.proxyQ, weights.proxyQTarget]
    .filter((model) => model !== null)
    .map((model) => model.weightData);
}
