// Calibration (renderer/src/input/calibration.ts): the record derived from recorded extremes, the
// wizard's steps and their checks, and that an aborted calibration leaves the previous one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEERING_GAIN_PRESETS,
  abortCalibration,
  advance,
  currentStep,
  defaultCalibration,
  foldSample,
  recordSample,
  restartStep,
  skipStep,
  startCalibration,
  type CalibrationRecord,
  type CalibrationState,
} from '../../renderer/src/input/calibration.ts';
import { mapInput } from '../../renderer/src/input/mapping.ts';
import { resolveProfile } from '../../renderer/src/input/profiles.ts';

const G29_ID = 'Logitech G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)';
const g29 = resolveProfile({ id: G29_ID, mapping: '', axes: 6, buttons: 25 }, 'linux');
const NO_BUTTONS: number[] = new Array(25).fill(0);

/** Linux G29: wheel 0, clutch 1, throttle 2, brake 3, hat 4–5. */
function axes(wheel: number, throttle = 1, brake = 1, clutch = 1): number[] {
  return [wheel, clutch, throttle, brake, 0, 0];
}

function feed(state: CalibrationState, samples: number[][]): CalibrationState {
  return samples.reduce((s, a) => recordSample(s, a, NO_BUTTONS), state);
}

function start(previous: CalibrationRecord | null = null, gain?: number): CalibrationState {
  return startCalibration({
    previous,
    profile: g29.profile,
    layout: g29.layout,
    deviceKey: g29.deviceKey,
    gain,
  });
}

/** A person doing every step well; this wheel rests slightly right and its pedals do not reach −1. */
function calibrateWell(state: CalibrationState): CalibrationState {
  let s = state;
  s = advance(feed(s, [axes(0.03), axes(0.02), axes(0.04), axes(0.03)])); // centre, a little jitter
  s = advance(feed(s, [axes(0.03), axes(-0.5), axes(-0.97), axes(-0.98), axes(-0.97)])); // left
  s = advance(feed(s, [axes(-0.2), axes(0.6), axes(0.99), axes(0.98)])); // right
  s = advance(
    feed(s, [axes(0, 1), axes(0, 0.2), axes(0, -0.9), axes(0, -0.92), axes(0, 0.3), axes(0, 0.99)]),
  ); // throttle
  s = advance(feed(s, [axes(0, 1, 1), axes(0, 1, -0.95), axes(0, 1, 0.97)])); // brake
  s = advance(feed(s, [axes(0, 1, 1, 1), axes(0, 1, 1, -1), axes(0, 1, 1, 1)])); // clutch
  return s;
}

test('the steps of a wheel with three pedals, in order', () => {
  const s = start();
  assert.deepEqual(s.steps, ['centre', 'left', 'right', 'throttle', 'brake', 'clutch']);
  assert.equal(currentStep(s), 'centre');
  assert.equal(s.phase, 'recording');
});

test('the record from recorded extremes: centre, locks, pedals released and pressed', () => {
  const done = calibrateWell(start(null, STEERING_GAIN_PRESETS.metadrive));
  assert.equal(done.phase, 'done', done.message ?? '');
  const cal = done.active!;
  assert.equal(cal.calibrated, true);
  assert.equal(cal.deviceKey, '046d:c24f');
  assert.equal(cal.profileKey, 'logitech-g29');
  assert.equal(cal.gain, 1.5);
  assert.equal(cal.rotationDeg, 900);
  assert.equal(cal.steer.axis, 0);
  assert.ok(Math.abs(cal.steer.centre - 0.03) < 1e-12);
  assert.equal(cal.steer.left, -0.98);
  assert.equal(cal.steer.right, 0.99);
  // Jitter ±0.01 at the centre, over a half-travel of ~1: a dead zone of 2 × 0.01 / 0.96.
  assert.ok(cal.steer.deadZone > 0.015 && cal.steer.deadZone < 0.025, String(cal.steer.deadZone));
  assert.deepEqual(cal.throttle, { source: 'axis', index: 2, released: 1, pressed: -0.92, deadZone: 0.02 });
  assert.deepEqual(cal.brake, { source: 'axis', index: 3, released: 1, pressed: -0.95, deadZone: 0.02 });
  assert.deepEqual(cal.clutch, { source: 'axis', index: 1, released: 1, pressed: -1, deadZone: 0.02 });

  // Mapped through it: the rest reads centred; −0.92 is full throttle; left lock × 1.5 clips at 1.
  const watch = { throttle: true, brake: true, clutch: true };
  const rest = mapInput(axes(0.03), NO_BUTTONS, cal, g29.layout, watch).input;
  assert.deepEqual([rest.steer, rest.throttle, rest.brake], [0, 0, 0]);
  const full = mapInput(axes(-0.98, -0.92), NO_BUTTONS, cal, g29.layout, watch).input;
  assert.deepEqual([full.steer, full.throttle], [1, 1]);
});

