// Raw Gamepad API axes and buttons → { steer, throttle, brake } through a calibration
// (calibration.ts). Conventions of the contract (main/contract/api.ts): steer in [−1, 1] with
// +1 = left; throttle and brake here each in [0, 1] (the contract's single throttle axis is
// throttle − brake, combinedThrottle). Pure: runs under Node.
//
// Pedals that read 0 until first moved: many drivers report an axis as 0 until it first changes
// (ecosystem notes §5), and 0 on a pedal that rests at +1 looks half pressed. A PedalWatch keeps
// such a pedal at 0 and names it in `pending` until it has moved once: "press each pedal once".
import type { CalibrationRecord, PedalCalibration, SteerCalibration } from './calibration.ts';
import { readHat, type HatDirection, type Layout, type PedalSource } from './profiles.ts';

export type PedalName = 'throttle' | 'brake' | 'clutch';
export const PEDALS: readonly PedalName[] = ['throttle', 'brake', 'clutch'];

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** |x| ≤ deadZone reads 0; beyond it the range is stretched back to reach 1, so there is no jump. */
export function applyDeadZone(value: number, deadZone: number): number {
  const dz = clamp(deadZone, 0, 0.95);
  const magnitude = Math.abs(value);
  if (magnitude <= dz) return 0;
  return (Math.sign(value) * (magnitude - dz)) / (1 - dz);
}

/**
 * The wheel's raw axis value as a position in [−1, 1], +1 at the recorded left lock and −1 at the
 * right lock, measured from the recorded centre on each side (so an off-centre rest is corrected),
 * with the steering dead zone applied. Gain is applied by mapSteer.
 */
export function wheelPosition(raw: number, cal: SteerCalibration): number {
  if (!Number.isFinite(raw)) return 0;
  const offset = raw - cal.centre;
  const leftSpan = cal.left - cal.centre;
  const rightSpan = cal.right - cal.centre;
  let position: number;
  if (offset === 0) position = 0;
  else if (leftSpan !== 0 && Math.sign(offset) === Math.sign(leftSpan)) position = offset / leftSpan;
  else if (rightSpan !== 0 && Math.sign(offset) === Math.sign(rightSpan)) position = -offset / rightSpan;
  else position = 0;
  return applyDeadZone(clamp(position, -1, 1), cal.deadZone);
}

/** The car's steering for a raw wheel value: gain × position, clipped (MetaDrive: 1.5 ×). */
export function mapSteer(raw: number, cal: SteerCalibration, gain: number): number {
  return clamp(wheelPosition(raw, cal) * (Number.isFinite(gain) && gain > 0 ? gain : 1), -1, 1);
}

/** A pedal's raw value as 0 (released) … 1 (pressed), with its dead zone at the released end. */
export function mapPedal(
  raw: number,
  cal: Pick<PedalCalibration, 'released' | 'pressed' | 'deadZone'>,
): number {
  const span = cal.pressed - cal.released;
  if (!Number.isFinite(raw) || span === 0) return 0;
  return Math.max(0, applyDeadZone(clamp((raw - cal.released) / span, 0, 1), cal.deadZone));
}

/** The raw value a pedal source reads, or undefined when the device lacks it. */
export function readSource(
  source: Pick<PedalSource, 'source' | 'index'>,
  axes: readonly number[],
  buttons: readonly number[],
): number | undefined {
  const list = source.source === 'axis' ? axes : buttons;
  return source.index < list.length ? list[source.index] : undefined;
}

/** Which pedals have shown a real value since the device appeared. */
export type PedalWatch = Readonly<Record<PedalName, boolean>>;

export const FRESH_WATCH: PedalWatch = Object.freeze({ throttle: false, brake: false, clutch: false });

/**
 * Updates the watch: a pedal is live once it reads anything but exactly 0, or at once if it rests
 * at 0 anyway (trigger buttons) — a reading of exactly 0 from a pedal that rests at ±1 is the
 * "not moved yet" value, not a half-pressed pedal.
 */
export function watchPedals(
  watch: PedalWatch,
  calibration: Pick<CalibrationRecord, PedalName>,
  axes: readonly number[],
  buttons: readonly number[],
): PedalWatch {
  let next: Record<PedalName, boolean> | null = null;
  for (const name of PEDALS) {
    if (watch[name]) continue;
    const cal = calibration[name];
    if (cal === null) continue;
    const raw = readSource(cal, axes, buttons);
    if (raw === undefined) continue;
    if (raw !== 0 || Math.abs(cal.released) < 0.5) {
      next ??= { ...watch };
      next[name] = true;
    }
  }
  return next ?? watch;
}

/** The pedals still waiting for their first press (present on the device, never moved). */
export function pendingPedals(
  watch: PedalWatch,
  calibration: Pick<CalibrationRecord, PedalName>,
  axes: readonly number[],
  buttons: readonly number[],
): PedalName[] {
  return PEDALS.filter((name) => {
    const cal = calibration[name];
    return cal !== null && !watch[name] && readSource(cal, axes, buttons) !== undefined;
  });
}

/** The sentence the UI shows for pending pedals, or null. */
export function pendingMessage(pending: readonly PedalName[]): string | null {
  if (pending.length === 0) return null;
  return `Press each pedal once so it reads correctly: ${pending.join(', ')}.`;
}

export interface MappedInput {
  steer: number;
  throttle: number;
  brake: number;
  clutch: number;
  /** Either paddle (the takeover control) is held. */
  paddle: boolean;
  hat: HatDirection | null;
  /** Pedals read as 0 until moved once. */
  pending: PedalName[];
}

/** How pressed a button value counts as held. */
export const BUTTON_THRESHOLD = 0.5;

/** Maps one raw sample; returns the updated pedal watch with it. */
export function mapInput(
  axes: readonly number[],
  buttons: readonly number[],
  calibration: CalibrationRecord,
  layout: Pick<Layout, 'paddles' | 'hat'>,
  watch: PedalWatch,
): { input: MappedInput; watch: PedalWatch } {
  const nextWatch = watchPedals(watch, calibration, axes, buttons);
  const pedalValue = (name: PedalName): number => {
    const cal = calibration[name];
    if (cal === null || !nextWatch[name]) return 0;
    const raw = readSource(cal, axes, buttons);
    return raw === undefined ? 0 : mapPedal(raw, cal);
  };
  const pressed = (index: number) => (buttons[index] ?? 0) >= BUTTON_THRESHOLD;
  const steerRaw = axes[calibration.steer.axis];
  const input: MappedInput = {
    steer: steerRaw === undefined ? 0 : mapSteer(steerRaw, calibration.steer, calibration.gain),
    throttle: pedalValue('throttle'),
    brake: pedalValue('brake'),
    clutch: pedalValue('clutch'),
    paddle: layout.paddles !== null && (pressed(layout.paddles.left) || pressed(layout.paddles.right)),
    hat: readHat(layout.hat, axes, pressed),
    pending: pendingPedals(nextWatch, calibration, axes, buttons),
  };
  return { input, watch: nextWatch };
}

/** The contract's single throttle axis: throttle − brake in [−1, 1] (MetaDrive's throttle_brake / 2). */
export function combinedThrottle(input: Pick<MappedInput, 'throttle' | 'brake'>): number {
  return clamp(input.throttle - input.brake, -1, 1);
}
