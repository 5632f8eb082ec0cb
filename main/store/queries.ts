// Reads for review, replay and export, plus the rarely written rows (checkpoints, evaluations) that
// need no batching. Columns are aliased to the records' names in SQL, so the mapping below only
// touches what SQLite cannot represent: booleans, blobs, actions and JSON.
import type { z } from 'zod';
import type { ControlMode, HandbackReason, TakeoverTrigger } from '../contract/modes.ts';
import { sceneSchema } from '../contract/scene.ts';
import { actionOf, float32Of, float64Of, int, messageOf, nowIso, num, type Statements } from './codec.ts';
import { DatabaseError } from './errors.ts';
import type {
  EpisodeRecord,
  EpisodeSpan,
  EvaluationRecord,
  EvaluationRow,
  InputSampleRow,
  ModelInfo,
  ModelRecord,
  ModelRow,
  SceneRecord,
  StepRow,
  TakeoverRow,
} from './records.ts';

interface StepSql {
  step: number;
  episode: number;
  episodeStep: number;
  wallMs: number;
  mode: string;
  q: number | null;
  threshold: number | null;
  novice0: number | null;
  novice1: number | null;
  applied0: number | null;
  applied1: number | null;
  human0: number | null;
  human1: number | null;
  reward: number;
  cost: number;
  done: number;
  helpRequested: number;
  egoX: number;
  egoY: number;
  egoHeading: number;
  egoSpeed: number;
  obs: Buffer;
  frame: Buffer;
}

/** Steps fromStep..toStep, both inclusive (like a takeover's startStep..endStep), in step order. */
export function steps(
  st: Statements,
  sessionId: number,
  fromStep = 0,
  toStep = Number.MAX_SAFE_INTEGER,
): StepRow[] {
  const rows = st
    .get(
      `SELECT step, episode, episode_step AS episodeStep, wall_ms AS wallMs, mode, q, threshold,
       novice_0 AS novice0, novice_1 AS novice1, applied_0 AS applied0, applied_1 AS applied1,
       human_0 AS human0, human_1 AS human1, reward, cost, done, help_requested AS helpRequested,
       ego_x AS egoX, ego_y AS egoY, ego_heading AS egoHeading, ego_speed AS egoSpeed, obs, frame
       FROM steps WHERE session_id = ? AND step BETWEEN ? AND ? ORDER BY step`,
    )
    .all(sessionId, fromStep, toStep) as StepSql[];
  return rows.map((r): StepRow => ({
    step: r.step,
    episode: r.episode,
    episodeStep: r.episodeStep,
    wallMs: r.wallMs,
    mode: r.mode as ControlMode,
    q: r.q,
    threshold: r.threshold,
    novice: actionOf(r.novice0, r.novice1),
    applied: actionOf(r.applied0, r.applied1),
    human: r.human0 === null && r.human1 === null ? null : actionOf(r.human0, r.human1),
    reward: r.reward,
    cost: r.cost,
    done: r.done === 1,
    helpRequested: r.helpRequested === 1,
    egoX: r.egoX,
    egoY: r.egoY,
    egoHeading: r.egoHeading,
    egoSpeed: r.egoSpeed,
    obs: float32Of(r.obs),
    frame: float64Of(r.frame),
  }));
}

/**
 * Each episode's first and last recorded step, in step order, read from the steps themselves: the
 * episodes table has no row for an episode still running or cut off by a crash.
 */
export function episodeSpans(st: Statements, sessionId: number): EpisodeSpan[] {
  return st
    .get(
      `SELECT episode, min(step) AS firstStep, max(step) AS lastStep, count(*) AS steps
       FROM steps WHERE session_id = ? GROUP BY episode ORDER BY firstStep`,
    )
    .all(sessionId) as EpisodeSpan[];
}

export function takeovers(st: Statements, sessionId: number): TakeoverRow[] {
  const rows = st
    .get(
      `SELECT id, episode, start_step AS startStep, end_step AS endStep, "trigger", handback,
       request_step AS requestStep, reaction_ms AS reactionMs, q_at_request AS qAtRequest,
       threshold_at_request AS thresholdAtRequest, region, duration_ms AS durationMs
       FROM takeovers WHERE session_id = ? ORDER BY start_step, id`,
    )
    .all(sessionId) as (TakeoverRow & { trigger: string; handback: string })[];
  return rows.map((r) => ({
    ...r,
    trigger: r.trigger as TakeoverTrigger,
    handback: r.handback as HandbackReason,
  }));
}

