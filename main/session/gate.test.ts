import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AimGate, GateError, type GateConfig } from './gate.ts';

const config: GateConfig = {
  warmupSteps: 3,
  warmupMode: 'expertDrive',
  delta: 0.05,
  minWindow: 25,
  thresholdRecompute: 'episodeEnd',
};

function pastWarmup(): AimGate {
  const gate = new AimGate(config);
  for (let i = 0; i < 3; i++) assert.equal(gate.step({ q: null, discrepancy: 1 }).mode, 'warmup');
  // Held-out Q values 0..19: the 0.95 quantile is 18.05.
  gate.initialise(
    0.1,
    Array.from({ length: 20 }, (_, i) => i),
  );
  // The expert keeps control after warm-up until the novice agrees with it.
  assert.deepEqual(gate.step({ q: 0, discrepancy: 0.05 }), {
    mode: 'robot',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: true,
  });
  return gate;
}

test('warm-up lets the expert drive for exactly the configured steps', () => {
  const gate = new AimGate(config);
  const modes = [0, 1, 2].map(() => gate.step({ q: null, discrepancy: 0 }).mode);
  assert.deepEqual(modes, ['warmup', 'warmup', 'warmup']);
  assert.equal(gate.inWarmup, false);
  assert.equal(gate.initialised, false);
});

test('while the initial fit is still running, the expert keeps driving and nobody asks for help', () => {
  const gate = new AimGate(config);
  for (let i = 0; i < 3; i++) gate.step({ q: null, discrepancy: 1 });
  for (let i = 0; i < 5; i++)
    assert.deepEqual(gate.step({ q: null, discrepancy: 0 }), {
      mode: 'human',
      warmup: false,
      expertInvolved: false,
      helpRequested: false,
      handedBack: false,
    });
  // Once the fit arrives, the expert hands back only by agreement.
  gate.initialise(0.1, [0, 1, 2]);
  assert.equal(gate.step({ q: -5, discrepancy: 0.5 }).mode, 'human');
  assert.equal(gate.step({ q: -5, discrepancy: 0.05 }).handedBack, true);
});

test('a human-gated (PVP) warm-up lets the novice drive where the expert would not step in', () => {
  const gate = new AimGate({ ...config, warmupMode: 'humanGatedPVP' });
  const decisions = [true, false, true].map((warmupTakeover) =>
    gate.step({ q: null, discrepancy: 1, warmupTakeover }),
  );
  assert.deepEqual(
    decisions.map((d) => [d.mode, d.warmup, d.handedBack]),
    [
      ['warmup', true, false],
      ['robot', true, true],
      ['warmup', true, false],
    ],
  );
  // The last warm-up step was the expert's: control carries over until agreement.
  gate.initialise(0.1, [0, 1, 2]);
  assert.equal(gate.step({ q: -5, discrepancy: 0.5 }).mode, 'human');
});

test('a PVP warm-up that ends with the novice driving hands the first gated step to the Q-gate', () => {
  const gate = new AimGate({ ...config, warmupMode: 'humanGatedPVP' });
  for (let i = 0; i < 3; i++) gate.step({ q: null, discrepancy: 1, warmupTakeover: false });
  gate.initialise(0.1, [0, 1, 2]);
  assert.deepEqual(gate.step({ q: 5, discrepancy: 1 }), {
    mode: 'human',
    warmup: false,
    expertInvolved: false,
    helpRequested: true,
    handedBack: false,
  });
});

test('with thresholdRecompute everyTrainStep the learner sets the threshold and episode ends leave it', () => {
  const gate = new AimGate({ ...config, thresholdRecompute: 'everyTrainStep' });
  for (let i = 0; i < 3; i++) gate.step({ q: null, discrepancy: 1 });
  gate.initialise(0.1, [0, 1, 2]);
  gate.step({ q: 0, discrepancy: 0 });
  for (let i = 0; i < 30; i++) gate.step({ q: -1, discrepancy: 1 });
  gate.episodeEnd();
  assert.ok(Math.abs((gate.currentThreshold ?? 0) - 1.9) < 1e-12, 'not recomputed from the window');
  gate.setThreshold(0.25);
  assert.equal(gate.currentThreshold, 0.25);
  assert.throws(() => gate.setThreshold(Number.NaN), /finite/);
});

test('a resumed gate is past warm-up with its saved ε and threshold, the robot driving', () => {
  const gate = new AimGate(config);
  gate.resume(0.2, 0.5);
  assert.equal(gate.inWarmup, false);
  assert.equal(gate.agreementThreshold, 0.2);
  assert.deepEqual(gate.step({ q: 0.6, discrepancy: 1 }), {
    mode: 'human',
    warmup: false,
    expertInvolved: false,
    helpRequested: true,
    handedBack: false,
  });
  assert.throws(() => gate.resume(Number.NaN, 0.5), /finite/);
});

