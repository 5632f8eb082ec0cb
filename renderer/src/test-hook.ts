// A read-only probe on window.__aimTest for end-to-end tests and benchmarks: counts and the current
// mode, never a way to change anything. Views register what only they know (what the plot drew).
import type { ControlMode } from '../../main/contract/modes.ts';
import type { LiveStore } from './state/live-store.ts';

export interface AimTestHook {
  /** Finite Q values in the data the Q plot last drew. */
  qPoints(): number;
  /** All points (including warm-up ones without Q) the Q plot last drew. */
  plotPoints(): number;
  /** Frames received and decoded since the page loaded. */
  frames(): number;
  /** The control mode of the latest frame, or null before the first. */
  mode(): ControlMode | null;
  /** Whether the keyboard takeover (Space) is held. */
  takeoverEngaged(): boolean;
  /** Times the top-down view has drawn a scene (increments per animation frame while drawing). */
  topDownDraws(): number;
}

/** Filled in by the views that own the data; defaults answer "nothing yet". */
export const probes = {
  qPoints: () => 0,
  plotPoints: () => 0,
  takeoverEngaged: () => false,
  topDownDraws: () => 0,
};

export function installTestHook(store: LiveStore): void {
  const hook: AimTestHook = Object.freeze({
    qPoints: () => probes.qPoints(),
    plotPoints: () => probes.plotPoints(),
    frames: () => store.framesReceived,
    mode: () => store.mode(),
    takeoverEngaged: () => probes.takeoverEngaged(),
    topDownDraws: () => probes.topDownDraws(),
  });
  Object.defineProperty(window, '__aimTest', { value: hook, writable: false, configurable: false });
}
