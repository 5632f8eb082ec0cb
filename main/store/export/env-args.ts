// The `env_args` attribute of an exported dataset (robomimic's environment metadata): the
// environment and its full configuration, the observation and action layout, and the session that
// recorded the data. robomimic reads env_name, type and env_kwargs; the rest is for people.
import type { SessionRow } from '../records.ts';
import type { EnvSpec } from '../../sim/env.ts';
import { DrivingEnv, TOY_CONFIG, type DrivingConfig } from '../../sim/driving/index.ts';
import { EGO_DIM, LIDAR_OFFSET, OBS_DIM } from '../../sim/driving/observation.ts';
import { ExportError } from './errors.ts';
import packageJson from '../../../package.json' with { type: 'json' };

/** The version of this build, written into every export. */
export const APP_VERSION: string = packageJson.version;

/** robomimic's EnvType.GYM_TYPE: the closest of its environment kinds (MetaDrive is a gym env). */
const ROBOMIMIC_GYM_TYPE = 2;

export interface EnvArgs {
  env_name: string;
  type: number;
  env_kwargs: DrivingConfig;
  note: string;
  observation: { key: string; shape: readonly number[]; layout: Record<string, [number, number]> };
  action: { space: EnvSpec['actionSpace']; names: string[]; description: string };
  decision_hz: number;
  session: {
    id: number;
    status: string;
    started_at: string;
    ended_at: string | null;
    operator: string;
    backend: string;
    host: string;
    /** The build that recorded the session. */
    app_version: string;
    config: SessionRow['config'];
  };
  /** The build that wrote the file. */
  app_version: string;
}

/**
 * The simulator a session ran in, built as main/session/environments.ts builds it (toy: the AIM case
 * study's map; driving: the defaults), so the configuration is the one the data came from.
 */
function environmentOf(session: SessionRow): DrivingEnv {
  switch (session.config.env) {
    case 'toy':
      return new DrivingEnv(TOY_CONFIG);
    case 'driving':
      return new DrivingEnv();
    case 'grid':
      throw new ExportError(
        'empty',
        `Session ${session.id} ran in the grid; datasets export the driving observation's layout, so only driving and toy sessions export one (its policy exports with aim export policy)`,
      );
  }
}

export function envArgsOf(session: SessionRow, obsKey: string): EnvArgs {
  const env = environmentOf(session);
  return {
    env_name: `AIM-Workstation-${env.spec.id}`,
    type: ROBOMIMIC_GYM_TYPE,
    env_kwargs: { ...env.config },
    note: 'The AIM Workstation driving simulator (MetaDrive-equivalent); not registered with gym, so rollouts need the workstation.',
    observation: {
      key: obsKey,
      shape: env.spec.obsShape,
      layout: {
        ego_state: [0, EGO_DIM],
        navigation: [EGO_DIM, LIDAR_OFFSET],
        lidar: [LIDAR_OFFSET, OBS_DIM],
      },
    },
    action: {
      space: env.spec.actionSpace,
      names: ['steer', 'throttle'],
      description: 'steer in [-1, 1], positive turns left; throttle in [-1, 1], negative brakes',
    },
    decision_hz: env.spec.decisionHz,
    session: {
      id: session.id,
      status: session.status,
      started_at: session.startedAt,
      ended_at: session.endedAt,
      operator: session.operator,
      backend: session.backend,
      host: session.host,
      app_version: session.appVersion,
      config: session.config,
    },
    app_version: APP_VERSION,
  };
}
