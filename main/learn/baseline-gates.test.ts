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
import {
  INITIAL_RISK_TO_HUMAN,
  INITIAL_RISK_TO_ROBOT,
  ThriftyOriginalGate,
} from './thrifty-dagger-original.ts';

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

/** A thrifty-dagger-original step: Q_risk(s, a_n), novelty u(s) and the discrepancy to the expert. */
const thrifty = (risk: number, u: number, discrepancy = 1) => ({ q: risk, novelty: u, discrepancy });

test('original Thrifty-DAgger asks where the state is novel or the novice’s action risky', () => {
  const gate = new ThriftyOriginalGate(1);
  assert.deepEqual(gate.signals, { q: true, novelty: true }, 'it reads both Q_risk and novelty');
  const warm = gate.step(thrifty(0, 0));
  assert.equal(warm.mode, 'warmup');
  assert.equal(warm.expertInvolved, true);
  assert.equal(gate.step(thrifty(1, 0, 0)).mode, 'human', 'until the fit arrives, the expert drives');
  // Held-out novelty 0…100: its 0.99 quantile is 99.
  gate.initialise(
    0.01,
    Float32Array.from({ length: 101 }, (_, k) => k),
  );
  assert.equal(gate.currentThreshold, 99);
  assert.deepEqual(gate.riskThresholds, { toHuman: 0.48, toRobot: 0.495 });
  gate.episodeEnd();
  const calm = gate.step(thrifty(0.6, 50));
  assert.equal(calm.mode, 'robot');
  assert.equal(calm.expertInvolved, false, 'nobody watches the robot drive');
  const risky = gate.step(thrifty(0.47, 50));
  assert.equal(risky.mode, 'human', 'familiar, but Q_risk 0.47 < ε_H 0.48');
  assert.equal(risky.helpRequested, true);
  gate.episodeEnd();
  const novel = gate.step(thrifty(0.99, 99.5));
  assert.equal(novel.helpRequested, true, 'safe, but novelty 99.5 > β_H 99');
});

test('original Thrifty-DAgger hands back only when the novice agrees and its action is safe enough', () => {
  const gate = new ThriftyOriginalGate(0);
  gate.initialise(0.01, [1, 2, 3]);
  assert.equal(gate.step(thrifty(0.3, 0)).mode, 'human', 'risky: ask');
  assert.equal(gate.step(thrifty(0.9, 0, 0.01)).mode, 'human', 'safe but not below β_R');
  assert.equal(gate.step(thrifty(0.495, 0, 0)).mode, 'human', 'agrees, but Q_risk not above ε_R');
  const back = gate.step(thrifty(0.496, 100, 0.009));
  assert.equal(back.mode, 'robot');
  assert.equal(back.handedBack, true, 'novelty plays no part in handing back');
  assert.throws(() => gate.step({ q: null, novelty: 0, discrepancy: 0 }), /needs Q_risk/);
  assert.throws(() => gate.step({ q: 0.9, discrepancy: 0 }), /no novelty/);
});

test('original Thrifty-DAgger’s thresholds follow the robot’s steps at episode ends, past 25 of them', () => {
  const gate = new ThriftyOriginalGate(0);
  gate.initialise(0.5, [1, 2, 3]);
  const initial = gate.currentThreshold;
  // 25 robot steps are not enough to move anything.
  for (let k = 0; k < 25; k++) gate.step(thrifty(0.6 + k / 100, 0));
  gate.episodeEnd();
  assert.equal(gate.currentThreshold, initial);
  assert.deepEqual(gate.riskThresholds, { toHuman: INITIAL_RISK_TO_HUMAN, toRobot: INITIAL_RISK_TO_ROBOT });
  // A 26th robot step, and one that asks as novel (it counts too): 27 estimates, risk 0.60…0.86,
  // novelty 0 but for one 4.
  gate.step(thrifty(0.85, 0));
  assert.equal(gate.step(thrifty(0.86, 4)).helpRequested, true);
  gate.episodeEnd();
  const risks = [...Array.from({ length: 25 }, (_, k) => 0.6 + k / 100), 0.85, 0.86];
  const sorted = risks.sort((a, b) => a - b);
  // The 0.99 quantile of 26 zeros and a 4 sits at position 0.99 · 26 = 25.74, between 0 and 4.
  assert.ok(Math.abs((gate.currentThreshold as number) - 0.74 * 4) < 1e-9, 'β_H: the 0.99 quantile of u');
  const { toHuman, toRobot } = gate.riskThresholds;
  assert.ok(
    Math.abs(toHuman - (sorted[0] + 0.26 * (sorted[1] - sorted[0]))) < 1e-9,
    'ε_H: the 0.01 quantile',
  );
  assert.ok(Math.abs(toRobot - sorted[13]) < 1e-9, 'ε_R: the median');
  // A policy update starts the estimates afresh: one step since then moves nothing.
  gate.policyUpdated();
  gate.step(thrifty(0.99, 0));
  gate.episodeEnd();
  assert.ok(Math.abs(gate.riskThresholds.toRobot - sorted[13]) < 1e-9);
});
