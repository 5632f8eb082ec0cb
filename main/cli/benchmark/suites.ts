// The benchmark suites: which environment each runs, which methods it compares and the defaults of
// the paper's comparison (aim-algorithm.md §7–§8).
import type { Suite } from '../../contract/benchmark.ts';
import {
  GRID_METHODS,
  learningDefaults,
  METHODS,
  type EnvId,
  type Method,
  type Preset,
} from '../../contract/session-config.ts';
import { UsageError } from '../args.ts';

export interface SuiteSpec {
  env: EnvId;
  /** The methods the suite compares by default, in the table's order. */
  methods: readonly Method[];
  /**
   * Methods it runs only when asked (--methods): PVP's own TD3 learner and the authors' Thrifty-DAgger,
   * the originals of baselines whose paper variants the table compares, slower on wasm.
   */
  optional: readonly Method[];
  seeds: number;
  budget: number;
  /** A run stops at this many times the budget in total steps, spent or not. */
  maxStepsPerBudget: number;
  evalEvery: number;
  evalEpisodes: number;
  batchSize: number;
  /** Warm-up and δ of the robot-gated methods, by preset. */
  warmup: Record<Preset, number>;
  delta: Record<Preset, number>;
}

/** A suite's session defaults: the contract's for its environment, by preset. */
function sessionDefaults(env: EnvId): Pick<SuiteSpec, 'batchSize' | 'warmup' | 'delta'> {
  const reference = learningDefaults(env, 'reference');
  const paper = learningDefaults(env, 'paper');
  return {
    batchSize: reference.batchSize,
    warmup: { reference: reference.warmup, paper: paper.warmup },
    delta: { reference: reference.delta, paper: paper.delta },
  };
}

const CONTINUOUS: readonly Method[] = ['bc', 'hg-dagger', 'pvp', 'ensemble-dagger', 'thrifty-dagger', 'aim'];

const SUITES: Record<Suite, SuiteSpec> = {
  // The AIM case study's scenario: one map, no traffic, deterministic, so one evaluation episode.
  toy: {
    env: 'toy',
    methods: CONTINUOUS,
    optional: ['pvp-td3', 'thrifty-dagger-original'],
    seeds: 3,
    budget: 600,
    maxStepsPerBudget: 10,
    evalEvery: 100,
    evalEpisodes: 1,
    ...sessionDefaults('toy'),
  },
  // The paper's MetaDrive table: curves to 2.5K expert-involved steps, 50 held-out scenarios.
  driving: {
    env: 'driving',
    methods: CONTINUOUS,
    optional: ['pvp-td3', 'thrifty-dagger-original'],
    seeds: 5,
    budget: 2500,
    maxStepsPerBudget: 10,
    evalEvery: 250,
    evalEpisodes: 50,
    ...sessionDefaults('driving'),
  },
  // MultiRoom: AIM against PVP and HG-DAgger at 2,000 total steps (issue 6's targets), each run as
  // the grid's discrete preset sets a session (aim-algorithm.md §3.2: batch 100 + 100, warm-up and δ).
  grid: {
    env: 'grid',
    methods: ['hg-dagger', 'pvp', 'aim'],
    optional: [],
    seeds: 3,
    budget: 2000,
    maxStepsPerBudget: 1,
    evalEvery: 100,
    evalEpisodes: 50,
    ...sessionDefaults('grid'),
  },
};

export function suiteSpec(suite: Suite): SuiteSpec {
  const spec = SUITES[suite];
  const missing = spec.env === 'grid' ? spec.methods.filter((m) => !GRID_METHODS.includes(m)) : [];
  if (missing.length > 0)
    throw new UsageError(
      `the ${suite} suite compares ${spec.methods.join(', ')}, but ${missing.join(' and ')} ${missing.length === 1 ? 'has' : 'have'} no learner for the grid's discrete actions in this build yet (aim train --env grid trains discrete AIM)`,
    );
  return spec;
}

/** Parses --methods (comma-separated); every name must be a method this suite compares. */
export function parseMethods(suite: Suite, text: string | undefined): Method[] {
  const spec = suiteSpec(suite);
  if (text === undefined) return [...spec.methods];
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--methods needs at least one method');
  for (const name of names) {
    if (!(METHODS as readonly string[]).includes(name))
      throw new UsageError(`unknown method "${name}"; methods: ${METHODS.join(', ')}`);
    const allowed = [...spec.methods, ...spec.optional];
    if (!allowed.includes(name as Method))
      throw new UsageError(`the ${suite} suite does not compare ${name}; its methods: ${allowed.join(', ')}`);
  }
  return [...new Set(names)] as Method[];
}
