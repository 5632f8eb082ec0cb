// Calibration of a wheel, its pedals or a gamepad: the record that mapping.ts applies, and the pure
// state machine a wizard drives — centre, full left lock, full right lock, then each pedal pressed
// fully and released. Every raw sample is folded into per-channel statistics; the record is derived
// from the extremes when the person finishes a step. Until the last step is done the calibration in
// effect is the previous one, so an aborted calibration (cancel, or the device unplugged mid-way)
// changes nothing. Dead zones and the steering gain are settings carried into the record
// (STEERING_GAIN_PRESETS.metadrive = MetaDrive's 1.5×). Pure: runs under Node.
import type { PedalName } from './mapping.ts';
import type { DeviceProfile, Layout, PedalSource } from './profiles.ts';

export interface SteerCalibration {
  axis: number;
  /** Raw value with the wheel centred. */
  centre: number;
  /** Raw value at full left lock and at full right lock. */
  left: number;
  right: number;
  /** Fraction of the travel around the centre that reads 0. */
  deadZone: number;
}

export interface PedalCalibration extends PedalSource {
  /** Fraction of the travel at the released end that reads 0. */
  deadZone: number;
}

export interface CalibrationRecord {
  version: 1;
  deviceKey: string;
  profileKey: string;
  steer: SteerCalibration;
  throttle: PedalCalibration | null;
  brake: PedalCalibration | null;
  clutch: PedalCalibration | null;
  /** Car steer = gain × wheel position, clipped to [−1, 1]. */
  gain: number;
  /** Wheel rotation the axis spans (degrees), when known: goes into the session's metadata. */
  rotationDeg: number | null;
  /** False for a profile's defaults, true once a person calibrated the device. */
  calibrated: boolean;
}

export const STEERING_GAIN_PRESETS = Object.freeze({
  /** The wheel's full travel is the car's full lock. */
  direct: 1,
  /** MetaDrive's SteeringWheelController: full lock at two thirds of the travel. */
  metadrive: 1.5,
});

export interface DeadZones {
  steer: number;
  pedal: number;
}

/** MetaDrive uses no dead zone on the wheel; pedals get a small one at rest against sensor noise. */
export const DEFAULT_DEAD_ZONES: DeadZones = Object.freeze({ steer: 0, pedal: 0.02 });

/** The calibration a device has before anyone calibrates it: its profile's layout as is. */
export function defaultCalibration(
  profile: Pick<DeviceProfile, 'key' | 'rotationDeg'>,
  layout: Layout,
  deviceKey: string,
  options: { gain?: number; deadZones?: Partial<DeadZones> } = {},
): CalibrationRecord {
  const dz = { ...DEFAULT_DEAD_ZONES, ...options.deadZones };
  const left = layout.steer.invert ? -1 : 1;
  const pedal = (source: PedalSource | null): PedalCalibration | null =>
    source === null ? null : { ...source, deadZone: dz.pedal };
  return {
    version: 1,
    deviceKey,
    profileKey: profile.key,
    steer: { axis: layout.steer.axis, centre: 0, left, right: -left, deadZone: dz.steer },
    throttle: pedal(layout.throttle),
    brake: pedal(layout.brake),
    clutch: pedal(layout.clutch),
    gain: options.gain ?? STEERING_GAIN_PRESETS.direct,
    rotationDeg: profile.rotationDeg,
    calibrated: false,
  };
}

// ---------------------------------------------------------------------------------------------------
// Recording

/** Running statistics of one axis or button during one step. */
export interface ChannelStats {
  count: number;
  sum: number;
  /** Extremes over the readings after the channel first read non-zero (a never-moved axis reads 0). */
  min: number;
  max: number;
  first: number;
  /** The first reading that was not exactly 0, or null. */
  firstNonZero: number | null;
  last: number;
  /** Still only exact zeros so far. */
  untouched: boolean;
}

export interface StepRecording {
  axes: ChannelStats[];
  buttons: ChannelStats[];
  samples: number;
}

