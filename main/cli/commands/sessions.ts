// `aim sessions list|show|delete`: the recorded sessions, one session in detail, and removing one.
import { createInterface } from 'node:readline/promises';
import type { SessionListRow } from '../../contract/api.ts';
import type { AimDatabase } from '../../store/database.ts';
import type {
  EpisodeRecord,
  EvaluationRow,
  ModelInfo,
  SessionRow,
  TakeoverRow,
} from '../../store/records.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { dbFlag, openExistingDatabase } from './db.ts';
import { commandGroup, positionals, sessionIdOf } from './groups.ts';

export const sessionsListCommand = {
  name: 'sessions list',
  summary: 'list recorded sessions, newest first',
  usage: 'aim sessions list [--limit N] [--json] [--db FILE]',
  flags: {
    limit: { type: 'integer', min: 1, max: 1_000_000, default: 50, description: 'Show at most N sessions.' },
    json: { type: 'boolean', description: 'Print one JSON array.' },
    db: dbFlag,
  },
  examples: ['aim sessions list', 'aim sessions list --json --limit 500'],
} satisfies CommandSpec;

export const sessionsShowCommand = {
  name: 'sessions show',
  summary: 'one session: configuration, status, counts, episodes, takeovers, evaluations',
  usage: 'aim sessions show ID [--json] [--db FILE]',
  flags: {
    json: { type: 'boolean', description: 'Print one JSON object (every episode and takeover).' },
    db: dbFlag,
  },
  examples: ['aim sessions show 3', 'aim sessions show 3 --json'],
} satisfies CommandSpec;

export const sessionsDeleteCommand = {
  name: 'sessions delete',
  summary: 'delete a session and everything recorded in it',
  usage: 'aim sessions delete ID [--yes] [--db FILE]',
  flags: {
    yes: { type: 'boolean', description: 'Delete without asking (needed when input is not a terminal).' },
    db: dbFlag,
  },
  examples: ['aim sessions delete 3', 'aim sessions delete 3 --yes'],
} satisfies CommandSpec;

export function runSessionsList(argv: string[]): number {
  const flags = parseFlags(sessionsListCommand, argv);
  const db = openExistingDatabase(flags.db);
  try {
    const rows = db.listSessions(flags.limit);
    if (flags.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    else if (rows.length === 0) process.stdout.write(`No sessions in ${db.path}\n`);
    else process.stdout.write(`${table(rows.map(listColumns))}\n`);
    return 0;
  } finally {
    db.close();
  }
}

function listColumns(s: SessionListRow): Record<string, string> {
  return {
    ID: String(s.id),
    STARTED: localTime(s.startedAt),
    STATUS: s.status,
    ENV: s.env,
    METHOD: s.method,
    OPERATOR: s.operator || '—',
    STEPS: String(s.steps),
    EXPERT: String(s.expertSteps),
    TAKEOVERS: String(s.takeovers),
    SUCCESS: percent(s.successRate),
  };
}

export interface TakeoverSummary {
  /** Takeovers other than warm-up (what the session counts). */
  count: number;
  byTrigger: Record<string, number>;
  byHandback: Record<string, number>;
  /** Steps driven inside takeover spans, warm-up included. */
  expertSteps: number;
  warmupSteps: number;
  /** Durations of the non-warm-up takeovers, in decisions. */
  durationSteps: { mean: number; median: number; max: number } | null;
  reactionMs: { mean: number; median: number; count: number } | null;
}

export function summarizeTakeovers(takeovers: readonly TakeoverRow[]): TakeoverSummary {
  const tally = (key: (t: TakeoverRow) => string) =>
    takeovers.reduce<Record<string, number>>((out, t) => ({ ...out, [key(t)]: (out[key(t)] ?? 0) + 1 }), {});
  const length = (t: TakeoverRow) => t.endStep - t.startStep + 1;
  const real = takeovers.filter((t) => t.trigger !== 'warmup');
  const durations = real.map(length);
  const reactions = real.flatMap((t) => (t.reactionMs === null ? [] : [t.reactionMs]));
  return {
    count: real.length,
    byTrigger: tally((t) => t.trigger),
    byHandback: tally((t) => t.handback),
    expertSteps: takeovers.reduce((n, t) => n + length(t), 0),
    warmupSteps: takeovers.filter((t) => t.trigger === 'warmup').reduce((n, t) => n + length(t), 0),
    durationSteps:
      durations.length === 0
        ? null
        : { mean: mean(durations), median: median(durations), max: Math.max(...durations) },
    reactionMs:
      reactions.length === 0
        ? null
        : { mean: mean(reactions), median: median(reactions), count: reactions.length },
  };
}

export function runSessionsShow(argv: string[]): number {
  const { values, flags: rest } = positionals(sessionsShowCommand, argv, ['id']);
  const id = sessionIdOf(values[0]);
  const flags = parseFlags(sessionsShowCommand, rest);
  const db = openExistingDatabase(flags.db);
  try {
    const session = mustGetSession(db, id);
    const episodes = db.episodes(id);
    const takeovers = db.takeovers(id);
    const evaluations = db.evaluations(id);
    const checkpoints = db.models(id);
    const summary = summarizeTakeovers(takeovers);
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ session, episodes, takeovers: { summary, spans: takeovers }, evaluations, checkpoints })}\n`,
      );
    } else {
      process.stdout.write(`${describeSession(session, episodes, summary, evaluations, checkpoints)}\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}

