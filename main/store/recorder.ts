// The single batched writer of a session's rows. A decision loop at 10 Hz (or much faster at 'fast'
// pace) cannot afford a commit per row, so rows queue in memory and go to SQLite in one transaction
// per flush: every flushMs on an unref'd timer, whenever the queue reaches maxQueued, on flush() and
// on close(). A crash therefore loses at most the rows of one batch.
//
// Rows are converted (and validated, and their typed arrays copied) when queued, not when flushed:
// the caller learns about a bad value at its own line, and may reuse its buffers straight away.
import type Database from 'better-sqlite3';
import { CONTROL_MODES, HANDBACK_REASONS, TAKEOVER_TRIGGERS } from '../contract/modes.ts';
import {
  actionColumns,
  bool,
  bytesOf,
  float64BytesOf,
  int,
  messageOf,
  num,
  oneOf,
  optNum,
  type Params,
  type Statements,
} from './codec.ts';
import { DatabaseError } from './errors.ts';
import { PROGRESS_SQL, progressParams } from './sessions.ts';
import type {
  EpisodeRecord,
  InputSampleRecord,
  SceneRecord,
  SessionProgress,
  StepRecord,
  TakeoverRecord,
} from './records.ts';

export interface RecorderOptions {
  /** Milliseconds between flushes; default 250. Infinity flushes only on flush(), close() and maxQueued. */
  flushMs?: number;
  /**
   * Queued rows that force an inline flush; default 1000. A loop at 'fast' pace may not yield to the
   * timer for a long time, and the queue must not grow without bound meanwhile.
   */
  maxQueued?: number;
  /**
   * Told once when a timer-driven flush fails (there is no caller to throw to). The same error is
   * thrown by every later call on the recorder, so a caller without onError still finds out.
   */
  onError?: (error: DatabaseError) => void;
}

export interface Recorder {
  readonly sessionId: number;
  step(r: StepRecord): void;
  scene(r: SceneRecord): void;
  episode(r: EpisodeRecord): void;
  takeover(r: TakeoverRecord): void;
  inputSamples(rs: readonly InputSampleRecord[]): void;
  /**
   * The session's counters, written in the same transaction as the rows they count, so that after
   * a crash the session row agrees with its steps. Only the latest call before a flush is written.
   */
  progress(p: SessionProgress): void;
  /** Writes everything queued now, in one transaction. */
  flush(): void;
  /** Flushes and stops. Throws if this recorder ever lost rows, so a lost batch is never silent. */
  close(): void;
}

export const DEFAULT_FLUSH_MS = 250;
export const DEFAULT_MAX_QUEUED = 1000;

type QueuedRow = readonly [Database.Statement, Params];

const STEP_COLUMNS = [
  'session_id',
  'step',
  'episode',
  'episode_step',
  'wall_ms',
  'mode',
  'q',
  'threshold',
  'novice_0',
  'novice_1',
  'applied_0',
  'applied_1',
  'human_0',
  'human_1',
  'reward',
  'cost',
  'done',
  'help_requested',
  'ego_x',
  'ego_y',
  'ego_heading',
  'ego_speed',
  'obs',
  'frame',
];
const SCENE_COLUMNS = ['session_id', 'episode', 'seed', 'scene_json'];
const EPISODE_COLUMNS = [
  'session_id',
  'episode',
  'seed',
  'start_step',
  'steps',
  'success',
  'return',
  'cost',
  'route_completion',
  'takeovers',
  'crash',
  'out_of_road',
];
const TAKEOVER_COLUMNS = [
  'session_id',
  'episode',
  'start_step',
  'end_step',
  'trigger',
  'handback',
  'request_step',
  'reaction_ms',
  'q_at_request',
  'threshold_at_request',
  'region',
  'duration_ms',
];
const INPUT_SAMPLE_COLUMNS = [
  'session_id',
  't',
  'device',
  'profile',
  'axes',
  'buttons',
  'steer',
  'throttle',
  'brake',
];

/** Column names are quoted because two of them ("return", "trigger") are SQL keywords. */
export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
}

export class BatchedRecorder implements Recorder {
  readonly sessionId: number;
  readonly #flushMs: number;
  readonly #maxQueued: number;
  readonly #onError: ((error: DatabaseError) => void) | undefined;
  readonly #onClosed: () => void;
  readonly #insertStep: Database.Statement;
  readonly #insertScene: Database.Statement;
  readonly #insertEpisode: Database.Statement;
  readonly #insertTakeover: Database.Statement;
  readonly #insertInputSample: Database.Statement;
  readonly #writeBatch: Database.Transaction<(rows: readonly QueuedRow[], progress: Params | null) => void>;
  #queue: QueuedRow[] = [];
  #progress: Params | null = null;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #failure: DatabaseError | undefined;

