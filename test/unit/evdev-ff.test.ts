// The force-feedback add-on (native/evdev-ff): that it loads where it was built, the paths that end
// without a wheel (no device, no permission, no force feedback, not Linux, no add-on), the wrapper's
// use of the kernel interface against a scripted binding, and the arithmetic. No wheel is attached
// to the machines this runs on, so nothing here proves a force reaches a real wheel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WheelHaptics } from '../../main/session/force-feedback.ts';
import {
  BINDING_FUNCTIONS,
  DIRECTION_LEFT,
  DIRECTION_RIGHT,
  FF_MAX_LEVEL,
  autocentreStrength,
  constantEffect,
  findWheel,
  followForce,
  gainValue,
  loadBinding,
  openForceFeedback,
  reasonForErrno,
  wheelPosition,
  wheelTargetForSteer,
  type EvdevBinding,
  type FfEffects,
  type ProbeInfo,
  type TimerFunctions,
} from '../../native/evdev-ff/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const addonDir = path.join(root, 'native', 'evdev-ff');
const built = existsSync(path.join(addonDir, 'build', 'Release', 'evdev_ff.node'));
const onLinux = process.platform === 'linux';
const realBinding = built && onLinux ? loadBinding().binding : null;

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'evdev-ff-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ------------------------------------------------------------------------------------------------
// The compiled add-on

