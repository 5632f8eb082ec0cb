// Replay of a recorded session: feeds the recorded frames into a LiveStore of its own, so the live
// views (chase camera, top-down map, Q plot) draw the recording exactly as they drew it live. It
// keeps a cursor (the step on screen), plays at 0.25×–8× on animation frames, and seeks by
// refilling the plot and trail from the recording's numbers, then showing the frame at the cursor.
import type { CoreClient, SceneEvent } from '../../../../main/contract/api.ts';
import { decodeFrame } from '../../../../main/contract/frame.ts';
import { unpackFrames, type ReviewOpen } from '../../../../main/contract/review.ts';
import { LiveStore } from '../../state/live-store.ts';
import { advance, CHUNK_STEPS, chunkOf, seekWindow, type StepRange } from './review-logic.ts';

/** Chunks of frames kept in memory (each 100 steps): about 13 minutes of session. */
const KEEP_CHUNKS = 80;
/** A seek outside memory first reads this many frames from the point (one second), drawn at once. */
const HEAD_STEPS = 10;

export interface ReplayState {
  step: number;
  playing: boolean;
  speed: number;
}

type Listener = () => void;

export class ReplayController {
  readonly store: LiveStore;
  readonly session: ReviewOpen;
  readonly range: StepRange;
  private readonly client: CoreClient;
  private readonly chunks = new Map<number, Promise<Float64Array[]>>();
  private readonly loaded = new Map<number, Float64Array[]>();
  private readonly scenes = new Map<number, Promise<SceneEvent>>();
  private readonly loadedScenes = new Map<number, SceneEvent>();
  private readonly listeners = new Set<Listener>();
  private readonly onError: (message: string) => void;
  private state: ReplayState;
  private plotSeconds: number;
  private raf = 0;
  private lastTick = 0;
  private carry = 0;
  /** Bumped by every seek, so an older seek that resolves late does not draw over a newer one. */
  private seekGeneration = 0;
  private disposed = false;

  constructor(client: CoreClient, session: ReviewOpen, plotSeconds: number, onError: (m: string) => void) {
    this.client = client;
    this.session = session;
    this.range = { first: session.firstStep, last: Math.max(session.firstStep, session.lastStep) };
    this.plotSeconds = plotSeconds;
    this.onError = onError;
    this.store = new LiveStore({ clock: (frame) => frame.step / session.decisionHz });
    this.store.setSession(session.session.id);
    this.state = { step: this.range.first, playing: false, speed: 1 };
  }

  get snapshot(): ReplayState {
    return this.state;
  }

