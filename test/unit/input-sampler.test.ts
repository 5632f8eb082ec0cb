// The Gamepad API sampler (renderer/src/input/sampler.ts) against a scripted navigator.getGamepads:
// the polling rate it asks for, timestamps and ordering, mapping through profile and calibration,
// which device it follows, disconnect and reconnect. No assertions on wall-clock speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCalibration } from '../../renderer/src/input/calibration.ts';
import { GamepadSampler, type GamepadLike, type InputSample } from '../../renderer/src/input/sampler.ts';

const G29_ID = 'Logitech G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)';

/** A scripted G29 as Chromium on Linux shows it: wheel 0, clutch 1, throttle 2, brake 3, hat 4–5. */
function g29(
  index = 0,
): GamepadLike & { axes: number[]; buttons: { pressed: boolean; value: number }[]; timestamp: number } {
  return {
    id: G29_ID,
    index,
    connected: true,
    mapping: '',
    timestamp: 0,
    axes: [0, 1, 1, 1, 0, 0],
    buttons: Array.from({ length: 25 }, () => ({ pressed: false, value: 0 })),
  };
}

function manualTimer() {
  let callback: (() => void) | null = null;
  let period = Number.NaN;
  return {
    setInterval: (cb: () => void, ms: number) => {
      callback = cb;
      period = ms;
      return 7;
    },
    clearInterval: (handle: unknown) => {
      assert.equal(handle, 7);
      callback = null;
    },
    fire(times = 1) {
      for (let i = 0; i < times; i++) callback?.();
    },
    get period() {
      return period;
    },
    get running() {
      return callback !== null;
    },
  };
}

function clock(start = 1000, step = 8) {
  let t = start - step;
  return () => (t += step);
}

test('polls on a timer at ≥ 120 Hz; every tick is one timestamped sample, in order', () => {
  const pad = g29();
  const timer = manualTimer();
  const sampler = new GamepadSampler({ getGamepads: () => [pad], now: clock(), platform: 'linux', ...timer });
  const samples: InputSample[] = [];
  sampler.onSample((s) => samples.push(s));
  sampler.start();
  assert.ok(timer.running);
  assert.ok(timer.period <= 1000 / 120, `period ${timer.period} ms`);
  timer.fire(250);
  sampler.stop();
  assert.equal(timer.running, false);
  assert.equal(samples.length, 250);
  for (let i = 1; i < samples.length; i++) assert.ok(samples[i].t > samples[i - 1].t, 'timestamps increase');
  assert.equal(samples[0].device, G29_ID);
  assert.equal(samples[0].deviceKey, '046d:c24f');
  assert.equal(new GamepadSampler({ getGamepads: () => [], hz: 250 }).periodMs, 4);
});

test('a real interval: samples arrive, in order, and stop when stopped', async () => {
  const pad = g29();
  const sampler = new GamepadSampler({ getGamepads: () => [pad], platform: 'linux' });
  const samples: InputSample[] = [];
  await new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('no samples within 5 s')), 5000);
    sampler.onSample((s) => {
      samples.push(s);
      if (samples.length === 10) {
        clearTimeout(guard);
        sampler.stop();
        resolve();
      }
    });
    sampler.start();
  });
  assert.equal(sampler.running, false);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(samples.length, 10, 'nothing after stop()');
  for (let i = 1; i < samples.length; i++) assert.ok(samples[i].t >= samples[i - 1].t);
});

test('samples carry the raw axes and buttons and the mapped steer, throttle, brake', () => {
  const pad = g29();
  const sampler = new GamepadSampler({ getGamepads: () => [pad], now: clock(), platform: 'linux' });
  pad.axes = [0.5, 1, -1, 1, 0, 0];
  pad.buttons[4] = { pressed: true, value: 0 }; // a digital button may report value 0 while pressed
  const s = sampler.tick()!;
  assert.deepEqual(s.axes, [0.5, 1, -1, 1, 0, 0]);
  assert.equal(s.buttons[4], 1);
  assert.equal(s.buttons.length, 25);
  assert.equal(s.steer, -0.5, 'turned right steers right (−)');
  assert.equal(s.throttle, 1);
  assert.equal(s.brake, 0);
  assert.equal(s.paddle, true);
  assert.deepEqual(s.pending, []);
  // Raw copies: later changes to the gamepad do not rewrite a recorded sample.
  pad.axes[0] = -1;
  assert.equal(s.axes[0], 0.5);
});

test('the saved calibration for the device applies, and a new one replaces it', () => {
  const pad = g29();
  const asked: string[] = [];
  const sampler = new GamepadSampler({
    getGamepads: () => [pad],
    now: clock(),
    platform: 'linux',
    calibrationFor: (key, match) => {
      asked.push(key);
      return { ...defaultCalibration(match.profile, match.layout, key), gain: 1.5 };
    },
  });
  pad.axes = [-0.5, 1, 1, 1, 0, 0];
  assert.equal(sampler.tick()!.steer, 0.75);
  assert.deepEqual(asked, ['046d:c24f']);
  const match = sampler.device!.match;
  sampler.setCalibration('046d:c24f', {
    ...defaultCalibration(match.profile, match.layout, '046d:c24f'),
    gain: 1,
  });
  assert.equal(sampler.tick()!.steer, 0.5);
  sampler.setCalibration('046d:c24f', null);
  assert.equal(sampler.tick()!.steer, 0.5);
  assert.equal(sampler.device!.calibration.calibrated, false);
});

