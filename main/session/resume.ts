// Continuing a session from its last checkpoint (aim train --resume). Everything is read and checked
// here, before anything is written, so a session that cannot be continued leaves the database as
// it was. The buffers are rebuilt from the recorded steps (each step's observation, actions and
// mode); the observation after a step is the next recorded step's within the same episode. The
// last step of an episode has done set, so the TD term never reads its successor; the last step of
// an episode cut off by the session's end gets its own observation as successor.
import type { Pace, ResolvedSessionConfig, BackendChoice } from '../contract/session-config.ts';
import { CheckpointError } from '../learn/checkpoint.ts';
import { packTransitions, type LearnerRestore } from '../learn/learner-protocol.ts';
import type { Transition } from '../learn/buffer.ts';
import type { LearnerState } from '../learn/method.ts';
import { resolveSessionConfig } from '../learn/presets.ts';
import type { AimDatabase } from '../store/database.ts';
import type { StepRow } from '../store/records.ts';
import { envDims, latestCheckpoint, networkShapes } from './checkpoints.ts';
import type { ResumePoint } from './runner.ts';
import { createEnvSetup } from './environments.ts';

export class ResumeError extends Error {
  override name = 'ResumeError';
}

export interface ResumeChanges {
  /** The session's new total step budget; its own budget when not given (an interrupted run goes on). */
  steps?: number;
  pace?: Pace;
  backend?: BackendChoice;
}

export interface ResumePlan {
  config: ResolvedSessionConfig;
  point: ResumePoint;
  restore: LearnerRestore;
  /** Id of the checkpoint's actor row. */
  checkpointId: number;
}

/** What a checkpoint's metrics must say to continue the learner and the gate. */
interface CheckpointMetrics {
  epsilon: number;
  threshold: number;
  learner: LearnerState;
}

export function planResume(db: AimDatabase, sessionId: number, changes: ResumeChanges): ResumePlan {
  const row = db.getSession(sessionId);
  if (!row) throw new ResumeError(`session ${sessionId} does not exist in ${db.path}`);
  if (row.status === 'running' || row.status === 'paused')
    throw new ResumeError(
      `session ${sessionId} is still ${row.status} (pid ${row.pid}); stop it before resuming`,
    );
  const steps = db.steps(sessionId);
  const stored = row.config;
  const budget = changes.steps ?? stored.steps;
  if (budget <= steps.length)
    throw new ResumeError(
      `session ${sessionId} already has ${steps.length} steps${changes.steps === undefined ? `, its whole budget` : ''}; give --steps more than that to continue it`,
    );
  if (stored.method !== 'aim')
    throw new ResumeError(
      `session ${sessionId} trained ${stored.method}; only AIM sessions can be resumed (a benchmark reruns a baseline's unfinished run)`,
    );
  const pace = changes.pace ?? stored.pace;
  const config = resolveSessionConfig({
    ...stored,
    steps: budget,
    pace,
    backend: changes.backend ?? stored.backend,
    // The learner mode follows the pace the session now runs at.
    learnerMode: pace === stored.pace ? stored.learnerMode : undefined,
  });
  const setup = createEnvSetup(config.env, config.seed);
  const { obsDim, actionDim } = envDims(setup);
  const checkpoint = latestCheckpoint(db, sessionId, networkShapes(setup));
  const metrics = checkpointMetrics(
    checkpoint.metrics,
    `checkpoint ${checkpoint.id} of session ${sessionId}`,
    setup.env.spec.actionSpace.kind === 'discrete',
  );

  steps.forEach((step, i) => {
    if (step.step !== i) throw new ResumeError(`session ${sessionId} lacks its recorded step ${i}`);
    if (step.obs.length !== obsDim)
      throw new ResumeError(
        `step ${i} of session ${sessionId} has ${step.obs.length} observation values, not ${obsDim}`,
      );
  });
  const episodes = db.episodes(sessionId);
  const scenes = db.scenes(sessionId);
  const point: ResumePoint = {
    step: steps.length,
    episode: scenes.reduce((next, scene) => Math.max(next, scene.episode + 1), 0),
    finishedEpisodes: episodes.length,
    // §7: every warm-up step and every takeover step after it.
    expertSteps: steps.filter((s) => s.step < config.warmup || s.mode !== 'robot').length,
    takeovers: db.takeovers(sessionId).filter((t) => t.trigger !== 'warmup').length,
    successes: episodes.filter((e) => e.success).length,
    epsilon: metrics.epsilon,
    threshold: metrics.threshold,
  };
  return {
    config,
    point,
    restore: {
      weights: checkpoint.weights,
      state: metrics.learner,
      transitions: packTransitions(
        transitionsOf(steps, new Set(episodes.filter((e) => e.success).map((e) => e.episode))),
        obsDim,
        actionDim,
      ),
    },
    checkpointId: checkpoint.id,
  };
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The learner's schedule as continuous AIM (ε, next update, last round) or discrete AIM (steps seen) saves it. */
function learnerStateOk(state: Partial<Record<string, unknown>>, discrete: boolean): boolean {
  if (discrete)
    return state.kind === 'discrete' && finite(state.stepsSeen) && typeof state.proxyOn === 'boolean';
  return finite(state.epsilon) && finite(state.nextPolicyUpdate) && finite(state.lastQRoundAt);
}

function checkpointMetrics(
  metrics: Record<string, unknown> | null,
  what: string,
  discrete: boolean,
): CheckpointMetrics {
  const m = metrics as Partial<CheckpointMetrics> | null;
  if (
    !m ||
    !finite(m.epsilon) ||
    !finite(m.threshold) ||
    !m.learner ||
    !learnerStateOk(m.learner as unknown as Partial<Record<string, unknown>>, discrete)
  )
    throw new CheckpointError(
      `${what} does not record the gate's ε and threshold and the learner's schedule`,
    );
  return { epsilon: m.epsilon, threshold: m.threshold, learner: m.learner };
}

/** The recorded steps as transitions; the last step of an episode that reached the goal is its success. */
function transitionsOf(steps: readonly StepRow[], succeeded: ReadonlySet<number>): Transition[] {
  return steps.map((step, i) => {
    const next = steps[i + 1];
    const intervention = step.mode !== 'robot';
    return {
      obs: step.obs,
      nextObs: next && next.episode === step.episode ? next.obs : step.obs,
      noviceAction: step.novice,
      appliedAction: step.applied,
      intervention,
      interventionStart: intervention && (step.episodeStep === 0 || steps[i - 1]?.mode === 'robot'),
      done: step.done,
      success: step.done && succeeded.has(step.episode),
    };
  });
}
