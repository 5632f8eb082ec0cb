// scripts/seed-curve.ts on recorded sessions in real SQLite files: runs of one configuration over
// seeds become one benchmark's results (the mean ± std curve, the table), and runs of different
// configurations are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkResultsSchema } from '../../main/contract/benchmark.ts';
import { sessionConfigSchema } from '../../main/contract/session-config.ts';
import { openDatabase } from '../../main/store/database.ts';
import { tempDir } from '../../main/store/test-support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts', 'seed-curve.ts');

/** A finished grid session of this seed whose evaluations scored these success rates at 50, 100, … */
function recordRun(file: string, seed: number, success: number[], preset = 'reference'): void {
  const db = openDatabase(file);
  try {
    const config = sessionConfigSchema.parse({ env: 'grid', seed, preset, steps: 300, evalEvery: 50 });
    const id = db.createSession({ config, backend: 'wasm', appVersion: 'test', host: 'cli', pid: 1 });
    success.forEach((successRate, k) =>
      db.saveEvaluation(id, {
        step: 100 * (k + 1),
        expertSteps: 50 * (k + 1),
        episodes: 50,
        successRate,
        meanReturn: successRate / 2,
        routeCompletion: successRate,
        crashRate: 0,
        outOfRoadRate: 0,
        meanCost: 0,
      }),
    );
    db.finishSession(id, {
      status: 'finished',
      message: null,
      steps: 300,
      episodes: 4,
      expertSteps: 50 * success.length,
      takeovers: 3,
      successRate: 0.5,
    });
  } finally {
    db.close();
  }
}

test('seed-curve: three seeds of one configuration as a benchmark’s results, curve and table', () => {
  const dir = tempDir();
  const files = [0, 1, 2].map((seed) => path.join(dir, `grid-ref-${seed}.db`));
  recordRun(files[0], 0, [0.2, 0.6]);
  recordRun(files[1], 1, [0.4, 0.8]);
  recordRun(files[2], 2, [0.0, 0.7]);
  const run = spawnSync(
    process.execPath,
    [script, '--out', dir, '--name', 'grid-reference', ...files.map((f) => `${f}:1`)],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const results = benchmarkResultsSchema.parse(
    JSON.parse(readFileSync(path.join(dir, 'grid-reference.json'), 'utf8')),
  );
  assert.deepEqual(
    [results.config.suite, results.config.methods, results.config.seeds, results.config.budget],
    ['grid', ['aim'], 3, 100],
  );
  assert.deepEqual(
    results.runs.map((r) => [r.seed, r.evaluations.map((e) => e.successRate)]),
    [
      [0, [0.2, 0.6]],
      [1, [0.4, 0.8]],
      [2, [0, 0.7]],
    ],
  );
  assert.match(results.command, /^node scripts\/seed-curve\.ts --out /);
  const svg = readFileSync(path.join(dir, 'grid-reference-success.svg'), 'utf8');
  assert.match(svg, /mean ± std over 3 seeds/);
  assert.equal((svg.match(/<polygon /g) ?? []).length, 1, 'one band for the one method');
  // The table reports the mean final success over the seeds: (0.6 + 0.8 + 0.7) / 3.
  assert.match(readFileSync(path.join(dir, 'grid-reference-table.txt'), 'utf8'), /0\.70/);
});

test('seed-curve refuses runs of different configurations, and a missing session, in one line', () => {
  const dir = tempDir();
  recordRun(path.join(dir, 'a.db'), 0, [0.5]);
  recordRun(path.join(dir, 'b.db'), 1, [0.5], 'paper');
  const mixed = spawnSync(
    process.execPath,
    [script, '--out', dir, '--name', 'x', `${dir}/a.db:1`, `${dir}/b.db:1`],
    { encoding: 'utf8' },
  );
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr.trim(), /^seed-curve: session 1 has preset paper, session 1 reference/);
  const missing = spawnSync(process.execPath, [script, '--out', dir, '--name', 'x', `${dir}/a.db:9`], {
    encoding: 'utf8',
  });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /session 9 does not exist/);
});
