// The core as every host sees it: commands in, events and frames out, one session at a time.
// Hosts (Electron IPC, the browser-mode WebSocket) validate requests with main/contract before
// calling in; this class trusts its parsed arguments and owns the database for its lifetime.
import type {
  CommandName,
  CommandResponse,
  CoreHandler,
  CoreListener,
  HostKind,
  HumanInput,
  ParsedRequest,
  SessionStatus,
} from '../contract/api.ts';
import { IDLE_STATUS } from '../contract/status.ts';
import type { SessionConfig } from '../contract/session-config.ts';
import { activeBackend } from '../learn/backend.ts';
import { openDatabase, type AimDatabase } from '../store/database.ts';
import { exportDataset } from '../store/export/index.ts';
import { exportPolicy } from './policy-export.ts';
import { openBenchmarkFolder } from './benchmark-folder.ts';
import { loadPolicyFor, policyInfo } from './policy-import.ts';
import { APP_VERSION, prepareSession, type PreparedSession } from './prepare.ts';
import { ReviewService } from './review.ts';
import { WheelHaptics } from './force-feedback.ts';

export interface WorkstationOptions {
  dbPath: string;
  host: HostKind;
}

export class WorkstationError extends Error {
  override name = 'WorkstationError';
}

type Handlers = {
  [K in CommandName]: (request: ParsedRequest<K>) => Promise<CommandResponse<K>> | CommandResponse<K>;
};

export class Workstation implements CoreHandler {
  readonly host: HostKind;
  private readonly db: AimDatabase;
  private readonly review: ReviewService;
  private readonly listeners = new Set<CoreListener>();
  private session: PreparedSession | null = null;
  private finished: Promise<unknown> | null = null;
  private lastStatus: SessionStatus = IDLE_STATUS;
  private closed = false;
  private haptics: WheelHaptics | null = null;
  private readonly handlers: Handlers = {
    'app.info': () => ({
      version: APP_VERSION,
      host: this.host,
      backend: activeBackend(),
      dbPath: this.db.path,
    }),
    'session.start': (config) => this.start(config),
    'session.pause': () => this.withSession((runner) => runner.pause('Paused by the operator.')),
    'session.resume': () => this.withSession((runner) => runner.resume()),
    'session.stop': async () => {
      const session = this.session;
      if (!session) return this.lastStatus;
      session.runner.stop('finished');
      await this.finished;
      return this.lastStatus;
    },
    'session.current': () => ({
      status: this.session?.runner.status() ?? this.lastStatus,
      scene: this.session?.runner.currentScene() ?? null,
    }),
    'sessions.list': ({ limit }) => this.db.listSessions(limit),
    'sessions.delete': ({ sessionId }) => this.review.delete(sessionId),
    'review.open': ({ sessionId }) => this.review.open(sessionId),
    'review.frames': ({ sessionId, from, to }) => this.review.frames(sessionId, from, to),
    'review.series': ({ sessionId, from, to }) => this.review.series(sessionId, from, to),
    'review.scene': ({ sessionId, episode }) => this.review.scene(sessionId, episode),
    'review.takeover': ({ sessionId, takeoverId }) => this.review.takeover(sessionId, takeoverId),
    'review.analytics': ({ sessionId }) => this.review.analytics(sessionId),
    'device.event': (event) => {
      this.session?.runner.device(event);
      // A wheel plugged in after start: look for its event device again.
      if (event.kind === 'connected' && this.haptics !== null && !this.haptics.status.active) {
        this.haptics.close();
        this.haptics = null;
        this.wheel();
      }
      return { accepted: true };
    },
    'calibration.get': ({ deviceKey, operator }) => this.db.calibration(deviceKey, operator) ?? null,
    'calibration.save': (saved) => {
      const result = this.db.saveCalibration(saved);
      this.haptics?.setSteeringGain(result.record.gain);
      return result;
    },
    'ff.status': () => this.wheel().status,
    'export.policy': (request) => exportPolicy(this.db, request),
    'export.dataset': (request) => exportDataset(this.db, request),
    'policy.inspect': ({ folder }) => policyInfo(loadPolicyFor(folder)),
    'benchmark.open': ({ folder }) => openBenchmarkFolder(folder),
  };

  private constructor(db: AimDatabase, host: HostKind) {
    this.db = db;
    this.review = new ReviewService(db);
    this.host = host;
  }

  /** Opens the database (refusing foreign or newer files with a one-sentence error). */
  static open(options: WorkstationOptions): Workstation {
    return new Workstation(openDatabase(options.dbPath), options.host);
  }

  get database(): AimDatabase {
    return this.db;
  }

  async call<K extends CommandName>(name: K, request: ParsedRequest<K>): Promise<CommandResponse<K>> {
    if (this.closed) throw new WorkstationError('the workstation is shutting down');
    const handler = this.handlers[name] as (
      request: ParsedRequest<K>,
    ) => Promise<CommandResponse<K>> | CommandResponse<K>;
    return handler(request);
  }

  input(sample: HumanInput): void {
    this.session?.runner.input(sample);
  }

  /** The wheel's force feedback, looked for on first use (the add-on loads then, if it was built). */
  private wheel(): WheelHaptics {
    this.haptics ??= WheelHaptics.open((event) => {
      for (const listener of this.listeners) listener.event('ff', event);
    });
    return this.haptics;
  }

  subscribe(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops a running session (recorded as interrupted), flushes and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session?.runner.stop('interrupted', 'The workstation was closed while the session ran.');
    await this.finished;
    this.haptics?.close();
    this.db.close();
  }

  private async start(config: SessionConfig): Promise<{ sessionId: number }> {
    if (this.session)
      throw new WorkstationError(`session ${this.session.runner.sessionId} is still running; stop it first`);
    const broadcast: CoreListener = {
      frame: (frame) => {
        for (const listener of this.listeners) listener.frame(frame);
      },
      event: (name, payload) => {
        if (name === 'status') this.lastStatus = payload as SessionStatus;
        for (const listener of this.listeners) listener.event(name, payload);
      },
    };
    const haptics = config.expert.kind === 'person' ? this.wheel() : null;
    const session = await prepareSession(this.db, config, this.host, broadcast, {
      haptics: haptics ? (decision) => haptics.decision(decision) : undefined,
    });
    this.session = session;
    this.finished = session.run().finally(() => {
      this.session = null;
      haptics?.release();
    });
    return { sessionId: session.runner.sessionId };
  }

  private withSession(action: (runner: PreparedSession['runner']) => void): SessionStatus {
    const session = this.session;
    if (!session) throw new WorkstationError('no session is running');
    action(session.runner);
    return session.runner.status();
  }
}