  /** For useSyncExternalStore: notified on play/pause, speed and every cursor move. */
  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ReplayState => this.state;

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.raf);
    this.listeners.clear();
  }

  setPlotSeconds(seconds: number): Promise<void> {
    this.plotSeconds = seconds;
    return this.seek(this.state.step);
  }

  setSpeed(speed: number): void {
    this.set({ speed });
  }

  play(): void {
    if (this.state.playing || this.session.lastStep < this.session.firstStep) return;
    if (this.state.step >= this.range.last) void this.seek(this.range.first);
    this.lastTick = performance.now();
    this.carry = 0;
    this.set({ playing: true });
    this.raf = requestAnimationFrame(this.tick);
  }

  pause(): void {
    cancelAnimationFrame(this.raf);
    this.set({ playing: false });
  }

  toggle(): void {
    if (this.state.playing) this.pause();
    else this.play();
  }

  /** One decision forward or back, paused. */
  stepBy(delta: number): Promise<void> {
    this.pause();
    const target = this.state.step + delta;
    // Forward by one draws the next frame as playing would (the views interpolate towards it).
    if (delta === 1 && target <= this.range.last && this.show(target)) return Promise.resolve();
    return this.seek(target);
  }

  /**
   * Draws the recording at `step`: its frame at once (from memory, or the second of frames from it),
   * then the plot's window and the trail up to it, read from the recording's numbers.
   */
  async seek(step: number): Promise<void> {
    const at = Math.max(this.range.first, Math.min(this.range.last, Math.round(step)));
    const generation = ++this.seekGeneration;
    const stale = () => generation !== this.seekGeneration || this.disposed;
    this.set({ step: at });
    if (this.session.lastStep < this.session.firstStep) return;
    const sessionId = this.session.session.id;
    try {
      let frame = this.frameAt(at);
      if (frame === null) {
        const head = await this.client.call('review.frames', {
          sessionId,
          from: at,
          to: Math.min(this.range.last, at + HEAD_STEPS - 1),
        });
        frame = unpackFrames(head)[0] ?? null;
      }
      if (frame === null || stale()) return;
      const episode = decodeFrame(frame).episode;
      await this.ensureScene(episode);
      if (stale()) return;
      this.store.clearFrames();
      this.store.pushFrame(frame, performance.now());
      // Listeners read the frame on screen (its episode, its mode): tell them it changed.
      this.set({ step: at });

      const plotSteps = Math.ceil(this.plotSeconds * this.session.decisionHz);
      const window = seekWindow(at, this.range, plotSteps);
      const [series] = await Promise.all([
        this.client.call('review.series', { sessionId, from: window.seriesFrom, to: window.seriesTo }),
        ...window.chunks.map((c) => this.chunk(c)),
      ]);
      if (stale()) return;
      const store = this.store;
      store.clearFrames();
      const hz = this.session.decisionHz;
      // Everything before the cursor from the numbers; the cursor's own point comes with its frame.
      for (let i = 0; i < series.steps.length && series.steps[i] < at; i++) {
        store.plot.push({
          t: series.steps[i] / hz,
          q: series.q[i] ?? Number.NaN,
          threshold: series.threshold[i] ?? Number.NaN,
          mode: series.modes[i],
          help: series.help[i],
        });
        if (series.episodes[i] === episode)
          store.trail.push({ x: series.x[i], y: series.y[i], mode: series.modes[i] });
      }
      store.pushFrame(frame, performance.now());
    } catch (error) {
      this.onError(error instanceof Error ? error.message : String(error));
    }
  }

  /** The recorded frame of a step if its chunk is in memory (fetching it otherwise), else null. */
  private frameAt(step: number): Float64Array | null {
    const { index, from } = chunkOf(step);
    const frames = this.loaded.get(index);
    if (frames === undefined) {
      void this.chunk(index).catch(() => {});
      return null;
    }
    return frames[step - from] ?? null;
  }

  private chunk(index: number): Promise<Float64Array[]> {
    let pending = this.chunks.get(index);
    if (pending === undefined) {
      const { from, to } = chunkOf(index * CHUNK_STEPS);
      pending = this.client
        .call('review.frames', {
          sessionId: this.session.session.id,
          from,
          to: Math.min(to, Math.max(from, this.range.last)),
        })
        .then((packed) => {
          // Chunks are whole: a missing step (lost in a crash) repeats the frame before it.
          const frames = unpackFrames(packed);
          const byStep: Float64Array[] = [];
          packed.steps.forEach((s, i) => (byStep[s - from] = frames[i]));
          for (let i = 1; i < byStep.length; i++) byStep[i] ??= byStep[i - 1];
          this.loaded.set(index, byStep);
          this.evict(index);
          return byStep;
        });
      pending.catch(() => this.chunks.delete(index));
      this.chunks.set(index, pending);
    }
    return pending;
  }

  private evict(keep: number): void {
    if (this.loaded.size <= KEEP_CHUNKS) return;
    const far = [...this.loaded.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const index of far.slice(0, this.loaded.size - KEEP_CHUNKS)) {
      this.loaded.delete(index);
      this.chunks.delete(index);
    }
  }

  /** Fetches an episode's map (once) and, unless only prefetching, puts it on screen. */
  private ensureScene(episode: number, draw = true): Promise<void> {
    if (draw && this.store.scene?.episode === episode) return Promise.resolve();
    let pending = this.scenes.get(episode);
    if (pending === undefined) {
      pending = this.client.call('review.scene', { sessionId: this.session.session.id, episode });
      pending.then(
        (scene) => this.loadedScenes.set(episode, scene),
        () => this.scenes.delete(episode),
      );
      this.scenes.set(episode, pending);
    }
    return pending.then((scene) => {
      if (draw && this.store.scene?.episode !== episode) this.store.setScene(scene);
    });
  }

  /**
   * Shows the frame of `step` as the next one played (the views interpolate to it). False when it
   * cannot yet: its chunk of frames or its episode's map is still on the way (both are fetched).
   */
  private show(step: number): boolean {
    const frame = this.frameAt(step);
    if (frame === null) return false;
    const episode = decodeFrame(frame).episode;
    if (this.store.scene?.episode !== episode) {
      const scene = this.loadedScenes.get(episode);
      if (scene === undefined) {
        void this.ensureScene(episode, false).catch(() => {});
        return false;
      }
      // A new episode's map first (it clears the trail), then its first frame.
      this.store.setScene(scene);
    }
    this.store.pushFrame(frame, performance.now());
    this.set({ step });
    // Ahead of need: the next chunk, and the next episode's map.
    const { index, from } = chunkOf(step);
    if (step - from >= CHUNK_STEPS / 2) void this.chunk(index + 1).catch(() => {});
    const next = this.session.episodes.find((e) => e.firstStep > step);
    if (next !== undefined && next.firstStep - step <= CHUNK_STEPS)
      void this.ensureScene(next.episode, false).catch(() => {});
    return true;
  }

  private tick = (now: number): void => {
    if (!this.state.playing || this.disposed) return;
    this.raf = requestAnimationFrame(this.tick);
    const { steps, carry } = advance(
      this.carry,
      now - this.lastTick,
      this.state.speed,
      this.session.decisionHz,
    );
    this.lastTick = now;
    this.carry = carry;
    if (steps === 0) return;
    const target = Math.min(this.range.last, this.state.step + steps);
    // Every decision goes through the store (the plot and trail need each), but only when loaded:
    // playback waits for a chunk rather than skipping it.
    for (let s = this.state.step + 1; s <= target; s++) {
      if (!this.show(s)) {
        this.carry = 0;
        break;
      }
    }
    if (this.state.step >= this.range.last) this.pause();
  };

  private set(patch: Partial<ReplayState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
