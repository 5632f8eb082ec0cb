// The entry point of the store: open (validate, migrate) an AIM Workstation database and use it.
// Everything else in main/ imports the store from here; nothing outside main/store/ writes SQL.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SessionListRow } from '../contract/api.ts';
import { messageOf, nowIso, Statements } from './codec.ts';
import { DatabaseError } from './errors.ts';
import { appliedVersion, inspectDatabaseFile, newer, type Inspection } from './inspect.ts';
import * as queries from './queries.ts';
import * as review from './review-queries.ts';
import * as calibrations from './calibrations.ts';
import type { SavedCalibration } from '../contract/devices.ts';
import { BatchedRecorder, type Recorder, type RecorderOptions } from './recorder.ts';
import type {
  EpisodeRecord,
  EpisodeSpan,
  EvaluationRecord,
  EvaluationRow,
  InputSampleRow,
  ModelInfo,
  ModelRecord,
  ModelRow,
  NewSession,
  SceneRecord,
  SessionEnd,
  SessionProgress,
  SessionRow,
  StepRow,
  TakeoverRow,
} from './records.ts';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.ts';
import * as sessions from './sessions.ts';

export { DatabaseError, type DatabaseErrorCode } from './errors.ts';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema.ts';
export { processIsAlive } from './sessions.ts';
export type { Recorder, RecorderOptions } from './recorder.ts';
export type { FrameRow, SeriesRows } from './review-queries.ts';

export interface OpenDatabaseOptions {
  /** Open for reading only: nothing is created, migrated or marked; writes throw DatabaseError. */
  readonly?: boolean;
  /** How a writable open decides a recording process is gone; tests pass their own. */
  isAlive?: (pid: number) => boolean;
}

export interface AimDatabase {
  /** The absolute path of the database file. */
  readonly path: string;
  readonly readonly: boolean;
  /** Closes (and so flushes) every open recorder, then the connection. Safe to call twice. */
  close(): void;

  /** A new session in status 'running'; returns its id. */
  createSession(s: NewSession): number;
  /** Pausing and resuming; ending a session is finishSession. */
  setSessionStatus(id: number, status: 'running' | 'paused', message?: string | null): void;
  updateSessionProgress(id: number, p: SessionProgress): void;
  /** Close the session's recorder first, so its last rows are in before the session says it ended. */
  finishSession(id: number, end: SessionEnd): void;
  /** An ended session runs again in this process (aim train --resume). */
  reopenSession(id: number, s: Omit<NewSession, 'appVersion'>): void;
  getSession(id: number): SessionRow | undefined;
  /** Newest first. */
  listSessions(limit?: number): SessionListRow[];
  /** Deletes the session and, by cascade, every row that belongs to it. False if there was none. */
  deleteSession(id: number): boolean;
  /** Sessions left running or paused by a process that is gone become 'interrupted'; returns how many. */
  markDeadSessionsInterrupted(isAlive?: (pid: number) => boolean): number;

  /** The one batched writer of a session's rows; one per session at a time. */
  recorder(sessionId: number, options?: RecorderOptions): Recorder;

  /** Steps fromStep..toStep, both inclusive, in order. */
  steps(sessionId: number, fromStep?: number, toStep?: number): StepRow[];
  /** Each episode's range of recorded steps, in step order (long reads go in chunks within them). */
  episodeSpans(sessionId: number): EpisodeSpan[];
  takeovers(sessionId: number): TakeoverRow[];
  episodes(sessionId: number): EpisodeRecord[];
  scenes(sessionId: number): SceneRecord[];
  /** One episode's scene (each is tens of KB of JSON; a long session has hundreds). */
  scene(sessionId: number, episode: number): SceneRecord | undefined;
  /** Device samples with fromT <= t <= toT on the sampler's clock. */
  inputSamples(sessionId: number, fromT?: number, toT?: number): InputSampleRow[];

  // Review: only the columns a view needs (see review-queries.ts).
  /** The recorded frames of steps fromStep..toStep, both inclusive, without the rest of the row. */
  frames(sessionId: number, fromStep: number, toStep: number): review.FrameRow[];
  /** Q, threshold, mode, help flag and ego position of steps fromStep..toStep, as columns. */
  series(sessionId: number, fromStep: number, toStep: number): review.SeriesRows;
  /** The first and last recorded step; null when the session has none. */
  stepBounds(sessionId: number): { first: number; last: number } | null;
  takeover(sessionId: number, id: number): TakeoverRow | undefined;
  takeoverStarts(sessionId: number): ReturnType<typeof review.takeoverStarts>;
  expertCurve(sessionId: number, every: number): Array<{ step: number; expertSteps: number }>;
  /** Each episode's scenario seed, without the scene geometry. */
  sceneSeeds(sessionId: number): Map<number, number>;
  /** Episode spans within steps fromStep..toStep (cheap for a short range, unlike episodeSpans). */
  episodeSpansIn(sessionId: number, fromStep: number, toStep: number): EpisodeSpan[];