export function episodes(st: Statements, sessionId: number): EpisodeRecord[] {
  const rows = st
    .get(
      `SELECT episode, seed, start_step AS startStep, steps, success, "return", cost,
       route_completion AS routeCompletion, takeovers, crash, out_of_road AS outOfRoad
       FROM episodes WHERE session_id = ? ORDER BY episode`,
    )
    .all(sessionId) as (Omit<EpisodeRecord, 'success' | 'crash' | 'outOfRoad'> & {
    success: number;
    crash: number;
    outOfRoad: number;
  })[];
  return rows.map((r) => ({
    ...r,
    success: r.success === 1,
    crash: r.crash === 1,
    outOfRoad: r.outOfRoad === 1,
  }));
}

/** One episode's scene: opening a long session for review needs the first, not all of them. */
export function scene(st: Statements, sessionId: number, episode: number): SceneRecord | undefined {
  const row = st
    .get('SELECT episode, seed, scene_json AS sceneJson FROM scenes WHERE session_id = ? AND episode = ?')
    .get(sessionId, episode) as { episode: number; seed: number; sceneJson: string } | undefined;
  if (row === undefined) return undefined;
  return {
    episode: row.episode,
    seed: row.seed,
    scene: parseJson(
      sceneSchema,
      row.sceneJson,
      `The scene of session ${sessionId}, episode ${row.episode},`,
    ),
  };
}

export function scenes(st: Statements, sessionId: number): SceneRecord[] {
  const rows = st
    .get('SELECT episode, seed, scene_json AS sceneJson FROM scenes WHERE session_id = ? ORDER BY episode')
    .all(sessionId) as { episode: number; seed: number; sceneJson: string }[];
  return rows.map((r) => ({
    episode: r.episode,
    seed: r.seed,
    scene: parseJson(sceneSchema, r.sceneJson, `The scene of session ${sessionId}, episode ${r.episode},`),
  }));
}

/** Device samples with fromT <= t <= toT (sampler clock, ms), in time order. */
export function inputSamples(
  st: Statements,
  sessionId: number,
  fromT = -Infinity,
  toT = Infinity,
): InputSampleRow[] {
  const rows = st
    .get(
      `SELECT t, device, profile, axes, buttons, steer, throttle, brake
       FROM input_samples WHERE session_id = ? AND t BETWEEN ? AND ? ORDER BY t, id`,
    )
    .all(sessionId, fromT, toT) as (Omit<InputSampleRow, 'axes' | 'buttons'> & {
    axes: Buffer;
    buttons: Buffer;
  })[];
  return rows.map((r) => ({ ...r, axes: float64Of(r.axes), buttons: float64Of(r.buttons) }));
}

export function saveModel(st: Statements, sessionId: number, m: ModelRecord): number {
  const result = withSession(sessionId, () =>
    st
      .get(
        `INSERT INTO models (session_id, step, expert_steps, kind, format, created_at, data, metrics_json)
         VALUES (@session_id, @step, @expert_steps, @kind, @format, @created_at, @data, @metrics_json)`,
      )
      .run({
        session_id: sessionId,
        step: int(m.step, 'model step'),
        expert_steps: int(m.expertSteps, 'model expertSteps'),
        kind: String(m.kind),
        format: String(m.format),
        created_at: nowIso(),
        // A view, not a copy: the statement runs synchronously, before the caller can change it.
        data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
        metrics_json: m.metrics === null ? null : JSON.stringify(m.metrics),
      }),
  );
  return Number(result.lastInsertRowid);
}

const MODEL_INFO_COLUMNS = `id, session_id AS sessionId, step, expert_steps AS expertSteps, kind, format,
  created_at AS createdAt, length(data) AS bytes, metrics_json AS metricsJson`;

type ModelInfoSql = Omit<ModelInfo, 'metrics'> & { metricsJson: string | null };