test(
  "bundled as CommonJS, as in Electron's main process, the loader still finds the add-on",
  { skip: built ? false : 'not built here (no compiler, or not Linux)' },
  async (t) => {
    // Two levels below the root, like dist/electron/main.cjs, so relative candidates resolve alike.
    const dir = path.join(root, 'dist', `evdev-bundle-${process.pid}`);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bundle = path.join(dir, 'loader.cjs');
    await build({
      entryPoints: [path.join(addonDir, 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `const l = require(${JSON.stringify(bundle)}).loadBinding(); console.log(JSON.stringify({ ok: l.binding !== null, error: l.error }))`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { ok: true, error: null });
  },
);

test(
  'the add-on loads where npm install built it',
  { skip: built ? false : 'not built here (no compiler, or not Linux)' },
  () => {
    const load = loadBinding();
    assert.equal(load.error, null);
    assert.ok(load.binding !== null);
    for (const name of BINDING_FUNCTIONS) {
      assert.equal(typeof (load.binding as unknown as Record<string, unknown>)[name], 'function', name);
    }
    // The optional dependency resolves by name, as it does from Electron's bundled main.
    if (existsSync(path.join(root, 'node_modules', 'aim-evdev-ff'))) {
      const byName = createRequire(import.meta.url)('aim-evdev-ff') as Record<string, unknown>;
      assert.equal(typeof byName.probe, 'function');
    }
  },
);

test(
  'the add-on reports errno codes like Node: a missing path, a node that is not evdev',
  { skip: realBinding === null ? 'add-on not built' : false },
  (t) => {
    const binding = realBinding!;
    assert.throws(
      () => binding.open('/nonexistent/event0'),
      (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, 'ENOENT');
        assert.equal(error.syscall, 'open');
        return true;
      },
    );
    const file = path.join(scratch(t), 'event0');
    writeFileSync(file, '');
    for (const target of ['/dev/null', file]) {
      const fd = binding.open(target);
      try {
        assert.throws(
          () => binding.probe(fd),
          (error: NodeJS.ErrnoException) => error.code === 'ENOTTY',
        );
        assert.throws(
          () => binding.uploadConstant(fd, -1, 100, DIRECTION_LEFT, 0),
          (error: NodeJS.ErrnoException) => error.code === 'ENOTTY',
        );
      } finally {
        binding.close(fd);
      }
    }
    const fd = binding.open('/dev/null');
    try {
      assert.throws(() => binding.setGain(fd, 0x10000), RangeError);
      assert.throws(() => binding.uploadConstant(fd, -1, 0x8000, DIRECTION_LEFT, 0), RangeError);
    } finally {
      binding.close(fd);
    }
  },
);

// ------------------------------------------------------------------------------------------------
// Paths without a wheel, through the real add-on where it is built

test(
  'no event devices → no-device, and nothing else breaks',
  { skip: realBinding === null ? 'add-on not built' : false },
  (t) => {
    const dir = scratch(t);
    const ff = openForceFeedback({ devDir: dir, sysDir: dir, binding: realBinding });
    const status = ff.status();
    assert.equal(status.active, false);
    assert.equal(status.reason, 'no-device');
    assert.match(status.detail, /no force-feedback device/);
    // Every call is a harmless no-op.
    assert.equal(ff.setSpeed(50), null);
    assert.equal(ff.readWheel(), null);
    ff.setTarget(0.5);
    assert.equal(ff.pulse(), false);
    ff.close();
  },
);

test(
  'this machine: with no wheel attached, the default search ends without force feedback',
  { skip: realBinding === null ? 'add-on not built' : false },
  () => {
    const ff = openForceFeedback();
    const status = ff.status();
    ff.close();
    if (existsSync('/dev/input')) {
      // A machine with input devices: whatever it says, it says it clearly.
      assert.ok(['ok', 'no-device', 'no-permission', 'no-ff', 'error'].includes(status.reason));
      assert.ok(status.detail.length > 0);
    } else {
      assert.deepEqual([status.reason, status.active], ['no-device', false]);
      assert.match(status.detail, /no input event devices/);
    }
  },
);

test(
  'a node without force feedback: /dev/null, a regular file → no-ff',
  { skip: realBinding === null ? 'add-on not built' : false },
  (t) => {
    const file = path.join(scratch(t), 'event3');
    writeFileSync(file, '');
    for (const target of ['/dev/null', file]) {
      const status = openForceFeedback({ path: target, binding: realBinding }).status();
      assert.equal(status.reason, 'no-ff', target);
      assert.equal(status.active, false);
      assert.match(status.detail, /not an evdev input device \(ENOTTY\)/);
    }
  },
);

test(
  'discovery: a by-id wheel link to a node without FF → no-ff; an anonymous one → no-device',
  { skip: realBinding === null ? 'add-on not built' : false },
  (t) => {
    const dir = scratch(t);
    writeFileSync(path.join(dir, 'event0'), '');
    writeFileSync(path.join(dir, 'event12'), '');
    mkdirSync(path.join(dir, 'by-id'));
    symlinkSync(
      '../event12',
      path.join(dir, 'by-id', 'usb-Logitech_G29_Driving_Force_Racing_Wheel-event-joystick'),
    );
    const wheel = openForceFeedback({ devDir: dir, sysDir: dir, binding: realBinding }).status();
    assert.equal(wheel.reason, 'no-ff');
    assert.match(wheel.detail, /G29/);

    rmSync(path.join(dir, 'by-id'), { recursive: true });
    const none = openForceFeedback({ devDir: dir, sysDir: dir, binding: realBinding }).status();
    assert.equal(none.reason, 'no-device');
    assert.match(none.detail, /among 2 input event devices/);
  },
);

// The permission check is real where it can be: a mode-000 node, opened by a process that the
// kernel's DAC checks apply to. Root bypasses them, so as root the check runs in a child whose
// capability bounding set lacks CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv).
function permissionProbe(
  devDir: string,
): { status: { reason: string; detail: string; active: boolean } } | { skip: string } {
  const script = `
    const { openForceFeedback } = await import(${JSON.stringify(pathToFileURL(path.join(addonDir, 'index.ts')).href)});
    const dir = ${JSON.stringify(devDir)};
    process.stdout.write(JSON.stringify({
      explicit: openForceFeedback({ path: dir + '/event7' }).status(),
      search: openForceFeedback({ devDir: dir, sysDir: dir }).status(),
    }));`;
  const args = ['--input-type=module', '-e', script];
  const isRoot = process.getuid?.() === 0;
  let result;
  if (!isRoot) {
    result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  } else {
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
    if (setpriv === undefined)
      return { skip: 'running as root without setpriv: cannot make open() fail with EACCES' };
    result = spawnSync(
      setpriv,
      ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...args],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0 && /setpriv/.test(result.stderr))
      return { skip: `setpriv refused: ${result.stderr.trim()}` };
  }
  assert.equal(result.status, 0, result.stderr);
  return { status: JSON.parse(result.stdout) };
}

test(
  'a wheel the user may not open → no-permission (a real EACCES from open())',
  { skip: realBinding === null ? 'add-on not built' : false },
  (t) => {
    const dir = scratch(t);
    const node = path.join(dir, 'event7');
    writeFileSync(node, '');
    chmodSync(node, 0o000);
    mkdirSync(path.join(dir, 'by-id'));
    symlinkSync('../event7', path.join(dir, 'by-id', 'usb-Thrustmaster_T300RS_Racing_wheel-event-joystick'));
    const probe = permissionProbe(dir);
    if ('skip' in probe) {
      t.skip(probe.skip);
      return;
    }
    const { explicit, search } = probe.status as unknown as Record<
      string,
      { reason: string; detail: string; active: boolean }
    >;
    assert.deepEqual([explicit.reason, explicit.active], ['no-permission', false]);
    assert.match(explicit.detail, /permission denied; .*uaccess/);
    assert.equal(search.reason, 'no-permission');
    assert.match(search.detail, /T300RS/);
  },
);

// ------------------------------------------------------------------------------------------------
// Paths without the add-on or without Linux

test('not Linux → not-linux; add-on missing → no-addon; neither throws', () => {
  const mac = openForceFeedback({ platform: 'darwin' });
  assert.deepEqual([mac.status().reason, mac.status().active], ['not-linux', false]);
  assert.match(mac.status().detail, /darwin/);
  const none = openForceFeedback({ platform: 'linux', binding: null });
  assert.deepEqual([none.status().reason, none.status().active], ['no-addon', false]);
  none.setTarget(0.3);
  none.close();
});

test('errno codes map to the status reasons', () => {
  assert.equal(reasonForErrno('EACCES'), 'no-permission');
  assert.equal(reasonForErrno('EPERM'), 'no-permission');
  assert.equal(reasonForErrno('ENOENT'), 'no-device');
  assert.equal(reasonForErrno('ENODEV'), 'no-device');
  assert.equal(reasonForErrno('ENOTTY'), 'no-ff');
  assert.equal(reasonForErrno('EIO'), 'error');
  assert.equal(reasonForErrno(undefined), 'error');
});

// ------------------------------------------------------------------------------------------------
// The wrapper against a scripted binding: what it asks the kernel to do

const ALL_OFF: FfEffects = {
  constant: false,
  periodic: false,
  rumble: false,
  spring: false,
  damper: false,
  friction: false,
  ramp: false,
  gain: false,
  autocenter: false,
};

interface FakeDevice {
  info: ProbeInfo;
  openError?: string;
  abs?: number;
}

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: scripted`), { code });
}

function fakeBinding(devices: Record<string, FakeDevice>) {
  const calls: string[] = [];
  const fds = new Map<number, FakeDevice>();
  let nextFd = 10;
  let nextId = 0;
  let failNext: string | null = null;
  const device = (fd: number) => {
    const found = fds.get(fd);
    if (found === undefined) throw errno('EBADF');
    if (failNext !== null) {
      const code = failNext;
      failNext = null;
      throw errno(code);
    }
    return found;
  };
  const binding: EvdevBinding = {
    open(p) {
      const d = devices[p];
      if (d === undefined) throw errno('ENOENT');
      if (d.openError !== undefined) throw errno(d.openError);
      fds.set(nextFd, d);
      calls.push(`open ${p}`);
      return nextFd++;
    },
    close(fd) {
      fds.delete(fd);
      calls.push('close');
    },
    probe: (fd) => device(fd).info,
    absInfo(fd) {
      return { value: device(fd).abs ?? 32768, minimum: 0, maximum: 65535, fuzz: 0, flat: 0, resolution: 0 };
    },
    setGain(fd, value) {
      device(fd);
      calls.push(`gain ${value}`);
    },
    setAutocenter(fd, value) {
      device(fd);
      calls.push(`autocentre ${value}`);
    },
    uploadConstant(fd, id, level, direction, lengthMs, delayMs = 0) {
      device(fd);
      const assigned = id === -1 ? nextId++ : id;
      calls.push(
        `constant #${assigned} level ${level} dir ${direction.toString(16)} len ${lengthMs} delay ${delayMs}`,
      );
      return assigned;
    },
    uploadRumble(fd, id, strong, weak, lengthMs) {
      device(fd);
      const assigned = id === -1 ? nextId++ : id;
      calls.push(`rumble #${assigned} ${strong}/${weak} len ${lengthMs}`);
      return assigned;
    },
    play(fd, id, count = 1) {
      device(fd);
      calls.push(`play #${id} x${count}`);
    },
    stop(fd, id) {
      device(fd);
      calls.push(`stop #${id}`);
    },
    erase(fd, id) {
      device(fd);
      calls.push(`erase #${id}`);
    },
  };
  return { binding, calls, failNext: (code: string) => (failNext = code), open: () => fds.size };
}

