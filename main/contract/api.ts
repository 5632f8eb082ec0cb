// The one API between the UI and the core: commands (request → response), the human-input stream
// (UI → core, fire-and-forget) and events (core → UI). Every host validates what arrives with the
// schemas here before it reaches the core.
import { z } from 'zod';
import { sessionConfigSchema, type BackendName, type SessionConfig } from './session-config.ts';
import type { Scene } from './scene.ts';
import { benchmarkCommandSchemas, type BenchmarkResponses } from './benchmark.ts';
import { exportCommandSchemas, type ExportResponses } from './export.ts';
import { reviewCommandSchemas, type ReviewResponses } from './review.ts';
import {
  calibrationKeySchema,
  calibrationSaveSchema,
  deviceEventSchema,
  rawDeviceSampleSchema,
  type ForceFeedbackEvent,
  type SavedCalibration,
} from './devices.ts';

const empty = z.object({}).strict();

/** Request schemas, one per command. */
export const commandSchemas = {
  'app.info': empty,
  'session.start': sessionConfigSchema,
  'session.pause': empty,
  'session.resume': empty,
  'session.stop': empty,
  'session.current': empty,
  'sessions.list': z.object({ limit: z.number().int().min(1).max(10_000).default(200) }).strict(),
  ...reviewCommandSchemas,
  /** A wheel or gamepad appeared or went away (the renderer's sampler noticed). */
  'device.event': deviceEventSchema,
  /** The saved calibration of a device for an operator (falling back to any operator's), or null. */
  'calibration.get': calibrationKeySchema,
  'calibration.save': calibrationSaveSchema,
  'ff.status': empty,
  ...exportCommandSchemas,
  ...benchmarkCommandSchemas,
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandRequest<K extends CommandName> = z.input<(typeof commandSchemas)[K]>;
export type ParsedRequest<K extends CommandName> = z.output<(typeof commandSchemas)[K]>;

export type HostKind = 'electron' | 'browser' | 'cli';
export type SessionStatusName = 'idle' | 'running' | 'paused' | 'finished' | 'interrupted' | 'failed';

export interface AppInfo {
  version: string;
  host: HostKind;
  /** The training backend the core resolved, or null before the first session chose one. */
  backend: BackendName | null;
  dbPath: string;
}

export interface SessionStatus {
  sessionId: number | null;
  status: SessionStatusName;
  config: SessionConfig | null;
  backend: BackendName | null;
  step: number;
  episode: number;
  takeovers: number;
  expertSteps: number;
  /** Success rate of the finished training episodes so far, or null before the first one ends. */
  successRate: number | null;
  /** Why the session paused or failed, in one sentence. */
  message: string | null;
}

export interface SessionListRow {
  id: number;
  startedAt: string;
  operator: string;
  env: string;
  method: string;
  status: SessionStatusName;
  steps: number;
  expertSteps: number;
  takeovers: number;
  successRate: number | null;
}

export interface CommandResponses extends ReviewResponses, ExportResponses, BenchmarkResponses {
  'app.info': AppInfo;
  'session.start': { sessionId: number };
  'session.pause': SessionStatus;
  'session.resume': SessionStatus;
  'session.stop': SessionStatus;
  'session.current': { status: SessionStatus; scene: SceneEvent | null };
  'sessions.list': SessionListRow[];
  'device.event': { accepted: true };
  'calibration.get': SavedCalibration | null;
  'calibration.save': SavedCalibration;
  'ff.status': ForceFeedbackEvent;
}
export type CommandResponse<K extends CommandName> = CommandResponses[K];

/** One sample of a person's input, taken where the device is (the renderer). */
export const humanInputSchema = z
  .object({
    /** Milliseconds on the sampler's clock (performance.now in the renderer). */
    t: z.number().finite(),
    source: z.enum(['keyboard', 'gamepad']),
    /** Continuous control: steer and throttle/brake in [−1, 1], +steer = left. */
    steer: z.number().min(-1).max(1),
    throttle: z.number().min(-1).max(1),
    /** Discrete control (grid): the chosen action index, or null. */
    discrete: z.number().int().min(0).max(6).nullable().default(null),
    /** The person is holding the takeover control (Space, a paddle). */
    engaged: z.boolean(),
    /** A wheel's or gamepad's raw reading (recorded around takeovers); absent for the keyboard. */
    raw: rawDeviceSampleSchema.optional(),
  })
  .strict()
  .refine((sample) => sample.source === 'gamepad' || sample.raw === undefined, {
    message: 'only a gamepad sample carries a raw device reading',
    path: ['raw'],
  });
export type HumanInput = z.output<typeof humanInputSchema>;

export interface SceneEvent {
  sessionId: number;
  episode: number;
  seed: number;
  scene: Scene;
}

export interface EpisodeEvent {
  sessionId: number;
  episode: number;
  steps: number;
  success: boolean;
  return: number;
  cost: number;
  routeCompletion: number;
  takeovers: number;
}

/** Events the core pushes; frames are separate because they are binary. */
export interface CoreEvents {
  status: SessionStatus;
  scene: SceneEvent;
  episode: EpisodeEvent;
  /** Force feedback started, stopped or failed (and why). */
  ff: ForceFeedbackEvent;
}
export type EventName = keyof CoreEvents;

/** What the renderer talks to; it does not know whether IPC or a WebSocket is underneath. */
export interface CoreClient {
  call<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>>;
  on<K extends EventName>(name: K, listener: (payload: CoreEvents[K]) => void): () => void;
  /** Binary frames, one per decision. */
  onFrame(listener: (frame: Float64Array) => void): () => void;
  sendInput(sample: HumanInput): void;
  /** Lost connection to the core (server stopped, window's port closed). */
  onDisconnect(listener: (reason: string) => void): () => void;
}

/** What a host wraps: the core as seen from a transport. */
export interface CoreHandler {
  call<K extends CommandName>(name: K, request: ParsedRequest<K>): Promise<CommandResponse<K>>;
  input(sample: HumanInput): void;
  subscribe(listener: CoreListener): () => void;
}

export interface CoreListener {
  event<K extends EventName>(name: K, payload: CoreEvents[K]): void;
  frame(frame: Float64Array): void;
}
