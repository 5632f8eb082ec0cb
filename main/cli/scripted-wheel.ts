// A scripted Logitech G29 for the browser tests and `aim bench input`, installed by an init script
// in place of navigator.getGamepads (no wheel is attached where they run). It reports Linux's joystick
// layout — axis 0 the wheel (growing to the right), 1 clutch, 2 throttle, 3 brake (pedals +1
// released, −1 pressed), buttons 4/5 the paddles — and its pedals read exactly 0 until first moved,
// as many drivers report them. A 5 ms loop in the page plays a driving programme so the wheel
// moves between Playwright's calls: following the novice (as force feedback would hold it), a
// steering profile with the paddle held, matching the novice's action to agree with it, or (for the
// benchmark) jumping to a new steering value every 370 ms and noting when a poll first saw it.
import type { Page } from 'playwright-core';

export type WheelProgram = 'manual' | 'warmup' | 'follow' | 'takeover' | 'agree' | 'drive' | 'steps';

/** A steering value the 'steps' programme set, and when (epoch ms) a poll first reported it. */
export interface SteerChange {
  steer: number;
  polledAt: number | null;
}

export interface ScriptedWheel {
  connected: boolean;
  program: WheelProgram;
  axes: number[];
  buttons: number[];
  /** The steering gain the wheel was calibrated with: car steer = gain × wheel position. */
  gain: number;
  /** Polls of getGamepads answered with the wheel. */
  polls: number;
  changes: SteerChange[];
}

export const G29_ID = 'G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)';
export const G29_KEY = '046d:c24f';

/** Runs in the page before its scripts (serialised by Playwright: self-contained). */
export function installScriptedWheel(): void {
  type Hook = { frame(): { novice: [number, number] } | null } | undefined;
  const wheel: ScriptedWheel = {
    connected: true,
    program: 'manual',
    axes: [0, 0, 0, 0, 0, 0],
    buttons: new Array<number>(25).fill(0),
    gain: 1,
    polls: 0,
    changes: [],
  };
  (globalThis as unknown as { __wheel: ScriptedWheel }).__wheel = wheel;
  const clip = (x: number) => Math.max(-1, Math.min(1, x));
  /** Where the wheel and pedals must be for the car to get [steer, throttle]. */
  const pose = (steer: number, throttle: number, paddle: boolean) => {
    wheel.axes[0] = -clip(steer) / wheel.gain;
    wheel.axes[2] = throttle > 0 ? 1 - 2 * Math.min(1, throttle) : 1;
    wheel.axes[3] = throttle < 0 ? 1 - 2 * Math.min(1, -throttle) : 1;
    wheel.buttons[4] = paddle ? 1 : 0;
  };
  const novice = (): [number, number] =>
    (globalThis as unknown as { __aimTest?: Hook }).__aimTest?.frame()?.novice ?? [0, 0];
  let nextChange = 0;
  setInterval(() => {
    const t = performance.now();
    if (wheel.program === 'steps' && t >= nextChange) {
      // Distinct values, so each can be recognised in the core's applied actions.
      const steer = Math.round((Math.random() * 1.2 - 0.6) * 1e6) / 1e6;
      wheel.changes.push({ steer, polledAt: null });
      pose(steer, 0.2, false);
      nextChange = t + 370;
    }
    const [steer, throttle] = novice();
    switch (wheel.program) {
      case 'warmup':
        pose(0.15 * Math.sin(t / 800), 0.35, false);
        break;
      case 'follow':
        pose(steer, 0, false);
        break;
      case 'takeover':
        // A gentle weave around the novice's line (the toy road is narrow: more leaves it) while
        // braking where the novice would drive on: far enough from its action (mean squared
        // difference ≥ 0.32) that agreement cannot hand back before the person means it to.
        pose(steer + 0.08 * Math.sin((2 * Math.PI * t) / 1500), throttle > -0.2 ? -0.6 : 0.6, true);
        break;
      case 'agree':
        pose(steer, throttle, true);
        break;
      case 'drive':
        pose(0, 1, true);
        break;
      default:
    }
  }, 5);
  const pad = () => ({
    id: 'G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)',
    index: 0,
    connected: true,
    mapping: '',
    timestamp: performance.now(),
    axes: wheel.axes.slice(),
    buttons: wheel.buttons.map((value) => ({ pressed: value > 0.5, touched: value > 0, value })),
    vibrationActuator: null,
  });
  Object.defineProperty(Navigator.prototype, 'getGamepads', {
    configurable: true,
    value: () => {
      if (!wheel.connected) return [null, null, null, null];
      wheel.polls++;
      const last = wheel.changes[wheel.changes.length - 1];
      if (last !== undefined && last.polledAt === null)
        last.polledAt = performance.timeOrigin + performance.now();
      return [pad(), null, null, null];
    },
  });
}

export async function setWheel(page: Page, change: Partial<ScriptedWheel>): Promise<void> {
  await page.evaluate((c) => {
    Object.assign((globalThis as unknown as { __wheel: ScriptedWheel }).__wheel, c);
  }, change);
}

export async function setAxis(page: Page, index: number, value: number): Promise<void> {
  await page.evaluate(
    ([i, v]) => {
      (globalThis as unknown as { __wheel: ScriptedWheel }).__wheel.axes[i] = v;
    },
    [index, value] as const,
  );
}