const G29: ProbeInfo = {
  name: 'Logitech G29 Driving Force Racing Wheel',
  vendor: 0x046d,
  product: 0xc24f,
  ff: true,
  abs: true,
  maxEffects: 16,
  effects: { ...ALL_OFF, constant: true, gain: true, autocenter: true },
};

function manualTimers() {
  let now = 0;
  let callback: (() => void) | null = null;
  const timers: TimerFunctions = {
    setInterval: (cb) => {
      callback = cb;
      return 1;
    },
    clearInterval: () => {
      callback = null;
    },
    now: () => now,
  };
  return {
    timers,
    advance(ms: number) {
      now += ms;
      callback?.();
    },
    get running() {
      return callback !== null;
    },
  };
}

test('search: wheels first, keyboards that cannot be opened do not count as "no permission"', (t) => {
  const dir = scratch(t);
  for (const name of ['event0', 'event1', 'event2']) writeFileSync(path.join(dir, name), '');
  const keyboard: FakeDevice = {
    info: { ...G29, name: 'AT keyboard', vendor: 1, product: 1, ff: false, effects: ALL_OFF },
    openError: 'EACCES',
  };
  const pad: FakeDevice = {
    info: { ...G29, name: 'Xbox pad', vendor: 0x045e, effects: { ...ALL_OFF, rumble: true } },
  };
  const only = fakeBinding({ [path.join(dir, 'event0')]: keyboard, [path.join(dir, 'event1')]: pad });
  const none = findWheel(only.binding, { devDir: dir, sysDir: dir });
  assert.equal(none.status.reason, 'no-device');
  assert.match(none.status.detail, /1 could not be opened \(permission denied\)/);
  assert.equal(only.open(), 0, 'every probed device was closed again');

  const fake = fakeBinding({
    [path.join(dir, 'event0')]: keyboard,
    [path.join(dir, 'event1')]: pad,
    [path.join(dir, 'event2')]: { info: G29 },
  });
  const found = findWheel(fake.binding, { devDir: dir, sysDir: dir });
  assert.equal(found.status.reason, 'ok');
  assert.equal(found.status.active, true);
  assert.equal(found.status.device?.path, path.join(dir, 'event2'));
  assert.match(found.status.detail, /G29/);
  assert.equal(fake.open(), 1, 'only the wheel stays open');
});

