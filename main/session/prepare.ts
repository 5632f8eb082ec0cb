// Builds a ready-to-run session from a validated configuration: backend, environment, the learner's
// thread, the session row and its recorder; stores a checkpoint after every fit and update round
// and at the end, and every evaluation. Shared by every host (CLI, browser mode, Electron).
import type { CoreListener, SessionStatus } from '../contract/api.ts';
import type { BackendName, ResolvedSessionConfig, SessionConfig } from '../contract/session-config.ts';
import { AsyncLearner } from '../learn/async-learner.ts';
import { selectBackend } from '../learn/backend.ts';
import { CHECKPOINT_FORMAT, checkShapes, encodeModel, type PackedModel } from '../learn/checkpoint.ts';
import type { PolicyEvalResult } from '../learn/evaluate.ts';
import type { LearnerRestore, LearnerWeights, StepStamp } from '../learn/learner-protocol.ts';
import type { LearnerState } from '../learn/method.ts';
import { networkLayout } from '../learn/methods.ts';
import { learnerConfig, resolveSessionConfig } from '../learn/presets.ts';
import type { AimDatabase } from '../store/database.ts';
import type { EvaluationRecord, SessionEnd } from '../store/records.ts';
import { networkShapes } from './checkpoints.ts';
import { createEnvSetup } from './environments.ts';
import { loadPolicyFor } from './policy-import.ts';
import { planResume, type ResumeChanges } from './resume.ts';
import { SessionRunner, type DecisionHaptics, type ResumePoint } from './runner.ts';
import packageJson from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = packageJson.version;

/**
 * Steps between the checkpoints of update rounds where the learner updates after every step
 * (discrete AIM): a checkpoint per round would store two networks per step.
 */
export const STEPWISE_CHECKPOINT_EVERY = 100;

export interface PreparedSession {
  runner: SessionRunner;
  config: ResolvedSessionConfig;
  /** Runs the session to its end and records how it ended; never throws for a session failure. */
  run(): Promise<SessionEnd>;
}

export interface PrepareOptions {
  /** Each evaluation as it is stored (the CLI prints it on its progress line). */
  onEvaluation?(evaluation: EvaluationRecord): void;
  /** Told every decision (the wheel's force feedback). */
  haptics?: (decision: DecisionHaptics) => void;
}

/** A new session; its novice starts as config.initialPolicy when one is given. */
export async function prepareSession(
  db: AimDatabase,
  input: SessionConfig,
  host: string,
  listener: CoreListener,
  options: PrepareOptions = {},
): Promise<PreparedSession> {
  const config = resolveSessionConfig(input);
  // Checked before anything starts, so a bad folder is one clear error and no session row.
  const initialActor =
    config.initialPolicy === undefined ? null : importedActor(config, config.initialPolicy);
  const backend = await selectBackend(config.backend);
  const learner = await startLearner(config, backend, null, initialActor);
  const sessionId = await orClose(learner, () =>
    db.createSession({ config, backend, appVersion: APP_VERSION, host, pid: process.pid }),
  );
  return assemble({ db, sessionId, config, backend, learner, host: listener, options, resume: null });
}

/** Continues an ended session from its last checkpoint; nothing is written unless it can. */
export async function resumeSession(
  db: AimDatabase,
  sessionId: number,
  changes: ResumeChanges,
  host: string,
  listener: CoreListener,
  options: PrepareOptions = {},
): Promise<PreparedSession> {
  const plan = planResume(db, sessionId, changes);
  const backend = await selectBackend(plan.config.backend);
  const learner = await startLearner(plan.config, backend, plan.restore);
  await orClose(learner, () =>
    db.reopenSession(sessionId, { config: plan.config, backend, host, pid: process.pid }),
  );
  const resume = { point: plan.point, state: plan.restore.state };
  return assemble({ db, sessionId, config: plan.config, backend, learner, host: listener, options, resume });
}

/** Runs a step of setting up, stopping the learner's thread if it fails. */
async function orClose<T>(learner: AsyncLearner, action: () => T): Promise<T> {
  try {
    return action();
  } catch (error) {
    await learner.close();
    throw error;
  }
}

/** An exported policy, checked against the environment and the actor this session trains. */
function importedActor(config: ResolvedSessionConfig, folder: string): PackedModel {
  const policy = loadPolicyFor(folder, config.env);
  const { actor } = networkShapes(createEnvSetup(config.env, config.seed));
  checkShapes(actor, policy.model, `the policy in ${policy.folder}`);
  return policy.model;
}

function startLearner(
  config: ResolvedSessionConfig,
  backend: BackendName,
  restore: LearnerRestore | null,
  initialActor: PackedModel | null = null,
): Promise<AsyncLearner> {
  const { env } = createEnvSetup(config.env, config.seed);
  return AsyncLearner.start({
    backend,
    method: config.method,
    learner: learnerConfig(config, env.spec),
    delta: config.delta,
    recomputeThreshold: config.aim.thresholdRecompute === 'everyTrainStep',
    evaluation: { env: config.env, seeds: { start: config.evalSeedStart, count: config.evalEpisodes } },
    restore,
    initialActor,
  });
}

