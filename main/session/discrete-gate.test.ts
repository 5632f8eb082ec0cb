import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscreteGate } from './discrete-gate.ts';
import { GateError } from './gate.ts';

const AGREE = 0;
const DIFFER = 1;

function warmedUp(): DiscreteGate {
  const gate = new DiscreteGate({ warmupSteps: 2, delta: 0.1 });
  gate.step({ q: null, discrepancy: DIFFER });
  gate.step({ q: null, discrepancy: AGREE });
  // Q values 0..10: the 0.9 quantile is 9.
  gate.initialise(
    0,
    Array.from({ length: 11 }, (_, i) => i),
  );
  return gate;
}

test('warm-up: the expert holds every step, agreeing or not, and a threshold comes from the first Q values', () => {
  const gate = new DiscreteGate({ warmupSteps: 3, delta: 0.1 });
  for (const discrepancy of [AGREE, DIFFER, AGREE]) {
    assert.deepEqual(gate.step({ q: null, discrepancy }), {
      mode: 'warmup',
      expertInvolved: true,
      warmup: true,
      helpRequested: false,
      handedBack: false,
    });
  }
  assert.equal(gate.inWarmup, false);
  assert.equal(gate.initialised, false);
  gate.initialise(
    0,
    Array.from({ length: 11 }, (_, i) => i),
  );
  assert.equal(gate.currentThreshold, 9);
  assert.equal(gate.agreementThreshold, 0);
});

test('after warm-up the expert carries over until the actions agree; the agreeing step is still a takeover', () => {
  const gate = warmedUp();
  const steps = [DIFFER, DIFFER, AGREE, DIFFER].map((discrepancy) => gate.step({ q: 0, discrepancy }));
  assert.deepEqual(
    steps.map((d) => [d.mode, d.handedBack]),
    [
      ['human', false],
      ['human', false],
      ['human', false],
      ['robot', true],
    ],
  );
  assert.ok(steps.every((d) => !d.warmup && !d.helpRequested));
});

test('the robot asks for help only above the threshold, and keeps the expert until agreement', () => {
  const gate = warmedUp();
  gate.step({ q: 0, discrepancy: AGREE });
  assert.equal(gate.step({ q: 9, discrepancy: DIFFER }).mode, 'robot', 'equal to τ is not above it');
  const request = gate.step({ q: 9.5, discrepancy: DIFFER });
  assert.deepEqual(request, {
    mode: 'human',
    expertInvolved: true,
    warmup: false,
    helpRequested: true,
    handedBack: false,
  });
  // While the expert drives, Q is not consulted (even above τ) and no new request is made.
  assert.deepEqual(gate.step({ q: 100, discrepancy: DIFFER }), {
    mode: 'human',
    expertInvolved: true,
    warmup: false,
    helpRequested: false,
    handedBack: false,
  });
  assert.equal(gate.step({ q: 100, discrepancy: AGREE }).mode, 'human');
  assert.deepEqual(gate.step({ q: 0, discrepancy: DIFFER }), {
    mode: 'robot',
    expertInvolved: false,
    warmup: false,
    helpRequested: false,
    handedBack: true,
  });
});

test('a request whose novice action already agrees is a one-step takeover; the next step may ask again', () => {
  const gate = warmedUp();
  gate.step({ q: 0, discrepancy: AGREE });
  const request = gate.step({ q: 10, discrepancy: AGREE });
  assert.equal(request.mode, 'human');
  assert.equal(request.helpRequested, true);
  // The Q gate runs again at once: a handback and a new request on the same step.
  assert.deepEqual(gate.step({ q: 10, discrepancy: DIFFER }), {
    mode: 'human',
    expertInvolved: true,
    warmup: false,
    helpRequested: true,
    handedBack: true,
  });
});

test('the learner’s thresholds replace the first one; a new episode starts with the robot', () => {
  const gate = warmedUp();
  gate.step({ q: 0, discrepancy: AGREE });
  gate.setThreshold(2);
  assert.equal(gate.step({ q: 3, discrepancy: DIFFER }).helpRequested, true);
  gate.episodeEnd();
  assert.equal(gate.step({ q: 1, discrepancy: DIFFER }).mode, 'robot');
});

test('a person drives whatever the gate decided, and their release returns control to the robot', () => {
  const gate = warmedUp();
  assert.equal(gate.step({ q: 100, discrepancy: DIFFER, personDriving: true }).mode, 'human');
  assert.equal(gate.step({ q: 0, discrepancy: DIFFER }).mode, 'robot');
});

test('a resumed gate starts past warm-up with the robot driving and its saved threshold', () => {
  const gate = new DiscreteGate({ warmupSteps: 400, delta: 0.1 });
  gate.resume(0, 0.5);
  assert.equal(gate.inWarmup, false);
  assert.equal(gate.step({ q: 0.4, discrepancy: DIFFER }).mode, 'robot');
  assert.equal(gate.step({ q: 0.6, discrepancy: DIFFER }).helpRequested, true);
});

test('bad settings and inputs are refused with a GateError', () => {
  assert.throws(() => new DiscreteGate({ warmupSteps: 2, delta: 1 }), GateError);
  assert.throws(() => new DiscreteGate({ warmupSteps: -1, delta: 0.1 }), GateError);
  const gate = warmedUp();
  gate.step({ q: 0, discrepancy: AGREE });
  assert.throws(() => gate.step({ q: null, discrepancy: DIFFER }), /no Q value/);
  assert.throws(() => gate.setThreshold(Number.NaN), GateError);
  assert.throws(() => gate.initialise(0, []), GateError);
});