test('sysfs names a wheel the user cannot open → no-permission', (t) => {
  const dir = scratch(t);
  writeFileSync(path.join(dir, 'event5'), '');
  const sys = path.join(dir, 'sys');
  mkdirSync(path.join(sys, 'event5', 'device', 'capabilities'), { recursive: true });
  writeFileSync(path.join(sys, 'event5', 'device', 'name'), 'Logitech G920 Driving Force Racing Wheel\n');
  writeFileSync(path.join(sys, 'event5', 'device', 'capabilities', 'ff'), '300040000 0\n');
  const fake = fakeBinding({ [path.join(dir, 'event5')]: { info: G29, openError: 'EACCES' } });
  const result = findWheel(fake.binding, { devDir: dir, sysDir: sys });
  assert.equal(result.status.reason, 'no-permission');
  assert.match(result.status.detail, /G920/);
});

test('a wheel whose driver has only rumble → no-ff naming what it has', () => {
  const fake = fakeBinding({
    '/dev/input/event9': { info: { ...G29, effects: { ...ALL_OFF, rumble: true } } },
  });
  const status = openForceFeedback({
    path: '/dev/input/event9',
    binding: fake.binding,
    platform: 'linux',
  }).status();
  assert.equal(status.reason, 'no-ff');
  assert.match(status.detail, /only rumble \(no constant force\)/);
});

