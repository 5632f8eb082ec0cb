// `aim report`: a session's results as files — a JSON summary (configuration, backend, wall time,
// every evaluation, the expert's level on the same seeds, the best success within a budget, help
// requests per map block type over windows of steps) and an SVG curve of success against
// expert-involved steps.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateScriptedExpert } from '../../experts/evaluate-expert.ts';
import { openDatabase } from '../../store/database.ts';
import type { EvaluationRow, TakeoverRow } from '../../store/records.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { defaultDbPath } from '../paths.ts';
import { lineChartSvg } from '../report/svg-chart.ts';

export const reportCommand = {
  name: 'report',
  summary: "write a session's result summary (JSON) and success curve (SVG) to a folder",
  usage: 'aim report --session N [--db FILE] [--out DIR] [--name NAME] [--window STEPS]',
  flags: {
    session: { type: 'integer', min: 1, placeholder: 'N', description: 'Session id.' },
    db: {
      type: 'string',
      placeholder: 'FILE',
      description: 'SQLite database holding the session (default $AIM_DB or .aim/aim-dev.db).',
    },
    out: { type: 'string', default: '.', placeholder: 'DIR', description: 'Folder to write into.' },
    name: { type: 'string', placeholder: 'NAME', description: 'File name stem (default session-N).' },
    window: {
      type: 'integer',
      min: 1,
      max: 100_000_000,
      default: 1000,
      description: 'Steps per window of the help-request counts.',
    },
    'expert-budget': {
      type: 'integer',
      min: 1,
      default: 2500,
      description: 'Expert-involved steps within which the best success is reported.',
    },
    'step-budget': {
      type: 'integer',
      min: 1,
      default: 10_000,
      description: 'Total steps within which the best success is reported.',
    },
  },
  examples: [
    'aim report --session 1 --db results/issue-4/driving-reference.db --out results/issue-4 --name driving-reference',
  ],
} satisfies CommandSpec;

/** 'C1 (curve)' → 'curve': the kind of block a map region belongs to. */
export function blockType(region: string): string {
  return /\(([^)]+)\)/.exec(region)?.[1] ?? (region || 'unknown');
}

interface Window {
  fromStep: number;
  toStep: number;
  /** Help requests (robot-triggered takeovers) that started in the window, by block type. */
  helpRequests: Record<string, number>;
  /** Expert-driven steps of those takeovers, by the block type where they started. */
  takeoverSteps: Record<string, number>;
}

export function takeoverWindows(takeovers: readonly TakeoverRow[], steps: number, size: number): Window[] {
  const windows: Window[] = [];
  for (let from = 0; from < steps; from += size)
    windows.push({
      fromStep: from,
      toStep: Math.min(steps, from + size) - 1,
      helpRequests: {},
      takeoverSteps: {},
    });
  for (const t of takeovers) {
    if (t.trigger !== 'robot') continue;
    const window = windows[Math.floor(t.startStep / size)];
    if (!window) continue;
    const type = blockType(t.region);
    window.helpRequests[type] = (window.helpRequests[type] ?? 0) + 1;
    window.takeoverSteps[type] = (window.takeoverSteps[type] ?? 0) + t.endStep - t.startStep + 1;
  }
  return windows;
}

/** Block types of plain road: the start block and straight blocks. Everything else is a manoeuvre. */
const STRAIGHT_TYPES = new Set(['start', 'straight']);

/**
 * Help requests per block type, window by window, as a plain-text table with the share that fell
 * on straight road (the toy case study: requests should shrink and move off the straight).
 */
