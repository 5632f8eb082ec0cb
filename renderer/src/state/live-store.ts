// Per-frame state, kept outside React: the views read it on their animation frames, and React only
// hears about the few things that change rarely (the control mode). Frames arrive at the decision
// rate (10 Hz in real time, faster in fast mode) and are never queued: only the last two are kept for
// interpolation, plus fixed-size rings for the Q plot and the ego's trail.
import { decodeFrame, FrameFormatError, type Frame } from '../../../main/contract/frame.ts';
import { modeCode, type ControlMode } from '../../../main/contract/modes.ts';
import type { SceneEvent } from '../../../main/contract/api.ts';
import { NumericRing } from './ring-buffer.ts';

export interface TimedFrame {
  frame: Frame;
  /** performance.now() when it arrived. */
  at: number;
}

/** Q-plot samples: a continuous session clock (seconds), Q, threshold, mode code, help flag. */
export const PLOT_FIELDS = ['t', 'q', 'threshold', 'mode', 'help'] as const;
export type PlotField = (typeof PLOT_FIELDS)[number];
/** Ego path samples for the top-down trail. */
export const TRAIL_FIELDS = ['x', 'y', 'mode'] as const;
export type TrailField = (typeof TRAIL_FIELDS)[number];

/**
 * How long the banner keeps saying HELP REQUESTED after the robot asked. The simulated expert
 * answers within the same decision (the frame's mode is already 'human'), so without a hold a help
 * request would be on screen for one 100 ms frame — too short to read.
 */
export const HELP_HOLD_MS = 1500;

/** At 10 Hz decisions this holds over 6 minutes: the longest Q-plot window (5 min) fits. */
export const PLOT_CAPACITY = 4096;
export const TRAIL_CAPACITY = 1200;

type Listener = () => void;

export interface LiveStoreOptions {
  /**
   * The Q plot's x value of a frame. Live, a continuous session clock built from simTime; replay
   * passes step / decisionHz so points read from the recording line up with the frames.
   */
  clock?: (frame: Frame) => number;
}

export class LiveStore {
  scene: SceneEvent | null = null;
  /** Increments when the scene changes, so views can rebuild cached paths. */
  sceneVersion = 0;
  latest: TimedFrame | null = null;
  previous: TimedFrame | null = null;
  /** Frames received since the page loaded (all sessions), and frames that failed to decode. */
  framesReceived = 0;
  framesRejected = 0;
  readonly plot = new NumericRing(PLOT_CAPACITY, PLOT_FIELDS);
  readonly trail = new NumericRing(TRAIL_CAPACITY, TRAIL_FIELDS);

  private sessionId: number | null = null;
  private currentMode: ControlMode | null = null;
  private shownMode: ControlMode | null = null;
  private helpUntil = Number.NEGATIVE_INFINITY;
  private helpTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly modeListeners = new Set<Listener>();
  private readonly frameListeners = new Set<Listener>();
  private readonly sceneListeners = new Set<Listener>();
  // The session clock: simTime may restart each episode, the plot's x axis must not.
  private clockOffset = 0;
  private lastSimTime = Number.NaN;
  private lastDt = 0.1;
  private readonly clock: (frame: Frame) => number;

  constructor(options: LiveStoreOptions = {}) {
    this.clock = options.clock ?? ((frame) => this.sessionClock(frame));
  }

  /** Feeds one binary frame; malformed frames are counted and dropped. */
  pushFrame(data: Float64Array, at: number): void {
    let frame: Frame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      if (!(error instanceof FrameFormatError) && !(error instanceof RangeError)) throw error;
      this.framesRejected++;
      return;
    }
    this.framesReceived++;
    const last = this.latest?.frame;
    if (last !== undefined && frame.step < last.step) this.clearSessionData();
    if (last !== undefined && frame.episode !== last.episode) this.trail.clear();
    this.previous = this.latest;
    this.latest = { frame, at };

    this.plot.push({
      t: this.clock(frame),
      q: frame.q,
      threshold: frame.threshold,
      mode: modeCode(frame.mode),
      help: frame.helpRequested ? 1 : 0,
    });
    this.trail.push({ x: frame.egoX, y: frame.egoY, mode: modeCode(frame.mode) });
    if (frame.helpRequested) {
      this.helpUntil = at + HELP_HOLD_MS;
      if (this.helpTimer !== null) clearTimeout(this.helpTimer);
      this.helpTimer = setTimeout(() => {
        this.helpTimer = null;
        this.setMode(this.currentMode, this.helpUntil);
      }, HELP_HOLD_MS);
    }
    this.setMode(frame.mode, at);
    for (const listener of this.frameListeners) listener();
  }

  setScene(event: SceneEvent): void {
    this.scene = event;
    this.sceneVersion++;
    this.trail.clear();
    for (const listener of this.sceneListeners) listener();
  }

  /** A status for another session than the frames so far belong to: start over. */
  setSession(sessionId: number | null): void {
    if (sessionId === this.sessionId) return;
    this.sessionId = sessionId;
    this.clearSessionData();
    if (this.scene !== null && this.scene.sessionId !== sessionId) {
      this.scene = null;
      this.sceneVersion++;
    }
    for (const listener of this.sceneListeners) listener();
  }

  /** The control mode of the latest frame. */
  mode(): ControlMode | null {
    return this.currentMode;
  }

  /**
   * What the banner shows: the latest mode, except that a help request keeps showing as 'help' for
   * HELP_HOLD_MS while the expert answers it (and never once the robot drives again).
   */
  shown(): ControlMode | null {
    return this.shownMode;
  }

  /** For useSyncExternalStore: notified only when the mode or the shown mode changes. */
  subscribeMode = (listener: Listener): (() => void) => {
    this.modeListeners.add(listener);
    return () => this.modeListeners.delete(listener);
  };

  getMode = (): ControlMode | null => this.shownMode;

  /** Notified when the scene changes or another session's data is dropped. */
  subscribeScene(listener: Listener): () => void {
    this.sceneListeners.add(listener);
    return () => this.sceneListeners.delete(listener);
  }

  /** Notified on every frame; listeners should defer work to an animation frame. */
  subscribeFrames(listener: Listener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Forgets the frames, the plot and the trail (replay, before drawing from another point). */
  clearFrames(): void {
    this.clearSessionData();
  }

  private clearSessionData(): void {
    this.latest = null;
    this.previous = null;
    this.plot.clear();
    this.trail.clear();
    this.clockOffset = 0;
    this.lastSimTime = Number.NaN;
    this.helpUntil = Number.NEGATIVE_INFINITY;
    if (this.helpTimer !== null) clearTimeout(this.helpTimer);
    this.helpTimer = null;
    this.setMode(null, 0);
  }

  private setMode(mode: ControlMode | null, now: number): void {
    const shown = (mode === 'human' && now < this.helpUntil) || mode === 'help' ? 'help' : mode;
    if (mode === this.currentMode && shown === this.shownMode) return;
    this.currentMode = mode;
    this.shownMode = shown;
    for (const listener of this.modeListeners) listener();
  }

  private sessionClock(frame: Frame): number {
    const sim = Number.isFinite(frame.simTime) ? frame.simTime : frame.step * 0.1;
    if (Number.isFinite(this.lastSimTime)) {
      const dt = sim - this.lastSimTime;
      if (dt < 0) this.clockOffset += this.lastSimTime - sim + this.lastDt;
      else if (dt > 0) this.lastDt = dt;
    }
    this.lastSimTime = sim;
    return sim + this.clockOffset;
  }
}
