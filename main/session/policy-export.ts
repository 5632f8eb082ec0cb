// `aim export policy` and the UI's export button: a session's novice (its latest checkpoint, or the
// one asked for) as a policy folder usable outside the app (TF.js, safetensors + arch.json, ONNX),
// described with the spaces, the environment and where it came from. Nothing is written unless the
// whole folder can be: it appears under its name complete, or not at all.
import fs from 'node:fs';
import path from 'node:path';
import type { PolicyExportSummary } from '../contract/export.ts';
import { CHECKPOINT_FORMAT, decodeModel } from '../learn/checkpoint.ts';
import { NetworkExportError, policyNetwork } from '../learn/export/network.ts';
import {
  ARCH_FILE,
  POLICY_FORMAT,
  writePolicyFolder,
  type PolicyDescription,
} from '../learn/export/policy-folder.ts';
import { ACTION_NAMES, createGridEnv, NUM_ACTIONS } from '../sim/grid/index.ts';
import type { AimDatabase } from '../store/database.ts';
import { DatabaseError } from '../store/errors.ts';
import { APP_VERSION, envArgsOf } from '../store/export/env-args.ts';
import { ExportError } from '../store/export/errors.ts';
import { writeFolderAtomically } from '../store/export/atomic-folder.ts';
import type { ModelRow, SessionRow } from '../store/records.ts';

export interface PolicyExportOptions {
  sessionId: number;
  /** The actor checkpoint's id (aim sessions show lists them); the session's latest by default. */
  checkpointId?: number;
  /** The folder to create. */
  out: string;
  force?: boolean;
}

export type PolicyExportResult = PolicyExportSummary;

export async function exportPolicy(
  db: AimDatabase,
  options: PolicyExportOptions,
): Promise<PolicyExportResult> {
  const started = performance.now();
  const session = db.getSession(options.sessionId);
  if (session === undefined)
    throw new DatabaseError('session', `Session ${options.sessionId} does not exist in ${db.path}`);
  const row = actorCheckpoint(db, session, options.checkpointId);
  const what = `checkpoint ${row.id} of session ${session.id}`;
  // An ensemble acts as the mean of its members (actor, actor-2, …); its first member alone is not
  // the policy the session evaluated, so it is refused rather than exported as if it were.
  const members = db.models(session.id).filter((m) => m.step === row.step && /^actor-\d+$/.test(m.kind));
  if (members.length > 0)
    throw new ExportError(
      'checkpoint',
      `The policy of ${what} is an ensemble of ${members.length + 1} actors (method ${session.method}); this build exports single-network policies only`,
    );
  if (row.format !== CHECKPOINT_FORMAT)
    throw new ExportError(
      'checkpoint',
      `The actor of ${what} is in format ${row.format}, not ${CHECKPOINT_FORMAT}`,
    );
  const model = decodeModel(row.data, `the actor of ${what}`);
  const description = describe(session, row);
  checkFits(model, description, what);
  const folder = path.resolve(options.out);
  const arch = await writeFolderAtomically(
    folder,
    { force: options.force, what: 'the policy', replaceable: isPolicyFolder },
    (temporary) => writePolicyFolder(temporary, model, description),
  );
  const files: Record<string, number> = {};
  for (const [name, { bytes }] of Object.entries(arch.files)) files[name] = bytes;
  files[ARCH_FILE] = fs.statSync(path.join(folder, ARCH_FILE)).size;
  return {
    folder,
    sessionId: session.id,
    checkpoint: { id: row.id, step: row.step, expertSteps: row.expertSteps },
    files,
    bytes: Object.values(files).reduce((a, b) => a + b, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** An earlier export (or an empty folder) may be replaced under --force; anything else may not. */
function isPolicyFolder(folder: string): boolean {
  const entries = fs.readdirSync(folder);
  if (entries.length === 0) return true;
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, ARCH_FILE), 'utf8')).format === POLICY_FORMAT;
  } catch {
    return false;
  }
}