export function takeoverTable(windows: readonly Window[]): string {
  const types = [...new Set(windows.flatMap((w) => Object.keys(w.helpRequests)))].sort(
    (a, b) => Number(STRAIGHT_TYPES.has(b)) - Number(STRAIGHT_TYPES.has(a)) || a.localeCompare(b),
  );
  const header = ['steps', ...types, 'total', 'on straight'];
  const rows = windows.map((w) => {
    const counts = types.map((t) => w.helpRequests[t] ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    const straight = types.reduce((n, t, i) => n + (STRAIGHT_TYPES.has(t) ? counts[i] : 0), 0);
    return [
      `${w.fromStep}–${w.toStep + 1}`,
      ...counts.map(String),
      String(total),
      total > 0 ? `${Math.round((100 * straight) / total)}%` : '–',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [
    'help requests (robot-triggered takeovers) by block type',
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}

function bestWithin(evaluations: readonly EvaluationRow[], expertBudget: number, stepBudget: number) {
  const within = evaluations.filter((e) => e.expertSteps <= expertBudget && e.step <= stepBudget);
  const best = within.reduce<EvaluationRow | null>(
    (b, e) => (b === null || e.successRate > b.successRate ? e : b),
    null,
  );
  return { expertBudget, stepBudget, best };
}

export function runReport(argv: string[]): Promise<number> {
  const flags = parseFlags(reportCommand, argv);
  if (flags.session === undefined) throw new UsageError('--session is required');
  const db = openDatabase(path.resolve(flags.db ?? defaultDbPath()), { readonly: true });
  try {
    const session = db.getSession(flags.session);
    if (!session) throw new UsageError(`session ${flags.session} does not exist in ${db.path}`);
    const { config } = session;
    const evaluations = db.evaluations(session.id);
    const expert = evaluateScriptedExpert(config.env, {
      start: config.evalSeedStart,
      count: config.evalEpisodes,
    });
    const { outcomes: _outcomes, ...expertSummary } = { outcomes: null, ...expert };
    const wallSeconds =
      session.endedAt === null ? null : (Date.parse(session.endedAt) - Date.parse(session.startedAt)) / 1000;
    const within = bestWithin(evaluations, flags['expert-budget'], flags['step-budget']);
    const summary = {
      session: {
        id: session.id,
        status: session.status,
        env: session.env,
        method: session.method,
        preset: session.preset,
        backend: session.backend,
        startedAt: session.startedAt,
        endedAt: session.endedAt,
        wallSeconds,
        steps: session.steps,
        episodes: session.episodes,
        expertSteps: session.expertSteps,
        takeovers: session.takeovers,
        trainingSuccessRate: session.successRate,
      },
      config,
      expert: expertSummary,
      withinBudget: {
        ...within,
        target: 0.9 * expert.successRate,
        reached: within.best !== null && within.best.successRate >= 0.9 * expert.successRate,
      },
      evaluations,
      takeoversByBlock: takeoverWindows(db.takeovers(session.id), session.steps, flags.window),
      checkpoints: db.models(session.id).filter((m) => m.kind === 'actor').length,
    };
    const name = flags.name ?? `session-${session.id}`;
    const out = path.resolve(flags.out);
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    const curve = (pick: (e: EvaluationRow) => number) =>
      evaluations.map((e) => [e.expertSteps, pick(e)] as const);
    const last = Math.max(1, ...evaluations.map((e) => e.expertSteps));
    writeFileSync(
      path.join(out, `${name}-success.svg`),
      lineChartSvg({
        title: `${config.env}, AIM ${config.preset} preset (session ${session.id}, ${session.backend})`,
        xLabel: 'expert-involved steps',
        yLabel: 'evaluation rate',
        yRange: [0, 1],
        series: [
          { name: 'novice success rate', points: curve((e) => e.successRate), color: '#1f77b4' },
          { name: 'novice route completion', points: curve((e) => e.routeCompletion), color: '#2ca02c' },
          { name: 'novice crash rate', points: curve((e) => e.crashRate), color: '#d62728' },
          {
            name: `expert success rate (${expert.successRate.toFixed(2)})`,
            points: [
              [0, expert.successRate],
              [last, expert.successRate],
            ],
            color: '#555',
            dashed: true,
          },
        ],
      }),
    );
    process.stdout.write(takeoverTable(summary.takeoversByBlock));
    process.stdout.write(`wrote ${path.join(out, `${name}.json`)} and ${name}-success.svg\n`);
    return Promise.resolve(0);
  } finally {
    db.close();
  }
}