test('pedals are found by moving them, whatever the profile guessed', () => {
  // Brake on axis 2 and throttle on axis 3 (the reverse of the profile), as on some setups.
  let s = start();
  s = advance(feed(s, [axes(0)]));
  s = advance(feed(s, [axes(-1)]));
  s = advance(feed(s, [axes(1)]));
  s = advance(
    feed(s, [
      [0, 1, 1, 1, 0, 0],
      [0, 1, 1, -1, 0, 0],
      [0, 1, 1, 1, 0, 0],
    ]),
  );
  s = advance(
    feed(s, [
      [0, 1, 1, 1, 0, 0],
      [0, 1, -1, 1, 0, 0],
      [0, 1, 1, 1, 0, 0],
    ]),
  );
  s = skipStep(s);
  assert.equal(s.phase, 'done', s.message ?? '');
  assert.equal(s.active!.throttle!.index, 3);
  assert.equal(s.active!.brake!.index, 2);
  assert.equal(s.active!.clutch, null);
});

test('pedals that read 0 until first moved: the placeholder zeros are not taken as the pressed end', () => {
  let s = start();
  s = advance(feed(s, [axes(0, 0, 0, 0)]));
  s = advance(feed(s, [axes(-1, 0, 0, 0)]));
  s = advance(feed(s, [axes(1, 0, 0, 0)]));
  // The throttle reads 0 (never moved), then its first real value: released +1, then pressed, released.
  s = advance(
    feed(s, [axes(0, 0, 0, 0), axes(0, 0, 0, 0), axes(0, 1, 0, 0), axes(0, -1, 0, 0), axes(0, 1, 0, 0)]),
  );
  assert.equal(currentStep(s), 'brake', s.message ?? '');
  assert.deepEqual([s.measured.throttle!.axes[2].min, s.measured.throttle!.axes[2].max], [-1, 1]);
  // The brake is only touched (0 → its real rest +1) and never pressed: refused.
  const touched = advance(feed(s, [axes(0, 1, 0, 0), axes(0, 1, 1, 0), axes(0, 1, 1, 0)]));
  assert.equal(currentStep(touched), 'brake');
  assert.match(touched.message ?? '', /Press the brake pedal all the way down/);
});

test('each step checks what it recorded and says what to do', () => {
  let s = start();
  assert.match(advance(s).message ?? '', /No input from the device yet/);
  s = advance(feed(s, [axes(0)]));
  const weak = advance(feed(s, [axes(-0.1), axes(-0.2)]));
  assert.equal(currentStep(weak), 'left');
  assert.match(weak.message ?? '', /all the way to the left/);
  s = advance(feed(weak, [axes(-1)]));
  assert.equal(currentStep(s), 'right');
  const sameSide = advance(feed(s, [axes(-0.9)]));
  assert.equal(currentStep(sameSide), 'right');
  assert.match(sameSide.message ?? '', /same side as the left lock/);
  s = advance(feed(restartStep(sameSide), [axes(0.95)]));
  assert.equal(currentStep(s), 'throttle');
  const held = advance(feed(s, [axes(0, 1), axes(0, -1)]));
  assert.match(held.message ?? '', /Release the throttle pedal before continuing/);
  assert.match(skipStep(held).message ?? '', /Only the clutch can be skipped/);
});