test('open: gain, speed-dependent autocentre, follow toward a target, release, close', () => {
  const fake = fakeBinding({ '/dev/input/event4': { info: G29, abs: 32768 } });
  const clock = manualTimers();
  const ff = openForceFeedback({
    path: '/dev/input/event4',
    binding: fake.binding,
    platform: 'linux',
    gain: 0.5,
    timers: clock.timers,
  });
  assert.equal(ff.status().reason, 'ok');
  assert.ok(ff.active);
  assert.deepEqual(fake.calls, ['open /dev/input/event4', `gain ${gainValue(0.5)}`]);

  fake.calls.length = 0;
  assert.equal(ff.setSpeed(0), 13107);
  assert.equal(ff.setSpeed(120), 65535);
  assert.deepEqual(fake.calls, ['autocentre 13107', 'autocentre 65535']);

  // The wheel is centred (ABS_X mid-range); the novice steers left: the force pushes left.
  fake.calls.length = 0;
  ff.setTarget(0.5);
  assert.ok(clock.running);
  assert.ok(ff.force > 0);
  const level = constantEffect(ff.force).level;
  assert.deepEqual(fake.calls, [`constant #0 level ${level} dir 4000 len 0 delay 0`, 'play #0 x1']);

  // The next control step with the same error re-uploads nothing; a new target updates in place.
  fake.calls.length = 0;
  clock.advance(10);
  assert.deepEqual(fake.calls, []);
  ff.setTarget(-0.5);
  clock.advance(10);
  assert.equal(fake.calls.length, 1);
  assert.match(fake.calls[0], /^constant #0 level \d+ dir c000 len 0/);

  // A target that is not refreshed lets go of the wheel.
  fake.calls.length = 0;
  clock.advance(600);
  assert.deepEqual(fake.calls, ['stop #0']);
  assert.equal(clock.running, false);
  assert.equal(ff.force, 0);

  // Taking over (null) also lets go; close leaves the standstill autocentre and closes the node.
  ff.setTarget(0.2);
  fake.calls.length = 0;
  ff.setTarget(null);
  assert.deepEqual(fake.calls, ['stop #0']);
  fake.calls.length = 0;
  ff.close();
  assert.deepEqual(fake.calls, ['autocentre 13107', 'close']);
  assert.equal(ff.active, false);
});

test('pulse: two opposite constant taps where there is no rumble, a rumble where there is', () => {
  const fake = fakeBinding({
    a: { info: G29 },
    b: { info: { ...G29, effects: { ...G29.effects, rumble: true } } },
  });
  const constant = openForceFeedback({ path: 'a', binding: fake.binding, platform: 'linux' });
  fake.calls.length = 0;
  assert.equal(constant.pulse(160, 0.5), true);
  const level = Math.round(0.5 * FF_MAX_LEVEL);
  assert.deepEqual(fake.calls, [
    `constant #0 level ${level} dir 4000 len 80 delay 0`,
    'play #0 x1',
    `constant #1 level ${level} dir c000 len 80 delay 80`,
    'play #1 x1',
  ]);
  fake.calls.length = 0;
  constant.pulse(160, 0.5);
  assert.deepEqual(fake.calls.slice(0, 2), ['erase #0', 'erase #1'], 'the previous pulse is erased first');

  const rumble = openForceFeedback({ path: 'b', binding: fake.binding, platform: 'linux' });
  fake.calls.length = 0;
  assert.equal(rumble.pulse(200, 1), true);
  assert.deepEqual(fake.calls, ['rumble #4 65535/65535 len 200', 'play #4 x1']);
});

test('unplugged while following → no-device "disconnected"; every later call is a no-op', () => {
  const fake = fakeBinding({ w: { info: G29 } });
  const clock = manualTimers();
  const ff = openForceFeedback({ path: 'w', binding: fake.binding, platform: 'linux', timers: clock.timers });
  ff.setTarget(0.4);
  fake.failNext('ENODEV');
  clock.advance(10);
  const status = ff.status();
  assert.deepEqual([status.reason, status.active], ['no-device', false]);
  assert.match(status.detail, /G29 .*was disconnected \(ENODEV\)/);
  assert.equal(clock.running, false);
  assert.equal(fake.open(), 0, 'the node was closed');
  fake.calls.length = 0;
  ff.setTarget(0.1);
  ff.setSpeed(10);
  ff.pulse();
  ff.close();
  assert.deepEqual(fake.calls, []);
});

// ------------------------------------------------------------------------------------------------
// The arithmetic

test("autocentre strength is MetaDrive's 65535·(v + 30)/150, clipped", () => {
  assert.equal(autocentreStrength(0), 13107); // ≈ 20 % at standstill
  assert.equal(autocentreStrength(45), 32768);
  assert.equal(autocentreStrength(120), 65535);
  assert.equal(autocentreStrength(200), 65535);
  assert.equal(autocentreStrength(-30), 0);
  assert.equal(autocentreStrength(-80), 0);
  assert.equal(autocentreStrength(Number.NaN), 0);
  for (let v = 0; v < 120; v += 7)
    assert.ok(autocentreStrength(v + 7) > autocentreStrength(v), 'rises with speed');
});

test('the follow controller pushes toward the target, proportionally, capped, quiet on target', () => {
  const gains = { kp: 2, maxForce: 0.5, deadband: 0.02 };
  assert.equal(followForce(0.3, 0.29, gains), 0, 'inside the deadband');
  assert.ok(followForce(0.5, 0, gains) > 0, 'target to the left: push left');
  assert.ok(followForce(-0.5, 0, gains) < 0, 'target to the right: push right');
  assert.ok(Math.abs(followForce(0.1, 0, gains) - 2 * 0.08) < 1e-12, 'kp × (error − deadband)');
  assert.equal(followForce(1, -1, gains), 0.5, 'capped');
  assert.equal(followForce(-1, 1, gains), -0.5);
  assert.ok(Math.abs(followForce(0.0201, 0, gains)) < 1e-3, 'continuous at the deadband edge');
  assert.equal(followForce(Number.NaN, 0, gains), 0);
});

test('a signed force becomes an FF_CONSTANT level and direction', () => {
  assert.deepEqual(constantEffect(1), { level: FF_MAX_LEVEL, direction: DIRECTION_LEFT });
  assert.deepEqual(constantEffect(-0.5), {
    level: Math.round(0.5 * FF_MAX_LEVEL),
    direction: DIRECTION_RIGHT,
  });
  assert.deepEqual(constantEffect(0.5, true), {
    level: Math.round(0.5 * FF_MAX_LEVEL),
    direction: DIRECTION_RIGHT,
  });
  assert.deepEqual(constantEffect(3), { level: FF_MAX_LEVEL, direction: DIRECTION_LEFT });
  assert.equal(constantEffect(0).level, 0);
});

test('the wheel position from ABS_X (+ = left), and the wheel target for a steering command', () => {
  const abs = (value: number) => ({ value, minimum: 0, maximum: 65535 });
  assert.equal(wheelPosition(abs(0)), 1, 'ABS_X minimum is the left lock');
  assert.equal(wheelPosition(abs(65535)), -1);
  assert.ok(Math.abs(wheelPosition(abs(32767.5))!) < 1e-12);
  assert.equal(wheelPosition(abs(0), false), -1);
  assert.equal(wheelPosition({ value: 5, minimum: 3, maximum: 3 }), null);
  assert.equal(wheelTargetForSteer(1, 1.5), 2 / 3, 'MetaDrive gain: full lock at two thirds of the travel');
  assert.equal(wheelTargetForSteer(-0.3, 1), -0.3);
  assert.equal(wheelTargetForSteer(0.5, 0), 0);
  assert.equal(gainValue(1), 0xffff);
  assert.equal(gainValue(-1), 0);
});

// The session's use of it (main/session/force-feedback.ts): what each decision asks of the wheel.

test('session haptics: autocentre for the speed, follow the novice while the robot drives, pulse on help, let go for the person', () => {
  const fake = fakeBinding({ '/dev/input/event4': { info: G29, abs: 32768 } });
  const clock = manualTimers();
  const events: string[] = [];
  const haptics = WheelHaptics.open((e) => events.push(e.reason), {
    path: '/dev/input/event4',
    binding: fake.binding,
    platform: 'linux',
    timers: clock.timers,
  });
  assert.deepEqual(haptics.status, {
    active: true,
    reason: 'ok',
    message: 'force feedback active',
    device: G29.name,
  });
  fake.calls.length = 0;
  // 36 km/h: 65535 · (36 + 30) / 150.
  haptics.decision({ speed: 10, noviceSteer: 0.6, driver: 'robot', helpRequested: true });
  assert.equal(fake.calls[0], `autocentre ${Math.round((65535 * 66) / 150)}`);
  assert.ok(clock.running, 'the follow loop runs while the robot drives');
  assert.ok(
    fake.calls.some((c) => /^constant #0 level \d+ dir 4000/.test(c)),
    'pulled left, toward +0.6',
  );
  assert.ok(
    fake.calls.filter((c) => c.startsWith('play')).length >= 3,
    'the follow force and a two-part pulse',
  );
  fake.calls.length = 0;
  haptics.decision({ speed: 10, noviceSteer: 0.6, driver: 'person', helpRequested: false });
  assert.equal(clock.running, false, 'the wheel is the person’s');
  assert.ok(fake.calls.includes('stop #0'));
  haptics.close();
  assert.deepEqual(events, [], 'the status did not change');
});

test('session haptics without the add-on or a wheel: every call is a no-op and the status says why', (t) => {
  const none = WheelHaptics.open(() => {}, { platform: 'linux', binding: null });
  assert.deepEqual(
    [none.status.reason, none.status.message],
    ['no-addon', 'force-feedback add-on not built'],
  );
  none.decision({ speed: 20, noviceSteer: 0.2, driver: 'robot', helpRequested: true });
  const dir = scratch(t);
  const empty = WheelHaptics.open(() => {}, {
    platform: 'linux',
    devDir: dir,
    sysDir: dir,
    binding: fakeBinding({}).binding,
  });
  assert.deepEqual([empty.status.active, empty.status.message], [false, 'no force-feedback device']);
  empty.decision({ speed: 20, noviceSteer: 0.2, driver: 'robot', helpRequested: true });
  empty.release();
});
