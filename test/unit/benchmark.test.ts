// aim benchmark: the table and figure writers on a small fixture, the results folder's refusals,
// bad input, and real runs in worker processes: finished pairs are not rerun, a crashed run is
// recorded as failed with its error while the rest go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BENCHMARK_FORMAT,
  benchmarkResultsSchema,
  methodCurve,
  tableRows,
  type BenchmarkConfig,
  type BenchmarkResults,
  type RunResult,
} from '../../main/contract/benchmark.ts';
import { UsageError } from '../../main/cli/args.ts';
import { curveSvg } from '../../main/cli/benchmark/figures.ts';
import { ResultsFolder } from '../../main/cli/benchmark/folder.ts';
import { runSessionConfig } from '../../main/cli/benchmark/run.ts';
import { parseMethods } from '../../main/cli/benchmark/suites.ts';
import { resultsTable } from '../../main/cli/benchmark/table.ts';
import { benchmarkCommand, configFrom, runBenchmark } from '../../main/cli/commands/benchmark.ts';
import { parseFlags } from '../../main/cli/args.ts';
import { openBenchmarkFolder } from '../../main/session/benchmark-folder.ts';

const CONFIG: BenchmarkConfig = {
  suite: 'toy',
  methods: ['pvp', 'aim'],
  seeds: 2,
  budget: 200,
  maxSteps: 2000,
  evalEvery: 100,
  evalEpisodes: 1,
  batchSize: 32,
  preset: 'reference',
  warmup: 100,
};

function point(expertSteps: number, successRate: number, crashRate: number) {
  return {
    expertSteps,
    totalSteps: expertSteps * 2,
    successRate,
    meanReturn: 100 * successRate,
    routeCompletion: successRate,
    crashRate,
    outOfRoadRate: 0,
    meanCost: crashRate,
  };
}

function run(
  method: 'pvp' | 'aim',
  seed: number,
  points: RunResult['evaluations'],
  expertData = 50,
): RunResult {
  return {
    method,
    seed,
    status: 'finished',
    error: null,
    backend: 'wasm',
    wallSeconds: 1234,
    metrics: {
      totalSteps: 400,
      expertSteps: 200,
      expertData,
      expertDataRatio: expertData / 400,
      takeovers: 3,
      controlSwitches: 6,
      episodes: 2,
    },
    evaluations: points,
  };
}

const FIXTURE: BenchmarkResults = {
  format: BENCHMARK_FORMAT,
  command: 'aim benchmark --suite toy',
  config: CONFIG,
  runs: [
    run('aim', 0, [point(100, 0.5, 0.5), point(200, 1, 0)], 40),
    run('aim', 1, [point(100, 0, 1), point(200, 0.5, 0)], 60),
    run('pvp', 0, [point(100, 0, 0), point(200, 0.25, 0)], 200),
    {
      method: 'pvp',
      seed: 1,
      status: 'failed',
      error: 'the learner thread exited (code 1)',
      backend: null,
      wallSeconds: 3,
      metrics: null,
      evaluations: [],
    },
  ],
};

test('the table gives mean ± std over seeds at the budget, in the paper’s columns, and marks failed runs', () => {
  assert.deepEqual(benchmarkResultsSchema.parse(FIXTURE), FIXTURE, 'the fixture is valid results');
  const table = resultsTable(FIXTURE);
  const rows = table.split('\n').filter((line) => line.startsWith('| '));
  assert.match(rows[0], /\| Method \| Robot-gated \| Expert data \(ratio\) \| Total data \|/);
  const pvp = rows.find((row) => row.startsWith('| PVP'));
  const aim = rows.find((row) => row.startsWith('| **AIM**'));
  assert.ok(pvp && aim);
  // AIM: success 1 and 0.5 at the budget → 0.75 ± 0.35 (sample std); expert data 50 of 400.
  assert.match(aim, /\| ✓ \| 50 \(0\.13\) \| 400 \| 200 \| 0\.75 ± 0\.35 \| 75\.0 ± 35\.4 \|/);
  assert.match(pvp, /\| ✗ \| 200 \(0\.50\) \|/);
  assert.match(pvp, /0\.25 ± 0\.00/);
  assert.match(pvp, /1\/2 \(failed: seed 1\)/);
  assert.match(table, /- PVP seed 1: the learner thread exited \(code 1\)/);
  assert.match(table, /\| AIM \| 2 \| 1234 \/ 1234 \| – \|/, 'time per run, by method');
});

