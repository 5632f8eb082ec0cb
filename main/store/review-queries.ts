// Reads for reviewing a session: only the columns each view needs. A step row carries a ~1 KB
// observation the review never shows, so replay reads the frame blob alone and the Q plot, trail and
// scrubber read a few numeric columns; the primary key (session_id, step) serves every range.
import type { Statements } from './codec.ts';
import { float64Of } from './codec.ts';
import type { EpisodeSpan, TakeoverRow } from './records.ts';
import type { TakeoverTrigger, HandbackReason } from '../contract/modes.ts';
import type { ReviewSeries } from '../contract/review.ts';
import { CONTROL_MODES, type ControlMode } from '../contract/modes.ts';

export interface FrameRow {
  step: number;
  frame: Float64Array;
}

/** The recorded frames of steps fromStep..toStep (inclusive), in step order. */
export function frames(st: Statements, sessionId: number, fromStep: number, toStep: number): FrameRow[] {
  const rows = st
    .get('SELECT step, frame FROM steps WHERE session_id = ? AND step BETWEEN ? AND ? ORDER BY step')
    .all(sessionId, fromStep, toStep) as { step: number; frame: Buffer }[];
  return rows.map((r) => ({ step: r.step, frame: float64Of(r.frame) }));
}

/** The contract's series plus each step's wall-clock time (for the takeover inspector's clock). */
export interface SeriesRows extends ReviewSeries {
  wallMs: number[];
}

/** Per-step numbers of fromStep..toStep as columns (the obs and frame blobs are not read). */
export function series(st: Statements, sessionId: number, fromStep: number, toStep: number): SeriesRows {
  const out: SeriesRows = {
    steps: [],
    episodes: [],
    wallMs: [],
    q: [],
    threshold: [],
    modes: [],
    help: [],
    x: [],
    y: [],
  };
  const rows = st
    .get(
      `SELECT step, episode, wall_ms, q, threshold, mode, help_requested, ego_x, ego_y
       FROM steps WHERE session_id = ? AND step BETWEEN ? AND ? ORDER BY step`,
    )
    .raw(true)
    .iterate(sessionId, fromStep, toStep) as Iterable<
    [number, number, number, number | null, number | null, string, number, number, number]
  >;
  for (const [step, episode, wallMs, q, threshold, mode, help, x, y] of rows) {
    out.steps.push(step);
    out.episodes.push(episode);
    out.wallMs.push(wallMs);
    out.q.push(q);
    out.threshold.push(threshold);
    out.modes.push(Math.max(0, CONTROL_MODES.indexOf(mode as ControlMode)));
    out.help.push(help);
    out.x.push(x);
    out.y.push(y);
  }
  return out;
}

/** The first and last recorded step, or null for a session without steps. */
export function stepBounds(st: Statements, sessionId: number): { first: number; last: number } | null {
  const row = st
    .get('SELECT min(step) AS first, max(step) AS last FROM steps WHERE session_id = ?')
    .get(sessionId) as { first: number | null; last: number | null };
  return row.first === null || row.last === null ? null : { first: row.first, last: row.last };
}

export function takeover(st: Statements, sessionId: number, id: number): TakeoverRow | undefined {
  const row = st
    .get(
      `SELECT id, episode, start_step AS startStep, end_step AS endStep, "trigger", handback,
       request_step AS requestStep, reaction_ms AS reactionMs, q_at_request AS qAtRequest,
       threshold_at_request AS thresholdAtRequest, region, duration_ms AS durationMs
       FROM takeovers WHERE session_id = ? AND id = ?`,
    )
    .get(sessionId, id) as (TakeoverRow & { trigger: string; handback: string }) | undefined;
  if (row === undefined) return undefined;
  return { ...row, trigger: row.trigger as TakeoverTrigger, handback: row.handback as HandbackReason };
}

/** Where each takeover began: the ego's recorded position at its first step. */
export function takeoverStarts(
  st: Statements,
  sessionId: number,
): Array<{ id: number; episode: number; x: number; y: number; trigger: TakeoverTrigger }> {
  return st
    .get(
      `SELECT t.id, t.episode, s.ego_x AS x, s.ego_y AS y, t."trigger" AS "trigger"
       FROM takeovers t JOIN steps s ON s.session_id = t.session_id AND s.step = t.start_step
       WHERE t.session_id = ? ORDER BY t.start_step`,
    )
    .all(sessionId) as Array<{ id: number; episode: number; x: number; y: number; trigger: TakeoverTrigger }>;
}

/**
 * Expert-involved steps so far (warm-up and takeover decisions, as the runner counts them), sampled
 * every `every` steps and at the last step.
 */
export function expertCurve(
  st: Statements,
  sessionId: number,
  every: number,
): Array<{ step: number; expertSteps: number }> {
  return st
    .get(
      `SELECT step, expertSteps FROM (
         SELECT step, sum(mode IN ('warmup', 'help', 'human')) OVER (ORDER BY step) AS expertSteps,
                max(step) OVER () AS lastStep
         FROM steps WHERE session_id = ?)
       WHERE step % ? = 0 OR step = lastStep ORDER BY step`,
    )
    .all(sessionId, every) as Array<{ step: number; expertSteps: number }>;
}

/** Each episode's scenario seed, read without the scenes' geometry. */
export function sceneSeeds(st: Statements, sessionId: number): Map<number, number> {
  const rows = st.get('SELECT episode, seed FROM scenes WHERE session_id = ?').all(sessionId) as Array<{
    episode: number;
    seed: number;
  }>;
  return new Map(rows.map((r) => [r.episode, r.seed]));
}

/** Episode spans of the steps fromStep..toStep only (a range scan, unlike a whole-session GROUP BY). */
export function episodeSpansIn(
  st: Statements,
  sessionId: number,
  fromStep: number,
  toStep: number,
): EpisodeSpan[] {
  return st
    .get(
      `SELECT episode, min(step) AS firstStep, max(step) AS lastStep, count(*) AS steps
       FROM steps WHERE session_id = ? AND step BETWEEN ? AND ? GROUP BY episode ORDER BY firstStep`,
    )
    .all(sessionId, fromStep, toStep) as EpisodeSpan[];
}
