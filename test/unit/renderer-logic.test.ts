// The browser renderer's pure logic, run in Node: the ring buffer, the Q plot's window, frame
// interpolation, keyboard ramps and the live store. (No DOM here: these modules have none.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, type Frame } from '../../main/contract/frame.ts';
import { NumericRing } from '../../renderer/src/state/ring-buffer.ts';
import { HELP_HOLD_MS, LiveStore, PLOT_FIELDS } from '../../renderer/src/state/live-store.ts';
import { buildPlotWindow } from '../../renderer/src/views/qplot-data.ts';
import {
  interpolateFrames,
  interpolationAlpha,
  lerpAngle,
  MAX_INTERPOLATION_GAP_MS,
} from '../../renderer/src/views/interpolate.ts';
import { CENTRED, NO_KEYS, stepAxes, KEYBOARD_RATES } from '../../renderer/src/input/keyboard-axes.ts';
import { modeCode } from '../../main/contract/modes.ts';

function frame(overrides: Partial<Frame> = {}): Frame {
  return {
    seq: 0,
    step: 0,
    episode: 0,
    episodeStep: 0,
    simTime: 0,
    mode: 'robot',
    q: 0.5,
    threshold: 0.8,
    novice: [0, 0],
    applied: [0, 0],
    human: [Number.NaN, Number.NaN],
    egoX: 0,
    egoY: 0,
    egoHeading: 0,
    egoSpeed: 0,
    takeovers: 0,
    expertSteps: 0,
    helpRequested: false,
    reward: 0,
    cost: 0,
    routeCompletion: 0,
    learnerLag: 0,
    actors: [],
    ...overrides,
  };
}

test('ring buffer keeps the newest records in order and overwrites the oldest', () => {
  const ring = new NumericRing(3, ['a', 'b'] as const);
  assert.equal(ring.length, 0);
  assert.ok(Number.isNaN(ring.last('a')));
  for (let i = 1; i <= 5; i++) ring.push({ a: i, b: -i });
  assert.equal(ring.length, 3);
  assert.deepEqual(
    [0, 1, 2].map((i) => ring.get(i, 'a')),
    [3, 4, 5],
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => ring.get(i, 'b')),
    [-3, -4, -5],
  );
  assert.equal(ring.last('a'), 5);
  assert.ok(Number.isNaN(ring.get(3, 'a')));
  assert.equal(ring.lowerBound('a', 4), 1);
  assert.equal(ring.lowerBound('a', 0), 0);
  assert.equal(ring.lowerBound('a', 9), 3);
  const version = ring.version;
  ring.clear();
  assert.equal(ring.length, 0);
  assert.ok(ring.version > version);
  assert.throws(() => new NumericRing(0, ['a']), RangeError);
});

test('the plot window keeps the last 30 s, nulls undefined values, and finds spans and help requests', () => {
  const ring = new NumericRing(4096, PLOT_FIELDS);
  const modes = [
    'warmup',
    'warmup',
    'robot',
    'robot',
    'human',
    'human',
    'robot',
    'help',
    'human',
    'robot',
  ] as const;
  // 40 s of decisions at 10 Hz; the first 100 fall outside a 30 s window.
  for (let i = 0; i < 400; i++) {
    const mode = i < 100 ? 'robot' : modes[Math.min(modes.length - 1, Math.floor((i - 100) / 30))];
    ring.push({
      t: i / 10,
      q: mode === 'warmup' ? Number.NaN : i,
      threshold: mode === 'warmup' ? Number.NaN : 1,
      mode: modeCode(mode),
      help: i === 310 ? 1 : 0,
    });
  }
  const view = buildPlotWindow(ring, 30);
  assert.equal(view.x[0], 9.9);
  assert.equal(view.x.at(-1), 39.9);
  assert.equal(view.x.length, 301);
  assert.equal(view.q[1], null, 'warm-up has no Q');
  assert.equal(view.threshold[1], null);
  assert.equal(view.qCount, view.x.length - 60);
  assert.deepEqual(view.helps, [31]);
  assert.deepEqual(
    view.spans.map((s) => [s.mode, s.from, s.to]),
    [
      ['warmup', 10, 16],
      ['human', 22, 28],
      ['help', 31, 34],
      ['human', 34, 37],
    ],
  );
  assert.deepEqual(buildPlotWindow(new NumericRing(8, PLOT_FIELDS)).x, []);
});

