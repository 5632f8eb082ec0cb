// The original Thrifty-DAgger's risk critic: its TD target and loss as the equations say, Q_risk as
// the smaller twin, and a critic that learns from one success among many transitions which way the
// goal lies; the learner trains it with the ensemble, after the first fit and every policy round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AIM_REFERENCE_DEFAULTS } from './aim.ts';
import { selectBackend } from './backend.ts';
import type { Transition } from './buffer.ts';
import { loadWeightsInto, packModel } from './checkpoint.ts';
import { createGateCritic } from './methods.ts';
import {
  createRiskCritic,
  RISK_GAMMA,
  riskLoss,
  riskTarget,
  ThriftyOriginalLearner,
} from './thrifty-dagger-original.ts';

const column = (values: number[]) => tf.tensor2d(values, [values.length, 1]);

test('the TD target is the success reward plus γ·(1 − d)·min Q̄; the loss sums both twins’ errors', async () => {
  await selectBackend('auto');
  const y = riskTarget(column([1, 0, 0]), column([1, 1, 0]), column([0.7, 0.7, 0.5]));
  assert.deepEqual(Array.from(y.dataSync()), [1, 0, 0.5 * RISK_GAMMA].map(Math.fround));
  // Twin 1 off by 0.5 on one of two samples, twin 2 off by 1 on both: 0.125 + 1.
  const loss = riskLoss([column([0.5, 1]), column([0, 0])], column([1, 1]));
  assert.equal(loss.dataSync()[0], 1.125);
  tf.dispose([y, loss]);
});

test('Q_risk is the smaller of two sigmoid twins, and the loop’s copy takes the learner’s weights', async () => {
  await selectBackend('auto');
  const critic = createRiskCritic(3, 2, [8], 1);
  const input = tf.randomUniform([6, 5], -1, 1, 'float32', 4);
  const [q1, q2] = critic.twins.map((twin) => (twin.predict(input) as tf.Tensor).dataSync());
  const risk = (critic.risk.predict(input) as tf.Tensor).dataSync();
  for (let k = 0; k < 6; k++) {
    assert.equal(risk[k], Math.min(q1[k], q2[k]));
    assert.ok(risk[k] > 0 && risk[k] < 1, 'a sigmoid output');
  }
  const copy = createGateCritic('thrifty-dagger-original', {
    ...AIM_REFERENCE_DEFAULTS,
    obsDim: 3,
    actionDim: 2,
    actorHidden: [8],
    seed: 50,
  }) as tf.LayersModel;
  loadWeightsInto(copy, await packModel(critic.risk), 'the risk critic');
  assert.deepEqual(Array.from((copy.predict(input) as tf.Tensor).dataSync()), Array.from(risk));
});

/** A step along a lane at height `lane`: position k of the lane's `length`. */
function laneStep(lane: number, k: number, length: number, ends: 'goal' | 'crash'): Transition {
  const last = k === length - 1;
  return {
    obs: [k / length, lane],
    nextObs: [(k + 1) / length, lane],
    noviceAction: [lane * 0.5],
    appliedAction: [lane * 0.5],
    intervention: true,
    interventionStart: k === 0,
    done: last,
    success: last && ends === 'goal',
  };
}

test('from one success among many transitions the critic learns where the goal lies, and keeps training', async () => {
  await selectBackend('auto');
  const learner = new ThriftyOriginalLearner({
    ...AIM_REFERENCE_DEFAULTS,
    obsDim: 2,
    actionDim: 1,
    actorHidden: [32],
    batchSize: 32,
    learningRate: 3e-3,
    initialRounds: 400,
    cadence: { every: 5, qSteps: 7, bcRounds: 2, refireWhileIdle: false },
    seed: 3,
  });
  // One episode up the lane at +1 reaches the goal; ten down the lane at −1 crash.
  const length = 4;
  for (let k = 0; k < length; k++) learner.observe(laneStep(1, k, length, 'goal'));
  for (let episode = 0; episode < 10; episode++)
    for (let k = 0; k < length; k++) learner.observe(laneStep(-1, k, length, 'crash'));
  const fit = learner.initialFit();
  assert.ok(fit.epsilon >= 0 && fit.heldOutQ.length > 0, 'the ensemble’s ε and held-out novelty');
  const at = (lane: number, k: number) =>
    learner.risk(Float32Array.of(k / length, lane), Float32Array.of(lane * 0.5), 1)[0];
  const goalSide = at(1, length - 1);
  const crashSide = at(-1, length - 1);
  assert.ok(goalSide > 0.8, `Q_risk just before the goal ${goalSide.toFixed(3)}`);
  assert.ok(crashSide < 0.2, `Q_risk just before the crash ${crashSide.toFixed(3)}`);
  assert.ok(at(1, 0) > at(-1, 0), 'the value reaches back to the start of the lane to the goal');

  // The critics train with every policy round: 5 new expert labels bring one.
  const tensors = tf.memory().numTensors;
  const reports = Array.from({ length: 5 }, (_, k) => {
    learner.observe(laneStep(1, k % length, length, 'goal'));
    return learner.afterStep();
  });
  assert.deepEqual(
    reports.map((r) => r.qSteps),
    [0, 0, 0, 0, 7],
  );
  assert.ok(reports[4].policyUpdated);
  assert.equal(tf.memory().numTensors, tensors, 'the tensor count stays flat');
  learner.dispose();
});
