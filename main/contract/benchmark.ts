// A benchmark's results (aim benchmark → DIR/results.json): the configuration it ran with, and for
// every (method, seed) run how it ended, its training metrics (aim-algorithm.md §7) and every
// evaluation point. Validated wherever it is read (the CLI's resume, the workstation's results view).
import { z } from 'zod';
import { METHODS, type Method } from './session-config.ts';

export const BENCHMARK_FORMAT = 'aim-benchmark/1';

export const SUITES = ['toy', 'driving', 'grid'] as const;
export type Suite = (typeof SUITES)[number];

/** Everything that decides what a run computes: a results folder holds runs of one configuration only. */
export const benchmarkConfigSchema = z
  .object({
    suite: z.enum(SUITES),
    methods: z.array(z.enum(METHODS)).min(1),
    seeds: z.number().int().min(1),
    /** Expert-involved steps per run (the x-axis of the paper's curves). */
    budget: z.number().int().min(1),
    /** A robot-gated run stops here in total steps even if it has not spent its budget. */
    maxSteps: z.number().int().min(1),
    evalEvery: z.number().int().min(1),
    evalEpisodes: z.number().int().min(1),
    batchSize: z.number().int().min(1),
    preset: z.string(),
    warmup: z.number().int().min(0),
  })
  .strict();
export type BenchmarkConfig = z.infer<typeof benchmarkConfigSchema>;

export const evaluationPointSchema = z
  .object({
    expertSteps: z.number().int().min(0),
    totalSteps: z.number().int().min(0),
    successRate: z.number(),
    meanReturn: z.number(),
    routeCompletion: z.number(),
    crashRate: z.number(),
    outOfRoadRate: z.number(),
    meanCost: z.number(),
  })
  .strict();
export type EvaluationPoint = z.infer<typeof evaluationPointSchema>;

/** Training-time metrics, the same for every method (aim-algorithm.md §7). */
export const runMetricsSchema = z
  .object({
    totalSteps: z.number().int().min(0),
    /** As §7 counts them for the method (the x-axis). */
    expertSteps: z.number().int().min(0),
    /** Expert-labelled transitions (steps the expert drove). */
    expertData: z.number().int().min(0),
    /** expertData / totalSteps. */
    expertDataRatio: z.number().min(0).max(1),
    takeovers: z.number().int().min(0),
    /** Hand-offs of control between robot and expert, either way. */
    controlSwitches: z.number().int().min(0),
    episodes: z.number().int().min(0),
  })
  .strict();
export type RunMetrics = z.infer<typeof runMetricsSchema>;

export const runResultSchema = z
  .object({
    method: z.enum(METHODS),
    seed: z.number().int().min(0),
    status: z.enum(['finished', 'failed']),
    /** Why a failed run failed. */
    error: z.string().nullable(),
    backend: z.string().nullable(),
    wallSeconds: z.number().min(0),
    /** CPU time of the run's process, its learner thread included (below wallSeconds where runs share cores). */
    cpuSeconds: z.number().min(0).optional(),
    metrics: runMetricsSchema.nullable(),
    evaluations: z.array(evaluationPointSchema),
  })
  .strict();
export type RunResult = z.infer<typeof runResultSchema>;

export const benchmarkResultsSchema = z
  .object({
    format: z.literal(BENCHMARK_FORMAT),
    command: z.string(),
    config: benchmarkConfigSchema,
    runs: z.array(runResultSchema),
  })
  .strict();
export type BenchmarkResults = z.infer<typeof benchmarkResultsSchema>;

/** Whether a method's gate is the robot's (the paper table's "Robot-gated" column); null for offline BC. */
export function robotGated(method: (typeof METHODS)[number]): boolean | null {
  if (method === 'bc') return null;
  return method === 'aim' || method.includes('ensemble') || method.includes('thrifty');
}

const corePath = z.string().min(1).max(4096);

export const benchmarkCommandSchemas = {
  /** Reads a benchmark's results folder (aim benchmark --out DIR): its results.json, checked. */
  'benchmark.open': z.object({ folder: corePath }).strict(),
} as const;

export interface BenchmarkResponses {
  'benchmark.open': BenchmarkResults & { folder: string };
}

const METHOD_NAMES: Record<Method, string> = {
  bc: 'BC',
  'hg-dagger': 'HG-DAgger',
  pvp: 'PVP',
  'pvp-td3': 'PVP-TD3',
  'ensemble-dagger': 'Ensemble-DAgger',
  'thrifty-dagger': 'Thrifty-DAgger',
  'thrifty-dagger-original': 'Thrifty-DAgger (original)',
  aim: 'AIM',
};

/** A method as the paper's table names it. */
export function methodName(method: Method): string {
  return METHOD_NAMES[method];
}

/** Mean and sample standard deviation (0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

/** Step counts as the paper writes them: 1.9K, 740. */
export function stepCount(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)}K` : String(Math.round(value));
}

function pm(values: readonly number[], digits: number): string {
  const { mean, std } = meanStd(values);
  return Number.isNaN(mean) ? '–' : `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

export const TABLE_HEADER = [
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
] as const;

/**
 * The paper's table (aim-algorithm.md §8), one row of cells per method: the mean ± standard
 * deviation over seeds of each finished run's last evaluation (at the budget), its expert data
 * (and its share of all data), its total data; failed runs counted and named in the last cell.
 */
export function tableRows(results: BenchmarkResults): Array<{ method: Method; cells: string[] }> {
  const { config } = results;
  return config.methods.map((method) => {
    const runs = results.runs.filter((run) => run.method === method);
    const done = runs.filter(
      (run): run is RunResult & { metrics: RunMetrics } =>
        run.status === 'finished' && run.metrics !== null && run.evaluations.length > 0,
    );
    const failed = runs.filter((run) => run.status === 'failed');
    const last = done.map((run) => run.evaluations[run.evaluations.length - 1]);
    const gated = robotGated(method);
    const mean = (pick: (metrics: RunMetrics) => number) =>
      meanStd(done.map((run) => pick(run.metrics))).mean;
    const seeds =
      failed.length > 0
        ? `${done.length}/${config.seeds} (failed: ${failed.map((run) => `seed ${run.seed}`).join(', ')})`
        : `${done.length}/${config.seeds}`;
    const some = done.length > 0;
    return {
      method,
      cells: [
        methodName(method),
        gated === null ? '–' : gated ? '✓' : '✗',
        some ? `${stepCount(mean((m) => m.expertData))} (${mean((m) => m.expertDataRatio).toFixed(2)})` : '–',
        some ? stepCount(mean((m) => m.totalSteps)) : '–',
        some ? stepCount(mean((m) => m.expertSteps)) : '–',
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
      ],
    };
  });
}

export type CurveMetric = 'successRate' | 'crashRate';

export interface CurvePoint {
  expertSteps: number;
  mean: number;
  std: number;
  /** Seeds with an evaluation at this many expert-involved steps. */
  seeds: number;
}

/** A method's mean and spread over its finished runs of `metric` at each evaluated budget. */
export function methodCurve(results: BenchmarkResults, method: Method, metric: CurveMetric): CurvePoint[] {
  const byBudget = new Map<number, number[]>();
  for (const run of results.runs) {
    if (run.method !== method || run.status !== 'finished') continue;
    for (const point of run.evaluations) {
      const values = byBudget.get(point.expertSteps) ?? [];
      values.push(point[metric]);
      byBudget.set(point.expertSteps, values);
    }
  }
  return [...byBudget.entries()]
    .sort(([a], [b]) => a - b)
    .map(([expertSteps, values]) => ({ expertSteps, ...meanStd(values), seeds: values.length }));
}
