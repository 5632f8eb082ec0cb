// The paper's results table (aim-algorithm.md §8) as markdown, from the rows the contract computes
// (the workstation's results view shows the same rows).
import { TABLE_HEADER, methodName, tableRows, type BenchmarkResults } from '../../contract/benchmark.ts';

export function resultsTable(results: BenchmarkResults): string {
  const { config } = results;
  const rows = tableRows(results).map(({ method, cells }) =>
    method === 'aim' ? [`**${cells[0]}**`, ...cells.slice(1)] : cells,
  );
  const failures = results.runs.filter((run) => run.status === 'failed');
  const lines = [
    `Suite **${config.suite}**, budget ${config.budget} expert-involved steps (at most ${config.maxSteps} total steps), ${config.seeds} seeds, ${config.evalEpisodes} evaluation episodes per point, preset ${config.preset}, batch ${config.batchSize}. Mean ± standard deviation over the finished seeds of each run's last evaluation.`,
    '',
    `| ${TABLE_HEADER.join(' | ')} |`,
    `| ${TABLE_HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  lines.push(
    '',
    '| Method | Runs | Wall time per run (s, mean / max) | CPU time per run (s, mean) |',
    '| --- | --- | --- | --- |',
    ...config.methods.map((method) => {
      const runs = results.runs.filter((run) => run.method === method && run.status === 'finished');
      const wall = runs.map((run) => run.wallSeconds);
      const cpu = runs.flatMap((run) => (run.cpuSeconds === undefined ? [] : [run.cpuSeconds]));
      const mean = (values: number[]) =>
        values.length > 0 ? (values.reduce((a, b) => a + b, 0) / values.length).toFixed(0) : '–';
      return `| ${methodName(method)} | ${runs.length} | ${mean(wall)} / ${wall.length > 0 ? Math.max(...wall).toFixed(0) : '–'} | ${mean(cpu)} |`;
    }),
  );
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
