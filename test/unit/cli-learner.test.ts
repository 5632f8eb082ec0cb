// The learner's commands as a user runs them: presets and knobs, resume, eval, report and the
// learner benchmark, on the toy task and on the grid, with real processes and a real SQLite file.
// Bad input ends in one clear line, a non-zero exit and an unchanged database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'aim.mjs');

function aim(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

/** The rows a refused command must not touch. */
function snapshot(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
    return JSON.stringify({
      sessions: db.prepare('select * from sessions order by id').all(),
      counts: ['steps', 'models', 'evaluations', 'episodes', 'takeovers'].map(count),
    });
  } finally {
    db.close();
  }
}

const SMALL = ['--env', 'toy', '--warmup', '20', '--batch-size', '8', '--seed', '1'];

test('train: unknown presets, methods and knob values, and a resume with other settings, are refused', () => {
  const cases: Array<[string[], RegExp]> = [
    [['train', '--preset', 'fancy'], /--preset must be one of reference, paper; got "fancy"/],
    [
      ['train', '--method', 'dagger'],
      /--method must be one of aim, bc, hg-dagger, pvp, pvp-td3, ensemble-dagger, thrifty-dagger, thrifty-dagger-original; got "dagger"/,
    ],
    [['train', '--delta', '1.5'], /--delta must be less than 1; got 1.5/],
    [['train', '--delta', '0'], /--delta must be greater than 0; got 0/],
    [['train', '--td', 'maybe'], /--td must be one of on, off; got "maybe"/],
    [['train', '--warmup-mode', 'watch'], /--warmup-mode must be one of expertDrive, humanGatedPVP/],
    [['train', '--mask-scale', '0'], /--mask-scale must be greater than 0; got 0/],
    [['train', '--resume', '1', '--preset', 'paper'], /--preset cannot be given with --resume/],
    [['train', '--resume', '1', '--expert-noise', 'none'], /--expert-noise cannot be given with --resume/],
    [['train', '--expert-noise', 'some'], /--expert-noise must be one of sampled, none; got "some"/],
  ];
  for (const [args, message] of cases) {
    const result = aim(...args);
    assert.equal(result.code, 2, `aim ${args.join(' ')}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('train --json prints the resolved knobs of a preset with overrides, and records them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-learner-'));
  const db = path.join(dir, 'aim.db');
  const result = aim(
    'train',
    ...SMALL,
    '--steps',
    '40',
    '--preset',
    'paper',
    '--td',
    'off',
    '--cadence-every',
    '10',
    '--cadence-steps',
    '2',
    '--eval-every',
    '0',
    '--expert-noise',
    'none',
    '--db',
    db,
    '--json',
  );
  assert.equal(result.code, 0, result.stderr);
  const summary = lastJson(result.stdout);
  const config = summary.config as {
    aim: Record<string, unknown>;
    expert: Record<string, unknown>;
    learnerMode: string;
  };
  assert.deepEqual(config.expert, { kind: 'scripted', noise: 'none' });
  assert.match(result.stderr, /expert scripted \(deterministic actions\)/);
  assert.deepEqual(config.aim, {
    warmupMode: 'humanGatedPVP',
    cadenceEvery: 10,
    cadenceSteps: 2,
    refireWhileIdle: false,
    maskScale: 1.5,
    td: false,
    gamma: 0.99,
    tau: 0.005,
    thresholdRecompute: 'episodeEnd',
  });
  assert.equal(summary.learnerMode, 'lockstep');
  assert.match(result.stderr, /warm-up 20 \(humanGatedPVP\), cadence 2 steps per 10 labels.*TD off/);
  const sqlite = new Database(db, { readonly: true });
  const row = sqlite.prepare('select config_json from sessions').get() as { config_json: string };
  sqlite.close();
  assert.deepEqual(JSON.parse(row.config_json).aim, config.aim);
  rmSync(dir, { recursive: true, force: true });
});

test('train --resume of a missing session or one without a checkpoint fails in one line, database unchanged', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-learner-'));
  const db = path.join(dir, 'aim.db');
  // Ends inside warm-up: no fit, so no checkpoint.
  assert.equal(aim('train', ...SMALL, '--steps', '10', '--db', db, '--json').code, 0);
  const before = snapshot(db);
  for (const [session, message] of [
    ['7', /session 7 does not exist/],
    ['1', /session 1 has no checkpoint \(it ended before the fit after warm-up\)/],
  ] as const) {
    const result = aim('train', '--resume', session, '--steps', '100', '--db', db);
    assert.equal(result.code, 1);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.equal(snapshot(db), before);
  }
  // A new session from a policy folder that is not there: refused before any row is written.
  const missing = path.join(dir, 'no-policy');
  const fromPolicy = aim('train', ...SMALL, '--steps', '30', '--initial-policy', missing, '--db', db);
  assert.equal(fromPolicy.code, 1);
  assert.equal(fromPolicy.stderr.trim(), `aim train: The policy folder ${missing} does not exist`);
  assert.equal(snapshot(db), before);
  rmSync(dir, { recursive: true, force: true });
});

test('train then resume, eval the session and the expert, and report it as JSON and SVG', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-learner-'));
  const db = path.join(dir, 'aim.db');
  const common = ['--cadence-every', '10', '--cadence-steps', '2', '--eval-every', '30'];
  const first = aim('train', ...SMALL, ...common, '--steps', '50', '--db', db, '--json');
  assert.equal(first.code, 0, first.stderr);
  const resumed = aim('train', '--resume', '1', '--steps', '80', '--db', db, '--json');
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = lastJson(resumed.stdout);
  assert.deepEqual([summary.resumedAtStep, summary.steps, summary.sessionId], [50, 80, 1]);

  const evaluation = aim('eval', '--policy', '1', '--env', 'toy', '--seeds', '0-1', '--db', db, '--json');
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const novice = lastJson(evaluation.stdout);
  assert.equal(novice.episodes, 2);
  assert.equal((novice.checkpoint as { step: number }).step, 80);
  const expert = lastJson(
    aim('eval', '--policy', 'expert', '--env', 'toy', '--seeds', '0-0', '--json').stdout,
  );
  assert.equal(expert.successRate, 1);
  for (const [args, message] of [
    [['eval', '--policy', '1', '--stochastic', '--db', db], /--stochastic applies to --policy expert/],
    [['eval', '--policy', 'expert', '--seeds', '9-3'], /--seeds needs a range A-B/],
    [['eval', '--policy', 'me'], /The policy folder .*me does not exist/],
  ] as const) {
    const result = aim(...args);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, message);
  }

  // Export → import → evaluate: the policy folder drives as the session's own checkpoint does, and
  // on the session's evaluation seeds it scores what the session's last evaluation recorded.
  const folder = path.join(dir, 'policy');
  const exported = aim('export', 'policy', '--session', '1', '--out', folder, '--db', db, '--json');
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal((lastJson(exported.stdout).checkpoint as { step: number }).step, 80);
  const imported = lastJson(aim('eval', '--policy', folder, '--seeds', '0-1', '--json').stdout);
  assert.deepEqual([imported.policy, imported.env, imported.session], ['exported', 'toy', 1]);
  assert.deepEqual(imported.outcomes, novice.outcomes);
  const sessionEval = new Database(db, { readonly: true });
  const last = sessionEval
    .prepare(
      'select success_rate s, episodes n from evaluations where session_id = 1 order by id desc limit 1',
    )
    .get() as { s: number; n: number };
  sessionEval.close();
  const onSessionSeeds = lastJson(
    aim('eval', '--policy', folder, '--seeds', `1000-${999 + last.n}`, '--json').stdout,
  );
  assert.equal(onSessionSeeds.successRate, last.s);
  const refused = aim('export', 'policy', '--session', '1', '--out', folder, '--db', db);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr.trim(), `aim export: ${folder} already exists; pass --force to replace it`);

  const out = path.join(dir, 'report');
  const report = aim('report', '--session', '1', '--db', db, '--out', out, '--name', 'toy');
  assert.equal(report.code, 0, report.stderr);
  const written = JSON.parse(readFileSync(path.join(out, 'toy.json'), 'utf8'));
  assert.equal(written.session.id, 1);
  assert.ok(written.evaluations.length >= 2);
  assert.equal(written.expert.successRate, 1);
  assert.ok(Array.isArray(written.takeoversByBlock));
  assert.match(readFileSync(path.join(out, 'toy-success.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*<polyline/);
  rmSync(dir, { recursive: true, force: true });
});

test('aim eval of an ensemble session drives with all its members, as the session did', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-ensemble-'));
  const db = path.join(dir, 'aim.db');
  const method = ['--method', 'ensemble-dagger', '--eval-every', '30'];
  const trained = aim('train', ...SMALL, ...method, '--steps', '80', '--db', db, '--json');
  assert.equal(trained.code, 0, trained.stderr);

  // The session's last evaluation ran the ensemble's mean on the toy's one scenario (seed 1000) with
  // the weights of its last checkpoint; aim eval of the session must drive the same episode.
  const row = new Database(db, { readonly: true });
  const last = row
    .prepare('select step, route_completion r from evaluations where session_id = 1 order by id desc limit 1')
    .get() as { step: number; r: number };
  row.close();
  const evaluation = aim('eval', '--policy', '1', '--seeds', '1000-1000', '--db', db, '--json');
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const novice = lastJson(evaluation.stdout);
  assert.equal(novice.actors, 5);
  assert.equal((novice.checkpoint as { step: number }).step, last.step);
  assert.equal(novice.routeCompletion, last.r);
  rmSync(dir, { recursive: true, force: true });
});

test('bench learner measures each backend in its own process and reports one that cannot start', () => {
  const result = aim('bench', 'learner', '--batch', '8', '--min-ms', '1', '--json');
  assert.equal(result.code, 0, result.stderr);
  const report = lastJson(result.stdout) as { results: Array<Record<string, unknown>> };
  assert.deepEqual(
    report.results.map((r) => r.backend),
    ['tfjs-node', 'wasm-blas', 'wasm', 'cpu'],
  );
  for (const r of report.results) {
    if (r.available === false) {
      assert.equal(typeof r.reason, 'string');
      continue;
    }
    if (r.backend === 'wasm-blas') assert.match(String((r.blas as { config: string }).config), /OpenBLAS/);
    const actor = r.actorBc as { stepsPerSecond: number; gflops: number; breakdown: Record<string, number> };
    assert.ok(actor.stepsPerSecond > 0 && actor.gflops > 0);
    assert.deepEqual(Object.keys(actor.breakdown), [
      'matmul',
      'transpose',
      'forward',
      'step',
      'adam',
      'batch',
    ]);
  }
});

test('train --env grid refuses driving-only settings, other methods and unknown presets, writing nothing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-grid-'));
  const db = path.join(dir, 'aim.db');
  const cases: Array<[string[], RegExp]> = [
    [['--mask-scale', '2'], /--mask-scale applies to driving and toy .*discrete AIM on the grid/],
    [['--td', 'on'], /--td applies to driving and toy/],
    [['--threshold-recompute', 'episodeEnd'], /--threshold-recompute applies to driving and toy/],
    [['--expert-noise', 'none'], /--expert-noise applies to driving and toy/],
    [
      ['--method', 'ensemble-dagger'],
      /--env grid has discrete actions, which only aim, pvp, hg-dagger can learn .*--method ensemble-dagger/,
    ],
    [['--preset', 'fancy'], /--preset must be one of reference, paper; got "fancy"/],
  ];
  for (const [args, message] of cases) {
    const result = aim('train', '--env', 'grid', ...args, '--db', db);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, message);
  }
  assert.equal(existsSync(db), false, 'nothing was recorded');
  rmSync(dir, { recursive: true, force: true });
});

test('eval --policy expert --env grid: the shortest-path expert solves every layout in about 36 steps', () => {
  const result = aim('eval', '--policy', 'expert', '--env', 'grid', '--seeds', '0-49', '--json');
  assert.equal(result.code, 0, result.stderr);
  const expert = lastJson(result.stdout);
  assert.deepEqual(
    [expert.env, expert.policy, expert.episodes, expert.successRate],
    ['grid', 'expert', 50, 1],
  );
  assert.ok((expert.medianEpisodeLength as number) >= 30 && (expert.medianEpisodeLength as number) <= 42);
  const noisy = lastJson(
    aim('eval', '--policy', 'expert', '--env', 'grid', '--seeds', '0-49', '--stochastic', '--json').stdout,
  );
  assert.ok(
    (noisy.meanEpisodeLength as number) > (expert.meanEpisodeLength as number),
    'ε-noise costs steps',
  );
});

test('a grid session from the command line: preset settings, evaluation on fresh layouts, resume, eval, export and the export evaluated', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-grid-'));
  const db = path.join(dir, 'aim.db');
  const small = ['--warmup', '12', '--batch-size', '4', '--eval-every', '12', '--eval-episodes', '2'];
  const first = aim('train', '--env', 'grid', '--steps', '24', ...small, '--db', db, '--json');
  assert.equal(first.code, 0, first.stderr);
  const summary = lastJson(first.stdout);
  const config = summary.config as Record<string, unknown>;
  // δ comes from the reference preset; warm-up and batch were given.
  assert.deepEqual([config.env, config.delta, config.warmup, config.batchSize], ['grid', 0.1, 12, 4]);
  assert.equal((config.aim as { thresholdRecompute: string }).thresholdRecompute, 'everyTrainStep');
  const evaluations = summary.evaluations as Array<{ step: number; episodes: number }>;
  assert.ok(evaluations.length >= 1 && evaluations.every((e) => e.episodes === 2));
  assert.match(first.stderr, /grid, discrete aim\/reference/);

  const resumed = aim('train', '--resume', '1', '--steps', '30', '--db', db, '--json');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual([lastJson(resumed.stdout).resumedAtStep, lastJson(resumed.stdout).steps], [24, 30]);

  // The session's environment is the default: its CNN acts greedily on fresh layouts 1000–1002.
  const session = aim('eval', '--policy', '1', '--seeds', '1000-1002', '--db', db, '--json');
  assert.equal(session.code, 0, session.stderr);
  const novice = lastJson(session.stdout);
  assert.deepEqual([novice.env, novice.episodes], ['grid', 3]);
  assert.equal((novice.checkpoint as { step: number }).step, 30);

  const folder = path.join(dir, 'policy');
  const exported = aim('export', 'policy', '--session', '1', '--out', folder, '--db', db, '--json');
  assert.equal(exported.code, 0, exported.stderr);
  const arch = JSON.parse(readFileSync(path.join(folder, 'arch.json'), 'utf8'));
  assert.deepEqual(arch.observation.shape, [12, 7, 7]);
  assert.equal(arch.observation.scale, 1 / 255);
  assert.deepEqual([arch.action.kind, arch.action.n], ['discrete', 7]);
  const imported = lastJson(aim('eval', '--policy', folder, '--seeds', '1000-1002', '--json').stdout);
  assert.deepEqual([imported.policy, imported.env, imported.trainedIn], ['exported', 'grid', 'grid']);
  assert.deepEqual(imported.outcomes, novice.outcomes, 'the export drives as the checkpoint does');

  const dataset = aim('export', 'dataset', '--session', '1', '--out', path.join(dir, 'd.hdf5'), '--db', db);
  assert.equal(dataset.code, 1);
  assert.match(dataset.stderr, /Session 1 ran in the grid; .*aim export policy/);
  assert.equal(existsSync(path.join(dir, 'd.hdf5')), false);

  const report = aim('report', '--session', '1', '--db', db, '--out', dir, '--name', 'grid');
  assert.equal(report.code, 0, report.stderr);
  const written = JSON.parse(readFileSync(path.join(dir, 'grid.json'), 'utf8'));
  assert.equal(written.expert.successRate, 1);
  const sqlite = new Database(db, { readonly: true });
  const kinds = sqlite.prepare('select distinct kind from models order by kind').all() as Array<{
    kind: string;
  }>;
  sqlite.close();
  assert.deepEqual(
    kinds.map((k) => k.kind),
    ['actor', 'proxy-q'],
  );
  rmSync(dir, { recursive: true, force: true });
});