test('the curves are the mean over seeds at each budget, with a ± std band, for success and crash rate', () => {
  const curve = methodCurve(FIXTURE, 'aim', 'successRate');
  assert.deepEqual(
    curve.map((p) => [p.expertSteps, p.mean, p.seeds]),
    [
      [100, 0.25, 2],
      [200, 0.75, 2],
    ],
  );
  assert.ok(Math.abs(curve[1].std - Math.SQRT1_2 / 2) < 1e-12);
  assert.deepEqual(
    methodCurve(FIXTURE, 'pvp', 'crashRate').map((p) => p.seeds),
    [1, 1],
    'a failed run adds no points',
  );
  const svg = curveSvg(FIXTURE, 'successRate');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2, 'one line per method');
  assert.equal((svg.match(/<polygon /g) ?? []).length, 2, 'one band per method');
  assert.match(svg, />AIM</);
  assert.match(svg, />PVP</);
  assert.match(curveSvg(FIXTURE, 'crashRate'), /Test crash rate/);
});

test('unknown suites and methods, and methods a suite does not compare, are refused', async () => {
  assert.throws(() => parseMethods('toy', 'aim,dagger'), /unknown method "dagger"/);
  assert.throws(() => parseMethods('toy', ','), /at least one method/);
  assert.deepEqual(parseMethods('grid', undefined), ['hg-dagger', 'pvp', 'aim'], 'the grid’s three');
  assert.throws(
    () => parseMethods('grid', 'aim,thrifty-dagger'),
    /the grid suite does not compare thrifty-dagger/,
  );
  assert.deepEqual(parseMethods('toy', 'aim, pvp,aim'), ['aim', 'pvp']);
  await assert.rejects(
    runBenchmark(['--suite', 'moon', '--out', 'x']),
    (e: Error) => e instanceof UsageError && /--suite must be one of toy, driving, grid/.test(e.message),
  );
  await assert.rejects(runBenchmark(['--suite', 'toy']), /--out DIR is required/);
});