test('after warm-up the expert keeps control until the novice agrees, whatever Q says', () => {
  const gate = new AimGate(config);
  for (let i = 0; i < 3; i++) gate.step({ q: null, discrepancy: 1 });
  gate.initialise(0.1, [0, 1, 2]);
  assert.deepEqual(gate.step({ q: -50, discrepancy: 0.5 }), {
    mode: 'human',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: false,
  });
  assert.deepEqual(gate.step({ q: -50, discrepancy: 0.1 }), {
    mode: 'robot',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: true,
  });
});

test('a new episode starts with the robot driving', () => {
  const gate = pastWarmup();
  gate.step({ q: 100, discrepancy: 1 });
  assert.equal(gate.mode, 'human');
  gate.episodeEnd();
  assert.equal(gate.mode, 'robot');
  assert.deepEqual(gate.step({ q: 0, discrepancy: 1 }), {
    mode: 'robot',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: false,
  });
});

test('the first threshold is the (1 − δ) quantile of the held-out Q values', () => {
  const gate = pastWarmup();
  assert.ok(Math.abs((gate.currentThreshold ?? 0) - 18.05) < 1e-12);
  assert.equal(gate.agreementThreshold, 0.1);
});

test('Q above the threshold asks for help and the expert drives that very step', () => {
  const gate = pastWarmup();
  assert.deepEqual(gate.step({ q: 5, discrepancy: 1 }), {
    mode: 'robot',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: false,
  });
  assert.deepEqual(gate.step({ q: 18.1, discrepancy: 1 }), {
    mode: 'human',
    warmup: false,
    expertInvolved: false,
    helpRequested: true,
    handedBack: false,
  });
  // While the human drives, Q no longer matters; only agreement does.
  assert.deepEqual(gate.step({ q: -100, discrepancy: 0.5 }), {
    mode: 'human',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: false,
  });
});

test('agreement (mean squared difference ≤ ε) hands back, and the agreeing step is the robot’s', () => {
  const gate = pastWarmup();
  gate.step({ q: 100, discrepancy: 1 });
  assert.deepEqual(gate.step({ q: 100, discrepancy: 0.1 }), {
    mode: 'robot',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: true,
  });
  // The Q-gate runs again on the following step.
  assert.equal(gate.step({ q: 100, discrepancy: 0 }).helpRequested, true);
});

test('the threshold is recomputed at episode end only from more than 25 robot steps', () => {
  const gate = pastWarmup();
  for (let i = 0; i < 25; i++) gate.step({ q: i / 100, discrepancy: 1 });
  gate.episodeEnd();
  assert.ok(Math.abs((gate.currentThreshold ?? 0) - 18.05) < 1e-12, '25 values are not enough');
  gate.step({ q: 0.25, discrepancy: 1 });
  gate.episodeEnd();
  // Window 0.00..0.25 (26 values): 0.95 quantile at position 23.75 → 0.2375.
  assert.ok(Math.abs((gate.currentThreshold ?? 0) - 0.2375) < 1e-12);
});

test('a policy update starts a new window of robot-step Q values', () => {
  const gate = pastWarmup();
  for (let i = 0; i < 30; i++) gate.step({ q: i / 100, discrepancy: 1 });
  gate.policyUpdated();
  gate.episodeEnd();
  assert.ok(Math.abs((gate.currentThreshold ?? 0) - 18.05) < 1e-12);
});

test('help-requested steps do not enter the window', () => {
  const gate = pastWarmup();
  for (let i = 0; i < 26; i++) gate.step({ q: 1, discrepancy: 1 });
  gate.step({ q: 50, discrepancy: 1 }); // help: not a robot step
  gate.episodeEnd();
  assert.equal(gate.currentThreshold, 1);
});

test('a person driving overrides the gate, and after release the robot drives and the Q-gate runs', () => {
  const gate = pastWarmup();
  gate.step({ q: 100, discrepancy: 1 }); // the gate asked for help
  assert.deepEqual(gate.step({ q: 100, discrepancy: 1, personDriving: true }), {
    mode: 'human',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: false,
  });
  assert.equal(gate.mode, 'robot');
  assert.deepEqual(gate.step({ q: 1, discrepancy: 1 }), {
    mode: 'robot',
    warmup: false,
    expertInvolved: false,
    helpRequested: false,
    handedBack: false,
  });
});

test('a person driving during warm-up still counts as warm-up', () => {
  const gate = new AimGate(config);
  assert.equal(gate.step({ q: null, discrepancy: 1, personDriving: true }).mode, 'warmup');
});

test('invalid δ, warm-up and initialisation values are refused', () => {
  assert.throws(() => new AimGate({ ...config, delta: 0 }), GateError);
  assert.throws(() => new AimGate({ ...config, delta: 1 }), /δ must be in \(0, 1\)/);
  assert.throws(() => new AimGate({ ...config, warmupSteps: -1 }), /warm-up/);
  const gate = new AimGate({ ...config, warmupSteps: 0 });
  assert.throws(() => gate.initialise(Number.NaN, [1]), /ε must be/);
  assert.throws(() => gate.initialise(0.1, []), /held-out/);
});
