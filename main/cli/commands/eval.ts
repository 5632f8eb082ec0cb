// `aim eval`: success rate, return, route completion, crash and out-of-road rates and safety cost of
// a policy on a range of scenario seeds — the scripted expert, or a session's latest checkpoint
// driven deterministically, all episodes batched through one network call per decision.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, ENV_IDS, type BackendChoice, type EnvId } from '../../contract/session-config.ts';
import { evaluateExpert } from '../../experts/driving-eval.ts';
import { AIM_REFERENCE_DEFAULTS } from '../../learn/aim.ts';
import { selectBackend } from '../../learn/backend.ts';
import { loadWeightsInto } from '../../learn/checkpoint.ts';
import { evaluatePolicy, type SeedRange } from '../../learn/evaluate.ts';
import { createActor } from '../../learn/networks.ts';
import { envDims, latestCheckpoint } from '../../session/checkpoints.ts';
import { createEnvSetup } from '../../session/environments.ts';
import { openDatabase } from '../../store/database.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { defaultDbPath } from '../paths.ts';

export const evalCommand = {
  name: 'eval',
  summary: "evaluate the scripted expert or a session's latest policy on held-out scenario seeds",
  usage:
    'aim eval --policy SESSION|expert [--env driving|toy] [--seeds A-B] [--stochastic] [--db FILE] [--json]',
  flags: {
    policy: {
      type: 'string',
      placeholder: 'SESSION|expert',
      description: "A session id (its latest checkpoint's novice, deterministic) or expert.",
    },
    env: { type: 'string', choices: ENV_IDS, default: 'driving', description: 'Environment to evaluate in.' },
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
  ],
} satisfies CommandSpec;

function parseSeeds(text: string): SeedRange {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!match || end < start || !Number.isSafeInteger(end))
    throw new UsageError(`--seeds needs a range A-B of whole numbers with A ≤ B; got "${text}"`);
  return { start, count: end - start + 1 };
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
    await selectBackend(backend as BackendChoice);
    const actor = createActor(dims.obsDim, dims.actionDim, AIM_REFERENCE_DEFAULTS.actorHidden, 0);
    try {
      loadWeightsInto(actor, checkpoint.weights.actor, `the actor of checkpoint ${checkpoint.id}`);
      const act = (obs: Float32Array, count: number) =>
        tf.tidy(
          () =>
            (actor.predict(tf.tensor2d(obs, [count, dims.obsDim])) as tf.Tensor).dataSync() as Float32Array,
        );
      const result = evaluatePolicy(act, env, seeds);
      return {
        policy: 'novice',
        session: sessionId,
        checkpoint: { id: checkpoint.id, step: checkpoint.step, expertSteps: checkpoint.expertSteps },
        backend: tf.getBackend(),
        ...result,
      };
    } finally {
      actor.dispose();
    }
  } finally {
    db.close();
  }
}

export async function runEval(argv: string[]): Promise<number> {
  const flags = parseFlags(evalCommand, argv);
  const seeds = parseSeeds(flags.seeds);
  const env = flags.env as EnvId;
  if (flags.policy === undefined) throw new UsageError('--policy is required: a session id or expert');
  let report: { outcomes: unknown[] };
  if (flags.policy === 'expert') {
    report = evaluateExpert({ env, seeds, stochastic: flags.stochastic });
  } else {
    if (!/^\d+$/.test(flags.policy))
      throw new UsageError(`--policy must be a session id or expert; got "${flags.policy}"`);
    if (flags.stochastic)
      throw new UsageError(
        '--stochastic applies to --policy expert; a session’s novice acts deterministically',
      );
    report = await evaluateSession(
      Number(flags.policy),
      env,
      seeds,
      path.resolve(flags.db ?? defaultDbPath()),
      flags.backend,
    );
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
