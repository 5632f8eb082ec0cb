// The scripted expert of any environment over a seed range, as `aim eval --policy expert` and
// `aim report` show it: the driving expert's episode metrics, or the grid's shortest-path expert's
// success and episode lengths. Pure: no I/O, deterministic for its arguments.
import type { EnvId } from '../contract/session-config.ts';
import { evaluateExpert, type ExpertEvalResult } from './driving-eval.ts';
import { evaluateGridExpert, type GridExpertEvaluation } from './grid-eval.ts';

export interface SeedRange {
  start: number;
  count: number;
}

/** ε of the grid expert's noisy actions (--stochastic): a uniformly random action one step in ten. */
export const GRID_EXPERT_EPSILON = 0.1;

export type ScriptedExpertResult =
  | ExpertEvalResult
  | (GridExpertEvaluation & { env: 'grid'; policy: 'expert'; stochastic: boolean; seeds: SeedRange });

export function evaluateScriptedExpert(
  env: EnvId,
  seeds: SeedRange,
  stochastic = false,
): ScriptedExpertResult {
  if (env !== 'grid') return evaluateExpert({ env, seeds, stochastic });
  const evaluation = evaluateGridExpert({
    seeds: Array.from({ length: seeds.count }, (_, k) => seeds.start + k),
    noise: stochastic ? { kind: 'epsilon', epsilon: GRID_EXPERT_EPSILON } : undefined,
  });
  return { env, policy: 'expert', stochastic, seeds, ...evaluation };
}