  saveModel(sessionId: number, m: ModelRecord): number;
  latestModel(sessionId: number, kind: string): ModelRow | undefined;
  model(id: number): ModelRow | undefined;
  models(sessionId: number): ModelInfo[];
  saveEvaluation(sessionId: number, e: EvaluationRecord): number;
  evaluations(sessionId: number): EvaluationRow[];

  /** Saves (replacing) the device's calibration for the operator. */
  saveCalibration(c: Omit<SavedCalibration, 'savedAt'>): SavedCalibration;
  /** The operator's calibration of the device, else the newest anyone saved for it. */
  calibration(deviceKey: string, operator: string): SavedCalibration | undefined;
}

// Past this the WAL file is truncated after a checkpoint; without a limit a review reader that held
// a snapshot during a long recording leaves a large -wal file behind for good.
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * Opens an AIM Workstation database, creating it (and its folder) if missing. A file that is not
 * ours, or is ours from a newer build, is refused with a DatabaseError and left byte-for-byte as it
 * was: the verdict is reached by reading only (inspect.ts), before anything opens it writable.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): AimDatabase {
  const inspection = inspectDatabaseFile(file);
  if (options.readonly === true) return new Store(openReadonly(file, inspection), file, true);

  if (inspection.kind === 'missing') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    // WAL lets review readers (another window, `aim sessions`) read while a session records, and
    // with synchronous=NORMAL a commit costs no fsync; a power cut can lose the last commits but
    // never corrupts. foreign_keys is the build's default, set anyway because cascades depend on it.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    migrate(db, file);
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(
      'unreadable',
      `${file} could not be opened as an AIM Workstation database (${messageOf(error)})`,
      { cause: error },
    );
  }
  const store = new Store(db, file, false);
  store.markDeadSessionsInterrupted(options.isAlive ?? sessions.processIsAlive);
  return store;
}

function openReadonly(file: string, inspection: Inspection): Database.Database {
  if (inspection.kind === 'missing') throw new DatabaseError('missing', `${file} does not exist`);
  if (inspection.kind === 'fresh')
    throw new DatabaseError('missing', `${file} holds no AIM Workstation data yet`);
  if (inspection.version < SCHEMA_VERSION) {
    throw new DatabaseError(
      'outdated',
      `${file} uses schema v${inspection.version} and must be opened once without read-only to upgrade it; it was left untouched`,
    );
  }
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DatabaseError('unreadable', `${file} could not be opened for reading (${messageOf(error)})`, {
      cause: error,
    });
  }
}

/**
 * Applies each pending migration in its own IMMEDIATE transaction, which takes the write lock before
 * reading the version: two processes opening a fresh file at once cannot both apply v1. The version
 * is re-read under that lock, so a newer build that migrated after inspect.ts looked is still refused.
 */
