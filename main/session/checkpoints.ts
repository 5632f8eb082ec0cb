// A session's latest checkpoint, read from the store and checked against the networks an
// environment needs, for resuming a session and for evaluating its policy.
import { EnvConfigError } from '../sim/env.ts';
import { AIM_REFERENCE_DEFAULTS } from '../learn/aim.ts';
import {
  CHECKPOINT_FORMAT,
  CheckpointError,
  checkShapes,
  decodeModel,
  type PackedModel,
} from '../learn/checkpoint.ts';
import type { LearnerWeights } from '../learn/learner-protocol.ts';
import { mlpWeightShapes } from '../learn/networks.ts';
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

/** The environment's observation and action sizes, for continuous-action environments. */
export function envDims(setup: EnvSetup): { obsDim: number; actionDim: number } {
  const { spec } = setup.env;
  if (spec.actionSpace.kind !== 'box')
    throw new EnvConfigError(`environment ${spec.id} has discrete actions; continuous AIM cannot use it`);
  return { obsDim: spec.obsShape.reduce((a, b) => a * b, 1), actionDim: spec.actionSpace.dim };
}

/**
 * The networks saved last (the actor, the proxy Q of the same moment and, with the TD term, its
 * target), each checked against the shapes this environment needs. Throws a CheckpointError naming
 * what is missing or does not fit.
 */
export function latestCheckpoint(
  db: AimDatabase,
  sessionId: number,
  dims: { obsDim: number; actionDim: number },
): SessionCheckpoint {
  if (!db.getSession(sessionId))
    throw new CheckpointError(`session ${sessionId} does not exist in ${db.path}`);
  const actorRow = db.latestModel(sessionId, 'actor');
  if (!actorRow)
    throw new CheckpointError(
      `session ${sessionId} has no checkpoint (it ended before the fit after warm-up)`,
    );
  const what = `checkpoint ${actorRow.id} of session ${sessionId}`;
  const { obsDim, actionDim } = dims;
  const { actorHidden, qHidden } = AIM_REFERENCE_DEFAULTS;
  const qShapes = mlpWeightShapes([obsDim + actionDim, ...qHidden, 1]);
  const read = (row: ModelRow | undefined, name: string, shapes: number[][]): PackedModel | null => {
    if (!row || row.step !== actorRow.step) return null;
    if (row.format !== CHECKPOINT_FORMAT)
      throw new CheckpointError(
        `the ${name} of ${what} is in format ${row.format}, not ${CHECKPOINT_FORMAT}`,
      );
    const packed = decodeModel(row.data, `the ${name} of ${what}`);
    checkShapes(shapes, packed, `the ${name} of ${what}`);
    return packed;
  };
  const actor = read(actorRow, 'actor', mlpWeightShapes([obsDim, ...actorHidden, actionDim])) as PackedModel;
  // Baselines without a proxy Q save none; resuming AIM without one is refused by its learner.
  const proxyQ = read(db.latestModel(sessionId, 'proxy-q'), 'proxy Q', qShapes);
  return {
    id: actorRow.id,
    step: actorRow.step,
    expertSteps: actorRow.expertSteps,
    weights: {
      actor,
      members: [],
      proxyQ,
      proxyQTarget: read(db.latestModel(sessionId, 'proxy-q-target'), 'target Q', qShapes),
    },
    metrics: actorRow.metrics,
  };
}