const EMPTY_RECORDING: StepRecording = Object.freeze({ axes: [], buttons: [], samples: 0 }) as StepRecording;

function foldChannel(stats: ChannelStats | undefined, value: number): ChannelStats {
  if (stats === undefined) {
    const untouched = value === 0;
    const firstNonZero = untouched ? null : value;
    return {
      count: 1,
      sum: value,
      min: value,
      max: value,
      first: value,
      firstNonZero,
      last: value,
      untouched,
    };
  }
  const count = stats.count + 1;
  const sum = stats.sum + value;
  if (stats.untouched && value !== 0) {
    // First real reading: the extremes start here, not at the placeholder zeros.
    return {
      ...stats,
      count,
      sum,
      min: value,
      max: value,
      firstNonZero: value,
      last: value,
      untouched: false,
    };
  }
  return {
    ...stats,
    count,
    sum,
    min: Math.min(stats.min, value),
    max: Math.max(stats.max, value),
    last: value,
  };
}

/** Folds one raw sample into a step's recording (non-finite values are skipped). */
export function foldSample(
  recording: StepRecording,
  axes: readonly number[],
  buttons: readonly number[],
): StepRecording {
  const fold = (stats: readonly ChannelStats[], values: readonly number[]) => {
    const out = stats.slice();
    values.forEach((value, i) => {
      if (Number.isFinite(value)) out[i] = foldChannel(stats[i], value);
    });
    return out;
  };
  return {
    axes: fold(recording.axes, axes),
    buttons: fold(recording.buttons, buttons),
    samples: recording.samples + 1,
  };
}

function mean(stats: ChannelStats): number {
  return stats.count > 0 ? stats.sum / stats.count : 0;
}

function range(stats: ChannelStats | undefined): number {
  return stats === undefined ? 0 : stats.max - stats.min;
}

// ---------------------------------------------------------------------------------------------------
// Derivation

/** The smallest raw travel (axes span [−1, 1]) that counts as a lock or a pedal press. */
export const MIN_LOCK_TRAVEL = 0.3;
export const MIN_PEDAL_TRAVEL = 0.3;
/** The largest dead zone calibration sets from the jitter it saw at the centre. */
export const MAX_DERIVED_DEAD_ZONE = 0.05;

export type Derived<T> = { ok: true; value: T } | { ok: false; error: string };

/** Centre of every axis (the mean while the wheel was held centred) and its jitter (half the spread). */
export function deriveCentres(recording: StepRecording): { centre: number[]; jitter: number[] } {
  return {
    centre: recording.axes.map((stats) => (stats === undefined ? 0 : mean(stats))),
    jitter: recording.axes.map((stats) =>
      stats === undefined || stats.untouched ? 0 : (stats.max - stats.min) / 2,
    ),
  };
}

/** The reading farthest from `centre` on an axis during a step. */
function extremeFrom(stats: ChannelStats, centre: number): number {
  return Math.abs(stats.max - centre) >= Math.abs(stats.min - centre) ? stats.max : stats.min;
}

/**
 * The steering axis and its lock on one side: the axis that travelled farthest from its centre
 * (so an unknown device's wheel is found by turning it), preferring `preferredAxis` on a tie. Given
 * the other lock (`otherLock`), only readings on the far side of the centre from it count: a wheel
 * still at the left lock when the right-lock step began must not read as the right lock.
 */
export function deriveLock(
  recording: StepRecording,
  centres: readonly number[],
  preferredAxis: number,
  side: 'left' | 'right',
  axis?: number,
  otherLock?: number,
): Derived<{ axis: number; value: number }> {
  const extreme = (stats: ChannelStats, centre: number) =>
    otherLock === undefined ? extremeFrom(stats, centre) : otherLock < centre ? stats.max : stats.min;
  let best = -1;
  let travel = 0;
  recording.axes.forEach((stats, i) => {
    if (stats === undefined || stats.untouched || (axis !== undefined && i !== axis)) return;
    const t = Math.abs(extreme(stats, centres[i] ?? 0) - (centres[i] ?? 0));
    if (t > travel || (t === travel && i === preferredAxis)) {
      best = i;
      travel = t;
    }
  });
  if (best < 0 || travel < MIN_LOCK_TRAVEL) {
    return { ok: false, error: `Turn the wheel all the way to the ${side} and hold it there.` };
  }
  return { ok: true, value: { axis: best, value: extreme(recording.axes[best], centres[best] ?? 0) } };
}