test('the right-lock step may begin with the wheel still at the left lock', () => {
  let s = advance(feed(start(), [axes(0)]));
  s = advance(feed(s, [axes(-1)]));
  // Continue was pressed before the wheel left the left lock; then it went all the way right.
  s = advance(feed(s, [axes(-1), axes(-1), axes(0), axes(0.97)]));
  assert.equal(currentStep(s), 'throttle', s.message ?? '');
  assert.deepEqual([s.measured.right?.axes[0].min, s.measured.right?.axes[0].max], [-1, 0.97]);
});

test('an aborted calibration (cancelled, or the wheel unplugged mid-way) leaves the previous one', () => {
  const previous = calibrateWell(start()).active!;
  let s = start(previous);
  assert.deepEqual(s.active, previous, 'the previous calibration applies while recalibrating');
  s = advance(feed(s, [axes(0.2)]));
  s = advance(feed(s, [axes(-0.5)]));
  const aborted = abortCalibration(s, 'the wheel was disconnected');
  assert.equal(aborted.phase, 'aborted');
  assert.deepEqual(aborted.active, previous);
  assert.equal(
    aborted.message,
    'Calibration stopped: the wheel was disconnected. The previous calibration stays.',
  );
  // Nothing more happens to an aborted calibration.
  assert.equal(recordSample(aborted, axes(1), NO_BUTTONS), aborted);
  assert.equal(advance(aborted), aborted);
  // With no previous calibration, aborting leaves none: the profile's defaults apply.
  const fresh = abortCalibration(advance(feed(start(), [axes(0)])), 'cancelled');
  assert.equal(fresh.active, null);
  const defaults = defaultCalibration(g29.profile, g29.layout, g29.deviceKey);
  assert.equal(defaults.calibrated, false);
  assert.deepEqual(defaults.steer, { axis: 0, centre: 0, left: -1, right: 1, deadZone: 0 });
});

test('a gamepad: the stick steers, the triggers are found among the buttons', () => {
  const pad = resolveProfile(
    { id: 'Xbox Controller (STANDARD GAMEPAD)', mapping: 'standard', axes: 4, buttons: 17 },
    'windows',
  );
  let s = startCalibration({
    previous: null,
    profile: pad.profile,
    layout: pad.layout,
    deviceKey: pad.deviceKey,
  });
  assert.deepEqual(s.steps, ['centre', 'left', 'right', 'throttle', 'brake']);
  const buttons = (rt: number, lt: number) => Object.assign(new Array(17).fill(0), { 6: lt, 7: rt });
  const step = (samples: [number[], number[]][]) => {
    s = advance(samples.reduce((acc, [a, b]) => recordSample(acc, a, b), s));
  };
  step([[[0, 0, 0, 0], buttons(0, 0)]]);
  step([[[-1, 0, 0, 0], buttons(0, 0)]]);
  step([[[1, 0, 0, 0], buttons(0, 0)]]);
  step([
    [[0, 0, 0, 0], buttons(0, 0)],
    [[0, 0, 0, 0], buttons(1, 0)],
    [[0, 0, 0, 0], buttons(0, 0)],
  ]);
  step([
    [[0, 0, 0, 0], buttons(0, 0)],
    [[0, 0, 0, 0], buttons(0, 0.9)],
    [[0, 0, 0, 0], buttons(0, 0)],
  ]);
  assert.equal(s.phase, 'done', s.message ?? '');
  assert.deepEqual(s.active!.throttle, {
    source: 'button',
    index: 7,
    released: 0,
    pressed: 1,
    deadZone: 0.02,
  });
  assert.deepEqual(s.active!.brake, {
    source: 'button',
    index: 6,
    released: 0,
    pressed: 0.9,
    deadZone: 0.02,
  });
  assert.deepEqual([s.active!.steer.left, s.active!.steer.right], [-1, 1]);
});

test('folding samples keeps per-channel extremes and skips non-finite values', () => {
  let r = foldSample({ axes: [], buttons: [], samples: 0 }, [0, 0.5], [1]);
  r = foldSample(r, [0.2, Number.NaN], [0]);
  assert.equal(r.samples, 2);
  assert.deepEqual([r.axes[0].min, r.axes[0].max, r.axes[0].untouched], [0.2, 0.2, false]);
  assert.deepEqual([r.axes[1].count, r.axes[1].last], [1, 0.5]);
  assert.deepEqual([r.buttons[0].min, r.buttons[0].max], [0, 1]);
});
