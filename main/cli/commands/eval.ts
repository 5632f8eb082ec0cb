// `aim eval`: success rate, return, route completion, crash and out-of-road rates and safety cost of
// a policy on a range of scenario seeds — the scripted expert, a session's latest checkpoint or an
// exported policy folder driven deterministically, all episodes batched through one network call per
// decision.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, ENV_IDS, type BackendChoice, type EnvId } from '../../contract/session-config.ts';
import { evaluateExpert } from '../../experts/driving-eval.ts';
import { AIM_REFERENCE_DEFAULTS } from '../../learn/aim.ts';
import { selectBackend } from '../../learn/backend.ts';
import { loadWeightsInto, modelFromArtifacts } from '../../learn/checkpoint.ts';
import { evaluatePolicy, type PolicyEvalResult, type SeedRange } from '../../learn/evaluate.ts';
import { createActor } from '../../learn/networks.ts';
import { envDims, latestCheckpoint } from '../../session/checkpoints.ts';
import { createEnvSetup } from '../../session/environments.ts';
import { loadPolicyFor } from '../../session/policy-import.ts';
import { openDatabase } from '../../store/database.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { defaultDbPath } from '../paths.ts';

export const evalCommand = {
  name: 'eval',
  summary: "evaluate the scripted expert or a session's latest policy on held-out scenario seeds",
  usage:
    'aim eval --policy SESSION|DIR|expert [--env driving|toy] [--seeds A-B] [--stochastic] [--db FILE] [--json]',
  flags: {
    policy: {
      type: 'string',
      placeholder: 'SESSION|DIR|expert',
      description:
        "A session id (its latest checkpoint's novice, deterministic), an exported policy folder (aim export policy), or expert.",
    },
    env: {
      type: 'string',
      choices: ENV_IDS,
      description:
        "Environment to evaluate in (default: an exported policy's own environment, otherwise driving).",
    },
    seeds: {
      type: 'string',
      default: '1000-1049',
      placeholder: 'A-B',
      description: 'Scenario seeds, both ends included (the held-out evaluation seeds by default).',
    },
    stochastic: {
      type: 'boolean',
      description: "The expert's noisy actions instead of its deterministic ones.",
    },
    backend: {
      type: 'string',
      choices: BACKENDS,
      default: 'auto',
      description: 'TF.js backend for a session policy.',
    },
    db: {
      type: 'string',
      placeholder: 'FILE',
      description: 'SQLite database holding the session (default $AIM_DB or .aim/aim-dev.db).',
    },
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: [
    'aim eval --policy expert --env driving --seeds 1000-1049 --json',
    'aim eval --policy 3 --env driving --json',
    'aim eval --policy ./policy-3 --seeds 1000-1049',
  ],
} satisfies CommandSpec;

function parseSeeds(text: string): SeedRange {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!match || end < start || !Number.isSafeInteger(end))
    throw new UsageError(`--seeds needs a range A-B of whole numbers with A ≤ B; got "${text}"`);
  return { start, count: end - start + 1 };
}

/** The deterministic novice's actions for a batch of observations laid end to end. */
function evaluateModel(actor: tf.LayersModel, env: EnvId, seeds: SeedRange): PolicyEvalResult {
  const obsDim = createEnvSetup(env, 0).env.spec.obsShape.reduce((a, b) => a * b, 1);
  const act = (obs: Float32Array, count: number) =>
    tf.tidy(() => (actor.predict(tf.tensor2d(obs, [count, obsDim])) as tf.Tensor).dataSync() as Float32Array);
  return evaluatePolicy(act, env, seeds);
}

async function evaluateSession(
  sessionId: number,
  env: EnvId,
  seeds: SeedRange,
  dbFile: string,
  backend: string,
) {
  const db = openDatabase(dbFile, { readonly: true });
  try {
    const dims = envDims(createEnvSetup(env, 0));
    const checkpoint = latestCheckpoint(db, sessionId, dims);
    const active = await selectBackend(backend as BackendChoice);
    const actor = createActor(dims.obsDim, dims.actionDim, AIM_REFERENCE_DEFAULTS.actorHidden, 0);
    try {
      loadWeightsInto(actor, checkpoint.weights.actor, `the actor of checkpoint ${checkpoint.id}`);
      const result = evaluateModel(actor, env, seeds);
      return {
        policy: 'novice',
        session: sessionId,
        checkpoint: { id: checkpoint.id, step: checkpoint.step, expertSteps: checkpoint.expertSteps },
        backend: active,
        ...result,
      };
    } finally {
      actor.dispose();
    }
  } finally {
    db.close();
  }
}

/** An exported policy folder, every file checked, in its own environment unless --env says otherwise. */
async function evaluateFolder(folder: string, env: EnvId | undefined, seeds: SeedRange, backend: string) {
  const policy = loadPolicyFor(folder, env);
  const active = await selectBackend(backend as BackendChoice);
  const actor = await modelFromArtifacts(policy.model);
  try {
    const source = policy.arch.source as { session?: { id?: number }; checkpoint?: object };
    return {
      policy: 'exported',
      folder: policy.folder,
      trainedIn: policy.arch.env.id,
      session: source.session?.id ?? null,
      checkpoint: source.checkpoint ?? null,
      backend: active,
      ...evaluateModel(actor, policy.env, seeds),
    };
  } finally {
    actor.dispose();
  }
}

export async function runEval(argv: string[]): Promise<number> {
  const flags = parseFlags(evalCommand, argv);
  const seeds = parseSeeds(flags.seeds);
  const chosenEnv = flags.env as EnvId | undefined;
  const env = chosenEnv ?? 'driving';
  if (flags.policy === undefined)
    throw new UsageError('--policy is required: a session id, an exported policy folder or expert');
  if (flags.stochastic && flags.policy !== 'expert')
    throw new UsageError('--stochastic applies to --policy expert; a trained novice acts deterministically');
  let report: { outcomes: unknown[] };
  if (flags.policy === 'expert') {
    report = evaluateExpert({ env, seeds, stochastic: flags.stochastic });
  } else if (/^\d+$/.test(flags.policy)) {
    report = await evaluateSession(
      Number(flags.policy),
      env,
      seeds,
      path.resolve(flags.db ?? defaultDbPath()),
      flags.backend,
    );
  } else {
    report = await evaluateFolder(flags.policy, chosenEnv, seeds, flags.backend);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const { outcomes: _outcomes, ...summary } = report;
  for (const [key, value] of Object.entries(summary))
    process.stdout.write(
      `${key.padEnd(18)}${typeof value === 'number' ? Number(value.toFixed(3)) : JSON.stringify(value)}\n`,
    );
  return 0;
}