test('interpolation moves from the previous frame to the latest over one frame interval', () => {
  assert.equal(interpolationAlpha(0, 100, 100), 0);
  assert.equal(interpolationAlpha(0, 100, 150), 0.5);
  assert.equal(interpolationAlpha(0, 100, 400), 1);
  assert.equal(interpolationAlpha(100, 100, 150), 1, 'no interval: show the latest');
  assert.equal(
    interpolationAlpha(0, MAX_INTERPOLATION_GAP_MS + 1, MAX_INTERPOLATION_GAP_MS + 2),
    1,
    'after a stall: snap',
  );
  assert.ok(Math.abs(lerpAngle(3.0, -3.0, 0.5) - Math.PI) < 0.01, 'the short way across ±π');
  assert.ok(Math.abs(lerpAngle(0.1, -0.1, 0.5)) < 1e-12);

  const a = {
    frame: frame({
      egoX: 0,
      egoY: 0,
      egoHeading: 0,
      actors: [{ kind: 'vehicle', x: 10, y: 0, heading: 0, length: 4, width: 2, state: 0 }],
    }),
    at: 1000,
  };
  const b = {
    frame: frame({
      egoX: 2,
      egoY: 4,
      egoHeading: 0.2,
      actors: [{ kind: 'vehicle', x: 12, y: 0, heading: 0, length: 4, width: 2, state: 0 }],
    }),
    at: 1100,
  };
  const mid = interpolateFrames(a, b, 1150);
  assert.equal(mid.alpha, 0.5);
  assert.deepEqual([mid.ego.x, mid.ego.y], [1, 2]);
  assert.ok(Math.abs(mid.ego.heading - 0.1) < 1e-12);
  assert.equal(mid.actors[0].x, 11);
  // A new episode teleports: no sliding across the map.
  const c = { frame: frame({ episode: 1, egoX: 500 }), at: 1200 };
  assert.equal(interpolateFrames(b, c, 1210).ego.x, 500);
  assert.equal(interpolateFrames(null, b, 0).ego.x, 2);
  // Actors that changed (count or kind) are not blended.
  const d = { frame: frame({ actors: [] }), at: 1300 };
  assert.deepEqual(interpolateFrames(b, d, 1350).actors, []);
});

test('keyboard axes ramp toward full lock, return to centre faster, and brake from zero', () => {
  let axes = { ...CENTRED };
  axes = stepAxes(axes, { ...NO_KEYS, left: true }, 100);
  assert.ok(Math.abs(axes.steer - KEYBOARD_RATES.steerPerSecond * 0.1) < 1e-12, 'left is +steer, ramped');
  for (let i = 0; i < 10; i++) axes = stepAxes(axes, { ...NO_KEYS, left: true }, 100);
  assert.equal(axes.steer, 1);
  axes = stepAxes(axes, NO_KEYS, 100);
  assert.ok(Math.abs(axes.steer - (1 - KEYBOARD_RATES.steerReturnPerSecond * 0.1)) < 1e-12);
  axes = stepAxes(axes, { ...NO_KEYS, right: true }, 1000);
  assert.ok(axes.steer < 0);
  axes = stepAxes({ steer: 0, throttle: 0.8 }, { ...NO_KEYS, down: true }, 100);
  assert.ok(
    Math.abs(axes.throttle + KEYBOARD_RATES.throttlePerSecond * 0.1) < 1e-12,
    'switching to the brake starts from zero',
  );
  assert.equal(
    stepAxes({ steer: 0, throttle: 1 }, NO_KEYS, 16).throttle,
    0,
    'releasing the pedal key cuts it',
  );
  assert.deepEqual(stepAxes(CENTRED, { left: true, right: true, up: true, down: true }, 100), {
    steer: 0,
    throttle: 0,
  });
  // A long stall does not jump the wheel further than a quarter second of ramp.
  assert.ok(
    stepAxes(CENTRED, { ...NO_KEYS, left: true }, 10_000).steer <=
      KEYBOARD_RATES.steerPerSecond * 0.25 + 1e-12,
  );
});