/**
 * A pedal from the step where it was pressed fully and released: the axis (else the button) that
 * travelled most, excluding channels already in use; released is the end it started from and came
 * back to, pressed the other end.
 */
export function derivePedal(
  recording: StepRecording,
  name: PedalName,
  exclude: { axes: readonly number[]; buttons: readonly number[] },
  deadZone: number,
): Derived<PedalCalibration> {
  const pick = (channels: readonly ChannelStats[], skip: readonly number[]) => {
    let best = -1;
    channels.forEach((stats, i) => {
      if (stats === undefined || stats.untouched || skip.includes(i)) return;
      if (best < 0 || range(stats) > range(channels[best])) best = i;
    });
    return best >= 0 && range(channels[best]) >= MIN_PEDAL_TRAVEL ? best : -1;
  };
  let source: 'axis' | 'button' = 'axis';
  let index = pick(recording.axes, exclude.axes);
  if (index < 0) {
    source = 'button';
    index = pick(recording.buttons, exclude.buttons);
  }
  if (index < 0) return { ok: false, error: `Press the ${name} pedal all the way down, then release it.` };
  const stats = (source === 'axis' ? recording.axes : recording.buttons)[index];
  // Released is the end the pedal started at. Leading exact zeros are either a real rest at 0 (a
  // trigger: 0 is then an end of the range) or an axis that had not moved yet (0 inside the range,
  // and the first real reading is where it rests).
  const span = stats.max - stats.min;
  const zeroIsAnEnd = Math.min(Math.abs(stats.min), Math.abs(stats.max)) <= 0.05 * span;
  const start = stats.first !== 0 || zeroIsAnEnd ? stats.first : (stats.firstNonZero ?? 0);
  const releasedAtMax = Math.abs(start - stats.max) <= Math.abs(start - stats.min);
  const released = releasedAtMax ? stats.max : stats.min;
  const pressed = releasedAtMax ? stats.min : stats.max;
  if (Math.abs(stats.last - released) > 0.25 * span) {
    return {
      ok: false,
      error: `Release the ${name} pedal before continuing (start with it released, press it all the way down, release it).`,
    };
  }
  return { ok: true, value: { source, index, released, pressed, deadZone } };
}

// ---------------------------------------------------------------------------------------------------
// The wizard's state

export type CalibrationStep = 'centre' | 'left' | 'right' | PedalName;

export const STEP_INSTRUCTIONS: Readonly<Record<CalibrationStep, string>> = Object.freeze({
  centre: 'Let go of the wheel so it rests centred (or hold it straight), then continue.',
  left: 'Turn the wheel all the way to the left, hold it there, then continue.',
  right: 'Turn the wheel all the way to the right, hold it there, then continue.',
  throttle: 'Press the throttle pedal all the way down, release it, then continue.',
  brake: 'Press the brake pedal all the way down, release it, then continue.',
  clutch: 'Press the clutch pedal all the way down and release it, or skip it.',
});

export interface CalibrationState {
  phase: 'recording' | 'done' | 'aborted';
  deviceKey: string;
  profileKey: string;
  rotationDeg: number | null;
  preferredSteerAxis: number;
  steps: readonly CalibrationStep[];
  stepIndex: number;
  /** The current step's samples. */
  recording: StepRecording;
  /** What the finished steps measured. */
  measured: Partial<Record<CalibrationStep, StepRecording>>;
  previous: CalibrationRecord | null;
  /** The calibration in effect: the previous one until the last step is done. */
  active: CalibrationRecord | null;
  /** Why the last attempt to continue failed, or why calibration was aborted. */
  message: string | null;
  gain: number;
  deadZones: DeadZones;
}

