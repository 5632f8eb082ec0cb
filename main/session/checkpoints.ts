// A session's latest checkpoint, read from the store and checked against the networks an
// environment needs, for resuming a session and for evaluating its policy.
import { AIM_REFERENCE_DEFAULTS } from '../learn/aim.ts';
import {
  CHECKPOINT_FORMAT,
  CheckpointError,
  checkShapes,
  decodeModel,
  type PackedModel,
} from '../learn/checkpoint.ts';
import type { LearnerWeights } from '../learn/learner-protocol.ts';
import type * as tf from '@tensorflow/tfjs';
import {
  createActor,
  createMinigridCnn,
  minigridCnnWeightShapes,
  mlpWeightShapes,
} from '../learn/networks.ts';
import type { AimDatabase } from '../store/database.ts';
import type { ModelRow } from '../store/records.ts';
import type { EnvSetup } from './runner.ts';

export interface SessionCheckpoint {
  /** Id of the actor's row. */
  id: number;
  step: number;
  expertSteps: number;
  weights: LearnerWeights;
  metrics: Record<string, unknown> | null;
}

/** Values per observation and per action as a session records them (a discrete action is its index). */
export function envDims(setup: EnvSetup): { obsDim: number; actionDim: number } {
  const { spec } = setup.env;
  const space = spec.actionSpace;
  return {
    obsDim: spec.obsShape.reduce((a, b) => a * b, 1),
    actionDim: space.kind === 'box' ? space.dim : 1,
  };
}

/** The weight shapes of the policy and the proxy Q a session in this environment saves. */
export interface NetworkShapes {
  actor: number[][];
  proxyQ: number[][];
}

export function networkShapes(setup: EnvSetup): NetworkShapes {
  const space = setup.env.spec.actionSpace;
  // Discrete AIM's novice and proxy are both MinigridCNNs with one Q value per action.
  if (space.kind === 'discrete') {
    const shapes = minigridCnnWeightShapes(space.n);
    return { actor: shapes, proxyQ: shapes };
  }
  const { obsDim, actionDim } = envDims(setup);
  const { actorHidden, qHidden } = AIM_REFERENCE_DEFAULTS;
  return {
    actor: mlpWeightShapes([obsDim, ...actorHidden, actionDim]),
    proxyQ: mlpWeightShapes([obsDim + actionDim, ...qHidden, 1]),
  };
}

/** A fresh network of the policy's shape, for a checkpoint's weights to be loaded into. */
export function createPolicyModel(setup: EnvSetup): tf.Sequential {
  const space = setup.env.spec.actionSpace;
  if (space.kind === 'discrete') return createMinigridCnn(space.n, 0, 'novice_q');
  const { obsDim, actionDim } = envDims(setup);
  return createActor(obsDim, actionDim, AIM_REFERENCE_DEFAULTS.actorHidden, 0);
}

/**
 * The networks saved last (the actor, the proxy Q of the same moment and, with the TD term, its
 * target), each checked against the shapes this environment needs. Throws a CheckpointError naming
 * what is missing or does not fit.
 */
export function latestCheckpoint(
  db: AimDatabase,
  sessionId: number,
  shapes: NetworkShapes,
): SessionCheckpoint {
  if (!db.getSession(sessionId))
    throw new CheckpointError(`session ${sessionId} does not exist in ${db.path}`);
  const actorRow = db.latestModel(sessionId, 'actor');
  if (!actorRow)
    throw new CheckpointError(
      `session ${sessionId} has no checkpoint (it ended before the fit after warm-up)`,
    );
  const what = `checkpoint ${actorRow.id} of session ${sessionId}`;
  const qShapes = shapes.proxyQ;
  const read = (row: ModelRow | undefined, name: string, expected: number[][]): PackedModel | null => {
    if (!row || row.step !== actorRow.step) return null;
    if (row.format !== CHECKPOINT_FORMAT)
      throw new CheckpointError(
        `the ${name} of ${what} is in format ${row.format}, not ${CHECKPOINT_FORMAT}`,
      );
    const packed = decodeModel(row.data, `the ${name} of ${what}`);
    checkShapes(expected, packed, `the ${name} of ${what}`);
    return packed;
  };
  const actor = read(actorRow, 'actor', shapes.actor) as PackedModel;
  // An ensemble's other members, saved as actor-2, actor-3, … with the first.
  const members: PackedModel[] = [];
  for (let k = 2; ; k++) {
    const member = read(db.latestModel(sessionId, `actor-${k}`), `actor ${k}`, shapes.actor);
    if (!member) break;
    members.push(member);
  }
  // Baselines without a proxy Q save none; resuming AIM without one is refused by its learner.
  const proxyQ = read(db.latestModel(sessionId, 'proxy-q'), 'proxy Q', qShapes);
  return {
    id: actorRow.id,
    step: actorRow.step,
    expertSteps: actorRow.expertSteps,
    weights: {
      actor,
      members,
      proxyQ,
      proxyQTarget: read(db.latestModel(sessionId, 'proxy-q-target'), 'target Q', qShapes),
    },
    metrics: actorRow.metrics,
  };
}
