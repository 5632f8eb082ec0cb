// The sessions table: one row per teaching or training run, its counters, and how it ended.
import type Database from 'better-sqlite3';
import type { SessionListRow, SessionStatusName } from '../contract/api.ts';
import { sessionConfigSchema } from '../contract/session-config.ts';
import { int, messageOf, nowIso, oneOf, optNum, type Params, type Statements } from './codec.ts';
import { DatabaseError } from './errors.ts';
import type { NewSession, SessionEnd, SessionProgress, SessionRow } from './records.ts';

export const PROGRESS_SQL = `UPDATE sessions SET steps = @steps, episodes = @episodes, expert_steps = @expert_steps,
  takeovers = @takeovers, success_rate = @success_rate WHERE id = @id`;

export function progressParams(id: number, p: SessionProgress): Params {
  return {
    id,
    steps: int(p.steps, 'progress steps'),
    episodes: int(p.episodes, 'progress episodes'),
    expert_steps: int(p.expertSteps, 'progress expertSteps'),
    takeovers: int(p.takeovers, 'progress takeovers'),
    success_rate: optNum(p.successRate, 'progress successRate'),
  };
}

const END_STATUSES: readonly SessionEnd['status'][] = ['finished', 'interrupted', 'failed'];
const LIVE_STATUSES: readonly ('running' | 'paused')[] = ['running', 'paused'];

export function createSession(st: Statements, s: NewSession): number {
  // Parsed on the way in as well as on the way out: a config that does not validate now would be
  // a session that can never be opened for review.
  const config = sessionConfigSchema.parse(s.config);
  const result = st
    .get(
      `INSERT INTO sessions (started_at, status, env, method, preset, seed, operator, backend, app_version, host, pid, config_json)
       VALUES (@started_at, 'running', @env, @method, @preset, @seed, @operator, @backend, @app_version, @host, @pid, @config_json)`,
    )
    .run({
      started_at: nowIso(),
      env: config.env,
      method: config.method,
      preset: config.preset,
      seed: config.seed,
      operator: config.operator,
      backend: String(s.backend),
      app_version: String(s.appVersion),
      host: String(s.host),
      pid: int(s.pid, 'session pid'),
      config_json: JSON.stringify(config),
    });
  return Number(result.lastInsertRowid);
}

export function setSessionStatus(
  st: Statements,
  id: number,
  status: 'running' | 'paused',
  message: string | null,
): void {
  const result = st
    .get('UPDATE sessions SET status = @status, message = @message WHERE id = @id')
    .run({ id, status: oneOf(status, LIVE_STATUSES, 'session status'), message });
  mustExist(result, id);
}

export function updateSessionProgress(st: Statements, id: number, p: SessionProgress): void {
  const result = st.get(PROGRESS_SQL).run(progressParams(id, p));
  mustExist(result, id);
}

export function finishSession(st: Statements, id: number, end: SessionEnd): void {
  const result = st
    .get(
      `UPDATE sessions SET status = @status, message = @message, ended_at = @ended_at, steps = @steps,
       episodes = @episodes, expert_steps = @expert_steps, takeovers = @takeovers, success_rate = @success_rate
       WHERE id = @id`,
    )
    .run({
      ...progressParams(id, end),
      status: oneOf(end.status, END_STATUSES, 'session end status'),
      message: end.message,
      ended_at: nowIso(),
    });
  mustExist(result, id);
}

/**
 * Continues an ended session in this process: running again, with the writer's pid (so a crash is
 * noticed), the backend it now trains on and its configuration as continued (a larger step budget).
 */
export function reopenSession(st: Statements, id: number, s: Omit<NewSession, 'appVersion'>): void {
  const config = sessionConfigSchema.parse(s.config);
  const result = st
    .get(
      `UPDATE sessions SET status = 'running', ended_at = NULL, message = NULL, pid = @pid, host = @host,
       backend = @backend, config_json = @config_json WHERE id = @id`,
    )
    .run({
      id,
      pid: int(s.pid, 'session pid'),
      host: String(s.host),
      backend: String(s.backend),
      config_json: JSON.stringify(config),
    });
  mustExist(result, id);
}

interface SessionSql extends Omit<SessionRow, 'config'> {
  configJson: string;
}

export function getSession(st: Statements, id: number): SessionRow | undefined {
  const row = st
    .get(
      `SELECT id, started_at AS startedAt, ended_at AS endedAt, status, env, method, preset, seed, operator,
       backend, app_version AS appVersion, host, pid, config_json AS configJson, steps, episodes,
       expert_steps AS expertSteps, takeovers, success_rate AS successRate, message
       FROM sessions WHERE id = ?`,
    )
    .get(id) as SessionSql | undefined;
  if (row === undefined) return undefined;
  const { configJson, ...rest } = row;
  let config: SessionRow['config'];
  try {
    config = sessionConfigSchema.parse(JSON.parse(configJson));
  } catch (error) {
    throw new DatabaseError(
      'invalid-row',
      `Session ${id} has a configuration this build cannot read (${messageOf(error)})`,
      { cause: error },
    );
  }
  return { ...rest, status: rest.status as SessionStatusName, config };
}

/** Newest first. Reads no config, so it lists sessions whose config this build cannot parse. */
export function listSessions(st: Statements, limit: number): SessionListRow[] {
  return st
    .get(
      `SELECT id, started_at AS startedAt, operator, env, method, status, steps, expert_steps AS expertSteps,
       takeovers, success_rate AS successRate
       FROM sessions ORDER BY id DESC LIMIT ?`,
    )
    .all(int(limit, 'list limit')) as SessionListRow[];
}

export function deleteSession(st: Statements, id: number): boolean {
  return st.get('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
}

/**
 * A session left 'running' or 'paused' by a process that no longer exists was cut off (crash, kill,
 * power loss); saying so keeps the session list honest. The current process's own sessions are
 * never touched, because its pid is alive by definition and its runs may be in progress.
 */
export function markDeadSessionsInterrupted(
  db: Database.Database,
  st: Statements,
  isAlive: (pid: number) => boolean,
): number {
  const live = st.get("SELECT id, pid FROM sessions WHERE status IN ('running', 'paused')").all() as {
    id: number;
    pid: number;
  }[];
  const dead = live.filter((s) => s.pid !== process.pid && !isAlive(s.pid));
  if (dead.length === 0) return 0;
  const mark = st.get(
    "UPDATE sessions SET status = 'interrupted', message = @message WHERE id = @id AND status IN ('running', 'paused')",
  );
  let marked = 0;
  db.transaction(() => {
    for (const s of dead) {
      const message = `The process that recorded this session (pid ${s.pid}) ended without closing it`;
      marked += mark.run({ id: s.id, message }).changes;
    }
  }).immediate();
  return marked;
}

/**
 * kill(pid, 0) delivers nothing and only checks: ESRCH means no such process, EPERM means it exists
 * but belongs to someone else (alive). A pid reused by an unrelated process reads as alive, so such
 * a session stays 'running' until that process ends too; wrong in the safe direction.
 */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mustExist(result: Database.RunResult, id: number): void {
  if (result.changes === 0) throw new DatabaseError('session', `Session ${id} does not exist`);
}
