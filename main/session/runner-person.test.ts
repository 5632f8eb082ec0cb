// The session loop with a person as the expert, on the real toy environment, learner and SQLite: a
// scripted wheel drives the warm-up, answers a help request with the paddle, lets go; the takeover
// rows carry trigger, hand-back, reaction time and duration; the raw samples around each takeover
// (1 s before, 1 s after) are in the database; a disconnect while the person drives brakes the car
// to a stop and pauses the session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HumanInput } from '../contract/api.ts';
import { decodeFrame } from '../contract/frame.ts';
import { PRE_ROLL_MS, POST_ROLL_MS } from './raw-input.ts';
import type { SessionRunner } from './runner.ts';
import { sessionHarness, untilPaused, type Harness } from './test-support.ts';

const DEVICE = { device: 'G29 Driving Force Racing Wheel', deviceKey: '046d:c24f', profile: 'logitech-g29' };
const SAMPLES_PER_DECISION = 20;

function wheel(t: number, steer: number, throttle: number, paddle: boolean): HumanInput {
  return {
    t,
    source: 'gamepad',
    steer,
    throttle,
    discrete: null,
    engaged: paddle,
    raw: {
      ...DEVICE,
      axes: [-steer, 1 - 2 * Math.max(0, throttle), 1 - 2 * Math.max(0, -throttle), 0, 0, 0],
      buttons: [0, 0, 0, 0, paddle ? 1 : 0, 0],
      throttle: Math.max(0, throttle),
      brake: Math.max(0, -throttle),
      paddle,
    },
  };
}

/** A 100 ms decision period with 20 wheel samples (200 Hz) in it, on the harness's clock. */
function drive(h: Harness, runner: SessionRunner, steer: number, throttle: number, paddle: boolean): void {
  for (let i = 0; i < SAMPLES_PER_DECISION; i++) {
    h.clock.now += 100 / SAMPLES_PER_DECISION;
    runner.input(wheel(h.clock.now, steer, throttle, paddle));
  }
}

test('a person answers a help request with the paddle; raw samples around the takeover are recorded', async () => {
  let askedAt = -1;
  let pressedAt = -1;
  const h: Harness = await sessionHarness({
    config: {
      steps: 0,
      delta: 0.3,
      expert: { kind: 'person', triggers: { paddle: true, pedal: false, wheel: false }, handback: 'release' },
    },
    onFrame: (runner, n) => {
      const frame = decodeFrame(h.frames[n - 1]);
      if (askedAt < 0 && frame.helpRequested) askedAt = n;
      const holding = askedAt > 0 && n >= askedAt + 3 && n < askedAt + 13;
      if (holding && pressedAt < 0) pressedAt = n;
      drive(h, runner, 0.1, 0.4, holding);
      if (askedAt > 0 && n > askedAt + 30) runner.stop();
    },
  });
  // Before the first frame: the person is at the wheel for the first warm-up step.
  drive(h, h.runner, 0, 0.4, false);
  const end = await h.runner.run();
  assert.equal(end.status, 'finished');
  assert.ok(askedAt > 0, 'the gate asked for help');
  const id = h.runner.sessionId;
  const steps = h.db.steps(id);
  assert.ok(
    steps.slice(0, 30).every((s) => s.mode === 'warmup' && s.applied[1] === 0.4),
    'the person warms up',
  );
  // Between the request and the paddle the car follows the novice, under the help banner.
  for (const s of steps.slice(askedAt - 1, pressedAt)) {
    assert.equal(s.mode, 'help');
    assert.deepEqual(s.applied, s.novice);
  }
  const robot = h.db.takeovers(id).filter((t) => t.trigger === 'robot');
  assert.equal(robot.length, 1);
  const [takeover] = robot;
  assert.equal(takeover.handback, 'release');
  assert.equal(takeover.requestStep, askedAt - 1);
  assert.ok(takeover.reactionMs !== null && takeover.reactionMs > 250 && takeover.reactionMs <= 400);
  assert.ok(takeover.durationMs !== null && takeover.durationMs >= 900 && takeover.durationMs <= 1100);
  for (const s of steps.slice(takeover.startStep, takeover.endStep + 1)) {
    assert.equal(s.mode, 'human');
    assert.deepEqual(s.applied, [0.1, 0.4]);
  }
  // Raw samples: the takeover's, plus 1 s before and 1 s after, at the device's 200 Hz.
  const start = steps[takeover.startStep].wallMs;
  const stop = steps[takeover.endStep].wallMs;
  const around = h.db.inputSamples(id, start - PRE_ROLL_MS, stop + POST_ROLL_MS);
  const perSecond = around.length / ((stop - start + PRE_ROLL_MS + POST_ROLL_MS) / 1000);
  assert.ok(perSecond >= 150, `${perSecond.toFixed(0)} samples per second around the takeover`);
  assert.equal(around[0].profile, 'logitech-g29');
  assert.equal(around[0].device, DEVICE.device);
  assert.ok(around.some((s) => s.buttons[4] === 1) && around.some((s) => s.buttons[4] === 0));
  await h.finish();
});

test('the wheel unplugged while the person drives: the car brakes to a stop, the session pauses and says why', async () => {
  let unplugged = -1;
  const h: Harness = await sessionHarness({
    config: { steps: 0, warmup: 20, expert: { kind: 'person' } },
    onFrame: (runner, n) => {
      if (unplugged > 0) return;
      drive(h, runner, 0, 1, false);
      if (n === 15) {
        unplugged = n;
        runner.device({ kind: 'disconnected', t: h.clock.now, known: true, ...DEVICE });
      }
    },
  });
  drive(h, h.runner, 0, 1, false);
  const finished = h.runner.run();
  await untilPaused(h.runner);
  assert.match(h.runner.status().message ?? '', /G29 Driving Force Racing Wheel was disconnected.*paused/);
  const frames = h.frames.map(decodeFrame);
  const last = frames[frames.length - 1];
  assert.ok(last.egoSpeed < 0.5, `stopped: ${last.egoSpeed} m/s`);
  assert.ok(
    frames.slice(unplugged).every((f) => f.applied[1] === -1),
    'braking all the way',
  );
  h.runner.stop();
  await finished;
  const [warmup] = h.db.takeovers(h.runner.sessionId);
  assert.deepEqual([warmup.trigger, warmup.handback], ['warmup', 'fault']);
  await h.finish();
});