function migrate(db: Database.Database, file: string): void {
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      const current = appliedVersion(db);
      if (current > SCHEMA_VERSION) throw newer(file, current);
      if (current >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        migration.version,
        nowIso(),
      );
      db.pragma(`user_version = ${migration.version}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
}

class Store implements AimDatabase {
  readonly path: string;
  readonly readonly: boolean;
  readonly #file: string;
  readonly #db: Database.Database;
  readonly #st: Statements;
  readonly #recorders = new Map<number, BatchedRecorder>();

  constructor(db: Database.Database, file: string, readonly: boolean) {
    this.path = path.resolve(file);
    this.readonly = readonly;
    this.#file = file;
    this.#db = db;
    this.#st = new Statements(db);
  }

  close(): void {
    if (!this.#db.open) return;
    let lost: unknown;
    for (const recorder of [...this.#recorders.values()]) {
      try {
        recorder.close();
      } catch (error) {
        lost ??= error;
      }
    }
    // SQLite's advice for long-lived connections: let it refresh planner statistics on the way out.
    if (!this.readonly) this.#db.pragma('optimize');
    this.#db.close();
    if (lost !== undefined) throw lost;
  }

  createSession(s: NewSession): number {
    this.#assertWritable();
    return sessions.createSession(this.#st, s);
  }

  setSessionStatus(id: number, status: 'running' | 'paused', message: string | null = null): void {
    this.#assertWritable();
    sessions.setSessionStatus(this.#st, id, status, message);
  }

  updateSessionProgress(id: number, p: SessionProgress): void {
    this.#assertWritable();
    sessions.updateSessionProgress(this.#st, id, p);
  }

  finishSession(id: number, end: SessionEnd): void {
    this.#assertWritable();
    sessions.finishSession(this.#st, id, end);
  }

  reopenSession(id: number, s: Omit<NewSession, 'appVersion'>): void {
    this.#assertWritable();
    sessions.reopenSession(this.#st, id, s);
  }

  getSession(id: number): SessionRow | undefined {
    return sessions.getSession(this.#st, id);
  }

  listSessions(limit = 200): SessionListRow[] {
    return sessions.listSessions(this.#st, limit);
  }

  deleteSession(id: number): boolean {
    this.#assertWritable();
    if (this.#recorders.has(id))
      throw new DatabaseError('session', `Session ${id} is still being recorded and cannot be deleted`);
    return sessions.deleteSession(this.#st, id);
  }

  markDeadSessionsInterrupted(isAlive: (pid: number) => boolean = sessions.processIsAlive): number {
    this.#assertWritable();
    return sessions.markDeadSessionsInterrupted(this.#db, this.#st, isAlive);
  }

  recorder(sessionId: number, options: RecorderOptions = {}): Recorder {
    this.#assertWritable();
    if (this.#recorders.has(sessionId))
      throw new DatabaseError('session', `Session ${sessionId} already has a recorder`);
    if (this.#st.get('SELECT 1 FROM sessions WHERE id = ?').get(sessionId) === undefined) {
      throw new DatabaseError('session', `Session ${sessionId} does not exist`);
    }
    const recorder = new BatchedRecorder(this.#db, this.#st, sessionId, options, () =>
      this.#recorders.delete(sessionId),
    );
    this.#recorders.set(sessionId, recorder);
    return recorder;
  }

  steps(sessionId: number, fromStep?: number, toStep?: number): StepRow[] {
    return queries.steps(this.#st, sessionId, fromStep, toStep);
  }

  episodeSpans(sessionId: number): EpisodeSpan[] {
    return queries.episodeSpans(this.#st, sessionId);
  }

  takeovers(sessionId: number): TakeoverRow[] {
    return queries.takeovers(this.#st, sessionId);
  }

  episodes(sessionId: number): EpisodeRecord[] {
    return queries.episodes(this.#st, sessionId);
  }

  scenes(sessionId: number): SceneRecord[] {
    return queries.scenes(this.#st, sessionId);
  }

  scene(sessionId: number, episode: number): SceneRecord | undefined {
    return queries.scene(this.#st, sessionId, episode);
  }

  inputSamples(sessionId: number, fromT?: number, toT?: number): InputSampleRow[] {
    return queries.inputSamples(this.#st, sessionId, fromT, toT);
  }

  frames(sessionId: number, fromStep: number, toStep: number): review.FrameRow[] {
    return review.frames(this.#st, sessionId, fromStep, toStep);
  }

  series(sessionId: number, fromStep: number, toStep: number): review.SeriesRows {
    return review.series(this.#st, sessionId, fromStep, toStep);
  }

  stepBounds(sessionId: number): { first: number; last: number } | null {
    return review.stepBounds(this.#st, sessionId);
  }

  takeover(sessionId: number, id: number): TakeoverRow | undefined {
    return review.takeover(this.#st, sessionId, id);
  }

  takeoverStarts(sessionId: number): ReturnType<typeof review.takeoverStarts> {
    return review.takeoverStarts(this.#st, sessionId);
  }

  expertCurve(sessionId: number, every: number): Array<{ step: number; expertSteps: number }> {
    return review.expertCurve(this.#st, sessionId, every);
  }

  sceneSeeds(sessionId: number): Map<number, number> {
    return review.sceneSeeds(this.#st, sessionId);
  }

  episodeSpansIn(sessionId: number, fromStep: number, toStep: number): EpisodeSpan[] {
    return review.episodeSpansIn(this.#st, sessionId, fromStep, toStep);
  }

  saveModel(sessionId: number, m: ModelRecord): number {
    this.#assertWritable();
    return queries.saveModel(this.#st, sessionId, m);
  }

  latestModel(sessionId: number, kind: string): ModelRow | undefined {
    return queries.latestModel(this.#st, sessionId, kind);
  }

  model(id: number): ModelRow | undefined {
    return queries.model(this.#st, id);
  }

  models(sessionId: number): ModelInfo[] {
    return queries.models(this.#st, sessionId);
  }

  saveEvaluation(sessionId: number, e: EvaluationRecord): number {
    this.#assertWritable();
    return queries.saveEvaluation(this.#st, sessionId, e);
  }

  evaluations(sessionId: number): EvaluationRow[] {
    return queries.evaluations(this.#st, sessionId);
  }

  saveCalibration(c: Omit<SavedCalibration, 'savedAt'>): SavedCalibration {
    this.#assertWritable();
    return calibrations.saveCalibration(this.#st, c);
  }

  calibration(deviceKey: string, operator: string): SavedCalibration | undefined {
    return calibrations.calibration(this.#st, deviceKey, operator);
  }

  #assertWritable(): void {
    if (this.readonly) throw new DatabaseError('readonly', `${this.#file} was opened read-only`);
  }
}