function mustGetSession(db: AimDatabase, id: number): SessionRow {
  const session = db.getSession(id);
  if (session === undefined)
    throw new Error(`session ${id} does not exist in ${db.path} (see aim sessions list)`);
  return session;
}

const SHOWN_EPISODES = 20;

function describeSession(
  s: SessionRow,
  episodes: readonly EpisodeRecord[],
  t: TakeoverSummary,
  evaluations: readonly EvaluationRow[],
  checkpoints: readonly ModelInfo[],
): string {
  const c = s.config;
  const lines = [
    `Session ${s.id} · ${s.status} · ${s.env} · ${s.method} (${s.preset}) · operator ${s.operator || '—'}`,
    `  started ${localTime(s.startedAt)}${s.endedAt ? `, ended ${localTime(s.endedAt)} (${duration(s.startedAt, s.endedAt)})` : ''}`,
    `  host ${s.host}, backend ${s.backend}, app ${s.appVersion}, pid ${s.pid}`,
    `  steps ${s.steps}, episodes ${s.episodes}, expert-involved ${s.expertSteps} (${percent(s.steps > 0 ? s.expertSteps / s.steps : null)}), takeovers ${s.takeovers}, success rate ${percent(s.successRate)}`,
    `  config: seed ${c.seed}, steps ${c.steps || 'until stopped'}, warmup ${c.warmup}, δ ${c.delta}, pace ${c.pace}, batch ${c.batchSize}, backend ${c.backend}, expert ${c.expert.kind}`,
  ];
  if (s.message) lines.push(`  message: ${s.message}`);

  lines.push(
    '',
    `Takeovers: ${t.count} (${entries(t.byTrigger)}); ${t.expertSteps} steps in spans, ${t.warmupSteps} of them warm-up`,
  );
  if (t.durationSteps)
    lines.push(
      `  duration in decisions: mean ${t.durationSteps.mean.toFixed(1)}, median ${t.durationSteps.median}, max ${t.durationSteps.max}`,
    );
  if (Object.keys(t.byHandback).length > 0) lines.push(`  handed back by: ${entries(t.byHandback)}`);
  if (t.reactionMs)
    lines.push(
      `  reaction: median ${t.reactionMs.median.toFixed(0)} ms, mean ${t.reactionMs.mean.toFixed(0)} ms (${t.reactionMs.count})`,
    );

  lines.push('', `Episodes: ${episodes.length} finished`);
  if (episodes.length > SHOWN_EPISODES) lines.push(`  (the last ${SHOWN_EPISODES}; --json lists all)`);
  if (episodes.length > 0)
    lines.push(
      indent(
        table(
          episodes.slice(-SHOWN_EPISODES).map((e) => ({
            EPISODE: String(e.episode),
            SEED: String(e.seed),
            STEPS: String(e.steps),
            RETURN: e.return.toFixed(1),
            COST: e.cost.toFixed(1),
            ROUTE: percent(e.routeCompletion),
            TAKEOVERS: String(e.takeovers),
            OUTCOME: e.success ? 'success' : e.crash ? 'crash' : e.outOfRoad ? 'out of road' : 'no arrival',
          })),
        ),
      ),
    );

  lines.push('', `Evaluations: ${evaluations.length}`);
  if (evaluations.length > 0)
    lines.push(
      indent(
        table(
          evaluations.map((e) => ({
            STEP: String(e.step),
            EXPERT: String(e.expertSteps),
            EPISODES: String(e.episodes),
            SUCCESS: percent(e.successRate),
            RETURN: e.meanReturn.toFixed(1),
            ROUTE: percent(e.routeCompletion),
            CRASH: percent(e.crashRate),
            'OUT OF ROAD': percent(e.outOfRoadRate),
          })),
        ),
      ),
    );
  const last = checkpoints[checkpoints.length - 1];
  lines.push(
    '',
    `Checkpoints: ${checkpoints.length}${last ? ` (last at step ${last.step}, ${last.kind}, ${(last.bytes / 1024).toFixed(0)} KiB)` : ''}`,
  );
  return lines.join('\n');
}

