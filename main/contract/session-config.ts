// The configuration of a teaching or training session, validated once where it enters the core.
import { z } from 'zod';

export const ENV_IDS = ['toy', 'driving'] as const;
export type EnvId = (typeof ENV_IDS)[number];

export const METHODS = ['aim'] as const;
export type Method = (typeof METHODS)[number];

export const PRESETS = ['reference', 'paper'] as const;
export type Preset = (typeof PRESETS)[number];

export const BACKENDS = ['auto', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

export const PACES = ['realtime', 'fast'] as const;
export type Pace = (typeof PACES)[number];

// The simulated expert answers help requests; a person can always take over with the keyboard.
// A person as the expert who answers help requests (with a wheel) extends this union.
export const expertSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scripted') }).strict(),
]);
export type ExpertSource = z.infer<typeof expertSourceSchema>;

export const sessionConfigSchema = z
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
    warmup: z.number().int().min(10).max(1_000_000).default(200),
    /** The gate asks for help above the (1 − δ) quantile of Q over robot-controlled steps. */
    delta: z.number().gt(0).lt(1).default(0.05),
    pace: z.enum(PACES).default('realtime'),
    backend: z.enum(BACKENDS).default('auto'),
    /** Gradient batch size; the paper uses 1024, small tests use less. */
    batchSize: z.number().int().min(1).max(65_536).default(1024),
  })
  .strict();

export type SessionConfigInput = z.input<typeof sessionConfigSchema>;
export type SessionConfig = z.output<typeof sessionConfigSchema>;
