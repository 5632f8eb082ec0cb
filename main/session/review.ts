// The core side of reviewing a recorded session: what the review commands of the contract answer,
// read from the store. Nothing here simulates: replay gets the frames the live view drew.
import type { SceneEvent } from '../contract/api.ts';
import { modeCode } from '../contract/modes.ts';
import type { EnvId } from '../contract/session-config.ts';
import type {
  PackedFrames,
  ReviewAnalytics,
  ReviewEvaluation,
  ReviewOpen,
  ReviewSeries,
  TakeoverDetail,
} from '../contract/review.ts';
import type { AimDatabase } from '../store/database.ts';
import type { EpisodeRecord, EpisodeSpan, EvaluationRow, SessionRow } from '../store/records.ts';
import { createEnvSetup } from './environments.ts';

export class ReviewError extends Error {
  override name = 'ReviewError';
}

/** How much of the time before a takeover the inspector shows (the raw input's pre-roll). */
export const PRE_ROLL_MS = 1000;
/** Decisions shown after the hand-back, to see what the novice did next. */
export const AFTER_STEPS = 5;
/** The expert-involved curve is sampled every this many steps (as the live learning curves are). */
export const CURVE_EVERY = 10;

const decisionRates = new Map<EnvId, number>();

/** The environment's decisions per second (10 Hz for the driving tasks). */
export function decisionHzOf(env: EnvId): number {
  let hz = decisionRates.get(env);
  if (hz === undefined) {
    hz = createEnvSetup(env, 0).env.spec.decisionHz;
    decisionRates.set(env, hz);
  }
  return hz;
}

export class ReviewService {
  private readonly db: AimDatabase;

  constructor(db: AimDatabase) {
    this.db = db;
  }

  delete(sessionId: number): { deleted: number } {
    this.session(sessionId);
    this.db.deleteSession(sessionId);
    return { deleted: sessionId };
  }

  open(sessionId: number): ReviewOpen {
    const row = this.session(sessionId);
    const bounds = this.db.stepBounds(sessionId) ?? { first: 0, last: -1 };
    const finished = new Map(this.db.episodes(sessionId).map((e) => [e.episode, e]));
    const takeovers = this.db.takeovers(sessionId);
    const counted = new Map<number, number>();
    for (const t of takeovers)
      if (t.trigger !== 'warmup') counted.set(t.episode, (counted.get(t.episode) ?? 0) + 1);
    const { config, pid: _pid, appVersion: _appVersion, ...info } = row;
    return {
      session: { ...info, config },
      decisionHz: decisionHzOf(config.env),
      firstStep: bounds.first,
      lastStep: bounds.last,
      episodes: this.spans(sessionId, bounds, finished).map((span) => {
        const done = finished.get(span.episode);
        return {
          episode: span.episode,
          firstStep: span.firstStep,
          lastStep: span.lastStep,
          success: done?.success ?? null,
          routeCompletion: done?.routeCompletion ?? null,
          takeovers: counted.get(span.episode) ?? 0,
        };
      }),
      takeovers,
      helpRequests: takeovers.flatMap((t) => (t.requestStep === null ? [] : [t.requestStep])),
      evaluations: this.db.evaluations(sessionId).map(evaluationOf),
    };
  }

  frames(sessionId: number, from: number, to: number): PackedFrames {
    this.session(sessionId);
    const rows = this.db.frames(sessionId, from, to);
    const bytes = Buffer.concat(
      rows.map((r) => Buffer.from(r.frame.buffer, r.frame.byteOffset, r.frame.byteLength)),
    );
    return {
      steps: rows.map((r) => r.step),
      lengths: rows.map((r) => r.frame.length),
      data: bytes.toString('base64'),
    };
  }

  series(sessionId: number, from: number, to: number): ReviewSeries {
    this.session(sessionId);
    const { wallMs: _wallMs, ...columns } = this.db.series(sessionId, from, to);
    return columns;
  }

  scene(sessionId: number, episode: number): SceneEvent {
    this.session(sessionId);
    const found = this.db.scene(sessionId, episode);
    if (found === undefined)
      throw new ReviewError(`Session ${sessionId} has no recorded scene for episode ${episode}.`);
    return { sessionId, ...found };
  }

