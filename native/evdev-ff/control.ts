// The force-feedback arithmetic, apart from any device so it can be tested anywhere: MetaDrive's
// speed-dependent autocentre, the small P-controller that turns the wheel toward where the car is
// steering while the robot drives, and the translation of a signed force into a kernel FF_CONSTANT
// effect. Conventions: wheel positions and steering are in [−1, 1] with +1 = full left lock
// (main/contract/api.ts: +steer = left); a positive force pushes the wheel to the left.

/** The largest value of FF_GAIN / FF_AUTOCENTER (linux/input.h). */
export const FF_MAX_STRENGTH = 0xffff;
/** The largest FF_CONSTANT level. */
export const FF_MAX_LEVEL = 0x7fff;
/** ff_effect.direction for a force toward the left and the right (linux/input.h). */
export const DIRECTION_LEFT = 0x4000;
export const DIRECTION_RIGHT = 0xc000;
/** ABS_X: the steering axis of every wheel driver this targets (hid-lg4ff, hid-logitech-hidpp, hid-tmff2). */
export const ABS_X = 0x00;

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/**
 * Autocentre strength for a speed, as MetaDrive's SteeringWheelController writes it every step:
 * 65535 · (v_kmh + 30) / 150, clipped to [0, 65535] — about 20 % at standstill, full at 120 km/h.
 */
export function autocentreStrength(speedKmh: number): number {
  if (!Number.isFinite(speedKmh)) return 0;
  return Math.round(clamp((FF_MAX_STRENGTH * (speedKmh + 30)) / 150, 0, FF_MAX_STRENGTH));
}

/** A gain fraction in [0, 1] as the FF_GAIN value. */
export function gainValue(fraction: number): number {
  if (!Number.isFinite(fraction)) return FF_MAX_STRENGTH;
  return Math.round(clamp(fraction, 0, 1) * FF_MAX_STRENGTH);
}

export interface FollowGains {
  /** Force (fraction of full torque) per unit of position error; error 1 = half the wheel's travel. */
  kp: number;
  /** The strongest force the controller asks for, as a fraction of full torque. */
  maxForce: number;
  /** Errors at or below this read as "on target": no force, so the wheel does not buzz at rest. */
  deadband: number;
}

/** Gentle defaults: 0.1 of error (45° on a 900° wheel) asks for 15 % torque, capped at 40 %. */
export const DEFAULT_FOLLOW_GAINS: FollowGains = Object.freeze({ kp: 1.5, maxForce: 0.4, deadband: 0.01 });

/**
 * The P-controller: the force (in [−maxForce, maxForce], + = push left) that moves the wheel from
 * `wheel` toward `target`. Outside the deadband it grows from zero, so the force is continuous.
 */
export function followForce(
  target: number,
  wheel: number,
  gains: FollowGains = DEFAULT_FOLLOW_GAINS,
): number {
  if (!Number.isFinite(target) || !Number.isFinite(wheel)) return 0;
  const error = clamp(target, -1, 1) - clamp(wheel, -1, 1);
  const beyond = Math.abs(error) - Math.max(0, gains.deadband);
  if (beyond <= 0) return 0;
  const force = Math.sign(error) * gains.kp * beyond;
  const cap = clamp(gains.maxForce, 0, 1);
  return clamp(force, -cap, cap);
}

/**
 * Where the wheel should be for a steering command: the car's steer is gain × wheel (MetaDrive's
 * 1.5× reaches full lock at two thirds of the travel), so the wheel sits at steer / gain.
 */
export function wheelTargetForSteer(steer: number, gain: number): number {
  if (!Number.isFinite(steer) || !Number.isFinite(gain) || gain <= 0) return 0;
  return clamp(steer / gain, -1, 1);
}

export interface ConstantEffect {
  /** FF_CONSTANT level, 0..0x7FFF. */
  level: number;
  /** DIRECTION_LEFT or DIRECTION_RIGHT. */
  direction: number;
}

/**
 * A signed force in [−1, 1] (+ = left) as the kernel's FF_CONSTANT: a magnitude and a direction.
 * `invert` flips the side for a driver that turns the other way (unverified on real wheels).
 */
export function constantEffect(force: number, invert = false): ConstantEffect {
  const f = Number.isFinite(force) ? clamp(force, -1, 1) * (invert ? -1 : 1) : 0;
  return {
    level: Math.round(Math.abs(f) * FF_MAX_LEVEL),
    direction: f >= 0 ? DIRECTION_LEFT : DIRECTION_RIGHT,
  };
}

export interface AbsInfo {
  value: number;
  minimum: number;
  maximum: number;
}

/**
 * The wheel's position from its evdev ABS_X in [−1, 1], +1 = left. The drivers report ABS_X growing
 * to the right (0 at left lock, 65535 at right lock on a G29), hence the default inversion.
 */
export function wheelPosition(abs: AbsInfo, invert = true): number | null {
  const span = abs.maximum - abs.minimum;
  if (!(span > 0) || !Number.isFinite(abs.value)) return null;
  const unit = clamp(((abs.value - abs.minimum) / span) * 2 - 1, -1, 1);
  return invert ? -unit : unit;
}

export type FfReason = 'ok' | 'no-addon' | 'not-linux' | 'no-device' | 'no-permission' | 'no-ff' | 'error';

/** The status reason an errno code from the add-on means. */
export function reasonForErrno(code: string | undefined): FfReason {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'no-permission';
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return 'no-device';
    // An ioctl the node does not understand: a regular file, /dev/null, or not an evdev device.
    case 'ENOTTY':
    case 'EINVAL':
      return 'no-ff';
    default:
      return 'error';
  }
}