/** The newest checkpoint of a kind (by insertion, which is training order). */
export function latestModel(st: Statements, sessionId: number, kind: string): ModelRow | undefined {
  const row = st
    .get(
      `SELECT ${MODEL_INFO_COLUMNS}, data FROM models WHERE session_id = ? AND kind = ? ORDER BY id DESC LIMIT 1`,
    )
    .get(sessionId, kind) as (ModelInfoSql & { data: Buffer }) | undefined;
  return row === undefined ? undefined : modelRow(row);
}

export function model(st: Statements, id: number): ModelRow | undefined {
  const row = st.get(`SELECT ${MODEL_INFO_COLUMNS}, data FROM models WHERE id = ?`).get(id) as
    (ModelInfoSql & { data: Buffer }) | undefined;
  return row === undefined ? undefined : modelRow(row);
}

/** Every checkpoint of a session without its bytes, oldest first. */
export function models(st: Statements, sessionId: number): ModelInfo[] {
  const rows = st
    .get(`SELECT ${MODEL_INFO_COLUMNS} FROM models WHERE session_id = ? ORDER BY id`)
    .all(sessionId) as ModelInfoSql[];
  return rows.map(modelInfo);
}

function modelInfo(r: ModelInfoSql): ModelInfo {
  const { metricsJson, ...rest } = r;
  return {
    ...rest,
    metrics: metricsJson === null ? null : (JSON.parse(metricsJson) as Record<string, unknown>),
  };
}

function modelRow(r: ModelInfoSql & { data: Buffer }): ModelRow {
  const { data, ...info } = r;
  // A plain Uint8Array of its own, so callers comparing or transferring it see no Buffer quirks.
  return { ...modelInfo(info), data: new Uint8Array(data) };
}

export function saveEvaluation(st: Statements, sessionId: number, e: EvaluationRecord): number {
  const result = withSession(sessionId, () =>
    st
      .get(
        `INSERT INTO evaluations (session_id, step, expert_steps, episodes, success_rate, mean_return,
         route_completion, crash_rate, out_of_road_rate, mean_cost, created_at)
         VALUES (@session_id, @step, @expert_steps, @episodes, @success_rate, @mean_return,
         @route_completion, @crash_rate, @out_of_road_rate, @mean_cost, @created_at)`,
      )
      .run({
        session_id: sessionId,
        step: int(e.step, 'evaluation step'),
        expert_steps: int(e.expertSteps, 'evaluation expertSteps'),
        episodes: int(e.episodes, 'evaluation episodes'),
        success_rate: num(e.successRate, 'evaluation successRate'),
        mean_return: num(e.meanReturn, 'evaluation meanReturn'),
        route_completion: num(e.routeCompletion, 'evaluation routeCompletion'),
        crash_rate: num(e.crashRate, 'evaluation crashRate'),
        out_of_road_rate: num(e.outOfRoadRate, 'evaluation outOfRoadRate'),
        mean_cost: num(e.meanCost, 'evaluation meanCost'),
        created_at: nowIso(),
      }),
  );
  return Number(result.lastInsertRowid);
}

export function evaluations(st: Statements, sessionId: number): EvaluationRow[] {
  return st
    .get(
      `SELECT id, session_id AS sessionId, step, expert_steps AS expertSteps, episodes, success_rate AS successRate,
       mean_return AS meanReturn, route_completion AS routeCompletion, crash_rate AS crashRate,
       out_of_road_rate AS outOfRoadRate, mean_cost AS meanCost, created_at AS createdAt
       FROM evaluations WHERE session_id = ? ORDER BY step, id`,
    )
    .all(sessionId) as EvaluationRow[];
}

// A missing session shows up as a foreign-key failure; say it in the caller's terms.
function withSession<T>(sessionId: number, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new DatabaseError('session', `Session ${sessionId} does not exist`, { cause: error });
    }
    throw error;
  }
}

export function parseJson<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  try {
    return schema.parse(JSON.parse(text));
  } catch (error) {
    throw new DatabaseError('invalid-row', `${what} is not readable by this build (${messageOf(error)})`, {
      cause: error,
    });
  }
}