  /** Use AimDatabase.recorder(), which makes sure there is one recorder per session. */
  constructor(
    db: Database.Database,
    statements: Statements,
    sessionId: number,
    options: RecorderOptions,
    onClosed: () => void,
  ) {
    const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
    const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (!(flushMs > 0)) throw new RangeError(`flushMs must be positive, got ${flushMs}`);
    if (!(Number.isInteger(maxQueued) && maxQueued > 0))
      throw new RangeError(`maxQueued must be a positive integer, got ${maxQueued}`);
    this.sessionId = sessionId;
    this.#flushMs = flushMs;
    this.#maxQueued = maxQueued;
    this.#onError = options.onError;
    this.#onClosed = onClosed;
    this.#insertStep = statements.get(insertSql('steps', STEP_COLUMNS));
    this.#insertScene = statements.get(insertSql('scenes', SCENE_COLUMNS));
    this.#insertEpisode = statements.get(insertSql('episodes', EPISODE_COLUMNS));
    this.#insertTakeover = statements.get(insertSql('takeovers', TAKEOVER_COLUMNS));
    this.#insertInputSample = statements.get(insertSql('input_samples', INPUT_SAMPLE_COLUMNS));
    const updateProgress = statements.get(PROGRESS_SQL);
    this.#writeBatch = db.transaction((rows: readonly QueuedRow[], progress: Params | null) => {
      for (const [statement, params] of rows) statement.run(params);
      if (progress !== null) updateProgress.run(progress);
    });
  }

  step(r: StepRecord): void {
    this.#assertOpen();
    this.#enqueue(this.#insertStep, stepParams(this.sessionId, r));
  }

  scene(r: SceneRecord): void {
    this.#assertOpen();
    this.#enqueue(this.#insertScene, {
      session_id: this.sessionId,
      episode: int(r.episode, 'scene episode'),
      seed: int(r.seed, `scene of episode ${r.episode}: seed`),
      scene_json: JSON.stringify(r.scene),
    });
  }

  episode(r: EpisodeRecord): void {
    this.#assertOpen();
    this.#enqueue(this.#insertEpisode, episodeParams(this.sessionId, r));
  }

  takeover(r: TakeoverRecord): void {
    this.#assertOpen();
    this.#enqueue(this.#insertTakeover, takeoverParams(this.sessionId, r));
  }

  inputSamples(rs: readonly InputSampleRecord[]): void {
    this.#assertOpen();
    // Converted in full before any is queued, so a bad sample rejects the call, not half of it.
    const rows = rs.map((s): QueuedRow => [this.#insertInputSample, inputSampleParams(this.sessionId, s)]);
    for (const row of rows) this.#queue.push(row);
    this.#afterEnqueue();
  }

  progress(p: SessionProgress): void {
    this.#assertOpen();
    this.#progress = progressParams(this.sessionId, p);
    this.#afterEnqueue();
  }

  flush(): void {
    this.#assertOpen();
    this.#flushNow();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimer();
    try {
      if (this.#failure !== undefined) throw this.#failure;
      this.#flushNow();
    } finally {
      this.#onClosed();
    }
  }

  #enqueue(statement: Database.Statement, params: Params): void {
    this.#queue.push([statement, params]);
    this.#afterEnqueue();
  }

  #afterEnqueue(): void {
    if (this.#queue.length >= this.#maxQueued) this.#flushNow();
    else if (this.#timer === undefined && Number.isFinite(this.#flushMs)) {
      // Armed only while rows wait, so an idle session causes no wake-ups; unref'd so a forgotten
      // recorder never keeps the process alive.
      this.#timer = setTimeout(() => this.#flushFromTimer(), this.#flushMs);
      this.#timer.unref();
    }
  }

  #flushFromTimer(): void {
    this.#timer = undefined;
    if (this.#closed || this.#failure !== undefined) return;
    try {
      this.#flushNow();
    } catch (error) {
      // Thrown from a timer it would be an uncaught exception and end the process; the failure is
      // kept (and rethrown by the next call) and reported to onError instead.
      if (error instanceof DatabaseError) this.#onError?.(error);
      else throw error;
    }
  }

  #flushNow(): void {
    this.#clearTimer();
    if (this.#queue.length === 0 && this.#progress === null) return;
    const rows = this.#queue;
    const progress = this.#progress;
    this.#queue = [];
    this.#progress = null;
    try {
      this.#writeBatch.immediate(rows, progress);
    } catch (error) {
      this.#failure = new DatabaseError(
        'recorder',
        `Recording session ${this.sessionId} failed and the last ${rows.length} rows were not saved (${messageOf(error)})`,
        { cause: error },
      );
      throw this.#failure;
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #assertOpen(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed)
      throw new DatabaseError('recorder', `The recorder of session ${this.sessionId} is closed`);
  }
}

function stepParams(sessionId: number, r: StepRecord): Params {
  const at = `step ${r.step}`;
  const [novice_0, novice_1] = actionColumns(r.novice, `${at}: novice action`);
  const [applied_0, applied_1] = actionColumns(r.applied, `${at}: applied action`);
  const [human_0, human_1] = r.human === null ? [null, null] : actionColumns(r.human, `${at}: human action`);
  if (!(r.obs instanceof Float32Array)) throw new TypeError(`${at}: obs must be a Float32Array`);
  if (!(r.frame instanceof Float64Array)) throw new TypeError(`${at}: frame must be a Float64Array`);
  return {
    session_id: sessionId,
    step: int(r.step, 'step'),
    episode: int(r.episode, `${at}: episode`),
    episode_step: int(r.episodeStep, `${at}: episodeStep`),
    wall_ms: num(r.wallMs, `${at}: wallMs`),
    mode: oneOf(r.mode, CONTROL_MODES, `${at}: mode`),
    q: optNum(r.q, `${at}: q`),
    threshold: optNum(r.threshold, `${at}: threshold`),
    novice_0,
    novice_1,
    applied_0,
    applied_1,
    human_0,
    human_1,
    reward: num(r.reward, `${at}: reward`),
    cost: num(r.cost, `${at}: cost`),
    done: bool(r.done),
    help_requested: bool(r.helpRequested),
    ego_x: num(r.egoX, `${at}: egoX`),
    ego_y: num(r.egoY, `${at}: egoY`),
    ego_heading: num(r.egoHeading, `${at}: egoHeading`),
    ego_speed: num(r.egoSpeed, `${at}: egoSpeed`),
    obs: bytesOf(r.obs),
    frame: bytesOf(r.frame),
  };
}

function episodeParams(sessionId: number, r: EpisodeRecord): Params {
  const at = `episode ${r.episode}`;
  return {
    session_id: sessionId,
    episode: int(r.episode, 'episode'),
    seed: int(r.seed, `${at}: seed`),
    start_step: int(r.startStep, `${at}: startStep`),
    steps: int(r.steps, `${at}: steps`),
    success: bool(r.success),
    return: num(r.return, `${at}: return`),
    cost: num(r.cost, `${at}: cost`),
    route_completion: num(r.routeCompletion, `${at}: routeCompletion`),
    takeovers: int(r.takeovers, `${at}: takeovers`),
    crash: bool(r.crash),
    out_of_road: bool(r.outOfRoad),
  };
}

function takeoverParams(sessionId: number, r: TakeoverRecord): Params {
  const at = `takeover at step ${r.startStep}`;
  return {
    session_id: sessionId,
    episode: int(r.episode, `${at}: episode`),
    start_step: int(r.startStep, 'takeover startStep'),
    end_step: int(r.endStep, `${at}: endStep`),
    trigger: oneOf(r.trigger, TAKEOVER_TRIGGERS, `${at}: trigger`),
    handback: oneOf(r.handback, HANDBACK_REASONS, `${at}: handback`),
    request_step: r.requestStep === null ? null : int(r.requestStep, `${at}: requestStep`),
    reaction_ms: optNum(r.reactionMs, `${at}: reactionMs`),
    q_at_request: optNum(r.qAtRequest, `${at}: qAtRequest`),
    threshold_at_request: optNum(r.thresholdAtRequest, `${at}: thresholdAtRequest`),
    region: String(r.region),
    duration_ms: optNum(r.durationMs ?? null, `${at}: durationMs`),
  };
}

function inputSampleParams(sessionId: number, s: InputSampleRecord): Params {
  const at = `input sample at t=${s.t}`;
  return {
    session_id: sessionId,
    t: num(s.t, 'input sample t'),
    device: String(s.device),
    profile: String(s.profile ?? ''),
    axes: float64BytesOf(s.axes),
    buttons: float64BytesOf(s.buttons),
    steer: num(s.steer, `${at}: steer`),
    throttle: num(s.throttle, `${at}: throttle`),
    brake: num(s.brake, `${at}: brake`),
  };
}
