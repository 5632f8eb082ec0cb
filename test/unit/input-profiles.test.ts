// Device profiles (renderer/src/input/profiles.ts): ids as browsers report them, the known wheels,
// the generic fallbacks and their message, missing axes, the D-pad hat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROFILES,
  decodeHatAxis,
  deviceKey,
  layoutFor,
  parseGamepadId,
  platformFromUserAgent,
  readHat,
  resolveProfile,
} from '../../renderer/src/input/profiles.ts';

const G29_ID = 'Logitech G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)';
const G920_ID = 'Logitech G920 Driving Force Racing Wheel for Xbox One (Vendor: 046d Product: c262)';
const T300_ID = 'Thrustmaster T300RS Racing wheel (Vendor: 044f Product: b66e)';
const XBOX_ID = 'Xbox 360 Controller (XInput STANDARD GAMEPAD)';

test('Gamepad.id: Chromium, Chromium standard-gamepad and Firefox forms', () => {
  assert.deepEqual(parseGamepadId(G29_ID), {
    vendor: '046d',
    product: 'c24f',
    name: 'Logitech G29 Driving Force Racing Wheel',
  });
  assert.deepEqual(parseGamepadId('Wireless Controller (STANDARD GAMEPAD Vendor: 054c Product: 09cc)'), {
    vendor: '054c',
    product: '09cc',
    name: 'Wireless Controller',
  });
  assert.deepEqual(parseGamepadId('46d-c262-Logitech G920'), {
    vendor: '046d',
    product: 'c262',
    name: 'Logitech G920',
  });
  assert.deepEqual(parseGamepadId(XBOX_ID), { vendor: null, product: null, name: XBOX_ID });
  assert.equal(deviceKey(G29_ID), '046d:c24f');
  assert.equal(deviceKey(XBOX_ID), XBOX_ID);
});

test('known wheels by vendor and product, on Linux and elsewhere', () => {
  const g29 = resolveProfile({ id: G29_ID, mapping: '', axes: 6, buttons: 25 }, 'linux');
  assert.equal(g29.profile.key, 'logitech-g29');
  assert.equal(g29.known, true);
  assert.equal(g29.message, null);
  assert.equal(g29.deviceKey, '046d:c24f');
  // MetaDrive on Linux: steering −axis 0, throttle axis 2, brake axis 3, pedals +1 released.
  assert.deepEqual(g29.layout.steer, { axis: 0, invert: true });
  assert.deepEqual(g29.layout.throttle, { source: 'axis', index: 2, released: 1, pressed: -1 });
  assert.deepEqual(g29.layout.brake, { source: 'axis', index: 3, released: 1, pressed: -1 });
  assert.deepEqual(g29.layout.paddles, { left: 5, right: 4 });
  assert.deepEqual(g29.layout.hat, { kind: 'axes', x: 4, y: 5 });

  const g920 = resolveProfile({ id: G920_ID, mapping: '', axes: 10, buttons: 17 }, 'windows');
  assert.equal(g920.profile.key, 'logitech-g920');
  assert.deepEqual(
    [g920.layout.throttle?.index, g920.layout.brake?.index, g920.layout.clutch?.index, g920.layout.hat],
    [1, 2, 5, { kind: 'axis', index: 9 }],
  );

  for (const id of [T300_ID, 'Thrustmaster T300 (Vendor: 044f Product: b66d)']) {
    const t300 = resolveProfile({ id, mapping: '', axes: 10, buttons: 13 }, 'mac');
    assert.equal(t300.profile.key, 'thrustmaster-t300', id);
    assert.equal(t300.known, true);
  }
  for (const profile of PROFILES) {
    for (const platform of ['linux', 'windows', 'mac', 'other'] as const) {
      const layout = layoutFor(profile, platform);
      if (profile.kind === 'wheel') {
        assert.equal(layout.steer.invert, true, `${profile.key}: wheels grow to the right, steer is +left`);
        for (const pedal of [layout.throttle, layout.brake, layout.clutch]) {
          if (pedal !== null) assert.deepEqual([pedal.released, pedal.pressed], [1, -1], profile.key);
        }
      }
    }
  }
});

