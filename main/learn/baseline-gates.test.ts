// The baselines' gates on hand-made situations: each decision is the rule of aim-algorithm.md §5.1
// and §6, made afresh every step, and every step of a human-gated method is expert-involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemonstrationGate } from './bc.ts';
import { ENSEMBLE_NOVELTY_THRESHOLD, ensembleDaggerGate } from './ensemble-dagger.ts';
import { HgDaggerGate } from './hg-dagger.ts';
import type { MethodGate } from './method.ts';
import { PvpGate } from './pvp.ts';
import { EnsembleGate, novelty } from './thrifty-dagger.ts';

const at = (discrepancy: number, expertLogDensity: number | null = null) => ({
  q: null,
  discrepancy,
  expertLogDensity,
});

test('HG-DAgger takes over where the novice strays more than θ from the expert, step by step', () => {
  const gate = new HgDaggerGate();
  assert.equal(gate.inWarmup, false);
  assert.equal(gate.initialised, true, 'a human-gated method needs no fit before it gates');
  assert.deepEqual(gate.signals, { q: false, novelty: false });
  const close = gate.step(at(0.19));
  assert.equal(close.mode, 'robot');
  assert.equal(close.expertInvolved, true, 'the human watches the robot drive');
  const far = gate.step(at(0.21));
  assert.equal(far.mode, 'human');
  assert.equal(far.humanGated, true);
  assert.equal(far.helpRequested, false, 'the robot did not ask');
  assert.equal(gate.step(at(0.5)).handedBack, false, 'still far: the human keeps driving');
  const back = gate.step(at(0.2));
  assert.equal(back.mode, 'robot', 'exactly θ is close enough');
  assert.equal(back.handedBack, true);
  assert.equal(gate.step(at(0.9, null)).mode, 'human');
  gate.episodeEnd();
  assert.equal(gate.step(at(0)).handedBack, false, 'a new episode starts with the robot');
});

test("HG-DAgger's threshold is configurable, and a person's takeover always wins", () => {
  const strict = new HgDaggerGate(0.05);
  assert.equal(strict.step(at(0.1)).mode, 'human');
  const always = new HgDaggerGate(0);
  assert.equal(always.step(at(1e-9)).mode, 'human', 'θ = 0 takes over on every disagreement');
  const gate = new HgDaggerGate();
  assert.equal(gate.step({ ...at(0), personDriving: true }).mode, 'human');
  assert.throws(() => new HgDaggerGate(-1), /threshold must be a finite value ≥ 0/);
});

test("PVP takes over where the expert's density of the novice's action is below 1 − f", () => {
  const gate = new PvpGate();
  assert.equal(gate.step(at(5, Math.log(2.5))).mode, 'robot', 'near the expert mean: let it drive');
  const unlikely = gate.step(at(0, Math.log(0.07)));
  assert.equal(unlikely.mode, 'human', 'density 0.07 < 0.1, whatever the distance says');
  assert.equal(unlikely.expertInvolved, true);
  assert.equal(gate.step(at(0, Math.log(0.11))).handedBack, true);
  // PVP's own scripts use f = 0.95: density 0.07 is then likely enough.
  assert.equal(new PvpGate(0.95).step(at(0, Math.log(0.07))).mode, 'robot');
  assert.throws(() => gate.step(at(0)), /needs the expert's density/);
  assert.throws(() => new PvpGate(1), /free level must be in \(0, 1\)/);
});

test('offline BC: the expert demonstrates every step', () => {
  const gate: MethodGate = new DemonstrationGate();
  for (const input of [at(0), at(1, Math.log(2))]) {
    const decision = gate.step(input);
    assert.equal(decision.mode, 'warmup');
    assert.equal(decision.expertInvolved, true);
    assert.equal(decision.helpRequested, false);
  }
});

test('novelty is the mean over action dims of the members’ action variance', () => {
  assert.equal(
    novelty([
      [0.5, -1],
      [0.5, -1],
      [0.5, -1],
    ]),
    0,
    'members that agree are not novel',
  );
  // Steer: values 0 and 1 → variance 0.25; throttle: all 0 → 0; mean over dims 0.125.
  assert.equal(
    novelty([
      [0, 0],
      [1, 0],
      [0, 0],
      [1, 0],
    ]),
    0.125,
  );
});

test('Thrifty-DAgger: warm-up, then asks where novelty exceeds the held-out 0.9 quantile, hands back on agreement', () => {
  const gate = new EnsembleGate(2, { quantile: 0.9 });
  assert.deepEqual(gate.signals, { q: false, novelty: true });
  const warm = gate.step({ q: null, discrepancy: 1 });
  assert.equal(warm.mode, 'warmup');
  assert.equal(warm.expertInvolved, true);
  gate.step({ q: null, discrepancy: 1 });
  assert.equal(
    gate.step({ q: null, discrepancy: 0 }).mode,
    'human',
    'until the fit arrives, the expert drives',
  );
  // Held-out novelty 0…10: the 0.9 quantile (linear interpolation) is 9.
  gate.initialise(
    0.01,
    Float32Array.from({ length: 11 }, (_, k) => k),
  );
  assert.equal(gate.currentThreshold, 9);
  assert.equal(gate.step({ q: null, novelty: 50, discrepancy: 0.01 }).mode, 'human', 'not yet below ε');
  const back = gate.step({ q: null, novelty: 50, discrepancy: 0.009 });
  assert.equal(back.handedBack, true, 'strictly below ε hands back');
  const calm = gate.step({ q: null, novelty: 9, discrepancy: 1 });
  assert.equal(calm.mode, 'robot');
  assert.equal(calm.expertInvolved, false, 'nobody watches the robot drive');
  const ask = gate.step({ q: null, novelty: 9.01, discrepancy: 1 });
  assert.equal(ask.mode, 'human');
  assert.equal(ask.helpRequested, true);
  gate.setThreshold();
  gate.episodeEnd();
  assert.equal(gate.currentThreshold, 9, 'β_H stays fixed after the initial fit');
  assert.equal(gate.step({ q: null, novelty: 0, discrepancy: 1 }).mode, 'robot');
});

test('Ensemble-DAgger asks above the fixed novelty 7.2e-4, whatever the held-out data say', () => {
  const gate = ensembleDaggerGate(0);
  gate.initialise(0.01, [1, 2, 3]);
  assert.equal(gate.currentThreshold, ENSEMBLE_NOVELTY_THRESHOLD);
  assert.ok(Math.abs(ENSEMBLE_NOVELTY_THRESHOLD - 7.2e-4) < 1e-12);
  assert.equal(gate.step({ q: null, novelty: 7.1e-4, discrepancy: 1 }).mode, 'robot');
  assert.equal(gate.step({ q: null, novelty: 7.3e-4, discrepancy: 1 }).helpRequested, true);
});
