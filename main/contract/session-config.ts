// The configuration of a teaching or training session, validated once where it enters the core.
import { z } from 'zod';

export const ENV_IDS = ['toy', 'driving', 'grid'] as const;
export type EnvId = (typeof ENV_IDS)[number];

/**
 * AIM and the baselines of the paper's comparison (aim-algorithm.md §6): bc is offline (the expert
 * demonstrates every step); hg-dagger and pvp are human-gated (a simulated human decides every
 * step; pvp-td3 is PVP's own TD3 learner); ensemble-dagger and thrifty-dagger are robot-gated on a 5-member ensemble's disagreement,
 * thrifty-dagger-original (the authors' Thrifty-DAgger) also on a risk critic.
 */
export const METHODS = [
  'aim',
  'bc',
  'hg-dagger',
  'pvp',
  'pvp-td3',
  'ensemble-dagger',
  'thrifty-dagger',
  'thrifty-dagger-original',
] as const;
export type Method = (typeof METHODS)[number];

/** The methods with a learner for the grid's discrete actions (discrete AIM); the rest are continuous-only. */
export const GRID_METHODS: readonly Method[] = ['aim', 'pvp', 'hg-dagger'];

export const PRESETS = ['reference', 'paper'] as const;
export type Preset = (typeof PRESETS)[number];

/** TF.js backends, fastest first: the order 'auto' tries them in. wasm-blas is wasm with OpenBLAS products. */
export const BACKENDS = ['auto', 'tfjs-node', 'wasm-blas', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

export const PACES = ['realtime', 'fast'] as const;
export type Pace = (typeof PACES)[number];

/**
 * How the loop and the learner meet. async: the loop never waits, the policy lags on a slow
 * backend (real time). lockstep: the loop waits after each step until the learner has caught up,
 * so results do not depend on machine speed (fast pace, benchmarks).
 */
export const LEARNER_MODES = ['lockstep', 'async'] as const;
export type LearnerMode = (typeof LEARNER_MODES)[number];

/** Warm-up: the expert drives (release code), or a PVP-style density gate decides (paper-era code). */
export const WARMUP_MODES = ['expertDrive', 'humanGatedPVP'] as const;
export type WarmupMode = (typeof WARMUP_MODES)[number];

/** When the gate's threshold is recomputed: at episode ends from robot steps, or after every update round. */
export const THRESHOLD_RECOMPUTES = ['episodeEnd', 'everyTrainStep'] as const;
export type ThresholdRecompute = (typeof THRESHOLD_RECOMPUTES)[number];

/** The switchable knobs of AIM (aim-algorithm.md §11.6); a preset fills the ones left unset. */
export const aimSettingsSchema = z
  .object({
    warmupMode: z.enum(WARMUP_MODES),
    /** An update round runs after every `cadenceEvery` new expert labels (release 25, paper-era 200). */
    cadenceEvery: z.number().int().min(1).max(1_000_000),
    /** Proxy-Q steps and BC batches (of 5 steps each) per round (release 25, paper-era 200). */
    cadenceSteps: z.number().int().min(1).max(1_000_000),
    /** The release code's quirk: re-run the proxy-Q round on every step while the label count sits on a multiple. */
    refireWhileIdle: z.boolean(),
    /** κ in the AIM mask m = 1[diff > κ·ε] (release 1, paper-era 1.5). */
    maskScale: z.number().gt(0).max(1000),
    /** The paper's reward-free TD term on the proxy Q, with a target network. */
    td: z.boolean(),
    gamma: z.number().min(0).max(1),
    tau: z.number().gt(0).max(1),
    thresholdRecompute: z.enum(THRESHOLD_RECOMPUTES),
  })
  .strict();
export type AimSettings = z.infer<typeof aimSettingsSchema>;

/** How a person at the wheel takes over (issue 7): each trigger can be switched off. */
export const personTriggersSchema = z
  .object({
    /** Holding either paddle (MetaDrive's convention). */
    paddle: z.boolean().default(true),
    /** Pressing the throttle or brake pedal past pedalThreshold. */
    pedal: z.boolean().default(true),
    /** Turning the wheel away from the novice's steering by more than steerThreshold. */
    wheel: z.boolean().default(true),
  })
  .strict();

export const HANDBACK_RULES = ['agreement', 'release', 'both'] as const;
export type HandbackRule = (typeof HANDBACK_RULES)[number];

/**
 * Robot-gated: the gate asks for help and the car keeps following the novice until the person acts.
 * Human-gated: the gate never asks; the person takes over when they see fit.
 */
export const GATINGS = ['robot', 'human'] as const;
export type Gating = (typeof GATINGS)[number];

// The simulated expert answers help requests (a person can still take over with the keyboard), or a
// person at a wheel, gamepad or the keyboard is the expert: they drive the warm-up and answer help.
export const expertSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('scripted'),
      /**
       * The action it gives when it drives: a sample from its Gaussian (as the release code's PPO
       * expert, σ = 0.136, 0.458; the default) or its deterministic action ('none'). PVP's warm-up
       * density gate uses the Gaussian either way.
       */
      noise: z.enum(['sampled', 'none']).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('person'),
      /** 'any' device, 'keyboard', or the device key (vendor:product) or id of a wheel or gamepad. */
      device: z.string().min(1).max(200).default('any'),
      gating: z.enum(GATINGS).default('robot'),
      triggers: personTriggersSchema.default({ paddle: true, pedal: true, wheel: true }),
      /** Pedal travel (0 released … 1 pressed) that counts as taking over. */
      pedalThreshold: z.number().gt(0).max(1).default(0.2),
      /** |wheel − novice steer| (steer units, [−1, 1]) that counts as taking over. */
      steerThreshold: z.number().gt(0).max(2).default(0.3),
      /** No sample for this long while the person drives is a fault (brake, pause); 200 ms by default. */
      staleInputMs: z.number().int().min(50).max(5000).default(200),
      /** Hand back when the novice agrees with the person (AIM's rule), when they let go, or either. */
      handback: z.enum(HANDBACK_RULES).default('both'),
    })
    .strict(),
]);
export type ExpertSource = z.infer<typeof expertSourceSchema>;