test('a results folder of another configuration is refused untouched, naming the option', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-benchmark-'));
  try {
    ResultsFolder.open(dir, CONFIG, 'first');
    const manifest = readFileSync(path.join(dir, 'benchmark.json'), 'utf8');
    assert.throws(
      () => ResultsFolder.open(dir, { ...CONFIG, budget: 300 }, 'second'),
      (e: Error) => e instanceof UsageError && /--budget 200, not 300/.test(e.message),
    );
    assert.throws(
      () => ResultsFolder.open(dir, { ...CONFIG, preset: 'paper' }, 'second'),
      /--preset reference, not paper/,
    );
    assert.equal(readFileSync(path.join(dir, 'benchmark.json'), 'utf8'), manifest);
    // More seeds or methods continue the same benchmark.
    const grown = ResultsFolder.open(dir, { ...CONFIG, methods: ['bc'], seeds: 3 }, 'third');
    assert.deepEqual(grown.config.methods, ['pvp', 'aim', 'bc']);
    assert.equal(grown.config.seeds, 3);
    writeFileSync(path.join(dir, 'benchmark.json'), '{ not json');
    assert.throws(() => ResultsFolder.open(dir, CONFIG, 'fourth'), /not a benchmark manifest/);
    assert.equal(readFileSync(path.join(dir, 'benchmark.json'), 'utf8'), '{ not json');
    const other = mkdtempSync(path.join(tmpdir(), 'aim-other-'));
    writeFileSync(path.join(other, 'notes.txt'), 'mine');
    assert.throws(() => ResultsFolder.open(other, CONFIG, 'x'), /not empty and holds no benchmark\.json/);
    rmSync(other, { recursive: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a continued benchmark skips finished pairs, reruns the rest, and records a crashed run as failed', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-benchmark-'));
  const args = [
    '--suite',
    'toy',
    '--methods',
    'hg-dagger',
    '--seeds',
    '3',
    '--budget',
    '12',
    '--batch-size',
    '8',
    '--eval-every',
    '12',
    '--eval-episodes',
    '1',
    '--jobs',
    '2',
    '--out',
    dir,
    '--chromium',
    '/nonexistent',
  ];
  try {
    const config: BenchmarkConfig = {
      suite: 'toy',
      methods: ['hg-dagger'],
      seeds: 3,
      budget: 12,
      maxSteps: 120,
      evalEvery: 12,
      evalEpisodes: 1,
      batchSize: 8,
      preset: 'reference',
      warmup: 200,
    };
    const folder = ResultsFolder.open(dir, config, 'aim benchmark …');
    // Seed 0 finished before; seed 1 cannot open its database (a folder stands where the file goes).
    const finished = { ...run('pvp', 0, [point(12, 1, 0)]), method: 'hg-dagger' as const };
    folder.saveResult(finished);
    const before = statSync(folder.runFile('hg-dagger', 0)).mtimeMs;
    mkdirSync(path.join(folder.dbFile('hg-dagger', 1), 'blocker'), { recursive: true });
    const code = await runBenchmark(args);
    assert.equal(code, 1, 'a failed run makes the exit code 1');
    assert.equal(statSync(folder.runFile('hg-dagger', 0)).mtimeMs, before, 'seed 0 was not rerun');
    const results = benchmarkResultsSchema.parse(
      JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')),
    );
    const bySeed = new Map(results.runs.map((r) => [r.seed, r]));
    assert.equal(bySeed.get(0)?.wallSeconds, 1234);
    assert.equal(bySeed.get(1)?.status, 'failed');
    assert.match(bySeed.get(1)?.error ?? '', /its process exited \(code 1\): .*hg-dagger-seed1\.db/);
    const fresh = bySeed.get(2);
    assert.equal(fresh?.status, 'finished', fresh?.error ?? '');
    assert.equal(fresh?.metrics?.expertSteps, 12, 'HG-DAgger spends its budget in as many steps');
    assert.equal(fresh?.metrics?.totalSteps, 12);
    assert.deepEqual(
      fresh?.evaluations.map((e) => e.expertSteps),
      [12],
    );
    assert.match(readFileSync(path.join(dir, 'table.md'), 'utf8'), /HG-DAgger seed 1: /);
    assert.match(readFileSync(path.join(dir, 'success.svg'), 'utf8'), /<polyline /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the core opens a results folder only with valid results, saying what is wrong otherwise', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-benchmark-'));
  try {
    assert.throws(() => openBenchmarkFolder(dir), /holds no results\.json/);
    writeFileSync(path.join(dir, 'results.json'), '{ half');
    assert.throws(() => openBenchmarkFolder(dir), /is not JSON/);
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ ...FIXTURE, runs: [{ method: 'aim' }] }));
    assert.throws(() => openBenchmarkFolder(dir), /not benchmark results this version can read \(runs\.0\./);
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(FIXTURE));
    const opened = openBenchmarkFolder(dir);
    assert.equal(opened.folder, dir);
    assert.deepEqual(opened.runs, FIXTURE.runs);
    assert.equal(tableRows(opened)[1].cells[5], '0.75 ± 0.35', 'the view’s rows are the table’s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each suite’s runs are sessions as its environment sets them: the grid’s discrete preset, to 2,000 total steps', () => {
  const session = (argv: string[], method: 'aim' | 'pvp' = 'aim') => {
    const config = configFrom(parseFlags(benchmarkCommand, argv));
    return {
      config,
      session: runSessionConfig({ config, method, seed: 0, dbPath: 'x.db', backend: 'auto' }),
    };
  };
  const grid = session(['--suite', 'grid']);
  assert.deepEqual(
    [grid.config.budget, grid.config.maxSteps, grid.config.batchSize],
    [2000, 2000, 200],
    'the budget in total steps; 100 samples from each buffer',
  );
  assert.deepEqual([grid.session.env, grid.session.warmup, grid.session.delta], ['grid', 400, 0.1]);
  const paper = session(['--suite', 'grid', '--preset', 'paper'], 'pvp');
  assert.deepEqual([paper.session.method, paper.session.warmup, paper.session.delta], ['pvp', 100, 0.05]);
  const toy = session(['--suite', 'toy', '--batch-size', '64']);
  assert.deepEqual(
    [toy.config.maxSteps, toy.config.batchSize, toy.session.warmup, toy.session.delta],
    [6000, 64, 200, 0.05],
  );
});
