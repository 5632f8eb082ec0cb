// One (method, seed) run of a benchmark: a real headless session (the workstation's own loop,
// learner thread and recorder) that stops once the run has spent its expert-involved budget. Its
// steps go into its own SQLite file beside the results; its metrics and evaluation points are
// returned (and written by the caller).
import { existsSync, rmSync } from 'node:fs';
import { decodeFrame } from '../../contract/frame.ts';
import type { BenchmarkConfig, EvaluationPoint, RunResult } from '../../contract/benchmark.ts';
import {
  sessionConfigSchema,
  type BackendChoice,
  type Method,
  type Preset,
} from '../../contract/session-config.ts';
import { prepareSession } from '../../session/prepare.ts';
import { openDatabase } from '../../store/database.ts';
import type { EvaluationRecord } from '../../store/records.ts';
import { suiteSpec } from './suites.ts';

export interface RunSpec {
  config: BenchmarkConfig;
  method: Method;
  seed: number;
  /** The run's database file (replaced if it exists: an unfinished run starts again). */
  dbPath: string;
  backend: BackendChoice;
}

export interface RunProgress {
  totalSteps: number;
  expertSteps: number;
}

/** The run's session configuration: the suite's environment, the method, and the benchmark's knobs. */
export function runSessionConfig(spec: RunSpec) {
  const { config } = spec;
  const suite = suiteSpec(config.suite);
  return sessionConfigSchema.parse({
    env: suite.env,
    method: spec.method,
    preset: config.preset,
    seed: spec.seed,
    steps: config.maxSteps,
    warmup: Math.max(10, config.warmup),
    delta: suite.delta[config.preset as Preset],
    pace: 'fast',
    backend: spec.backend,
    batchSize: config.batchSize,
    evalEvery: config.evalEvery,
    evalEpisodes: config.evalEpisodes,
  });
}

export async function runPair(spec: RunSpec, onProgress: (p: RunProgress) => void): Promise<RunResult> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(spec.dbPath + suffix)) rmSync(spec.dbPath + suffix);
  const db = openDatabase(spec.dbPath);
  const evaluations: EvaluationPoint[] = [];
  let totalSteps = 0;
  let expertSteps = 0;
  let expertData = 0;
  let controlSwitches = 0;
  let previous: { episode: number; expert: boolean } | null = null;
  let stopping = false;
  try {
    const session = await prepareSession(
      db,
      runSessionConfig(spec),
      'benchmark',
      {
        frame(data) {
          const frame = decodeFrame(data);
          const expert = frame.mode !== 'robot';
          totalSteps = frame.step + 1;
          expertSteps = frame.expertSteps;
          if (expert) expertData++;
          if (previous && previous.episode === frame.episode && previous.expert !== expert) controlSwitches++;
          previous = { episode: frame.episode, expert };
          onProgress({ totalSteps, expertSteps });
          if (!stopping && expertSteps >= spec.config.budget) {
            stopping = true;
            session.runner.stop('finished');
          }
        },
        event() {},
      },
      {
        onEvaluation(e) {
          evaluations.push(evaluationPoint(e));
        },
      },
    );
    const end = await session.run();
    const base = {
      method: spec.method,
      seed: spec.seed,
      backend: session.runner.backend,
      wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      cpuSeconds: cpuSeconds(process.cpuUsage(cpuAtStart)),
      evaluations,
    };
    if (end.status !== 'finished')
      return {
        ...base,
        status: 'failed',
        error: end.message ?? `the session ended ${end.status}`,
        metrics: null,
      };
    return {
      ...base,
      status: 'finished',
      error: null,
      metrics: {
        totalSteps: end.steps,
        expertSteps: end.expertSteps,
        expertData,
        expertDataRatio: end.steps > 0 ? expertData / end.steps : 0,
        takeovers: end.takeovers,
        controlSwitches,
        episodes: end.episodes,
      },
    };
  } finally {
    db.close();
  }
}

/** A session's stored evaluation as a point of a benchmark's curve. */
export function evaluationPoint(e: EvaluationRecord): EvaluationPoint {
  return {
    expertSteps: e.expertSteps,
    totalSteps: e.step,
    successRate: e.successRate,
    meanReturn: e.meanReturn,
    routeCompletion: e.routeCompletion,
    crashRate: e.crashRate,
    outOfRoadRate: e.outOfRoadRate,
    meanCost: e.meanCost,
  };
}

function cpuSeconds({ user, system }: NodeJS.CpuUsage): number {
  return Number(((user + system) / 1e6).toFixed(1));
}
