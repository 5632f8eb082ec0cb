// `aim benchmark`: the paper's comparison with one command. Every (method, seed) pair runs as a real
// headless session in its own worker process, several at once; a finished pair is never rerun, so
// an interrupted benchmark continues where it stopped; a run that crashes is recorded as failed
// with its error and the others go on. The folder then gets results.json, the table and the curves.
import { fork } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BENCHMARK_FORMAT,
  SUITES,
  type BenchmarkConfig,
  type BenchmarkResults,
  type RunResult,
  type Suite,
} from '../../contract/benchmark.ts';
import { BACKENDS, PRESETS, type Preset } from '../../contract/session-config.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import type { ChildMessage } from '../benchmark/child.ts';
import { curveSvg, renderPngs } from '../benchmark/figures.ts';
import { ResultsFolder, runName, writeFileAtomic } from '../benchmark/folder.ts';
import type { RunSpec } from '../benchmark/run.ts';
import { parseMethods, suiteSpec } from '../benchmark/suites.ts';
import { resultsTable } from '../benchmark/table.ts';
import { createProgress } from '../progress.ts';

export const benchmarkCommand = {
  name: 'benchmark',
  summary: "run the paper's comparison: every method × seed as a headless session; table and curves",
  usage:
    'aim benchmark --suite toy|driving|grid --out DIR [--methods a,b,…] [--seeds K] [--budget N] [--jobs J] …',
  flags: {
    suite: {
      type: 'string',
      choices: SUITES,
      description: 'Which comparison: the environment and its methods.',
    },
    out: {
      type: 'string',
      placeholder: 'DIR',
      description: 'Results folder (created; an existing one is continued).',
    },
    methods: {
      type: 'string',
      placeholder: 'a,b,…',
      description: 'Comma-separated methods (default: all the suite compares).',
    },
    seeds: {
      type: 'integer',
      placeholder: 'K',
      min: 1,
      max: 100,
      description: 'Seeds 0…K−1 per method (suite default: 3 toy, 5 driving).',
    },
    budget: {
      type: 'integer',
      min: 1,
      max: 10_000_000,
      description: 'Expert-involved steps per run (suite default: 600 toy, 2500 driving, 2000 grid).',
    },
    'max-steps': {
      type: 'integer',
      min: 1,
      max: 100_000_000,
      description:
        'Total steps at which a run stops even if it has not spent its budget (default 10 × budget; grid: the budget, as total steps).',
    },
    'eval-every': {
      type: 'integer',
      min: 1,
      max: 10_000_000,
      description: 'Evaluate every N expert-involved steps (suite default: 100 toy, 250 driving).',
    },
    'eval-episodes': {
      type: 'integer',
      min: 1,
      max: 1000,
      description: 'Held-out episodes per evaluation (suite default: 1 toy, 50 driving).',
    },
    'batch-size': {
      type: 'integer',
      min: 1,
      max: 65_536,
      description: 'Gradient batch size (suite default: 1024; grid 200, half from each buffer).',
    },
    preset: { type: 'string', choices: PRESETS, default: 'reference', description: "AIM's knob preset." },
    warmup: {
      type: 'integer',
      min: 10,
      max: 1_000_000,
      description:
        'Warm-up steps of the robot-gated methods (the expert drives; suite default 200, grid the preset’s: 400 reference, 100 paper).',
    },
    jobs: {
      type: 'integer',
      min: 1,
      max: 256,
      description: 'Runs at once, each in its own process (default: one per core).',
    },
    backend: {
      type: 'string',
      choices: BACKENDS,
      default: 'auto',
      description: 'TF.js backend of every run.',
    },
    chromium: {
      type: 'string',
      placeholder: 'PATH',
      description: 'Chromium for the PNG figures (default $AIM_CHROMIUM or /usr/bin/chromium).',
    },
    json: { type: 'boolean', description: 'Print one JSON summary object as the last line of output.' },
  },
  examples: [
    'aim benchmark --suite toy --seeds 3 --budget 600 --out results/toy',
    'aim benchmark --suite driving --methods aim,pvp --seeds 5 --budget 2500 --out results/driving --jobs 2',
  ],
} satisfies CommandSpec;

const CHILD = fileURLToPath(new URL('../benchmark/child.ts', import.meta.url));

type Flags = ReturnType<typeof parseFlags<typeof benchmarkCommand.flags>>;

/** The benchmark's configuration: the flags given, the suite's defaults for the rest. */
export function configFrom(flags: Flags): BenchmarkConfig {
  if (flags.suite === undefined) throw new UsageError('--suite is required (toy, driving or grid)');
  const suite = flags.suite as Suite;
  const spec = suiteSpec(suite);
  const budget = flags.budget ?? spec.budget;
  return {
    suite,
    methods: parseMethods(suite, flags.methods),
    seeds: flags.seeds ?? spec.seeds,
    budget,
    maxSteps: flags['max-steps'] ?? spec.maxStepsPerBudget * budget,
    evalEvery: flags['eval-every'] ?? spec.evalEvery,
    evalEpisodes: flags['eval-episodes'] ?? spec.evalEpisodes,
    batchSize: flags['batch-size'] ?? spec.batchSize,
    preset: flags.preset,
    warmup: flags.warmup ?? spec.warmup[flags.preset as Preset],
  };
}

