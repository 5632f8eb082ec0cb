// Keyboard keys → continuous steer and throttle. Keys are all-or-nothing, so steering ramps toward
// full lock and returns to centre faster than it leaves it (as MetaDrive's keyboard controller);
// throttle and brake ramp in and drop to zero when released. +steer is left (contract/api.ts).

export interface KeyState {
  left: boolean;
  right: boolean;
  up: boolean;
  down: boolean;
}

export interface Axes {
  steer: number;
  throttle: number;
}

export const NO_KEYS: KeyState = Object.freeze({ left: false, right: false, up: false, down: false });
export const CENTRED: Axes = Object.freeze({ steer: 0, throttle: 0 });

export const KEYBOARD_RATES = Object.freeze({
  /** Full lock in 0.4 s. */
  steerPerSecond: 2.5,
  /** Back to centre from full lock in 0.25 s. */
  steerReturnPerSecond: 4,
  /** Full throttle or brake in 0.25 s. */
  throttlePerSecond: 4,
});

function toward(value: number, target: number, maxStep: number): number {
  if (Math.abs(target - value) <= maxStep) return target;
  return value + Math.sign(target - value) * maxStep;
}

function clamp1(value: number): number {
  return Math.max(-1, Math.min(1, value));
}

/** Advances the axes by dtMs with the given keys held. */
export function stepAxes(prev: Axes, keys: KeyState, dtMs: number, rates = KEYBOARD_RATES): Axes {
  const dt = Math.max(0, Math.min(dtMs, 250)) / 1000;
  const steerTarget = (keys.left ? 1 : 0) - (keys.right ? 1 : 0);
  const throttleTarget = (keys.up ? 1 : 0) - (keys.down ? 1 : 0);
  const returning = steerTarget === 0 || Math.sign(steerTarget) !== Math.sign(prev.steer);
  const steerRate = returning && prev.steer !== 0 ? rates.steerReturnPerSecond : rates.steerPerSecond;
  const steer = toward(prev.steer, steerTarget, steerRate * dt);
  // Switching between throttle and brake starts the new pedal from zero, as a foot would.
  const throttleFrom = Math.sign(prev.throttle) === throttleTarget ? prev.throttle : 0;
  const throttle =
    throttleTarget === 0 ? 0 : toward(throttleFrom, throttleTarget, rates.throttlePerSecond * dt);
  return { steer: clamp1(steer), throttle: clamp1(throttle) };
}
