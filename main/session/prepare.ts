// Builds a ready-to-run session from a validated configuration: backend, environment, learner,
// the session row and its recorder. Shared by every host (CLI, browser mode, Electron).
import type { CoreListener, SessionStatus } from '../contract/api.ts';
import type { SessionConfig } from '../contract/session-config.ts';
import { selectBackend } from '../learn/backend.ts';
import { AIM_REFERENCE_DEFAULTS, AimLearner } from '../learn/aim.ts';
import type { AimDatabase } from '../store/database.ts';
import type { SessionEnd } from '../store/records.ts';
import { createEnvSetup } from './environments.ts';
import { SessionRunner } from './runner.ts';
import packageJson from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = packageJson.version;

export interface PreparedSession {
  runner: SessionRunner;
  /** Runs the session to its end and records how it ended; never throws for a session failure. */
  run(): Promise<SessionEnd>;
}

export async function prepareSession(
  db: AimDatabase,
  config: SessionConfig,
  host: string,
  listener: CoreListener,
): Promise<PreparedSession> {
  const backend = await selectBackend(config.backend);
  const setup = createEnvSetup(config.env, config.seed);
  const box = setup.env.spec.actionSpace;
  if (box.kind !== 'box')
    throw new Error(`environment ${config.env} has discrete actions; continuous AIM cannot train on it`);
  const learner = new AimLearner({
    ...AIM_REFERENCE_DEFAULTS,
    obsDim: setup.env.spec.obsShape.reduce((a, b) => a * b, 1),
    actionDim: box.dim,
    batchSize: config.batchSize,
    seed: config.seed,
  });
  const sessionId = db.createSession({ config, backend, appVersion: APP_VERSION, host, pid: process.pid });
  const recorder = db.recorder(sessionId);
  const runner = new SessionRunner({
    sessionId,
    config,
    backend,
    setup,
    learner,
    recorder,
    listener: {
      frame: (frame) => listener.frame(frame),
      event: (name, payload) => {
        if (name === 'status') {
          const { status, message } = payload as SessionStatus;
          if (status === 'running' || status === 'paused') db.setSessionStatus(sessionId, status, message);
        }
        if (name === 'episode') {
          const status = runner.status();
          // Written in the same transaction as the rows it counts, so a crash leaves them consistent.
          recorder.progress({
            steps: status.step,
            episodes: status.episode,
            expertSteps: status.expertSteps,
            takeovers: status.takeovers,
            successRate: status.successRate,
          });
        }
        listener.event(name, payload);
      },
    },
  });
  return {
    runner,
    async run() {
      try {
        const end = await runner.run();
        recorder.close();
        db.finishSession(sessionId, end);
        return end;
      } finally {
        learner.dispose();
      }
    },
  };
}
