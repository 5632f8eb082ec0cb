// `aim eval`: success rate, return, route completion, crash and out-of-road rates and safety cost of
// a policy on a range of scenario seeds — the scripted expert, a session's latest checkpoint or an
// exported policy folder driven deterministically, all episodes batched through one network call per
// decision.
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { BACKENDS, ENV_IDS, type BackendChoice, type EnvId } from '../../contract/session-config.ts';
import { evaluateScriptedExpert } from '../../experts/evaluate-expert.ts';
import { selectBackend } from '../../learn/backend.ts';
import { meanAction } from '../../learn/bc.ts';
import { loadWeightsInto, modelFromArtifacts } from '../../learn/checkpoint.ts';
import { evaluatePolicy, modelPolicy, type PolicyEvalResult, type SeedRange } from '../../learn/evaluate.ts';
import { createPolicyModel, latestCheckpoint, networkShapes } from '../../session/checkpoints.ts';
import { createEnvSetup } from '../../session/environments.ts';
import { loadPolicyFor } from '../../session/policy-import.ts';
import { openDatabase } from '../../store/database.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { defaultDbPath } from '../paths.ts';

export const evalCommand = {
  name: 'eval',
  summary: "evaluate the scripted expert or a session's latest policy on held-out scenario seeds",
  usage:
    'aim eval --policy SESSION|DIR|expert [--env driving|toy|grid] [--seeds A-B] [--stochastic] [--db FILE] [--json]',
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
        "Environment to evaluate in (default: the session's or exported policy's own environment; driving for the expert).",
    },
    seeds: {
      type: 'string',
      default: '1000-1049',
      placeholder: 'A-B',
      description: 'Scenario seeds, both ends included (the held-out evaluation seeds by default).',
    },
    stochastic: {
      type: 'boolean',
      description:
        "The expert's noisy actions instead of its deterministic ones (the grid expert's: a random action with probability 0.1).",
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
    'aim eval --policy expert --env grid --seeds 0-1999 --json',
  ],
} satisfies CommandSpec;

/** `A-B` as a seed range; a usage error names what is wrong. */
export function parseSeeds(text: string): SeedRange {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!match || end < start || !Number.isSafeInteger(end))
    throw new UsageError(`--seeds needs a range A-B of whole numbers with A ≤ B; got "${text}"`);
  return { start, count: end - start + 1 };
}

/** The deterministic novice (an actor, or a Q-network acting greedily) on every seed. */
function evaluateModel(model: tf.LayersModel, env: EnvId, seeds: SeedRange): PolicyEvalResult {
  return evaluatePolicy(modelPolicy(model, createEnvSetup(env, 0).env.spec), env, seeds);
}

async function evaluateSession(
  sessionId: number,
  chosenEnv: EnvId | undefined,
  seeds: SeedRange,
  dbFile: string,
  backend: string,
) {
  const db = openDatabase(dbFile, { readonly: true });
  try {
    const env = chosenEnv ?? db.getSession(sessionId)?.config.env ?? 'driving';
    const setup = createEnvSetup(env, 0);
    const checkpoint = latestCheckpoint(db, sessionId, networkShapes(setup));
    const active = await selectBackend(backend as BackendChoice);
    // An ensemble acts as its members' mean action, as it did in its session.
    const stored = [checkpoint.weights.actor, ...checkpoint.weights.members];
    const actors = stored.map(() => createPolicyModel(setup));
    try {
      stored.forEach((weights, k) =>
        loadWeightsInto(actors[k], weights, `actor ${k + 1} of checkpoint ${checkpoint.id}`),
      );
      const policy =
        actors.length === 1
          ? modelPolicy(actors[0], setup.env.spec)
          : (obs: Float32Array, count: number) => meanAction(actors, obs, count);
      return {
        policy: 'novice',
        session: sessionId,
        checkpoint: { id: checkpoint.id, step: checkpoint.step, expertSteps: checkpoint.expertSteps },
        actors: actors.length,
        backend: active,
        ...evaluatePolicy(policy, env, seeds),
      };
    } finally {
      for (const actor of actors) actor.dispose();
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
  if (flags.policy === undefined)
    throw new UsageError('--policy is required: a session id, an exported policy folder or expert');
  if (flags.stochastic && flags.policy !== 'expert')
    throw new UsageError('--stochastic applies to --policy expert; a trained novice acts deterministically');
  let report: object;
  if (flags.policy === 'expert') {
    report = evaluateScriptedExpert(chosenEnv ?? 'driving', seeds, flags.stochastic);
  } else if (/^\d+$/.test(flags.policy)) {
    report = await evaluateSession(
      Number(flags.policy),
      chosenEnv,
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
  const { outcomes: _outcomes, ...summary } = report as { outcomes?: unknown };
  for (const [key, value] of Object.entries(summary))
    process.stdout.write(
      `${key.padEnd(18)}${typeof value === 'number' ? Number(value.toFixed(3)) : JSON.stringify(value)}\n`,
    );
  return 0;
}
