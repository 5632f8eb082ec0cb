// One-off, run from the repository root with `node results/issue-6/grid/combined/combine.ts`: the grid
// suite's results with AIM seeds 1 and 2 taken from issue #5's runs of the same configuration.
import { readFileSync, writeFileSync } from 'node:fs';
import { benchmarkResultsSchema } from '../../../../main/contract/benchmark.ts';
import { curveSvg } from '../../../../main/cli/benchmark/figures.ts';
import { resultsTable } from '../../../../main/cli/benchmark/table.ts';
const dir = 'results/issue-6/grid';
const suite = JSON.parse(readFileSync(`${dir}/results.json`, 'utf8'));
const grid5 = JSON.parse(readFileSync('results/issue-5/grid-reference.json', 'utf8'));
const adopted = grid5.runs.filter((r: { seed: number }) => r.seed === 1 || r.seed === 2);
const runs = [...suite.runs.filter((r: { method: string; seed: number }) => !(r.method === 'aim' && r.seed === 1)), ...adopted];
const results = benchmarkResultsSchema.parse({
  ...suite,
  command: `${suite.command}  +  AIM seeds 1 and 2 from results/issue-5/grid-reference.json (aim train --env grid --preset reference --seed S --eval-every 50)`,
  runs,
});
writeFileSync(`${dir}/combined/results.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${dir}/combined/table.md`, resultsTable(results));
writeFileSync(`${dir}/combined/success.svg`, curveSvg(results, 'successRate'));
writeFileSync(`${dir}/combined/crash-rate.svg`, curveSvg(results, 'crashRate'));
