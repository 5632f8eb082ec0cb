// One method's result curve over several training runs (seeds) recorded by `aim train`: the runs'
// evaluations gathered as a benchmark's results (the format aim benchmark writes, so the
// workstation's results view opens them too), and drawn as the benchmark draws its curves — success
// rate against expert-involved steps, the mean over seeds with a band of ± one standard deviation —
// with the benchmark's table beside them. Usage:
//   node scripts/seed-curve.ts --out DIR --name NAME FILE:SESSION [FILE:SESSION …]
// writes DIR/NAME.json, DIR/NAME-success.svg and DIR/NAME-table.txt.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCHMARK_FORMAT,
  benchmarkResultsSchema,
  type BenchmarkResults,
  type RunResult,
} from '../main/contract/benchmark.ts';
import { curveSvg } from '../main/cli/benchmark/figures.ts';
import { evaluationPoint } from '../main/cli/benchmark/run.ts';
import { resultsTable } from '../main/cli/benchmark/table.ts';
import { openDatabase } from '../main/store/database.ts';
import type { SessionRow } from '../main/store/records.ts';

interface Run {
  session: SessionRow;
  result: RunResult;
}

/** A recorded session as a benchmark run: its evaluations and the training metrics of §7. */
function readRun(spec: string): Run {
  const match = /^(.+):(\d+)$/.exec(spec);
  if (!match) throw new Error(`"${spec}" is not FILE:SESSION`);
  const db = openDatabase(path.resolve(match[1]), { readonly: true });
  try {
    const id = Number(match[2]);
    const session = db.getSession(id);
    if (!session) throw new Error(`session ${id} does not exist in ${match[1]}`);
    const steps = db.steps(id);
    let expertData = 0;
    let controlSwitches = 0;
    steps.forEach((step, i) => {
      const expert = step.mode !== 'robot';
      if (expert) expertData++;
      const previous = steps[i - 1];
      if (previous?.episode === step.episode && (previous.mode !== 'robot') !== expert) controlSwitches++;
    });
    const finished = session.status === 'finished';
    return {
      session,
      result: {
        method: session.config.method,
        seed: session.config.seed,
        status: finished ? 'finished' : 'failed',
        error: finished ? null : `session ${id} in ${match[1]} is ${session.status}`,
        backend: session.backend,
        wallSeconds:
          session.endedAt === null ? 0 : (Date.parse(session.endedAt) - Date.parse(session.startedAt)) / 1000,
        metrics: {
          totalSteps: session.steps,
          expertSteps: session.expertSteps,
          expertData,
          expertDataRatio: session.steps > 0 ? expertData / session.steps : 0,
          takeovers: session.takeovers,
          controlSwitches,
          episodes: session.episodes,
        },
        evaluations: db.evaluations(id).map(evaluationPoint),
      },
    };
  } finally {
    db.close();
  }
}

/** The runs as one benchmark's results; they must share the environment, method and preset. */
function seedResults(runs: readonly Run[], command: string): BenchmarkResults {
  const [first] = runs;
  const { config } = first.session;
  for (const { session } of runs)
    for (const key of ['env', 'method', 'preset'] as const)
      if (session.config[key] !== config[key])
        throw new Error(
          `session ${session.id} has ${key} ${session.config[key]}, session ${first.session.id} ${config[key]}: a curve over seeds compares one configuration`,
        );
  return benchmarkResultsSchema.parse({
    format: BENCHMARK_FORMAT,
    command,
    config: {
      suite: config.env,
      methods: [config.method],
      seeds: runs.length,
      budget: Math.max(...runs.map((run) => run.session.expertSteps)),
      maxSteps: config.steps,
      evalEvery: config.evalEvery,
      evalEpisodes: config.evalEpisodes,
      batchSize: config.batchSize,
      preset: config.preset,
      warmup: config.warmup,
    },
    runs: runs.map((run) => run.result),
  });
}

function main(): number {
  const { values, positionals } = parseArgs({
    options: { out: { type: 'string' }, name: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.out || !values.name || positionals.length === 0) {
    console.error('usage: node scripts/seed-curve.ts --out DIR --name NAME FILE:SESSION [FILE:SESSION …]');
    return 2;
  }
  let results: BenchmarkResults;
  try {
    const command = ['node scripts/seed-curve.ts', ...process.argv.slice(2)].join(' ');
    results = seedResults(positionals.map(readRun), command);
  } catch (error) {
    console.error(`seed-curve: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const out = path.resolve(values.out);
  mkdirSync(out, { recursive: true });
  const file = (suffix: string) => path.join(out, `${values.name}${suffix}`);
  writeFileSync(file('.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(file('-success.svg'), curveSvg(results, 'successRate'));
  writeFileSync(file('-table.txt'), resultsTable(results));
  console.log(`wrote ${values.name}.json, ${values.name}-success.svg and ${values.name}-table.txt in ${out}`);
  return 0;
}

if (import.meta.main) process.exitCode = main();
