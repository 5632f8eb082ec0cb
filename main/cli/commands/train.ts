// `aim train`: a headless session with the simulated expert, recorded like any other session, or
// (--resume) an ended session continued from its last checkpoint.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EpisodeEvent } from '../../contract/api.ts';
import {
  BACKENDS,
  ENV_IDS,
  GRID_METHODS,
  METHODS,
  PACES,
  PRESETS,
  THRESHOLD_RECOMPUTES,
  WARMUP_MODES,
  sessionConfigSchema,
  type AimSettings,
  type BackendChoice,
  type Pace,
  type Method,
  type Preset,
  type ResolvedSessionConfig,
} from '../../contract/session-config.ts';
import { DISCRETE_AIM_STEPS } from '../../learn/presets.ts';
import { openDatabase } from '../../store/database.ts';
import type { EvaluationRecord } from '../../store/records.ts';
import { prepareSession, resumeSession, type PreparedSession } from '../../session/prepare.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { createProgress } from '../progress.ts';
import { defaultDbPath } from '../paths.ts';

export const trainCommand = {
  name: 'train',
  summary: 'train a novice policy headless, with the simulated expert answering help requests',
  usage:
    'aim train [--env toy|driving|grid] [--method aim] [--preset reference|paper] [--steps N] [--seed S] [--db FILE] [--json] …\n       aim train --resume SESSION [--steps N] [--db FILE] [--json]',
  flags: {
    env: { type: 'string', choices: ENV_IDS, default: 'toy', description: 'Environment to train in.' },
    method: { type: 'string', choices: METHODS, default: 'aim', description: 'Learning method.' },
    preset: {
      type: 'string',
      choices: PRESETS,
      default: 'reference',
      description:
        "Knob preset: reference (the authors' released code) or paper (the paper's objective with the TD term); knobs given below win.",
    },
    'warmup-mode': {
      type: 'string',
      choices: WARMUP_MODES,
      description: 'Warm-up: the expert drives, or a PVP density gate decides each step (preset).',
    },
    'cadence-every': {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      description: 'An update round runs after every N new expert labels (preset: 25 or 200).',
    },
    'cadence-steps': {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      description: 'Proxy-Q steps and BC batches (5 steps each) per round (preset: 25 or 200).',
    },
    refire: {
      type: 'string',
      choices: ['on', 'off'],
      description:
        "Re-run the proxy-Q round on every step while the label count sits on a multiple (the release code's quirk; preset off).",
    },
    'mask-scale': {
      type: 'number',
      min: 0,
      max: 1000,
      exclusive: true,
      placeholder: 'κ',
      description: 'Novice actions count as needing help where mean (a_h − a_n)² > κ·ε (preset: 1 or 1.5).',
    },
    td: {
      type: 'string',
      choices: ['on', 'off'],
      description: 'Reward-free TD term on the proxy Q, γ 0.99, target network τ 0.005 (preset: off or on).',
    },
    'threshold-recompute': {
      type: 'string',
      choices: THRESHOLD_RECOMPUTES,
      description:
        'Recompute the help threshold at episode ends or after every update round (preset episodeEnd).',
    },
    expert: {
      type: 'string',
      choices: ['scripted'],
      default: 'scripted',
      description: 'Who answers help requests: the scripted (privileged) driving expert.',
    },
    'expert-noise': {
      type: 'string',
      choices: ['sampled', 'none'],
      description:
        "The scripted expert's action when it drives: a sample from its Gaussian (default, as the release code's PPO expert) or its deterministic action.",
    },
    steps: {
      type: 'integer',
      min: 1,
      max: 100_000_000,
      description: 'Decision steps to run (default 2000; on grid the preset’s: 2000 reference, 10000 paper).',
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
      description:
        'Warm-up steps in which the expert drives before the robot gate starts (default 200; on grid the preset’s: 400 reference, 100 paper).',
    },
    delta: {
      type: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      placeholder: 'δ',
      description:
        'Ask for help above the (1 − δ) quantile of Q (default 0.05; on grid the preset’s: 0.1 reference, 0.05 paper).',
    },
    'batch-size': {
      type: 'integer',
      min: 1,
      max: 65_536,
      description: 'Gradient batch size (default 1024; on grid 200, half from each buffer).',
    },
    backend: {
      type: 'string',
      choices: BACKENDS,
      default: 'auto',
      description: 'TF.js backend (auto tries tfjs-node, then wasm-blas, then wasm, then cpu).',
    },
    pace: {
      type: 'string',
      choices: PACES,
      default: 'fast',
      description:
        'fast: as fast as possible, waiting for the learner after each step (lockstep); realtime: 10 decisions per second, never waiting (async).',
    },
    'eval-every': {
      type: 'integer',
      min: 0,
      max: 100_000_000,
      default: 250,
      description:
        'Evaluate the deterministic novice every N expert-involved steps and at the end (0: never).',
    },
    'eval-episodes': {
      type: 'integer',
      min: 1,
      max: 1000,
      description:
        'Episodes per evaluation, on held-out seeds from 1000 (default 50; 1 on toy, whose one scenario is deterministic).',
    },
    'initial-policy': {
      type: 'string',
      placeholder: 'DIR',
      description:
        'Start the novice as this exported policy folder (aim export policy) instead of fresh weights.',
    },
    resume: {
      type: 'integer',
      min: 1,
      placeholder: 'SESSION',
      description:
        'Continue this ended session from its last checkpoint and buffers, up to --steps in total (default: its own budget, so an interrupted run finishes).',
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
    'aim train --env driving --preset paper --steps 10000 --eval-every 250 --json',
    'aim train --env grid --method aim --preset reference --seed 0 --eval-every 50 --json',
    'aim train --resume 3 --steps 12000',
  ],
} satisfies CommandSpec;

type TrainFlags = ReturnType<typeof parseFlags<typeof trainCommand.flags>>;

/** What a resumed session may change; everything else is the session's own configuration. */
const RESUMABLE = new Set(['resume', 'steps', 'db', 'json', 'pace', 'backend']);

/** The knobs given on the command line; the preset fills the rest. */
function knobs(flags: TrainFlags): Partial<AimSettings> {
  const onOff = (value: string | undefined) => (value === undefined ? undefined : value === 'on');
  const given: Partial<AimSettings> = {
    warmupMode: flags['warmup-mode'] as AimSettings['warmupMode'] | undefined,
    cadenceEvery: flags['cadence-every'],
    cadenceSteps: flags['cadence-steps'],
    refireWhileIdle: onOff(flags.refire),
    maskScale: flags['mask-scale'],
    td: onOff(flags.td),
    thresholdRecompute: flags['threshold-recompute'] as AimSettings['thresholdRecompute'] | undefined,
  };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}

/** Knobs of continuous AIM and the driving expert, which discrete AIM on the grid does not have. */
const DRIVING_ONLY = [
  'warmup-mode',
  'cadence-every',
  'cadence-steps',
  'refire',
  'mask-scale',
  'td',
  'threshold-recompute',
  'expert-noise',
] as const;

/** The grid trains discrete AIM with its preset's warm-up, δ and budget; driving-only knobs are refused. */
function checkGridFlags(flags: TrainFlags): void {
  if (flags.env !== 'grid') return;
  if (!GRID_METHODS.includes(flags.method as Method))
    throw new UsageError(
      `--env grid has discrete actions, which only ${GRID_METHODS.join(', ')} can learn in this build; --method ${flags.method} is for driving and toy`,
    );
  const given = DRIVING_ONLY.find((name) => flags[name] !== undefined);
  if (given !== undefined)
    throw new UsageError(
      `--${given} applies to driving and toy (continuous AIM and the driving expert); discrete AIM on the grid and its shortest-path expert have no such setting`,
    );
}

/** The step budget where --steps is not given: the grid's comes from its discrete preset. */
function defaultSteps(flags: TrainFlags): number {
  return flags.env === 'grid' ? DISCRETE_AIM_STEPS[flags.preset as Preset] : 2000;
}

function newSessionConfig(flags: TrainFlags) {
  checkGridFlags(flags);
  return sessionConfigSchema.parse({
    env: flags.env,
    method: flags.method,
    preset: flags.preset,
    expert: { kind: flags.expert, ...(flags['expert-noise'] ? { noise: flags['expert-noise'] } : {}) },
    operator: flags.operator,
    seed: flags.seed,
    steps: flags.steps ?? defaultSteps(flags),
    warmup: flags.warmup,
    delta: flags.delta,
    pace: flags.pace,
    backend: flags.backend,
    batchSize: flags['batch-size'],
    aim: knobs(flags),
    evalEvery: flags['eval-every'],
    evalEpisodes: flags['eval-episodes'] ?? (flags.env === 'toy' ? 1 : 50),
    // Absolute, so the session row names the folder wherever it is read.
    initialPolicy: flags['initial-policy'] === undefined ? undefined : path.resolve(flags['initial-policy']),
  });
}

/** One line with every resolved knob, as recorded in the session row. */
export function describeConfig(config: ResolvedSessionConfig): string {
  const { aim } = config;
  const learning =
    config.env === 'grid'
      ? [
          `${config.env}, discrete ${config.method}/${config.preset}, seed ${config.seed}, ${config.steps} steps, ${config.pace} pace, learner ${config.learnerMode}, shortest-path expert`,
          `warm-up ${config.warmup}, batch ${config.batchSize} (half from each buffer), δ ${config.delta}, threshold after every update`,
        ]
      : [
          `${config.env}, ${config.method}/${config.preset}, seed ${config.seed}, ${config.steps} steps, ${config.pace} pace, learner ${config.learnerMode}, expert ${config.expert.kind}${config.expert.kind === 'scripted' ? ` (${config.expert.noise === 'none' ? 'deterministic' : 'sampled'} actions)` : ''}`,
          `warm-up ${config.warmup} (${aim.warmupMode}), cadence ${aim.cadenceSteps} steps per ${aim.cadenceEvery} labels, refire ${aim.refireWhileIdle ? 'on' : 'off'}`,
          `mask scale ${aim.maskScale}, TD ${aim.td ? `on (γ ${aim.gamma}, τ ${aim.tau})` : 'off'}, batch ${config.batchSize}, δ ${config.delta}, threshold at ${aim.thresholdRecompute}`,
        ];
  return [
    ...learning,
    config.evalEvery > 0
      ? `evaluation every ${config.evalEvery} expert-involved steps on ${config.evalEpisodes} episodes from seed ${config.evalSeedStart}`
      : 'no evaluation',
  ].join('; ');
}

export function describeEvaluation(e: EvaluationRecord): string {
  return `eval@${e.expertSteps}: success ${e.successRate.toFixed(2)}, return ${e.meanReturn.toFixed(Math.abs(e.meanReturn) < 10 ? 2 : 0)}, route ${e.routeCompletion.toFixed(2)}, crash ${e.crashRate.toFixed(2)}, out-of-road ${e.outOfRoadRate.toFixed(2)}, cost ${e.meanCost.toFixed(2)}`;
}

export async function runTrain(argv: string[]): Promise<number> {
  const flags = parseFlags(trainCommand, argv);
  if (flags.resume !== undefined) {
    const fixed = argv
      .filter((arg) => arg.startsWith('--'))
      .map((arg) => arg.slice(2).split('=')[0])
      .filter((name) => !RESUMABLE.has(name));
    if (fixed.length > 0)
      throw new UsageError(
        `a resumed session keeps its configuration: --${fixed[0]} cannot be given with --resume (see aim train --help)`,
      );
  }
  const config = flags.resume === undefined ? newSessionConfig(flags) : null;
  const dbPath = path.resolve(flags.db ?? defaultDbPath());
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = openDatabase(dbPath);
  const started = performance.now();
  let steps = 0;
  let episodes = 0;
  let successes = 0;
  let progress: ReturnType<typeof createProgress> | null = null;
  let lastEval = '';
  const evaluations: EvaluationRecord[] = [];
  const listener = {
    frame: () => {
      steps++;
      const training =
        episodes > 0 ? `episodes ${episodes}, success ${(successes / episodes).toFixed(2)}` : '';
      progress?.update(steps, [training, lastEval].filter(Boolean).join(' | '));
    },
    event: (name: string, payload: unknown) => {
      if (name !== 'episode') return;
      episodes++;
      if ((payload as EpisodeEvent).success) successes++;
    },
  };
  const options = {
    onEvaluation(evaluation: EvaluationRecord) {
      evaluations.push(evaluation);
      lastEval = describeEvaluation(evaluation);
    },
  };
  try {
    const session: PreparedSession =
      config === null
        ? await resumeSession(
            db,
            flags.resume as number,
            {
              steps: flags.steps,
              pace: argv.some((a) => a.startsWith('--pace')) ? (flags.pace as Pace) : undefined,
              backend: argv.some((a) => a.startsWith('--backend'))
                ? (flags.backend as BackendChoice)
                : undefined,
            },
            'cli',
            listener,
            options,
          )
        : await prepareSession(db, config, 'cli', listener, options);
    const resolved = session.config;
    const startStep = session.runner.status().step;
    steps = startStep;
    process.stderr.write(
      `aim train: session ${session.runner.sessionId}${config === null ? ` resumed at step ${startStep}` : ''} on ${session.runner.backend}: ${describeConfig(resolved)}\n`,
    );
    progress = createProgress('train', resolved.steps);
    const stop = () => session.runner.stop('interrupted', 'Interrupted from the command line.');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const end = await session.run();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    const sessionId = session.runner.sessionId;
    const summary = {
      sessionId,
      status: end.status,
      env: resolved.env,
      method: resolved.method,
      preset: resolved.preset,
      ...(config === null ? { resumedAtStep: startStep } : {}),
      steps: end.steps,
      episodes: end.episodes,
      expertSteps: end.expertSteps,
      takeovers: end.takeovers,
      successRate: end.successRate,
      backend: session.runner.backend,
      pace: resolved.pace,
      learnerMode: resolved.learnerMode,
      config: resolved,
      evaluations,
      checkpoints: db.models(sessionId).filter((m) => m.kind === 'actor').length,
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
          ...(evaluations.length > 0
            ? [`  last ${describeEvaluation(evaluations[evaluations.length - 1])}`]
            : []),
          `  ${summary.checkpoints} checkpoints; learner ${summary.learnerMode}`,
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
