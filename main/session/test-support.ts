// Shared by the session's tests: a session on the real toy environment (or the grid), the learner's
// real thread (with small networks unless a test asks otherwise) and a temporary SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CoreListener, SessionStatus } from '../contract/api.ts';
import { sessionConfigSchema } from '../contract/session-config.ts';
import type { AimLearnerConfig } from '../learn/aim.ts';
import { AsyncLearner } from '../learn/async-learner.ts';
import { CHECKPOINT_FORMAT, encodeModel, packModel } from '../learn/checkpoint.ts';
import { createActor } from '../learn/networks.ts';
import { selectBackend } from '../learn/backend.ts';
import { aimLearnerConfig, learnerConfig, resolveSessionConfig } from '../learn/presets.ts';
import { openDatabase, type AimDatabase } from '../store/database.ts';
import type { ModelRecord } from '../store/records.ts';
import { createEnvSetup } from './environments.ts';
import { SessionRunner, type LearnerHooks } from './runner.ts';

export interface Harness {
  runner: SessionRunner;
  learner: AsyncLearner;
  frames: Float64Array[];
  statuses: SessionStatus[];
  clock: { now: number };
  db: AimDatabase;
  finish(): Promise<void>;
}

export interface HarnessOptions {
  /** Session configuration over a fast toy session with a 30-step warm-up and batch 32. */
  config?: Record<string, unknown>;
  /** Learner settings over small networks and a 10-round initial fit (continuous AIM only). */
  learner?: Partial<AimLearnerConfig>;
  onFrame?: (runner: SessionRunner, step: number) => void;
  hooks?: LearnerHooks;
}

export async function sessionHarness(options: HarnessOptions = {}): Promise<Harness> {
  const backend = await selectBackend('auto');
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-session-'));
  const db = openDatabase(path.join(dir, 'test.db'));
  const config = resolveSessionConfig(
    sessionConfigSchema.parse({
      env: 'toy',
      pace: 'fast',
      warmup: 30,
      batchSize: 32,
      seed: 4,
      ...options.config,
    }),
  );
  const setup = createEnvSetup(config.env, config.seed);
  // The grid's discrete AIM as a session configures it (its batch is the session's).
  const discrete = setup.env.spec.actionSpace.kind === 'discrete';
  const learner = await AsyncLearner.start({
    backend,
    method: config.method,
    learner: discrete
      ? learnerConfig(config, setup.env.spec)
      : {
          ...aimLearnerConfig(config, setup.env.spec.obsShape[0], 2),
          actorHidden: [32],
          qHidden: [32],
          initialRounds: 10,
          ...options.learner,
        },
    delta: config.delta,
    recomputeThreshold: discrete,
    evaluation: { env: config.env, seeds: { start: 0, count: 1 } },
    restore: null,
  });
  const sessionId = db.createSession({ config, backend, appVersion: 'test', host: 'cli', pid: process.pid });
  const recorder = db.recorder(sessionId);
  const frames: Float64Array[] = [];
  const statuses: SessionStatus[] = [];
  const clock = { now: 0 };
  const listener: CoreListener = {
    frame: (frame) => {
      frames.push(frame);
      options.onFrame?.(runner, frames.length);
    },
    event: (name, payload) => {
      if (name === 'status') statuses.push(payload as SessionStatus);
    },
  };
  const runner: SessionRunner = new SessionRunner({
    sessionId,
    config,
    backend,
    setup,
    learner,
    recorder,
    listener,
    hooks: options.hooks,
    now: () => clock.now,
  });
  return {
    runner,
    learner,
    frames,
    statuses,
    clock,
    db,
    async finish() {
      recorder.close();
      await learner.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the runner has paused (after an input fault, say). */
export function untilPaused(runner: SessionRunner): Promise<void> {
  return new Promise<void>((resolve) => {
    const poll = () => (runner.status().status === 'paused' ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

/**
 * Saves a full-size actor (259 → 256 → 256 → 2) of seeded random weights as a checkpoint of the
 * session, as if a fit had run: what the policy exporter reads. Returns the checkpoint's id.
 */
export async function saveActorCheckpoint(
  db: AimDatabase,
  sessionId: number,
  options: { seed: number } & Partial<Omit<ModelRecord, 'data' | 'kind' | 'format'>>,
): Promise<number> {
  const actor = createActor(259, 2, [256, 256], options.seed);
  try {
    return db.saveModel(sessionId, {
      step: options.step ?? 40,
      expertSteps: options.expertSteps ?? 30,
      kind: 'actor',
      format: CHECKPOINT_FORMAT,
      data: encodeModel(await packModel(actor)),
      metrics: options.metrics ?? { reason: 'initial-fit' },
    });
  } finally {
    actor.dispose();
  }
}