test('the live store decodes frames, keeps a continuous clock across episodes, and resets per session', () => {
  const store = new LiveStore();
  let modeChanges = 0;
  store.subscribeMode(() => modeChanges++);
  store.pushFrame(encodeFrame(frame({ step: 0, simTime: 0.1, mode: 'warmup', q: Number.NaN })), 0);
  store.pushFrame(encodeFrame(frame({ step: 1, simTime: 0.2, mode: 'warmup', q: Number.NaN })), 100);
  store.pushFrame(encodeFrame(frame({ step: 2, simTime: 0.3, mode: 'robot', egoX: 5 })), 200);
  assert.equal(modeChanges, 2, 'notified on change only');
  assert.equal(store.mode(), 'robot');
  // A new episode restarts simTime; the plot clock keeps going.
  store.pushFrame(encodeFrame(frame({ step: 3, episode: 1, simTime: 0.1, egoX: 100 })), 300);
  const times = [0, 1, 2, 3].map((i) => store.plot.get(i, 't'));
  assert.ok(
    times.every((t, i) => i === 0 || t > times[i - 1]),
    `monotonic: ${times}`,
  );
  assert.equal(store.trail.length, 1, 'the trail restarts with the episode');
  assert.equal(store.previous?.frame.step, 2);
  assert.equal(store.latest?.frame.egoX, 100);

  store.pushFrame(new Float64Array([1, 2, 3]), 400);
  assert.equal(store.framesRejected, 1);
  assert.equal(store.framesReceived, 4);

  store.setScene({
    sessionId: 1,
    episode: 1,
    seed: 0,
    scene: {
      kind: 'grid',
      width: 1,
      height: 1,
      cells: [1],
      colors: [0],
      bounds: { minX: 0, minY: 0, maxX: 1, maxY: 1 },
    },
  });
  store.setSession(1);
  assert.notEqual(store.scene, null, 'the scene of the session being shown stays');
  store.setSession(2);
  assert.equal(store.plot.length, 0);
  assert.equal(store.latest, null);
  assert.equal(store.scene, null);
  assert.equal(store.mode(), null);
  // Steps going back mean a new session even before its status arrives.
  store.pushFrame(encodeFrame(frame({ step: 50 })), 500);
  store.pushFrame(encodeFrame(frame({ step: 0 })), 600);
  assert.equal(store.plot.length, 1);
});

test('a help request the expert answers at once still shows as HELP REQUESTED for a moment', async () => {
  const store = new LiveStore();
  let changes = 0;
  store.subscribeMode(() => changes++);
  store.pushFrame(encodeFrame(frame({ step: 0, mode: 'robot' })), 0);
  // The simulated expert takes over in the same decision the gate asked for help.
  store.pushFrame(encodeFrame(frame({ step: 1, mode: 'human', helpRequested: true })), 100);
  assert.equal(store.mode(), 'human');
  assert.equal(store.shown(), 'help');
  assert.equal(store.getMode(), 'help', 'the banner reads the shown mode');
  store.pushFrame(encodeFrame(frame({ step: 2, mode: 'human' })), 200);
  assert.equal(store.shown(), 'help', 'held while the expert answers');
  store.pushFrame(encodeFrame(frame({ step: 3, mode: 'human' })), 100 + HELP_HOLD_MS);
  assert.equal(store.shown(), 'human', 'then it is the expert driving');
  // The robot driving again ends the hold at once; a 'help' frame is always shown as help.
  store.pushFrame(encodeFrame(frame({ step: 4, mode: 'human', helpRequested: true })), 2000);
  store.pushFrame(encodeFrame(frame({ step: 5, mode: 'robot' })), 2100);
  assert.equal(store.shown(), 'robot');
  store.pushFrame(encodeFrame(frame({ step: 6, mode: 'help' })), 2200);
  assert.equal(store.shown(), 'help');
  assert.ok(changes >= 5);
  // With no frames after a request, the hold ends on its own.
  const quiet = new LiveStore();
  quiet.pushFrame(encodeFrame(frame({ step: 0, mode: 'human', helpRequested: true })), performance.now());
  assert.equal(quiet.shown(), 'help');
  await new Promise((resolve) => setTimeout(resolve, HELP_HOLD_MS + 50));
  assert.equal(quiet.shown(), 'human');
});