test('pedals reading 0 until moved are pending in the samples until pressed once', () => {
  const pad = g29();
  pad.axes = [0, 0, 0, 0, 0, 0];
  const sampler = new GamepadSampler({ getGamepads: () => [pad], now: clock(), platform: 'linux' });
  const first = sampler.tick()!;
  assert.deepEqual(first.pending, ['throttle', 'brake', 'clutch']);
  assert.deepEqual([first.throttle, first.brake], [0, 0], 'not half pressed');
  pad.axes = [0, 0, 0.9, 1, 0, 0];
  assert.deepEqual(sampler.tick()!.pending, ['clutch']);
});

test('follows a wheel over a gamepad; reports what it connected to', () => {
  const pad: GamepadLike = {
    id: 'Xbox Wireless Controller (STANDARD GAMEPAD Vendor: 045e Product: 0b13)',
    index: 0,
    connected: true,
    mapping: 'standard',
    timestamp: 0,
    axes: [0, 0, 0, 0],
    buttons: Array.from({ length: 17 }, () => ({ pressed: false, value: 0 })),
  };
  const wheel = g29(1);
  const sampler = new GamepadSampler({
    getGamepads: () => [pad, wheel, null, null],
    now: clock(),
    platform: 'linux',
  });
  const connects: string[] = [];
  sampler.onConnect((e) => connects.push(`${e.index} ${e.match.profile.key} ${e.match.message ?? 'ok'}`));
  assert.equal(sampler.tick()!.index, 1);
  assert.deepEqual(connects, ['1 logitech-g29 ok']);

  const alone = new GamepadSampler({ getGamepads: () => [pad], now: clock(), platform: 'windows' });
  alone.onConnect((e) => connects.push(`${e.index} ${e.match.profile.key} ${e.match.message ?? 'ok'}`));
  alone.tick();
  assert.match(
    connects[1],
    /^0 generic-gamepad Unknown device "Xbox Wireless Controller" \(045e:0b13\): using the generic gamepad profile/,
  );
});

test('disconnect: reported once, no samples while gone; reconnect starts afresh', () => {
  const slots: (GamepadLike | null)[] = [g29()];
  const sampler = new GamepadSampler({ getGamepads: () => slots, now: clock(), platform: 'linux' });
  const events: string[] = [];
  sampler.onConnect((e) => events.push(`connect ${e.deviceKey} @${e.t}`));
  sampler.onDisconnect((e) => events.push(`disconnect ${e.deviceKey} @${e.t}`));
  const samples: InputSample[] = [];
  sampler.onSample((s) => samples.push(s));

  sampler.tick();
  sampler.tick();
  slots[0] = null; // unplugged: Chromium empties the slot
  assert.equal(sampler.tick(), null);
  assert.equal(sampler.tick(), null);
  assert.equal(sampler.device, null);
  const back = g29();
  back.axes = [0, 0, 0, 0, 0, 0];
  slots[0] = back;
  const again = sampler.tick()!;
  assert.deepEqual(events, [
    'connect 046d:c24f @1000',
    'disconnect 046d:c24f @1016',
    'connect 046d:c24f @1032',
  ]);
  assert.equal(samples.length, 3);
  assert.deepEqual(again.pending, ['throttle', 'brake', 'clutch'], 'the pedal watch starts again');

  // connected: false, or another device in the same slot, is a disconnect too.
  back.axes = [0, 1, 1, 1, 0, 0];
  slots[0] = { ...back, connected: false };
  sampler.tick();
  slots[0] = { ...g29(), id: 'Thrustmaster T300RS Racing wheel (Vendor: 044f Product: b66e)' };
  sampler.tick();
  assert.deepEqual(events.slice(3), ['disconnect 046d:c24f @1040', 'connect 044f:b66e @1048']);
  slots[0] = g29();
  sampler.tick();
  assert.deepEqual(events.slice(5), ['disconnect 044f:b66e @1056', 'connect 046d:c24f @1056']);
});

test('a getGamepads that throws or returns nothing means no device, not a crash', () => {
  const throwing = new GamepadSampler({
    getGamepads: () => {
      throw new Error('SecurityError');
    },
  });
  assert.equal(throwing.tick(), null);
  assert.equal(new GamepadSampler({ getGamepads: () => null }).tick(), null);
  // A device the sampler cannot steer with (no axes) is not followed.
  const noAxes = { ...g29(), axes: [] };
  assert.equal(new GamepadSampler({ getGamepads: () => [noAxes], platform: 'linux' }).tick(), null);
});