export interface CalibrationStart {
  previous: CalibrationRecord | null;
  profile: Pick<DeviceProfile, 'key' | 'rotationDeg' | 'kind'>;
  layout: Layout;
  deviceKey: string;
  gain?: number;
  deadZones?: Partial<DeadZones>;
  /** Calibrate the clutch too (default: when the layout has one). */
  clutch?: boolean;
}

export function startCalibration(start: CalibrationStart): CalibrationState {
  const steps: CalibrationStep[] = ['centre', 'left', 'right'];
  if (start.layout.throttle !== null || start.profile.kind === 'wheel') steps.push('throttle');
  if (start.layout.brake !== null || start.profile.kind === 'wheel') steps.push('brake');
  if (start.clutch ?? start.layout.clutch !== null) steps.push('clutch');
  return {
    phase: 'recording',
    deviceKey: start.deviceKey,
    profileKey: start.profile.key,
    rotationDeg: start.previous?.rotationDeg ?? start.profile.rotationDeg,
    preferredSteerAxis: start.layout.steer.axis,
    steps,
    stepIndex: 0,
    recording: EMPTY_RECORDING,
    measured: {},
    previous: start.previous,
    active: start.previous,
    message: null,
    gain: start.gain ?? start.previous?.gain ?? STEERING_GAIN_PRESETS.direct,
    deadZones: { ...DEFAULT_DEAD_ZONES, ...start.deadZones },
  };
}

export function currentStep(state: CalibrationState): CalibrationStep | null {
  return state.phase === 'recording' ? (state.steps[state.stepIndex] ?? null) : null;
}

/** Adds a raw sample to the current step. */
export function recordSample(
  state: CalibrationState,
  axes: readonly number[],
  buttons: readonly number[],
): CalibrationState {
  if (state.phase !== 'recording') return state;
  return { ...state, recording: foldSample(state.recording, axes, buttons) };
}

/** Starts the current step again (its samples are dropped). */
export function restartStep(state: CalibrationState): CalibrationState {
  if (state.phase !== 'recording') return state;
  return { ...state, recording: EMPTY_RECORDING, message: null };
}

/** Cancels: the previous calibration stays in effect. `reason` e.g. "the wheel was disconnected". */
export function abortCalibration(state: CalibrationState, reason: string): CalibrationState {
  if (state.phase !== 'recording') return state;
  return {
    ...state,
    phase: 'aborted',
    active: state.previous,
    message: `Calibration stopped: ${reason}. The previous calibration stays.`,
  };
}

/** Skips the clutch (the only optional step). */
export function skipStep(state: CalibrationState): CalibrationState {
  if (currentStep(state) !== 'clutch') return { ...state, message: 'Only the clutch can be skipped.' };
  return moveOn({
    ...state,
    steps: state.steps.filter((step) => step !== 'clutch'),
    stepIndex: state.stepIndex - 1,
  });
}

/** Finishes the current step if what it recorded makes sense; the last step derives the record. */
export function advance(state: CalibrationState): CalibrationState {
  const step = currentStep(state);
  if (step === null) return state;
  if (state.recording.samples === 0) return { ...state, message: 'No input from the device yet.' };
  const measured = { ...state.measured, [step]: state.recording };
  const problem = checkStep({ ...state, measured }, step);
  if (problem !== null) return { ...state, message: problem };
  return moveOn({ ...state, measured });
}

function moveOn(state: CalibrationState): CalibrationState {
  const stepIndex = state.stepIndex + 1;
  if (stepIndex < state.steps.length)
    return { ...state, stepIndex, recording: EMPTY_RECORDING, message: null };
  const derived = deriveCalibration(state);
  if (!derived.ok) return { ...state, message: derived.error };
  return {
    ...state,
    phase: 'done',
    stepIndex,
    recording: EMPTY_RECORDING,
    active: derived.value,
    message: null,
  };
}