/** Runs one pair in a child process; resolves with its result, a failed one if the process died. */
function runChild(
  spec: RunSpec,
  resultFile: string,
  readResult: () => RunResult | null,
  onProgress: (expertSteps: number) => void,
  children: Set<ReturnType<typeof fork>>,
): Promise<RunResult> {
  const started = performance.now();
  rmSync(resultFile, { force: true });
  return new Promise((resolve) => {
    const child = fork(CHILD, [JSON.stringify(spec), resultFile], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') onProgress(message.progress.expertSteps);
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      const written = readResult();
      if (written) return resolve(written);
      const lastLine =
        stderr
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('    at '))
          .pop() ?? '';
      resolve({
        method: spec.method,
        seed: spec.seed,
        status: 'failed',
        error: `its process exited (${signal ?? `code ${code}`})${lastLine ? `: ${lastLine}` : ''}`,
        backend: null,
        wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        metrics: null,
        evaluations: [],
      });
    });
  });
}

/** results.json, table.md and the figures, from every pair's recorded result. */
export async function writeOutputs(
  folder: ResultsFolder,
  command: string,
  chromium: string,
): Promise<{ results: BenchmarkResults; pngSkipped: string | null }> {
  const runs = folder
    .pairs()
    .map(({ method, seed }) => folder.result(method, seed))
    .filter((run): run is RunResult => run !== null);
  const results: BenchmarkResults = { format: BENCHMARK_FORMAT, command, config: folder.config, runs };
  writeFileAtomic(path.join(folder.dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(path.join(folder.dir, 'table.md'), resultsTable(results));
  const figures = (['successRate', 'crashRate'] as const).map((metric) => {
    const stem = path.resolve(folder.dir, metric === 'successRate' ? 'success' : 'crash-rate');
    writeFileSync(`${stem}.svg`, curveSvg(results, metric));
    return { svg: `${stem}.svg`, png: `${stem}.png`, width: 720, height: 440 };
  });
  const pngSkipped = await renderPngs(figures, chromium);
  return { results, pngSkipped };
}

export async function runBenchmark(argv: string[]): Promise<number> {
  const flags = parseFlags(benchmarkCommand, argv);
  if (flags.out === undefined) throw new UsageError('--out DIR is required');
  const config = configFrom(flags);
  const command = `aim benchmark ${argv.join(' ')}`;
  const folder = ResultsFolder.open(path.resolve(flags.out), config, command);
  const chromium = flags.chromium ?? process.env.AIM_CHROMIUM ?? '/usr/bin/chromium';
  const jobs = flags.jobs ?? os.availableParallelism();
  const pairs = folder.pairs();
  const todo = pairs.filter(({ method, seed }) => folder.result(method, seed)?.status !== 'finished');
  const budget = folder.config.budget;
  process.stderr.write(
    `aim benchmark: ${folder.config.suite} suite, ${pairs.length} runs (${pairs.length - todo.length} finished before, ${todo.length} to run, ${jobs} at once) into ${folder.dir}\n`,
  );

  const spent = new Map(pairs.map(({ method, seed }) => [runName(method, seed), 0]));
  for (const { method, seed } of pairs)
    if (!todo.some((p) => p.method === method && p.seed === seed)) spent.set(runName(method, seed), budget);
  let finished = 0;
  let failed = 0;
  const progress = createProgress('benchmark', pairs.length * budget);
  const report = () => {
    const done = [...spent.values()].reduce((a, b) => a + Math.min(b, budget), 0);
    const running = children.size;
    progress.update(done, `${finished} finished, ${failed} failed, ${running} running of ${todo.length}`);
  };

  const children = new Set<ReturnType<typeof fork>>();
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    for (const child of children) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Seed by seed, so an early look (or an interruption) already has every method side by side.
  const queue = [...todo].sort((a, b) => a.seed - b.seed);
  const worker = async () => {
    for (let next = queue.shift(); next && !interrupted; next = queue.shift()) {
      const { method, seed } = next;
      const name = runName(method, seed);
      const spec: RunSpec = {
        config: folder.config,
        method,
        seed,
        dbPath: folder.dbFile(method, seed),
        backend: flags.backend as RunSpec['backend'],
      };
      const result = await runChild(
        spec,
        folder.runFile(method, seed),
        () => folder.result(method, seed),
        (expertSteps) => {
          spent.set(name, expertSteps);
          report();
        },
        children,
      );
      if (interrupted && result.status === 'failed') break;
      folder.saveResult(result);
      spent.set(name, budget);
      if (result.status === 'finished') finished++;
      else {
        failed++;
        process.stderr.write(`\n${name} failed: ${result.error}\n`);
      }
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, todo.length)) }, worker));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  progress.finish(`${finished} finished, ${failed} failed${interrupted ? ', interrupted' : ''}`);

  const { results, pngSkipped } = await writeOutputs(folder, command, chromium);
  if (pngSkipped) process.stderr.write(`aim benchmark: PNG figures not made: ${pngSkipped}\n`);
  const table = resultsTable(results);
  if (flags.json)
    process.stdout.write(
      `${JSON.stringify({
        out: folder.dir,
        config: folder.config,
        runs: results.runs.length,
        finished: results.runs.filter((r) => r.status === 'finished').length,
        failed: results.runs.filter((r) => r.status === 'failed').length,
        interrupted,
        pngSkipped,
      })}\n`,
    );
  else process.stdout.write(table);
  if (interrupted) return 130;
  return results.runs.some((r) => r.status === 'failed') ? 1 : 0;
}
