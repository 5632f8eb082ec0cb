// A read-only probe on window.__aimTest for end-to-end tests and benchmarks: counts and the current
// mode, never a way to change anything. Views register what only they know (what the plot drew).
import type { ControlMode } from '../../main/contract/modes.ts';
import type { LiveStore } from './state/live-store.ts';
import { perfSince, startFrameClock, type PerfSnapshot } from './perf.ts';

export type ChaseStatus = 'starting' | 'running' | 'unavailable' | 'lost';

export interface AimTestHook {
  /** Finite Q values in the data the Q plot last drew. */
  qPoints(): number;
  /** All points (including warm-up ones without Q) the Q plot last drew. */
  plotPoints(): number;
  /** Help requests marked in the Q plot's current window. */
  helpMarks(): number;
  /** The Q plot's window length (s). */
  plotWindow(): number;
  /** Frames received and decoded since the page loaded. */
  frames(): number;
  /** The control mode of the latest frame, or null before the first. */
  mode(): ControlMode | null;
  /** Whether the keyboard takeover (Space) is held. */
  takeoverEngaged(): boolean;
  /** Times the top-down view has drawn a scene (increments per animation frame while drawing). */
  topDownDraws(): number;
  /** Times the chase camera has rendered the scene. */
  chaseDraws(): number;
  /** The agent's cell and direction (0 +x, 1 +y, 2 −x, 3 −y) the map last drew a grid with, or null. */
  gridAgent(): GridAgent | null;
  /** Whether the chase camera's WebGL started. */
  chaseStatus(): ChaseStatus;
  /** Distinct colours in the latest sample of the chase camera's pixels (taken every 60 draws, and asked for by each call); 0 before one or without WebGL. */
  chaseColours(): number;
  /** The WebGL renderer string (e.g. SwiftShader), or null. */
  glRenderer(): string | null;
  /** The chase camera's resolution scale (1 = full; lower while frames come slowly). */
  chaseScale(): number;
  /** Where the chase camera renders: in a worker (OffscreenCanvas) or on the page. */
  chaseThread(): 'worker' | 'page' | null;
  /** How many times the banner has shown each mode or state, since the page loaded. */
  bannerShown(): Record<string, number>;
  /** Frame intervals and per-view draw times since the given performance.now(). */
  perf(since: number): PerfSnapshot;
  /** Wheel or gamepad samples sent to the core since the page loaded. */
  inputSent(): number;
  /** Help requests alerted (border flash and beep) since the page loaded. */
  helpAlerts(): number;
  /** The latest frame's decision, or null before the first. */
  frame(): LatestDecision | null;
}

export interface GridAgent {
  x: number;
  y: number;
  dir: number;
}

export interface LatestDecision {
  step: number;
  mode: ControlMode;
  novice: [number, number];
  applied: [number, number];
  egoSpeed: number;
  helpRequested: boolean;
}

/** Filled in by the views that own the data; defaults answer "nothing yet". */
export const probes = {
  qPoints: () => 0,
  plotPoints: () => 0,
  helpMarks: () => 0,
  plotWindow: () => 0,
  takeoverEngaged: () => false,
  topDownDraws: () => 0,
  chaseDraws: () => 0,
  gridAgent: (): GridAgent | null => null,
  chaseStatus: (): ChaseStatus => 'starting',
  chaseColours: () => 0,
  glRenderer: (): string | null => null,
  chaseScale: () => 1,
  chaseThread: (): 'worker' | 'page' | null => null,
  inputSent: () => 0,
  helpAlerts: () => 0,
};

/** Counts of what the banner has shown; the banner adds to it. */
export const bannerCounts: Record<string, number> = {};

export function installTestHook(store: LiveStore): void {
  startFrameClock();
  const hook: AimTestHook = Object.freeze({
    qPoints: () => probes.qPoints(),
    plotPoints: () => probes.plotPoints(),
    helpMarks: () => probes.helpMarks(),
    plotWindow: () => probes.plotWindow(),
    frames: () => store.framesReceived,
    mode: () => store.mode(),
    takeoverEngaged: () => probes.takeoverEngaged(),
    topDownDraws: () => probes.topDownDraws(),
    chaseDraws: () => probes.chaseDraws(),
    gridAgent: () => probes.gridAgent(),
    chaseStatus: () => probes.chaseStatus(),
    chaseColours: () => probes.chaseColours(),
    glRenderer: () => probes.glRenderer(),
    chaseScale: () => probes.chaseScale(),
    chaseThread: () => probes.chaseThread(),
    bannerShown: () => ({ ...bannerCounts }),
    perf: (since: number) => perfSince(since),
    inputSent: () => probes.inputSent(),
    helpAlerts: () => probes.helpAlerts(),
    frame: () => {
      const frame = store.latest?.frame;
      if (!frame) return null;
      const { step, mode, novice, applied, egoSpeed, helpRequested } = frame;
      return { step, mode, novice, applied, egoSpeed, helpRequested };
    },
  });
  Object.defineProperty(window, '__aimTest', { value: hook, writable: false, configurable: false });
}
