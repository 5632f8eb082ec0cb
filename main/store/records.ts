// The rows the core writes and reads, in the core's own terms. The schema (schema.ts) maps them to
// tables; nothing outside main/store/ writes SQL.
import type { ControlMode } from '../contract/modes.ts';
import type { SessionConfig, BackendName } from '../contract/session-config.ts';
import type { Scene } from '../contract/scene.ts';
import type { SessionStatusName } from '../contract/api.ts';
import type { ReviewEvaluation, ReviewTakeover } from '../contract/review.ts';

export interface NewSession {
  config: SessionConfig;
  backend: BackendName;
  appVersion: string;
  /** The host that ran it: 'cli', 'browser', 'electron'. */
  host: string;
  /** Process id of the writer, so a later start can mark a dead writer's session interrupted. */
  pid: number;
}

export interface SessionProgress {
  steps: number;
  episodes: number;
  expertSteps: number;
  takeovers: number;
  successRate: number | null;
}

export interface SessionEnd extends SessionProgress {
  status: Exclude<SessionStatusName, 'idle' | 'running' | 'paused'>;
  message: string | null;
}

export interface SessionRow extends SessionProgress {
  id: number;
  startedAt: string;
  endedAt: string | null;
  status: SessionStatusName;
  env: string;
  method: string;
  preset: string;
  seed: number;
  operator: string;
  backend: string;
  appVersion: string;
  host: string;
  pid: number;
  config: SessionConfig;
  message: string | null;
}

export interface StepRecord {
  step: number;
  episode: number;
  episodeStep: number;
  /** Wall-clock milliseconds since the session started. */
  wallMs: number;
  mode: ControlMode;
  q: number | null;
  threshold: number | null;
  novice: ArrayLike<number>;
  applied: ArrayLike<number>;
  /** The expert's or person's action when one was asked, else null. */
  human: ArrayLike<number> | null;
  reward: number;
  cost: number;
  done: boolean;
  helpRequested: boolean;
  egoX: number;
  egoY: number;
  egoHeading: number;
  egoSpeed: number;
  /** The observation the decision was made on (float32). */
  obs: Float32Array;
  /** The encoded frame (contract/frame.ts) of this step: what replay draws. */
  frame: Float64Array;
}

export interface SceneRecord {
  episode: number;
  seed: number;
  scene: Scene;
}

export interface EpisodeRecord {
  episode: number;
  seed: number;
  startStep: number;
  steps: number;
  success: boolean;
  return: number;
  cost: number;
  routeCompletion: number;
  takeovers: number;
  crash: boolean;
  outOfRoad: boolean;
}

/** A takeover span as the contract describes it (contract/review.ts), before the store gives it an id. */
export type TakeoverRecord = Omit<ReviewTakeover, 'id'>;

export interface InputSampleRecord {
  /** Milliseconds on the session's clock (steps' wallMs), translated from the sampler's clock. */
  t: number;
  device: string;
  /** The device profile the sample was mapped with ('' when unknown). */
  profile?: string;
  axes: ArrayLike<number>;
  buttons: ArrayLike<number>;
  steer: number;
  throttle: number;
  brake: number;
}

// ——— Read back from the store, and the rows that are written directly rather than batched. ———

/** A recorded step as read back: actions come back as plain arrays (1 or 2 components). */
export interface StepRow extends StepRecord {
  novice: number[];
  applied: number[];
  human: number[] | null;
}

export interface TakeoverRow extends TakeoverRecord {
  id: number;
  durationMs: number | null;
}

/** Where an episode's recorded steps lie, so long reads (export, review) can go in chunks. */
export interface EpisodeSpan {
  episode: number;
  firstStep: number;
  lastStep: number;
  /** Recorded steps; lastStep - firstStep + 1 unless rows are missing. */
  steps: number;
}

/** A device sample as read back: axes and buttons as stored, float64. */
export interface InputSampleRow extends InputSampleRecord {
  profile: string;
  axes: Float64Array;
  buttons: Float64Array;
}

/** A checkpoint. `kind` names the network ('actor', 'proxy-q'), `format` the packing of `data` ('tfjs'). */
export interface ModelRecord {
  step: number;
  expertSteps: number;
  kind: string;
  format: string;
  data: Uint8Array;
  metrics: Record<string, unknown> | null;
}

/** A checkpoint's description, without its bytes. */
export interface ModelInfo extends Omit<ModelRecord, 'data'> {
  id: number;
  sessionId: number;
  createdAt: string;
  /** Size of `data` in bytes. */
  bytes: number;
}

export interface ModelRow extends ModelInfo {
  data: Uint8Array;
}

/** An evaluation of the novice on held-out scenarios (the contract's type, contract/review.ts). */
export type EvaluationRecord = ReviewEvaluation;

export interface EvaluationRow extends EvaluationRecord {
  id: number;
  sessionId: number;
  createdAt: string;
}
