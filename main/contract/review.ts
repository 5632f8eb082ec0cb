// The review half of the contract: the session browser, replay of a recorded session, the takeover
// inspector and analytics. Replay draws exactly what was recorded: the frames the live view drew
// (frame.ts layout), read back from the store and sent packed, never re-simulated.
import { z } from 'zod';
import type { SceneEvent, SessionListRow } from './api.ts';
import type { HandbackReason, TakeoverTrigger } from './modes.ts';
import type { SessionConfig } from './session-config.ts';

const sessionId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const step = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** At most this many frames per request: about 2 minutes at 10 Hz, a few MB at most. */
export const MAX_FRAMES_PER_REQUEST = 1200;
/** At most this many steps of the compact series per request: over an hour at 10 Hz. */
export const MAX_SERIES_PER_REQUEST = 72_000;

const range = (max: number) =>
  z
    .object({ sessionId, from: step, to: step })
    .strict()
    .refine((r) => r.to >= r.from, { message: 'to must not be before from', path: ['to'] })
    .refine((r) => r.to - r.from < max, { message: `at most ${max} steps per request`, path: ['to'] });

export const reviewCommandSchemas = {
  'sessions.delete': z.object({ sessionId }).strict(),
  'review.open': z.object({ sessionId }).strict(),
  'review.frames': range(MAX_FRAMES_PER_REQUEST),
  'review.series': range(MAX_SERIES_PER_REQUEST),
  'review.scene': z.object({ sessionId, episode: step }).strict(),
  'review.takeover': z.object({ sessionId, takeoverId: sessionId }).strict(),
  'review.analytics': z.object({ sessionId }).strict(),
} as const;

export interface ReviewSessionInfo extends SessionListRow {
  endedAt: string | null;
  preset: string;
  seed: number;
  backend: string;
  host: string;
  episodes: number;
  message: string | null;
  config: SessionConfig;
}

export interface ReviewEpisode {
  episode: number;
  firstStep: number;
  lastStep: number;
  /** From the episodes table; null for an episode cut off by the session's end or a crash. */
  success: boolean | null;
  routeCompletion: number | null;
  takeovers: number;
}

/** A takeover span as recorded (the store's takeovers table). */
export interface ReviewTakeover {
  id: number;
  episode: number;
  startStep: number;
  /** Last step under expert control (inclusive). */
  endStep: number;
  trigger: TakeoverTrigger;
  handback: HandbackReason;
  /** The step at which the gate asked for help (robot trigger), else null. */
  requestStep: number | null;
  /** Milliseconds from the help request to the first human input; null for simulated experts. */
  reactionMs: number | null;
  qAtRequest: number | null;
  thresholdAtRequest: number | null;
  /** Map region (block) where it started, for analytics. */
  region: string;
  /** Wall-clock milliseconds from the first to the last step under the takeover; null if not measured. */
  durationMs?: number | null;
}

/** An evaluation of the deterministic novice on held-out scenarios, at a point of the session. */
export interface ReviewEvaluation {
  step: number;
  expertSteps: number;
  episodes: number;
  successRate: number;
  meanReturn: number;
  routeCompletion: number;
  crashRate: number;
  outOfRoadRate: number;
  meanCost: number;
}

/** What opening a session for review gives: enough to draw the scrubber and the first frame. */
export interface ReviewOpen {
  session: ReviewSessionInfo;
  /** Decisions per second of the environment: step s is at s / decisionHz seconds. */
  decisionHz: number;
  /** Recorded steps are firstStep..lastStep (a session may have lost its last rows in a crash). */
  firstStep: number;
  lastStep: number;
  episodes: ReviewEpisode[];
  takeovers: ReviewTakeover[];
  /**
   * Steps at which a help request started a takeover (read from the takeovers, so opening does not
   * scan every step); review.series has every step's help flag.
   */
  helpRequests: number[];
  evaluations: ReviewEvaluation[];
}

/**
 * Recorded frames, packed: the float64 bytes of every frame one after another, base64-encoded (JSON
 * has no NaN, and frames use NaN for "none"), with each frame's length in numbers and its step.
 */
export interface PackedFrames {
  steps: number[];
  lengths: number[];
  data: string;
}

/** Per-step columns for the Q plot, the trail and the scrubber; null where a value is missing. */
export interface ReviewSeries {
  steps: number[];
  episodes: number[];
  q: (number | null)[];
  threshold: (number | null)[];
  /** CONTROL_MODES codes. */
  modes: number[];
  help: number[];
  x: number[];
  y: number[];
}

export interface TakeoverStep {
  step: number;
  /** Milliseconds from the takeover's first step (negative in the pre-roll). */
  ms: number;
  mode: number;
  q: number | null;
  threshold: number | null;
  novice: number[];
  applied: number[];
}

export interface RawSample {
  /** Milliseconds from the takeover's first step. */
  ms: number;
  steer: number;
  throttle: number;
  brake: number;
}

export interface TakeoverDetail {
  takeover: ReviewTakeover;
  /** Seconds under expert control: the recorded wall-clock duration, else its decisions' time. */
  durationSeconds: number;
  preRollMs: number;
  /** The pre-roll's steps, the span's steps and a few after hand-back. */
  steps: TakeoverStep[];
  /** Raw device samples over the same time; empty when a simulated expert drove. */
  samples: RawSample[];
  /** The device that produced the samples, or null. */
  device: string | null;
}

export interface ReviewAnalytics {
  sessionId: number;
  decisionHz: number;
  totalSteps: number;
  perEpisode: Array<{ episode: number; steps: number; takeovers: number; success: boolean | null }>;
  /** Takeovers (warm-up excluded) that started in each minute of decisions. */
  perMinute: number[];
  /** Where takeovers started, in the episode's world frame; the seed names the map. */
  positions: Array<{ x: number; y: number; episode: number; seed: number; trigger: TakeoverTrigger }>;
  reactionMs: number[];
  /** Cumulative expert-involved steps sampled along the session (the learning curves' x axis). */
  expertCurve: Array<{ step: number; expertSteps: number }>;
  /** Each finished episode's last step and success, for the rolling success curve. */
  episodeEnds: Array<{ episode: number; step: number; success: boolean }>;
  evaluations: ReviewEvaluation[];
}

export interface ReviewResponses {
  'sessions.delete': { deleted: number };
  'review.open': ReviewOpen;
  'review.frames': PackedFrames;
  'review.series': ReviewSeries;
  'review.scene': SceneEvent;
  'review.takeover': TakeoverDetail;
  'review.analytics': ReviewAnalytics;
}

/** Unpacks review.frames into one Float64Array per frame (views into one buffer). */
export function unpackFrames(packed: PackedFrames): Float64Array[] {
  const binary = atob(packed.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const total = packed.lengths.reduce((a, b) => a + b, 0);
  if (bytes.length !== total * 8)
    throw new RangeError(`packed frames hold ${bytes.length} bytes, their lengths say ${total * 8}`);
  const all = new Float64Array(bytes.buffer);
  const out: Float64Array[] = [];
  let at = 0;
  for (const length of packed.lengths) {
    out.push(all.subarray(at, at + length));
    at += length;
  }
  return out;
}