test('an unknown device falls back to a generic profile and says so', () => {
  const wheel = resolveProfile(
    { id: 'Fanatec CSL Elite Wheel (Vendor: 0eb7 Product: 0e03)', mapping: '', axes: 6, buttons: 20 },
    'linux',
  );
  assert.equal(wheel.profile.key, 'generic-wheel');
  assert.equal(wheel.known, false);
  assert.equal(wheel.usable, true);
  assert.match(
    wheel.message ?? '',
    /Unknown device "Fanatec CSL Elite Wheel" \(0eb7:0e03\): using the generic wheel profile/,
  );

  const pad = resolveProfile({ id: XBOX_ID, mapping: 'standard', axes: 4, buttons: 17 }, 'windows');
  assert.equal(pad.profile.key, 'generic-gamepad');
  assert.equal(pad.known, false);
  assert.match(pad.message ?? '', /generic gamepad profile/);
  assert.deepEqual(pad.layout.throttle, { source: 'button', index: 7, released: 0, pressed: 1 });

  // A non-standard device with no wheel words is still treated as a wheel (the app's use).
  const odd = resolveProfile({ id: 'Some Joystick', mapping: '', axes: 3, buttons: 8 }, 'other');
  assert.equal(odd.profile.key, 'generic-wheel');
});

test('a profile with missing axes is reported clearly', () => {
  // A G920 seen with only 3 axes (e.g. in compatibility mode): clutch and the hat axis are missing.
  const g920 = resolveProfile({ id: G920_ID, mapping: '', axes: 3, buttons: 11 }, 'windows');
  assert.equal(g920.usable, true);
  assert.deepEqual(g920.missing, ['clutch (axis 5)', 'D-pad (axis 9)']);
  assert.match(
    g920.message ?? '',
    /Logitech G920 profile: the device reports 3 axes and 11 buttons, so it lacks clutch \(axis 5\), D-pad \(axis 9\); calibrate to assign them\./,
  );

  const empty = resolveProfile({ id: G29_ID, mapping: '', axes: 0, buttons: 0 }, 'linux');
  assert.equal(empty.usable, false);
  assert.match(empty.message ?? '', /it cannot steer/);
  assert.ok(empty.missing.includes('steering (axis 0)'));
});

test('the D-pad: one hat axis, two hat axes, or buttons', () => {
  // Values reported for a G920 in Edge: rest 1.28571, ↑ −1, → −0.42857, ↓ 0.14286, ← 0.71429.
  assert.equal(decodeHatAxis(1.28571), null);
  assert.equal(decodeHatAxis(-1), 'up');
  assert.equal(decodeHatAxis(-0.42857), 'right');
  assert.equal(decodeHatAxis(0.14286), 'down');
  assert.equal(decodeHatAxis(0.71429), 'left');
  assert.equal(decodeHatAxis(1), 'up-left');
  const none = () => false;
  assert.equal(readHat({ kind: 'axis', index: 9 }, [0, 0, 0, 0, 0, 0, 0, 0, 0, -0.71429], none), 'up-right');
  assert.equal(readHat({ kind: 'axes', x: 4, y: 5 }, [0, 1, 1, 1, 1, -1], none), 'up-right');
  assert.equal(readHat({ kind: 'axes', x: 4, y: 5 }, [0, 1, 1, 1, 0, 0], none), null);
  const held = new Set([13, 14]);
  assert.equal(
    readHat({ kind: 'buttons', up: 12, down: 13, left: 14, right: 15 }, [], (i) => held.has(i)),
    'down-left',
  );
  assert.equal(readHat(null, [], none), null);
});

test('the OS from the user agent', () => {
  assert.equal(
    platformFromUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140'),
    'linux',
  );
  assert.equal(platformFromUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140'), 'windows');
  assert.equal(platformFromUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/140'), 'mac');
  assert.equal(platformFromUserAgent('Node.js/22'), 'other');
});