interface Parts {
  db: AimDatabase;
  sessionId: number;
  config: ResolvedSessionConfig;
  backend: BackendName;
  learner: AsyncLearner;
  host: CoreListener;
  options: PrepareOptions;
  resume: { point: ResumePoint; state: LearnerState } | null;
}

function assemble({
  db,
  sessionId,
  config,
  backend,
  learner,
  host,
  options,
  resume,
}: Parts): PreparedSession {
  const recorder = db.recorder(sessionId);
  let lastEvaluation: EvaluationRecord | null = null;
  let gateState = { epsilon: resume?.point.epsilon ?? null, threshold: resume?.point.threshold ?? null };
  let learnerState: LearnerState | null = resume?.state ?? null;

  // AIM's proxy Q, or a critic of another shape under its own name (thrifty-dagger-original's risk Q).
  const critic = networkLayout(config.method).critic ?? 'proxy-q';
  const checkpoint = (weights: LearnerWeights, at: StepStamp, reason: string) => {
    const metrics = {
      reason,
      ...gateState,
      learner: learnerState,
      learnerMode: config.learnerMode,
      backend,
      evaluation: lastEvaluation,
    };
    const networks: Array<[string, LearnerWeights['actor'] | null]> = [
      ['actor', weights.actor],
      // An ensemble's other members, numbered from 2.
      ...weights.members.map((member, k): [string, LearnerWeights['actor']] => [`actor-${k + 2}`, member]),
      [critic, weights.proxyQ],
      [`${critic}-target`, weights.proxyQTarget],
    ];
    for (const [kind, packed] of networks) {
      if (!packed) continue;
      db.saveModel(sessionId, {
        step: at.step,
        expertSteps: at.expertSteps,
        kind,
        format: CHECKPOINT_FORMAT,
        data: encodeModel(packed),
        metrics,
      });
    }
  };

  const setup = createEnvSetup(config.env, config.seed, config.expert);
  // Discrete AIM's novice trains after every step from its 11th, warm-up included: its rounds are
  // saved from the initial fit on (as every method's are), every 100 steps.
  const roundSpacing = setup.env.spec.actionSpace.kind === 'discrete' ? STEPWISE_CHECKPOINT_EVERY : 0;
  let fitted = resume !== null;
  let lastCheckpointStep = Number.NEGATIVE_INFINITY;
  const saveRound = (at: StepStamp) =>
    roundSpacing === 0 || (fitted && at.step - lastCheckpointStep >= roundSpacing);

  const runner: SessionRunner = new SessionRunner({
    sessionId,
    config,
    backend,
    setup,
    learner,
    recorder,
    haptics: options.haptics,
    resume: resume?.point,
    hooks: {
      updated(update, gate) {
        gateState = gate;
        learnerState = update.state;
        if (update.kind === 'fit') fitted = true;
        else if (!saveRound(update.at)) return;
        lastCheckpointStep = update.at.step;
        checkpoint(update.weights, update.at, update.kind === 'fit' ? 'initial-fit' : 'update-round');
      },
      evaluated(at, result) {
        lastEvaluation = evaluationRecord(at, result);
        db.saveEvaluation(sessionId, lastEvaluation);
        options.onEvaluation?.(lastEvaluation);
      },
    },
    listener: {
      frame: (frame) => host.frame(frame),
      event: (name, payload) => {
        if (name === 'status') {
          const { status, message } = payload as SessionStatus;
          if (status === 'running' || status === 'paused') db.setSessionStatus(sessionId, status, message);
        }
        if (name === 'episode') {
          const status = runner.status();
          // Written in the same transaction as the rows it counts, so a crash leaves them consistent.
          recorder.progress({
            steps: status.step,
            episodes: status.episode,
            expertSteps: status.expertSteps,
            takeovers: status.takeovers,
            successRate: status.successRate,
          });
        }
        host.event(name, payload);
      },
    },
  });
  return {
    runner,
    config,
    async run() {
      try {
        const end = await runner.run();
        // The policy the session ended with, next to the metrics of its last evaluation.
        if (learnerState !== null && end.status !== 'failed')
          checkpoint(learner.latestWeights, { step: end.steps, expertSteps: end.expertSteps }, 'session-end');
        recorder.close();
        db.finishSession(sessionId, end);
        return end;
      } finally {
        await learner.close();
      }
    },
  };
}

function evaluationRecord(at: StepStamp, result: PolicyEvalResult): EvaluationRecord {
  return {
    step: at.step,
    expertSteps: at.expertSteps,
    episodes: result.episodes,
    successRate: result.successRate,
    meanReturn: result.meanReturn,
    routeCompletion: result.routeCompletion,
    crashRate: result.crashRate,
    outOfRoadRate: result.outOfRoadRate,
    meanCost: result.meanCost,
  };
}