export async function runSessionsDelete(argv: string[]): Promise<number> {
  const { values, flags: rest } = positionals(sessionsDeleteCommand, argv, ['id']);
  const id = sessionIdOf(values[0]);
  const flags = parseFlags(sessionsDeleteCommand, rest);
  const db = openExistingDatabase(flags.db);
  try {
    // The list row, not getSession: a session whose configuration this build cannot read can still go.
    const row = db.listSessions(Number.MAX_SAFE_INTEGER).find((s) => s.id === id);
    if (row === undefined)
      throw new Error(`session ${id} does not exist in ${db.path} (see aim sessions list)`);
    // Opening writable has marked sessions of dead processes interrupted: one still running is live.
    if (row.status === 'running' || row.status === 'paused')
      throw new Error(`session ${id} is being recorded by a running process; stop it before deleting it`);
    const what = `session ${id} (${row.env}, ${row.status}, ${row.steps} steps, ${row.takeovers} takeovers, started ${localTime(row.startedAt)})`;
    if (!flags.yes) {
      if (!process.stdin.isTTY)
        throw new UsageError(
          `not deleting ${what} without confirmation: pass --yes (input is not a terminal)`,
        );
      if (!(await confirm(`Delete ${what} and everything recorded in it? This cannot be undone. [y/N] `))) {
        process.stdout.write(`Kept session ${id}.\n`);
        return 1;
      }
    }
    db.deleteSession(id);
    process.stdout.write(`Deleted ${what}.\n`);
    return 0;
  } finally {
    db.close();
  }
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

export const sessionsCommand = commandGroup('sessions', 'list, inspect and delete recorded sessions', {
  list: { spec: sessionsListCommand, run: runSessionsList },
  show: { spec: sessionsShowCommand, run: runSessionsShow },
  delete: { spec: sessionsDeleteCommand, run: runSessionsDelete },
});

// ——— text formatting ———

function table(rows: readonly Record<string, string>[]): string {
  const headers = Object.keys(rows[0]);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => r[h].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map((r) => line(headers.map((h) => r[h])))].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function entries(counts: Record<string, number>): string {
  const list = Object.entries(counts);
  return list.length === 0 ? 'none' : list.map(([k, n]) => `${k} ${n}`).join(', ');
}

function percent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** ISO time as local "YYYY-MM-DD HH:MM". */
function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function duration(fromIso: string, toIso: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
