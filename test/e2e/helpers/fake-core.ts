// A small stand-in core for UI tests that must not depend on the learner: a toy road with one curve,
// a Q value that wanders, warm-up → robot driving, occasional help requests, and a person's takeover
// while input says engaged. It speaks the contract exactly (CoreHandler, frames from encodeFrame).
import type {
  CommandName,
  CommandResponse,
  CoreHandler,
  CoreListener,
  HumanInput,
  ParsedRequest,
  SceneEvent,
  SessionStatus,
} from '../../../main/contract/api.ts';
import { IDLE_STATUS } from '../../../main/contract/status.ts';
import { encodeFrame } from '../../../main/contract/frame.ts';
import type { ControlMode } from '../../../main/contract/modes.ts';
import type { RoadScene } from '../../../main/contract/scene.ts';
import type { SessionConfig } from '../../../main/contract/session-config.ts';

type Point = [number, number];

/** A road: 60 m straight east, a 90° left curve of radius 40 m, 60 m straight north. */
export function toyRoadScene(): RoadScene {
  const centre: Point[] = [];
  for (let x = 0; x <= 60; x += 5) centre.push([x, 0]);
  for (let a = 5; a <= 90; a += 5) {
    const t = (a * Math.PI) / 180;
    centre.push([60 + 40 * Math.sin(t), 40 - 40 * Math.cos(t)]);
  }
  for (let y = 45; y <= 100; y += 5) centre.push([100, y]);
  const offset = (d: number): Point[] =>
    centre.map((p, i) => {
      const a = centre[Math.max(0, i - 1)];
      const b = centre[Math.min(centre.length - 1, i + 1)];
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const nx = -(b[1] - a[1]) / len;
      const ny = (b[0] - a[0]) / len;
      return [p[0] + nx * d, p[1] + ny * d];
    });
  const ring = (inner: number, outer: number): Point[] => [...offset(outer), ...offset(inner).reverse()];
  return {
    kind: 'road',
    lanes: [
      { id: 'east-0', centre: offset(-1.75), width: 3.5 },
      { id: 'west-0', centre: offset(1.75).reverse(), width: 3.5 },
    ],
    markings: [
      { points: centre, color: 'yellow', dashed: false },
      { points: offset(-3.5), color: 'white', dashed: false },
      { points: offset(3.5), color: 'white', dashed: false },
    ],
    surfaces: [
      { polygon: ring(-3.5, 3.5), kind: 'road' },
      { polygon: ring(3.5, 5.5), kind: 'sidewalk' },
      { polygon: ring(-5.5, -3.5), kind: 'sidewalk' },
    ],
    route: offset(-1.75),
    regions: [],
    bounds: { minX: -5, minY: -5, maxX: 105, maxY: 105 },
    ego: { length: 4.5, width: 1.8 },
  };
}

function pointAt(route: Point[], s: number): { x: number; y: number; heading: number; done: boolean } {
  let left = s;
  for (let i = 1; i < route.length; i++) {
    const [ax, ay] = route[i - 1];
    const [bx, by] = route[i];
    const len = Math.hypot(bx - ax, by - ay);
    if (left <= len) {
      const t = left / len;
      return {
        x: ax + (bx - ax) * t,
        y: ay + (by - ay) * t,
        heading: Math.atan2(by - ay, bx - ax),
        done: false,
      };
    }
    left -= len;
  }
  const [ax, ay] = route[route.length - 2];
  const [bx, by] = route[route.length - 1];
  return { x: bx, y: by, heading: Math.atan2(by - ay, bx - ax), done: true };
}

export interface FakeCoreOptions {
  /** Decisions per second in real time; fast pace uses 10× this. */
  hz?: number;
}

export class FakeCore implements CoreHandler {
  readonly inputs: HumanInput[] = [];
  readonly calls: CommandName[] = [];
  private readonly listeners = new Set<CoreListener>();
  private readonly hz: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private status: SessionStatus = { ...IDLE_STATUS };
  private scene: SceneEvent | null = null;
  private nextSessionId = 1;
  private engaged = false;
  private lastHuman: [number, number] = [Number.NaN, Number.NaN];
  private s = 0;
  private lateral = 0;
  private q = 0;
  private episodeStep = 0;
  private seq = 0;
  private wasHuman = false;

  constructor(options: FakeCoreOptions = {}) {
    this.hz = options.hz ?? 10;
  }

  async call<K extends CommandName>(name: K, request: ParsedRequest<K>): Promise<CommandResponse<K>> {
    this.calls.push(name);
    const answer = (value: unknown) => value as CommandResponse<K>;
    switch (name) {
      case 'app.info':
        return answer({ version: '0.0.0-fake', host: 'browser', backend: 'cpu', dbPath: ':memory:' });
      case 'session.start':
        return answer(this.start(request as SessionConfig));
      case 'session.pause':
        return answer(this.setState('paused'));
      case 'session.resume':
        return answer(this.setState('running'));
      case 'session.stop':
        this.stopTimer();
        return answer(this.setState('finished'));
      case 'session.current':
        return answer({ status: this.status, scene: this.scene });
      case 'sessions.list':
        return answer([]);
      default:
        throw new Error(`fake core does not know ${name}`);
    }
  }

