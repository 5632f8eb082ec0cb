// `aim train`: a headless session with the simulated expert, recorded like any other session.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EpisodeEvent } from '../../contract/api.ts';
import {
  BACKENDS,
  ENV_IDS,
  METHODS,
  PACES,
  PRESETS,
  sessionConfigSchema,
} from '../../contract/session-config.ts';
import { openDatabase } from '../../store/database.ts';
import { prepareSession } from '../../session/prepare.ts';
import { parseFlags, type CommandSpec } from '../args.ts';
import { createProgress } from '../progress.ts';
import { defaultDbPath } from '../paths.ts';

export const trainCommand = {
  name: 'train',
  summary: 'train a novice policy headless, with the simulated expert answering help requests',
  usage: 'aim train [--env toy|driving] [--method aim] [--steps N] [--seed S] [--db FILE] [--json] …',
  flags: {
    env: { type: 'string', choices: ENV_IDS, default: 'toy', description: 'Environment to train in.' },
    method: { type: 'string', choices: METHODS, default: 'aim', description: 'Learning method.' },
    preset: {
      type: 'string',
      choices: PRESETS,
      default: 'reference',
      description: "Hyper-parameter preset: the authors' released code, or the paper's objective.",
    },
    expert: {
      type: 'string',
      choices: ['scripted'],
      default: 'scripted',
      description: 'Who answers help requests: the scripted (privileged) driving expert.',
    },
    steps: {
      type: 'integer',
      min: 1,
      max: 100_000_000,
      default: 2000,
      description: 'Decision steps to run.',
    },
    seed: {
      type: 'integer',
      min: 0,
      max: 2 ** 31 - 1,
      default: 0,
      description: 'Seed for networks, sampling and the expert.',
    },
    warmup: {
      type: 'integer',
      min: 10,
      max: 1_000_000,
      default: 200,
      description: 'Warm-up steps in which the expert drives before the robot gate starts.',
    },
    delta: {
      type: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      default: 0.05,
      placeholder: 'δ',
      description: 'Ask for help above the (1 − δ) quantile of Q over robot steps.',
    },
    'batch-size': {
      type: 'integer',
      min: 1,
      max: 65_536,
      default: 1024,
      description: 'Gradient batch size.',
    },
    backend: {
      type: 'string',
      choices: BACKENDS,
      default: 'auto',
      description: 'TF.js backend (auto tries tfjs-node, then wasm, then cpu).',
    },
    pace: {
      type: 'string',
      choices: PACES,
      default: 'fast',
      description: 'fast: as fast as possible; realtime: 10 decisions per second.',
    },
    operator: {
      type: 'string',
      default: '',
      placeholder: 'NAME',
      description: 'Operator name stored with the session.',
    },
    db: {
      type: 'string',
      placeholder: 'FILE',
      description: 'SQLite database to record into (default $AIM_DB or .aim/aim-dev.db).',
    },
    json: { type: 'boolean', description: 'Print one JSON summary object as the last line of output.' },
  },
  examples: [
    'aim train --env toy --method aim --expert scripted --steps 500 --seed 1 --db aim-test.db --json',
  ],
} satisfies CommandSpec;

export async function runTrain(argv: string[]): Promise<number> {
  const flags = parseFlags(trainCommand, argv);
  const config = sessionConfigSchema.parse({
    env: flags.env,
    method: flags.method,
    preset: flags.preset,
    expert: { kind: flags.expert },
    operator: flags.operator,
    seed: flags.seed,
    steps: flags.steps,
    warmup: flags.warmup,
    delta: flags.delta,
    pace: flags.pace,
    backend: flags.backend,
    batchSize: flags['batch-size'],
  });
  const dbPath = path.resolve(flags.db ?? defaultDbPath());
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = openDatabase(dbPath);
  const started = performance.now();
  const progress = createProgress('train', config.steps);
  let steps = 0;
  let episodes = 0;
  let successes = 0;
  try {
    const session = await prepareSession(db, config, 'cli', {
      frame: () => {
        steps++;
        progress.update(
          steps,
          episodes > 0 ? `episodes ${episodes}, success ${(successes / episodes).toFixed(2)}` : '',
        );
      },
      event: (name, payload) => {
        if (name !== 'episode') return;
        episodes++;
        if ((payload as EpisodeEvent).success) successes++;
      },
    });
    const stop = () => session.runner.stop('interrupted', 'Interrupted from the command line.');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const end = await session.run();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    const summary = {
      sessionId: session.runner.sessionId,
      status: end.status,
      env: config.env,
      method: config.method,
      preset: config.preset,
      steps: end.steps,
      episodes: end.episodes,
      expertSteps: end.expertSteps,
      takeovers: end.takeovers,
      successRate: end.successRate,
      backend: session.runner.backend,
      pace: config.pace,
      wallSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      db: dbPath,
      ...(end.message ? { message: end.message } : {}),
    };
    progress.finish(`${end.status}: ${end.takeovers} takeovers, ${end.expertSteps} expert steps`);
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(
        [
          `session ${summary.sessionId} ${summary.status} in ${summary.wallSeconds} s on ${summary.backend}`,
          `  steps ${summary.steps}, episodes ${summary.episodes}, expert-involved steps ${summary.expertSteps}, takeovers ${summary.takeovers}`,
          `  training success rate ${summary.successRate === null ? 'n/a (no episode finished)' : summary.successRate.toFixed(2)}`,
          `  recorded in ${dbPath}`,
          ...(end.message ? [`  ${end.message}`] : []),
        ].join('\n') + '\n',
      );
    }
    return end.status === 'finished' ? 0 : end.status === 'interrupted' ? 130 : 1;
  } finally {
    db.close();
  }
}
