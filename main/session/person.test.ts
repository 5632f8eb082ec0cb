// The takeover state machine with a person (person.ts) over the real gate: warm-up by the person,
// a help request the novice drives through until the person acts, each trigger and hand-back rule,
// re-arming, human-gated sessions, and the fail-safe when input stops or the device goes away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HumanInput } from '../contract/api.ts';
import { sessionConfigSchema } from '../contract/session-config.ts';
import { AimGate } from './gate.ts';
import { PersonTakeover, STALE_INPUT_MS, type PersonExpert, type PersonTurn } from './person.ts';

const EPSILON = 0.01;
const THRESHOLD = 1;

function person(over: Record<string, unknown> = {}, warmup = 0): { p: PersonTakeover; gate: AimGate } {
  const config = sessionConfigSchema.parse({ expert: { kind: 'person', ...over } });
  const gate = new AimGate({
    warmupSteps: warmup,
    warmupMode: 'expertDrive',
    delta: 0.1,
    minWindow: 25,
    thresholdRecompute: 'episodeEnd',
  });
  if (warmup === 0) gate.resume(EPSILON, THRESHOLD);
  return { p: new PersonTakeover(config.expert as PersonExpert, gate), gate };
}

/** A G29 sample: wheel steer, pedals 0..1, paddle. */
function wheel(steer: number, o: { throttle?: number; brake?: number; paddle?: boolean } = {}): HumanInput {
  const throttle = o.throttle ?? 0;
  const brake = o.brake ?? 0;
  return {
    t: 0,
    source: 'gamepad',
    steer,
    throttle: throttle - brake,
    discrete: null,
    engaged: o.paddle ?? false,
    raw: {
      device: 'G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)',
      deviceKey: '046d:c24f',
      profile: 'logitech-g29',
      axes: [-steer, 1 - 2 * throttle, 1 - 2 * brake],
      buttons: [0, 0, 0, 0, o.paddle ? 1 : 0, 0],
      throttle,
      brake,
      paddle: o.paddle ?? false,
    },
  };
}

const LOW_Q = 0.5;
const HIGH_Q = 2;

function step(
  p: PersonTakeover,
  at: number,
  sample: HumanInput | null,
  novice = [0, 0.5],
  q = LOW_Q,
): PersonTurn {
  if (sample) p.input(sample, at);
  return p.decide(novice, q, at);
}

test('the person drives the warm-up and keeps driving until the first fit exists', () => {
  const { p, gate } = person({}, 3);
  assert.equal(p.decide([0, 0], null, 0).driver, 'waiting', 'not a fault before the first sample');
  const first = step(p, 0, wheel(0.2, { throttle: 0.5 }));
  assert.equal(first.driver, 'person');
  assert.equal(first.mode, 'warmup');
  assert.deepEqual(first.begin, { trigger: 'warmup', reactionMs: null });
  assert.deepEqual(first.action, [0.2, 0.5]);
  assert.equal(step(p, 100, wheel(0.2)).begin, null, 'one warm-up takeover, not one per step');
  step(p, 200, wheel(0.2));
  // Warm-up over, no fit yet: the person carries on even though the novice would agree.
  const carried = step(p, 300, wheel(0), [0, 0]);
  assert.deepEqual([carried.driver, carried.mode, carried.warmup], ['person', 'human', false]);
  gate.initialise(EPSILON, [0, 1, 2]);
  const agreed = step(p, 400, wheel(0), [0, 0]);
  assert.deepEqual([agreed.driver, agreed.handback], ['robot', 'agreement']);
});

test('a help request leaves the novice driving until the paddle; reaction time from request to first press', () => {
  const { p } = person({ handback: 'agreement' });
  assert.equal(step(p, 0, wheel(0)).driver, 'robot');
  const asked = step(p, 100, wheel(0), [0, 0.5], HIGH_Q);
  assert.deepEqual([asked.driver, asked.mode, asked.helpRequested], ['robot', 'help', true]);
  // The person is not there yet: the car keeps following the novice, the banner keeps asking.
  const waiting = step(p, 200, wheel(0));
  assert.deepEqual([waiting.driver, waiting.mode, waiting.helpRequested], ['robot', 'help', false]);
  // The paddle goes down between two decisions; the reaction counts from that sample.
  p.input(wheel(0, { paddle: true }), 250);
  const taken = step(p, 300, wheel(0.4, { paddle: true, throttle: 0.3 }));
  assert.deepEqual([taken.driver, taken.mode], ['person', 'human']);
  assert.deepEqual(taken.begin, { trigger: 'robot', reactionMs: 150 });
  assert.deepEqual(taken.action, [0.4, 0.3]);
  // Still far from the novice: no hand-back; released paddle does not hand back under 'agreement'.
  assert.equal(step(p, 400, wheel(0.4, { throttle: 0.3 })).driver, 'person');
  const back = step(p, 500, wheel(0.05, { throttle: 0.45 }), [0.05, 0.5]);
  assert.deepEqual([back.driver, back.mode, back.handback], ['robot', 'robot', 'agreement']);
});

