// Profile mapping (renderer/src/input/mapping.ts): raw Gamepad API values → steer, throttle, brake
// through a calibration — inversions, pedal ranges, dead zones, gain, pedals that read 0 until moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultCalibration,
  STEERING_GAIN_PRESETS,
  type CalibrationRecord,
} from '../../renderer/src/input/calibration.ts';
import {
  FRESH_WATCH,
  applyDeadZone,
  combinedThrottle,
  mapInput,
  mapPedal,
  mapSteer,
  pendingMessage,
  wheelPosition,
  type PedalWatch,
} from '../../renderer/src/input/mapping.ts';
import { layoutFor, profileByKey, resolveProfile } from '../../renderer/src/input/profiles.ts';

const near = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} expected ${expected}, got ${actual}`);

const G29_ID = 'Logitech G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)';
const g29 = resolveProfile({ id: G29_ID, mapping: '', axes: 6, buttons: 25 }, 'linux');
const g29Defaults = defaultCalibration(g29.profile, g29.layout, g29.deviceKey);

/** G29 raw state on Linux: wheel axis 0 (right +), clutch 1, throttle 2, brake 3; pedals +1 released. */
function g29Axes(wheel: number, throttle = 1, brake = 1, clutch = 1): number[] {
  return [wheel, clutch, throttle, brake, 0, 0];
}
const noButtons = new Array(25).fill(0);
const moved: PedalWatch = { throttle: true, brake: true, clutch: true };

function map(
  axes: number[],
  calibration: CalibrationRecord = g29Defaults,
  watch: PedalWatch = moved,
  buttons = noButtons,
) {
  return mapInput(axes, buttons, calibration, g29.layout, watch).input;
}

test('steering is inverted: the wheel turned right (raw +) steers right (−), as MetaDrive (−axis 0)', () => {
  near(map(g29Axes(0.5)).steer, -0.5);
  near(map(g29Axes(-1)).steer, 1);
  near(map(g29Axes(0)).steer, 0);
  // A gamepad stick's x grows to the right too.
  const pad = profileByKey('generic-gamepad')!;
  const padCal = defaultCalibration(pad, layoutFor(pad, 'other'), 'pad');
  near(mapSteer(0.25, padCal.steer, 1), -0.25);
});

test('pedals rest at +1 and press to −1: 0 released, 1 fully pressed, linear between', () => {
  const released = map(g29Axes(0));
  assert.deepEqual([released.throttle, released.brake], [0, 0]);
  const cal = {
    ...g29Defaults,
    throttle: { ...g29Defaults.throttle!, deadZone: 0 },
    brake: { ...g29Defaults.brake!, deadZone: 0 },
  };
  near(map(g29Axes(0, -1, 1), cal).throttle, 1);
  near(map(g29Axes(0, 0, 1), cal).throttle, 0.5);
  near(map(g29Axes(0, 1, -1), cal).brake, 1);
  near(map(g29Axes(0, 1, 0.5), cal).brake, 0.25);
  // The contract's one axis: throttle − brake (MetaDrive: (−axis2 + axis3) / 2).
  near(combinedThrottle(map(g29Axes(0, -1, 1), cal)), 1);
  near(combinedThrottle(map(g29Axes(0, 1, -1), cal)), -1);
  near(combinedThrottle(map(g29Axes(0, -1, -1), cal)), 0);
  // Out-of-range raw values clip to [0, 1]; a trigger button 0..1 works the same way.
  near(mapPedal(1.2, { released: 1, pressed: -1, deadZone: 0 }), 0);
  near(mapPedal(-1.5, { released: 1, pressed: -1, deadZone: 0 }), 1);
  near(mapPedal(0.75, { released: 0, pressed: 1, deadZone: 0 }), 0.75);
  // A calibrated pedal that only reaches −0.8 reads 1 there.
  near(mapPedal(-0.8, { released: 0.98, pressed: -0.8, deadZone: 0 }), 1);
});

test('dead zones: nothing inside, no jump at the edge, full at the end', () => {
  assert.equal(applyDeadZone(0.04, 0.05), 0);
  assert.equal(applyDeadZone(-0.05, 0.05), 0);
  near(applyDeadZone(0.0500001, 0.05), 0.0000001 / 0.95);
  near(applyDeadZone(1, 0.05), 1);
  near(applyDeadZone(-0.525, 0.05), -0.5);
  const steerDz = { ...g29Defaults, steer: { ...g29Defaults.steer, deadZone: 0.1 } };
  assert.equal(map(g29Axes(0.08), steerDz).steer, 0);
  near(map(g29Axes(-0.55), steerDz).steer, 0.5);
  const pedalDz = { ...g29Defaults, throttle: { ...g29Defaults.throttle!, deadZone: 0.1 } };
  assert.equal(map(g29Axes(0, 0.85), pedalDz).throttle, 0, 'a pedal resting a little pressed reads 0');
  near(map(g29Axes(0, -1), pedalDz).throttle, 1);
});

test('steering gain: MetaDrive 1.5× reaches full lock at two thirds of the travel, then clips', () => {
  const metadrive = { ...g29Defaults, gain: STEERING_GAIN_PRESETS.metadrive };
  near(map(g29Axes(-0.4), metadrive).steer, 0.6);
  near(map(g29Axes(-2 / 3), metadrive).steer, 1);
  near(map(g29Axes(-0.9), metadrive).steer, 1);
  near(map(g29Axes(0.9), metadrive).steer, -1);
  near(map(g29Axes(-0.4), { ...g29Defaults, gain: 0 }).steer, 0.4, 'a nonsensical gain falls back to 1');
});

test('a calibrated wheel: off-centre rest and unequal locks are measured per side', () => {
  const cal: CalibrationRecord = {
    ...g29Defaults,
    steer: { axis: 0, centre: 0.02, left: -0.96, right: 0.98, deadZone: 0 },
  };
  near(map(g29Axes(0.02), cal).steer, 0);
  near(map(g29Axes(-0.96), cal).steer, 1);
  near(map(g29Axes(0.98), cal).steer, -1);
  near(map(g29Axes(0.5), cal).steer, -0.48 / 0.96);
  near(wheelPosition(-0.47, cal.steer), 0.5);
});

test('pedals that read 0 until first moved read 0 (not half pressed) and are named', () => {
  // Linux joystick devices report 0 for an axis until its first event: a pedal at rest reads 0.
  const untouched = g29Axes(0, 0, 0, 0);
  const first = mapInput(untouched, noButtons, g29Defaults, g29.layout, FRESH_WATCH);
  assert.deepEqual([first.input.throttle, first.input.brake, first.input.clutch], [0, 0, 0]);
  assert.deepEqual(first.input.pending, ['throttle', 'brake', 'clutch']);
  assert.equal(
    pendingMessage(first.input.pending),
    'Press each pedal once so it reads correctly: throttle, brake, clutch.',
  );

  // The throttle moves (to its released +1): it is live; the others still wait.
  const second = mapInput(g29Axes(0, 1, 0, 0), noButtons, g29Defaults, g29.layout, first.watch);
  assert.deepEqual(second.input.pending, ['brake', 'clutch']);
  assert.equal(second.input.throttle, 0);
  const third = mapInput(g29Axes(0, -1, -1, 1), noButtons, g29Defaults, g29.layout, second.watch);
  assert.deepEqual(third.input.pending, []);
  near(third.input.brake, 1);
  assert.equal(pendingMessage(third.input.pending), null);

  // Once live, a pedal passing through exactly 0 reads half pressed, as it is.
  const later = mapInput(
    g29Axes(0, 0, 1, 1),
    noButtons,
    { ...g29Defaults, throttle: { ...g29Defaults.throttle!, deadZone: 0 } },
    g29.layout,
    third.watch,
  );
  near(later.input.throttle, 0.5);

  // Trigger buttons rest at 0, so 0 is a real reading: nothing to wait for.
  const pad = profileByKey('generic-gamepad')!;
  const padLayout = layoutFor(pad, 'other');
  const padCal = defaultCalibration(pad, padLayout, 'pad');
  const padMapped = mapInput([0, 0, 0, 0], new Array(17).fill(0), padCal, padLayout, FRESH_WATCH);
  assert.deepEqual(padMapped.input.pending, []);
});

test('paddles: either held is the takeover control', () => {
  const buttons = noButtons.slice();
  assert.equal(map(g29Axes(0), g29Defaults, moved, buttons).paddle, false);
  buttons[4] = 1;
  assert.equal(map(g29Axes(0), g29Defaults, moved, buttons).paddle, true);
  buttons[4] = 0;
  buttons[5] = 1;
  assert.equal(map(g29Axes(0), g29Defaults, moved, buttons).paddle, true);
});

test('a device lacking a mapped axis reads 0 there instead of failing', () => {
  const short = mapInput([0.5, 0], [], g29Defaults, g29.layout, FRESH_WATCH);
  near(short.input.steer, -0.5);
  assert.deepEqual([short.input.throttle, short.input.brake], [0, 0]);
  assert.deepEqual(short.input.pending, ['clutch'], 'only the pedal the device has waits');
  assert.equal(short.input.paddle, false);
});
