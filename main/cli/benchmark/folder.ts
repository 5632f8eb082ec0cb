// A benchmark's results folder:
//   benchmark.json           the configuration (and the command) the folder's runs were made with
//   runs/<method>-seed<k>.json   one finished or failed run (written when the run ends)
//   runs/<method>-seed<k>.db     that run's recorded session (not committed with results)
//   results.json, table.md, figures   written from the runs after every benchmark invocation
// A folder holds one configuration: resuming with different options is refused, naming the option.
// Methods and seeds may grow (a run depends only on its own method and seed and the options).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BENCHMARK_FORMAT,
  benchmarkConfigSchema,
  runResultSchema,
  type BenchmarkConfig,
  type RunResult,
} from '../../contract/benchmark.ts';
import type { Method } from '../../contract/session-config.ts';
import { z } from 'zod';
import { UsageError } from '../args.ts';

const manifestSchema = z
  .object({ format: z.literal(BENCHMARK_FORMAT), command: z.string(), config: benchmarkConfigSchema })
  .strict();

/** The flag each configuration field comes from, to name it when a folder is refused. */
const FLAG_OF: Record<keyof BenchmarkConfig, string> = {
  suite: '--suite',
  methods: '--methods',
  seeds: '--seeds',
  budget: '--budget',
  maxSteps: '--max-steps',
  evalEvery: '--eval-every',
  evalEpisodes: '--eval-episodes',
  batchSize: '--batch-size',
  preset: '--preset',
  warmup: '--warmup',
};

export function runName(method: Method, seed: number): string {
  return `${method}-seed${seed}`;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

export class ResultsFolder {
  readonly dir: string;
  readonly config: BenchmarkConfig;

  private constructor(dir: string, config: BenchmarkConfig) {
    this.dir = dir;
    this.config = config;
  }

  /**
   * Opens `dir` for `config`: a new or empty folder is started; a folder of the same configuration
   * continues (its methods and seeds grow to include the new ones); anything else is refused untouched.
   */
  static open(dir: string, config: BenchmarkConfig, command: string): ResultsFolder {
    const manifest = path.join(dir, 'benchmark.json');
    if (existsSync(manifest)) {
      let stored: BenchmarkConfig;
      try {
        stored = manifestSchema.parse(JSON.parse(readFileSync(manifest, 'utf8'))).config;
      } catch (error) {
        throw new UsageError(
          `${manifest} is not a benchmark manifest this version can read (${firstLine(error)}); nothing was changed`,
        );
      }
      for (const key of Object.keys(FLAG_OF) as Array<keyof BenchmarkConfig>) {
        if (key === 'methods' || key === 'seeds') continue;
        if (stored[key] !== config[key])
          throw new UsageError(
            `${dir} holds a benchmark with ${FLAG_OF[key]} ${String(stored[key])}, not ${String(config[key])}: give the same options to continue it, or another --out`,
          );
      }
      const merged: BenchmarkConfig = {
        ...config,
        methods: [...new Set([...stored.methods, ...config.methods])],
        seeds: Math.max(stored.seeds, config.seeds),
      };
      writeFileAtomic(
        manifest,
        `${JSON.stringify({ format: BENCHMARK_FORMAT, command, config: merged }, null, 2)}\n`,
      );
      return new ResultsFolder(dir, merged);
    }
    if (existsSync(dir) && readdirSync(dir).length > 0)
      throw new UsageError(`${dir} is not empty and holds no benchmark.json: choose an empty or new --out`);
    mkdirSync(path.join(dir, 'runs'), { recursive: true });
    writeFileAtomic(manifest, `${JSON.stringify({ format: BENCHMARK_FORMAT, command, config }, null, 2)}\n`);
    return new ResultsFolder(dir, config);
  }

  runFile(method: Method, seed: number): string {
    return path.join(this.dir, 'runs', `${runName(method, seed)}.json`);
  }

  dbFile(method: Method, seed: number): string {
    return path.join(this.dir, 'runs', `${runName(method, seed)}.db`);
  }

  /** The recorded result of a run, or null if it never ended (or its file is unreadable). */
  result(method: Method, seed: number): RunResult | null {
    const file = this.runFile(method, seed);
    if (!existsSync(file)) return null;
    try {
      return runResultSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      return null;
    }
  }

  saveResult(result: RunResult): void {
    mkdirSync(path.join(this.dir, 'runs'), { recursive: true });
    writeFileAtomic(this.runFile(result.method, result.seed), `${JSON.stringify(result, null, 2)}\n`);
  }

  /** Every (method, seed) pair of the configuration, in table order then seed order. */
  pairs(methods: readonly Method[] = this.config.methods): Array<{ method: Method; seed: number }> {
    return methods.flatMap((method) =>
      Array.from({ length: this.config.seeds }, (_, seed) => ({ method, seed })),
    );
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