test('release hands back when the paddle goes up; with both rules the first to happen wins', () => {
  const release = person({ handback: 'release' }).p;
  step(release, 0, wheel(0, { paddle: true }));
  // Agreement alone does not hand back under 'release'.
  assert.equal(step(release, 100, wheel(0, { paddle: true }), [0, 0]).driver, 'person');
  const let_go = step(release, 200, wheel(0));
  assert.deepEqual([let_go.driver, let_go.handback], ['robot', 'release']);

  const both = person({ handback: 'both' }).p;
  assert.equal(step(both, 0, wheel(0.5, { paddle: true })).begin?.trigger, 'human');
  const agreed = step(both, 100, wheel(0.02, { paddle: true }), [0, 0]);
  assert.equal(agreed.handback, 'agreement');
  // The paddle is still held: no grabbing straight back until it has been released once.
  assert.equal(step(both, 200, wheel(0.5, { paddle: true }), [0, 0]).driver, 'robot');
  assert.equal(step(both, 300, wheel(0), [0, 0]).driver, 'robot');
  assert.equal(step(both, 400, wheel(0, { paddle: true }), [0, 0]).driver, 'person', 're-armed');
});

test('each trigger can be switched off: pedal past its threshold, wheel away from the novice, paddle', () => {
  const pedal = person({ triggers: { paddle: false, pedal: true, wheel: false }, pedalThreshold: 0.3 }).p;
  assert.equal(step(pedal, 0, wheel(0, { paddle: true })).driver, 'robot', 'paddle switched off');
  assert.equal(step(pedal, 100, wheel(0.9)).driver, 'robot', 'wheel switched off');
  assert.equal(step(pedal, 200, wheel(0, { brake: 0.25 })).driver, 'robot', 'below the pedal threshold');
  assert.equal(step(pedal, 300, wheel(0, { brake: 0.35 })).begin?.trigger, 'human');

  const steer = person({ triggers: { paddle: false, pedal: false, wheel: true }, steerThreshold: 0.3 }).p;
  assert.equal(step(steer, 0, wheel(0.25), [0, 0.5]).driver, 'robot', 'within the threshold of the novice');
  assert.equal(step(steer, 100, wheel(0.75, { throttle: 1 }), [0.5, 0.5]).driver, 'robot');
  assert.equal(step(steer, 200, wheel(-0.2), [0.2, 0.5]).driver, 'person', 'turned away from the novice');

  // The keyboard: Space is the paddle.
  const keys = person({ device: 'keyboard' }).p;
  const space: HumanInput = {
    t: 0,
    source: 'keyboard',
    steer: 0.5,
    throttle: 1,
    discrete: null,
    engaged: true,
  };
  assert.equal(keys.accepts(wheel(0)), false, 'the session drives with the keyboard only');
  assert.equal(step(keys, 0, space).driver, 'person');
  assert.equal(step(keys, 100, { ...space, engaged: false }).handback, 'release');
});

test('human-gated: the gate never asks, the person takes over when they choose', () => {
  const { p } = person({ gating: 'human' });
  for (let i = 0; i < 5; i++) {
    const t = step(p, i * 100, wheel(0), [0, 0.5], HIGH_Q);
    assert.deepEqual([t.driver, t.helpRequested], ['robot', false]);
  }
  assert.equal(step(p, 600, wheel(0, { paddle: true })).begin?.trigger, 'human');
});

test('fail-safe: stale input or a lost device while the person drives is a fault; after resume the request stands', () => {
  const { p } = person();
  step(p, 0, wheel(0));
  step(p, 100, wheel(0), [0, 0.5], HIGH_Q);
  step(p, 200, wheel(0.5, { paddle: true }));
  // No sample for longer than the limit.
  assert.equal(p.decide([0, 0.5], LOW_Q, 200 + STALE_INPUT_MS - 1).driver, 'person', 'still fresh');
  const stale = p.decide([0, 0.5], LOW_Q, 200 + STALE_INPUT_MS + 1);
  assert.deepEqual([stale.driver, stale.action], ['fault', [0, -1]]);
  assert.match(stale.fault ?? '', /stopped arriving.*braked to a stop.*paused/);
  // Resumed without the person acting: the novice keeps the lane under the standing request.
  const resumed = step(p, 1000, wheel(0));
  assert.deepEqual([resumed.driver, resumed.mode], ['robot', 'help']);
  assert.equal(step(p, 1100, wheel(0, { paddle: true })).begin?.trigger, 'robot');

  p.deviceLost('046d:c24f', 'G29 was disconnected');
  const lost = p.decide([0, 0.5], LOW_Q, 1150);
  assert.equal(lost.driver, 'fault');
  assert.match(lost.fault ?? '', /^G29 was disconnected while the person drove/);
  // Samples do not count until the device is back; meanwhile the request stands and the novice drives.
  assert.deepEqual([step(p, 1200, wheel(0, { paddle: true })).driver, p.currentPhase], ['robot', 'help']);
  p.deviceBack('046d:c24f');
  assert.equal(step(p, 1300, wheel(0)).driver, 'robot');
  assert.equal(step(p, 1400, wheel(0, { paddle: true })).driver, 'person');
  // Losing another device does not matter.
  p.deviceLost('045e:028e', 'an Xbox pad was disconnected');
  assert.equal(step(p, 1500, wheel(0, { paddle: true })).driver, 'person');
});

test('a fault during warm-up pauses too, and the warm-up resumes with the person', () => {
  const { p } = person({}, 10);
  step(p, 0, wheel(0));
  const fault = p.decide([0, 0], null, 500);
  assert.deepEqual([fault.driver, fault.mode], ['fault', 'warmup']);
  const back = step(p, 600, wheel(0.1));
  assert.deepEqual([back.driver, back.begin?.trigger], ['person', 'warmup']);
});