function actorCheckpoint(db: AimDatabase, session: SessionRow, checkpointId: number | undefined): ModelRow {
  if (checkpointId === undefined) {
    const latest = db.latestModel(session.id, 'actor');
    if (!latest)
      throw new ExportError(
        'checkpoint',
        `Session ${session.id} has no checkpoint to export (it ended before the first fit after warm-up)`,
      );
    return latest;
  }
  const row = db.model(checkpointId);
  if (row && row.sessionId === session.id && row.kind === 'actor') return row;
  const actors = db.models(session.id).filter((m) => m.kind === 'actor');
  const listed = actors
    .slice(-5)
    .map((m) => `${m.id} (step ${m.step})`)
    .join(', ');
  throw new ExportError(
    'checkpoint',
    `Session ${session.id} has no actor checkpoint ${checkpointId}; ${actors.length === 0 ? 'it has no checkpoints' : `its latest are ${listed}`}`,
  );
}

/** The spaces and environment of a session's policy: the driving simulator's, or the grid's. */
function spacesOf(session: SessionRow): Pick<PolicyDescription, 'observation' | 'action' | 'env'> {
  if (session.config.env === 'grid') {
    const env = createGridEnv();
    return {
      observation: {
        shape: [...env.spec.obsShape],
        dtype: 'float32',
        low: 0,
        high: 255,
        layout: {},
        // MiniGrid's codes reach the network as obs/255 (SB3's image preprocessing).
        scale: 1 / 255,
        description:
          "four stacked frames (oldest first) of MiniGrid's (object, colour, state) codes over the agent's 7×7 view, channel-first",
      },
      action: {
        kind: 'discrete',
        n: NUM_ACTIONS,
        names: [...ACTION_NAMES],
        description: "the argmax of the network's Q values",
      },
      env: {
        id: 'grid',
        name: `AIM-Workstation-${env.spec.id}`,
        decisionHz: env.spec.decisionHz,
        horizon: env.spec.horizon,
        config: env.config,
      },
    };
  }
  // Both driving environments' observation values lie in [0, 1] (main/sim/driving/observation.ts).
  const args = envArgsOf(session, 'obs');
  const space = args.action.space;
  if (space.kind !== 'box')
    throw new ExportError('checkpoint', `Session ${session.id}'s environment has no continuous actions`);
  return {
    observation: {
      shape: [...args.observation.shape],
      dtype: 'float32',
      low: 0,
      high: 1,
      layout: args.observation.layout,
      scale: 1,
      description:
        'LidarStateObservation: ego state, navigation to the next two checkpoints, 240 lidar rays (50 m)',
    },
    action: {
      kind: 'box',
      shape: [space.dim],
      low: space.low,
      high: space.high,
      names: args.action.names,
      description: args.action.description,
    },
    env: {
      id: session.config.env,
      name: args.env_name,
      decisionHz: args.decision_hz,
      horizon: args.env_kwargs.horizon,
      config: args.env_kwargs,
    },
  };
}

/** The spaces, environment and origin of the policy. */
function describe(session: SessionRow, row: ModelRow): PolicyDescription {
  const metrics = row.metrics ?? {};
  return {
    ...spacesOf(session),
    source: {
      session: {
        id: session.id,
        startedAt: session.startedAt,
        endedAt: session.endedAt,
        status: session.status,
        operator: session.operator,
        method: session.method,
        preset: session.preset,
        backend: session.backend,
        appVersion: session.appVersion,
        config: session.config,
      },
      checkpoint: {
        id: row.id,
        step: row.step,
        expertSteps: row.expertSteps,
        createdAt: row.createdAt,
        reason: metrics.reason ?? null,
      },
      // The evaluation the session had made when it saved this checkpoint (at the session's end,
      // the evaluation of this very policy).
      evaluation: metrics.evaluation ?? null,
    },
    appVersion: APP_VERSION,
  };
}

function checkFits(
  model: ReturnType<typeof decodeModel>,
  description: PolicyDescription,
  what: string,
): void {
  let network: ReturnType<typeof policyNetwork>;
  try {
    network = policyNetwork(model, {
      observationShape: description.observation.shape,
      scale: description.observation.scale,
    });
  } catch (error) {
    if (error instanceof NetworkExportError)
      throw new ExportError('checkpoint', `The actor of ${what} cannot be exported: ${error.message}`);
    throw error;
  }
  const { action } = description;
  const expected = `${description.observation.shape} → ${action.kind === 'box' ? action.shape : action.n}`;
  const actual = `${network.inputShape} → ${network.outputShape}`;
  if (expected !== actual)
    throw new ExportError(
      'checkpoint',
      `The actor of ${what} maps [${network.inputShape}] to [${network.outputShape}], but environment ${description.env.id} needs ${expected}`,
    );
}