/** The knobs whose defaults depend on the environment and preset. */
export interface LearningDefaults {
  warmup: number;
  delta: number;
  batchSize: number;
}

/**
 * Continuous AIM: the paper's batch of 1024, 200 warm-up steps and δ 0.05 (aim-algorithm.md §2.6). The
 * grid's discrete AIM draws 100 + 100 samples per batch and takes the release's warm-up 400 and δ 0.1
 * (reference) or the paper-era code's 100 and 0.05 (§2.6.5, §3.2): a grid session left to the
 * continuous defaults would train a CNN on batches five times the preset's.
 */
export function learningDefaults(env: EnvId, preset: Preset): LearningDefaults {
  if (env === 'grid')
    return preset === 'reference'
      ? { warmup: 400, delta: 0.1, batchSize: 200 }
      : { warmup: 100, delta: 0.05, batchSize: 200 };
  return { warmup: 200, delta: 0.05, batchSize: 1024 };
}

/**
 * The session's fields as an object schema (forms read its shape). The knobs of learningDefaults are
 * optional here; sessionConfigSchema fills them for the environment and preset.
 */
export const sessionConfigFieldsSchema = z
  .object({
    env: z.enum(ENV_IDS).default('toy'),
    method: z.enum(METHODS).default('aim'),
    preset: z.enum(PRESETS).default('reference'),
    expert: expertSourceSchema.default({ kind: 'scripted' }),
    operator: z.string().max(200).default(''),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    /** Total decision steps; 0 runs until stopped. */
    steps: z.number().int().min(0).max(100_000_000).default(0),
    // At least 10 steps, so the initial fit has a held-out tenth to set the first threshold from.
    warmup: z.number().int().min(10).max(1_000_000).optional(),
    /** The gate asks for help above the (1 − δ) quantile of Q over robot-controlled steps. */
    delta: z.number().gt(0).lt(1).optional(),
    pace: z.enum(PACES).default('realtime'),
    backend: z.enum(BACKENDS).default('auto'),
    /** Gradient batch size (default by environment and preset: learningDefaults); small tests use less. */
    batchSize: z.number().int().min(1).max(65_536).optional(),
    /** HG-DAgger's simulated human takes over where mean_dims (a_n − a_e)² exceeds this (§5.1). */
    hgDaggerThreshold: z.number().min(0).max(16).default(0.2),
    /** PVP's simulated human takes over where the expert's density of a_n is below 1 − this (§5.1). */
    pvpFreeLevel: z.number().gt(0).lt(1).default(0.9),
    /** Knobs set explicitly; the rest come from the preset (a stored session holds all of them). */
    aim: aimSettingsSchema.partial().default({}),
    /** Defaults to lockstep at fast pace and async in real time (which never waits). */
    learnerMode: z.enum(LEARNER_MODES).optional(),
    /** Evaluate the deterministic novice every this many expert-involved steps; 0 never. */
    evalEvery: z.number().int().min(0).max(100_000_000).default(0),
    evalEpisodes: z.number().int().min(1).max(1000).default(50),
    /** First held-out scenario seed of the evaluation (MetaDrive's 1000–1049). */
    evalSeedStart: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1000),
    /** An exported policy folder (aim export policy) the novice starts as, instead of fresh weights. */
    initialPolicy: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .refine((config) => !(config.pace === 'realtime' && config.learnerMode === 'lockstep'), {
    message: 'a real-time session never waits for the learner: learnerMode lockstep needs pace fast',
    path: ['learnerMode'],
  })
  .refine((config) => config.env !== 'grid' || GRID_METHODS.includes(config.method), {
    message: `the grid has discrete actions, which only ${GRID_METHODS.join(', ')} can learn in this build`,
    path: ['method'],
  })
  .refine((config) => config.env !== 'grid' || config.expert.kind === 'scripted', {
    message:
      'on the grid the shortest-path expert answers help requests and a person takes over with the keyboard; a person as the expert is for driving',
    path: ['expert'],
  });

/** A session's configuration, validated where it enters the core, with every default filled. */
export const sessionConfigSchema = sessionConfigFieldsSchema.transform((config) => {
  const defaults = learningDefaults(config.env, config.preset);
  return {
    ...config,
    warmup: config.warmup ?? defaults.warmup,
    delta: config.delta ?? defaults.delta,
    batchSize: config.batchSize ?? defaults.batchSize,
  };
});

export type SessionConfigInput = z.input<typeof sessionConfigSchema>;
export type SessionConfig = z.output<typeof sessionConfigSchema>;

/** A configuration with the preset applied: every knob and the learner mode are explicit. */
export type ResolvedSessionConfig = SessionConfig & { aim: AimSettings; learnerMode: LearnerMode };