  takeover(sessionId: number, takeoverId: number): TakeoverDetail {
    const session = this.session(sessionId);
    const row = this.db.takeover(sessionId, takeoverId);
    if (row === undefined)
      throw new ReviewError(
        `Session ${sessionId} has no takeover ${takeoverId} (see its list of takeovers).`,
      );
    const hz = decisionHzOf(session.config.env);
    const preRollSteps = Math.ceil((PRE_ROLL_MS / 1000) * hz);
    const steps = this.db.steps(
      sessionId,
      Math.max(0, row.startStep - preRollSteps),
      row.endStep + AFTER_STEPS,
    );
    const start = steps.find((s) => s.step === row.startStep) ?? steps[0];
    const origin = start?.wallMs ?? 0;
    const last = steps.at(-1);
    // Raw samples share the steps' clock (ms since the session started); see input_samples.
    const samples =
      last === undefined
        ? []
        : this.db.inputSamples(sessionId, origin - PRE_ROLL_MS, last.wallMs + 1000 / hz);
    // In real time the wall clock is the decisions' clock and the raw samples' (a person's pace is
    // in it); a fast session's wall clock is compressed, so its decisions are timed by their count.
    const realtime = session.config.pace === 'realtime';
    const decisions = (row.endStep - row.startStep + 1) / hz;
    return {
      takeover: row,
      durationSeconds: realtime && row.durationMs !== null ? row.durationMs / 1000 : decisions,
      preRollMs: PRE_ROLL_MS,
      steps: steps.map((s) => ({
        step: s.step,
        ms: realtime ? s.wallMs - origin : ((s.step - row.startStep) * 1000) / hz,
        mode: modeCode(s.mode),
        q: s.q,
        threshold: s.threshold,
        novice: s.novice,
        applied: s.applied,
      })),
      samples: samples.map((s) => ({
        ms: s.t - origin,
        steer: s.steer,
        throttle: s.throttle,
        brake: s.brake,
      })),
      device: samples[0]?.device ?? null,
    };
  }

  analytics(sessionId: number): ReviewAnalytics {
    const row = this.session(sessionId);
    const hz = decisionHzOf(row.config.env);
    const bounds = this.db.stepBounds(sessionId);
    const totalSteps = bounds === null ? 0 : bounds.last + 1;
    const takeovers = this.db.takeovers(sessionId);
    const finished = new Map(this.db.episodes(sessionId).map((e) => [e.episode, e]));
    const perEpisode = this.spans(sessionId, bounds ?? { first: 0, last: -1 }, finished).map((span) => ({
      episode: span.episode,
      steps: span.steps,
      takeovers: takeovers.filter((t) => t.episode === span.episode && t.trigger !== 'warmup').length,
      success: finished.get(span.episode)?.success ?? null,
    }));
    const stepsPerMinute = 60 * hz;
    const perMinute = new Array<number>(Math.ceil(totalSteps / stepsPerMinute)).fill(0);
    for (const t of takeovers)
      if (t.trigger !== 'warmup') perMinute[Math.floor(t.startStep / stepsPerMinute)]++;
    const seeds = this.db.sceneSeeds(sessionId);
    return {
      sessionId,
      decisionHz: hz,
      totalSteps,
      perEpisode,
      perMinute,
      positions: this.db
        .takeoverStarts(sessionId)
        .filter((p) => p.trigger !== 'warmup')
        .map((p) => ({
          x: p.x,
          y: p.y,
          episode: p.episode,
          seed: seeds.get(p.episode) ?? -1,
          trigger: p.trigger,
        })),
      reactionMs: takeovers.flatMap((t) => (t.reactionMs === null ? [] : [t.reactionMs])),
      expertCurve: this.db.expertCurve(sessionId, CURVE_EVERY),
      episodeEnds: perEpisode.flatMap((e) => {
        const done = finished.get(e.episode);
        return done === undefined
          ? []
          : [{ episode: e.episode, step: done.startStep + done.steps - 1, success: done.success }];
      }),
      evaluations: this.db.evaluations(sessionId).map(evaluationOf),
    };
  }

  /**
   * Each episode's steps. Finished episodes say where they lie (the episodes table); only the steps
   * they do not cover (the episode running at the end, one cut off by a crash) are grouped from the
   * steps themselves, so opening a long session reads a few rows, not all of them.
   */
  private spans(
    sessionId: number,
    bounds: { first: number; last: number },
    finished: ReadonlyMap<number, EpisodeRecord>,
  ): EpisodeSpan[] {
    const out: EpisodeSpan[] = [];
    let next = bounds.first;
    for (const e of [...finished.values()].sort((a, b) => a.startStep - b.startStep)) {
      if (e.startStep > next) out.push(...this.db.episodeSpansIn(sessionId, next, e.startStep - 1));
      out.push({
        episode: e.episode,
        firstStep: e.startStep,
        lastStep: e.startStep + e.steps - 1,
        steps: e.steps,
      });
      next = Math.max(next, e.startStep + e.steps);
    }
    if (next <= bounds.last) out.push(...this.db.episodeSpansIn(sessionId, next, bounds.last));
    return out;
  }

  private session(sessionId: number): SessionRow {
    const row = this.db.getSession(sessionId);
    if (row === undefined) throw new ReviewError(`Session ${sessionId} does not exist.`);
    return row;
  }
}

function evaluationOf(e: EvaluationRow): ReviewEvaluation {
  const { id: _id, sessionId: _sessionId, createdAt: _createdAt, ...evaluation } = e;
  return evaluation;
}
