// A benchmark's results (aim benchmark → DIR/results.json): the configuration it ran with, and for
// every (method, seed) run how it ended, its training metrics (aim-algorithm.md §7) and every
// evaluation point. Validated wherever it is read (the CLI's resume, the workstation's results view).
import { z } from 'zod';
import { METHODS } from './session-config.ts';

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