/** Validates one finished step against the steps before it; null when it is fine. */
function checkStep(state: CalibrationState, step: CalibrationStep): string | null {
  if (step === 'centre') return null;
  const derived = deriveCalibration(state, step);
  return derived.ok ? null : derived.error;
}

/**
 * The record from the measured steps (up to `upTo`, for validating a step as it finishes). Locks
 * must lie on opposite sides of the centre; each pedal takes a channel no earlier control uses.
 */
export function deriveCalibration(
  state: CalibrationState,
  upTo?: CalibrationStep,
): Derived<CalibrationRecord> {
  const order = state.steps.slice(0, upTo === undefined ? state.steps.length : state.steps.indexOf(upTo) + 1);
  const centreRec = state.measured.centre;
  if (centreRec === undefined) return { ok: false, error: 'The centre was not recorded.' };
  const { centre, jitter } = deriveCentres(centreRec);

  let steerAxis = state.preferredSteerAxis;
  let left = Number.NaN;
  let right = Number.NaN;
  if (order.includes('left')) {
    const lock = deriveLock(state.measured.left ?? EMPTY_RECORDING, centre, state.preferredSteerAxis, 'left');
    if (!lock.ok) return lock;
    steerAxis = lock.value.axis;
    left = lock.value.value;
  }
  if (order.includes('right')) {
    const lock = deriveLock(
      state.measured.right ?? EMPTY_RECORDING,
      centre,
      steerAxis,
      'right',
      steerAxis,
      Number.isNaN(left) ? undefined : left,
    );
    if (!lock.ok) return lock;
    right = lock.value.value;
    const c = centre[steerAxis] ?? 0;
    if (Math.sign(right - c) === Math.sign(left - c)) {
      return {
        ok: false,
        error:
          'The right lock is on the same side as the left lock: turn the wheel all the way to the right.',
      };
    }
  }
  const steerDeadZone = Math.max(
    state.deadZones.steer,
    Math.min(
      MAX_DERIVED_DEAD_ZONE,
      jitterFraction(jitter[steerAxis] ?? 0, left, right, centre[steerAxis] ?? 0),
    ),
  );
  const used = { axes: [steerAxis], buttons: [] as number[] };
  const pedals: Record<PedalName, PedalCalibration | null> = { throttle: null, brake: null, clutch: null };
  for (const name of ['throttle', 'brake', 'clutch'] as const) {
    if (!order.includes(name)) continue;
    const derived = derivePedal(state.measured[name] ?? EMPTY_RECORDING, name, used, state.deadZones.pedal);
    if (!derived.ok) return derived;
    pedals[name] = derived.value;
    if (derived.value.source === 'axis') used.axes.push(derived.value.index);
    else used.buttons.push(derived.value.index);
  }
  return {
    ok: true,
    value: {
      version: 1,
      deviceKey: state.deviceKey,
      profileKey: state.profileKey,
      steer: { axis: steerAxis, centre: centre[steerAxis] ?? 0, left, right, deadZone: steerDeadZone },
      throttle: pedals.throttle,
      brake: pedals.brake,
      clutch: pedals.clutch,
      gain: state.gain,
      rotationDeg: state.rotationDeg,
      calibrated: true,
    },
  };
}

/** Centre jitter as a fraction of the smaller half-travel, doubled for margin. */
function jitterFraction(jitter: number, left: number, right: number, centre: number): number {
  const half = Math.min(Math.abs(left - centre), Math.abs(right - centre));
  return Number.isFinite(half) && half > 0 ? (2 * jitter) / half : 0;
}

/** The calibration to apply now: the finished one, else the previous one, else the profile default. */
export function activeCalibration(state: CalibrationState, fallback: CalibrationRecord): CalibrationRecord {
  return state.active ?? fallback;
}