  input(sample: HumanInput): void {
    this.inputs.push(sample);
    this.engaged = sample.engaged;
    this.lastHuman = [sample.steer, sample.throttle];
  }

  subscribe(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.stopTimer();
  }

  private emitStatus(): void {
    for (const l of this.listeners) l.event('status', this.status);
  }

  private setState(state: SessionStatus['status']): SessionStatus {
    if (this.status.sessionId === null) throw new Error('No session is running.');
    this.status = {
      ...this.status,
      status: state,
      message: state === 'paused' ? 'Paused by the operator.' : null,
    };
    this.emitStatus();
    return this.status;
  }

  private start(config: SessionConfig): { sessionId: number } {
    if (this.status.status === 'running' || this.status.status === 'paused')
      throw new Error('A session is already running; stop it first.');
    const sessionId = this.nextSessionId++;
    this.status = {
      ...this.status,
      sessionId,
      status: 'running',
      config,
      backend: 'cpu',
      step: 0,
      episode: 0,
      takeovers: 0,
      expertSteps: 0,
      message: null,
    };
    this.scene = { sessionId, episode: 0, seed: config.seed, scene: toyRoadScene() };
    this.s = 0;
    this.lateral = 0;
    this.q = 0;
    this.episodeStep = 0;
    this.emitStatus();
    for (const l of this.listeners) l.event('scene', this.scene);
    const period = 1000 / (config.pace === 'fast' ? this.hz * 10 : this.hz);
    this.timer = setInterval(() => this.decide(config), period);
    return { sessionId };
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private decide(config: SessionConfig): void {
    if (this.status.status !== 'running' || this.scene === null) return;
    const scene = this.scene.scene as RoadScene;
    const step = this.status.step;
    const warm = step < config.warmup;
    const help = !warm && !this.engaged && step % 50 === 49;
    const mode: ControlMode = warm ? 'warmup' : this.engaged ? 'human' : help ? 'help' : 'robot';
    if (mode === 'human' && !this.wasHuman)
      this.status = { ...this.status, takeovers: this.status.takeovers + 1 };
    this.wasHuman = mode === 'human';
    const speed = mode === 'human' ? 6 + 4 * (Number.isFinite(this.lastHuman[1]) ? this.lastHuman[1] : 0) : 8;
    if (mode === 'human' && Number.isFinite(this.lastHuman[0]))
      this.lateral = Math.max(-3, Math.min(3, this.lateral + this.lastHuman[0] * 0.3));
    else this.lateral *= 0.9;
    this.s += speed / this.hz;
    const p = pointAt(scene.route, this.s);
    const nx = -Math.sin(p.heading);
    const ny = Math.cos(p.heading);
    this.q += Math.sin(step / 7) * 0.05 + (mode === 'human' ? 0.02 : -0.005);
    const expertInvolved = mode !== 'robot' && mode !== 'help';
    this.status = {
      ...this.status,
      step: step + 1,
      expertSteps: this.status.expertSteps + (expertInvolved ? 1 : 0),
    };
    const frame = encodeFrame({
      seq: this.seq++,
      step,
      episode: this.status.episode,
      episodeStep: this.episodeStep++,
      simTime: this.episodeStep / this.hz,
      mode,
      q: warm ? Number.NaN : this.q,
      threshold: warm ? Number.NaN : 0.3 + 0.1 * Math.sin(step / 40),
      novice: [0, 0.5],
      applied: mode === 'human' ? this.lastHuman : [0, 0.5],
      human: mode === 'human' ? this.lastHuman : [Number.NaN, Number.NaN],
      egoX: p.x + nx * this.lateral,
      egoY: p.y + ny * this.lateral,
      egoHeading: p.heading,
      egoSpeed: speed,
      takeovers: this.status.takeovers,
      expertSteps: this.status.expertSteps,
      helpRequested: help,
      reward: 0,
      cost: 0,
      routeCompletion: 0,
      learnerLag: 0,
      actors: [
        {
          kind: 'vehicle',
          x: 30 + ((step * 0.5) % 30),
          y: 1.75,
          heading: Math.PI,
          length: 4.5,
          width: 1.8,
          state: 0,
        },
        { kind: 'cone', x: 100 + 1.75, y: 70, heading: 0, length: 0.4, width: 0.4, state: 0 },
      ],
    });
    for (const l of this.listeners) l.frame(frame);
    if (p.done) {
      const episode = this.status.episode;
      for (const l of this.listeners)
        l.event('episode', {
          sessionId: this.status.sessionId!,
          episode,
          steps: this.episodeStep,
          success: true,
          return: 0,
          cost: 0,
          routeCompletion: 1,
          takeovers: 0,
        });
      this.status = { ...this.status, episode: episode + 1, successRate: 1 };
      this.s = 0;
      this.episodeStep = 0;
      this.scene = { ...this.scene, episode: episode + 1 };
      for (const l of this.listeners) l.event('scene', this.scene);
      this.emitStatus();
    }
  }
}
