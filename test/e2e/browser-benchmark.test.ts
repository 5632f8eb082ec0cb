// The workstation's benchmark results view, in browser mode with the real core: Chromium opens a
// results folder (as aim benchmark writes it) and sees the paper's table and both learning curves;
// a folder without results says why in the dialog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCHMARK_FORMAT, type BenchmarkResults, type RunResult } from '../../main/contract/benchmark.ts';
import { Workstation } from '../../main/session/workstation.ts';
import { chromiumSkipReason, launchChromium, openPage, screenshot } from './helpers/browser.ts';
import { serveBrowserMode, tempDir } from './helpers/browser-mode.ts';

function run(method: RunResult['method'], seed: number, success: readonly number[]): RunResult {
  return {
    method,
    seed,
    status: 'finished',
    error: null,
    backend: 'wasm',
    wallSeconds: 10,
    metrics: {
      totalSteps: 400,
      expertSteps: 200,
      expertData: 80,
      expertDataRatio: 0.2,
      takeovers: 4,
      controlSwitches: 8,
      episodes: 3,
    },
    evaluations: success.map((successRate, k) => ({
      expertSteps: 100 * (k + 1),
      totalSteps: 200 * (k + 1),
      successRate,
      meanReturn: 300 * successRate,
      routeCompletion: successRate,
      crashRate: 1 - successRate,
      outOfRoadRate: 0,
      meanCost: 1 - successRate,
    })),
  };
}

const RESULTS: BenchmarkResults = {
  format: BENCHMARK_FORMAT,
  command: 'aim benchmark --suite toy --seeds 2 --budget 200',
  config: {
    suite: 'toy',
    methods: ['pvp', 'aim'],
    seeds: 2,
    budget: 200,
    maxSteps: 2000,
    evalEvery: 100,
    evalEpisodes: 1,
    batchSize: 64,
    preset: 'reference',
    warmup: 100,
  },
  runs: [
    run('aim', 0, [0.5, 1]),
    run('aim', 1, [0, 0.5]),
    run('pvp', 0, [0, 0.25]),
    run('pvp', 1, [0, 0.25]),
  ],
};

test(
  'the results view opens a benchmark folder and shows its table and curves',
  { skip: chromiumSkipReason(), timeout: 300_000 },
  async (t) => {
    const scratch = tempDir('aim-benchmark-view-');
    t.after(() => scratch.remove());
    const folder = path.join(scratch.dir, 'toy');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'results.json'), JSON.stringify(RESULTS));
    const core = Workstation.open({ dbPath: path.join(scratch.dir, 'aim.db'), host: 'browser' });
    t.after(() => core.close());
    const server = await serveBrowserMode(core);
    t.after(() => server.close());
    const browser = await launchChromium();
    t.after(() => browser.close());
    const { page, errors } = await openPage(browser, server.url);

    await page.getByTestId('benchmark-button').click();
    await page.getByTestId('benchmark-folder-input').fill(scratch.dir);
    await page.getByTestId('benchmark-open').click();
    await page.getByTestId('benchmark-error').waitFor();
    assert.match((await page.getByTestId('benchmark-error').textContent()) ?? '', /holds no results\.json/);

    await page.getByTestId('benchmark-folder-input').fill(folder);
    await page.getByTestId('benchmark-open').click();
    await page.getByTestId('benchmark-table').waitFor();
    assert.equal(await page.getByTestId('benchmark-error').count(), 0);
    const aim = await page.getByTestId('benchmark-row-aim').innerText();
    assert.match(aim, /AIM\s+✓\s+80 \(0\.20\)\s+400\s+200\s+0\.75 ± 0\.35/);
    assert.match(await page.getByTestId('benchmark-row-pvp').innerText(), /PVP\s+✗/);
    for (const metric of ['successRate', 'crashRate']) {
      const chart = page.getByTestId(`benchmark-chart-${metric}`);
      assert.equal(await chart.locator('polyline').count(), 2, `${metric}: one line per method`);
      assert.equal(await chart.getByTestId('benchmark-curve-aim').getAttribute('data-points'), '2');
    }
    await screenshot(page, 'benchmark-results');
    assert.deepEqual(errors, []);
  },
);
