// The paper's results table (aim-algorithm.md §8) from a benchmark's runs: per method, the mean ±
// standard deviation over seeds of each finished run's last evaluation (at the budget), its expert
// data (and its share of all data) and its total data. Failed runs are counted and named.
import { robotGated, type BenchmarkResults, type RunResult } from '../../contract/benchmark.ts';
import type { Method } from '../../contract/session-config.ts';

/** Mean and sample standard deviation (0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

/** Step counts as the paper writes them: 1.9K, 740. */
export function steps(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)}K` : String(Math.round(value));
}

function pm(values: readonly number[], digits: number): string {
  const { mean, std } = meanStd(values);
  return Number.isNaN(mean) ? '–' : `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

const METHOD_NAMES: Record<Method, string> = {
  bc: 'BC',
  'hg-dagger': 'HG-DAgger',
  pvp: 'PVP',
  'ensemble-dagger': 'Ensemble-DAgger',
  'thrifty-dagger': 'Thrifty-DAgger',
  aim: 'AIM',
};

export function methodName(method: Method): string {
  return METHOD_NAMES[method];
}

export function resultsTable(results: BenchmarkResults): string {
  const { config } = results;
  const header = [
    'Method',
    'Robot-gated',
    'Expert data (ratio)',
    'Total data',
    'Expert-involved',
    'Test success',
    'Test return',
    'Test route completion',
    'Test crash rate',
    'Test safety cost',
    'Seeds',
  ];
  const rows = config.methods.map((method) => {
    const runs = results.runs.filter((run) => run.method === method);
    const done = runs.filter(
      (run): run is RunResult & { metrics: NonNullable<RunResult['metrics']> } =>
        run.status === 'finished' && run.metrics !== null && run.evaluations.length > 0,
    );
    const failed = runs.filter((run) => run.status === 'failed');
    const last = done.map((run) => run.evaluations[run.evaluations.length - 1]);
    const gated = robotGated(method);
    const expertData = meanStd(done.map((run) => run.metrics.expertData)).mean;
    const ratio = meanStd(done.map((run) => run.metrics.expertDataRatio)).mean;
    const seeds =
      failed.length > 0
        ? `${done.length}/${config.seeds} (failed: ${failed.map((run) => `seed ${run.seed}`).join(', ')})`
        : `${done.length}/${config.seeds}`;
    return [
      method === 'aim' ? '**AIM**' : methodName(method),
      gated === null ? '–' : gated ? '✓' : '✗',
      done.length > 0 ? `${steps(expertData)} (${ratio.toFixed(2)})` : '–',
      done.length > 0 ? steps(meanStd(done.map((run) => run.metrics.totalSteps)).mean) : '–',
      done.length > 0 ? steps(meanStd(done.map((run) => run.metrics.expertSteps)).mean) : '–',
      pm(
        last.map((e) => e.successRate),
        2,
      ),
      pm(
        last.map((e) => e.meanReturn),
        1,
      ),
      pm(
        last.map((e) => e.routeCompletion),
        2,
      ),
      pm(
        last.map((e) => e.crashRate),
        2,
      ),
      pm(
        last.map((e) => e.meanCost),
        2,
      ),
      seeds,
    ];
  });
  const failures = results.runs.filter((run) => run.status === 'failed');
  const lines = [
    `Suite **${config.suite}**, budget ${config.budget} expert-involved steps (at most ${config.maxSteps} total steps), ${config.seeds} seeds, ${config.evalEpisodes} evaluation episodes per point, preset ${config.preset}, batch ${config.batchSize}. Mean ± standard deviation over the finished seeds of each run's last evaluation.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  if (failures.length > 0)
    lines.push(
      '',
      'Failed runs:',
      ...failures.map(
        (run) => `- ${methodName(run.method)} seed ${run.seed}: ${run.error ?? 'no error recorded'}`,
      ),
    );
  return `${lines.join('\n')}\n`;
}
