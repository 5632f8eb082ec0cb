// An exported policy folder brought back in: to evaluate it (aim eval --policy DIR) or to start a new
// session whose novice begins as that policy. The folder's files are checked by readPolicyFolder;
// here the policy is checked against the environment it is to act in.
import type { PolicyInfo } from '../contract/export.ts';
import { ENV_IDS, type EnvId } from '../contract/session-config.ts';
import { readPolicyFolder, PolicyFolderError, type LoadedPolicy } from '../learn/export/policy-folder.ts';
import { createEnvSetup } from './environments.ts';

/**
 * Reads the folder and checks that its observation and action specifications are those of `env`
 * (by default the environment it was trained in). Throws a PolicyFolderError saying what differs.
 */
export function loadPolicyFor(folder: string, env?: EnvId): LoadedPolicy & { env: EnvId } {
  const policy = readPolicyFolder(folder);
  const { arch } = policy;
  const trainedIn = arch.env.id as EnvId;
  if (!ENV_IDS.includes(trainedIn))
    throw new PolicyFolderError(
      `The policy in ${policy.folder} was trained in environment ${arch.env.id}, which this build does not have`,
    );
  const target = env ?? trainedIn;
  const spec = createEnvSetup(target, 0).env.spec;
  const where = `the policy in ${policy.folder} (trained in ${trainedIn})`;
  if (`${arch.observation.shape}` !== `${spec.obsShape}`)
    throw new PolicyFolderError(
      `${cap(where)} observes [${arch.observation.shape}], but environment ${target} gives observations of shape [${spec.obsShape}]`,
    );
  const space = spec.actionSpace;
  const actions = arch.action;
  const fits =
    space.kind === 'box'
      ? actions.kind === 'box' &&
        `${actions.shape}` === `${space.dim}` &&
        actions.low === space.low &&
        actions.high === space.high
      : actions.kind === 'discrete' && actions.n === space.n;
  if (!fits)
    throw new PolicyFolderError(
      `${cap(where)} acts in ${JSON.stringify(actions.kind === 'box' ? { box: actions.shape, low: actions.low, high: actions.high } : { discrete: actions.n })}, but environment ${target} takes ${JSON.stringify(space)}`,
    );
  return { ...policy, env: target };
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the UI shows of a policy folder before evaluating it or starting a session from it. */
export function policyInfo(policy: LoadedPolicy & { env: EnvId }): PolicyInfo {
  const { arch } = policy;
  const source = arch.source as {
    session?: { id?: number };
    checkpoint?: { id?: number; step?: number };
    evaluation?: { successRate?: number } | null;
  };
  const checkpoint = source.checkpoint;
  return {
    folder: policy.folder,
    env: policy.env,
    observationShape: arch.observation.shape,
    action:
      arch.action.kind === 'box'
        ? { kind: 'box', shape: arch.action.shape, low: arch.action.low, high: arch.action.high }
        : { kind: 'discrete', n: arch.action.n },
    network: arch.network.pytorch,
    session: source.session?.id ?? null,
    checkpoint:
      typeof checkpoint?.id === 'number' && typeof checkpoint.step === 'number'
        ? { id: checkpoint.id, step: checkpoint.step }
        : null,
    successRate: source.evaluation?.successRate ?? null,
    exportedAt: arch.exportedAt,
  };
}
