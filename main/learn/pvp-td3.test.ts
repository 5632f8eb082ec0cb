// PVP-TD3: its two loss terms as the equations say, and a learner that, from interventions alone
// (no reward), comes to value the expert's action above the novice's and moves its policy there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AIM_REFERENCE_DEFAULTS } from './aim.ts';
import { selectBackend } from './backend.ts';
import { maskedTdLoss, proxyValueLoss, PvpTd3Learner } from './pvp-td3.ts';

const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('the proxy-value term counts interventions only, pulling Q(s,a_h) to +1 and Q(s,a_n) to −1', async () => {
  await selectBackend('auto');
  const t = (values: number[]) => tf.tensor2d(values, [values.length, 1]);
  assert.equal(
    value(proxyValueLoss(t([1, 7]), t([-1, 7]), t([1, 0]))),
    0,
    'on target, or not an intervention',
  );
  // (0 − 1)² and (0 + 1)² on the intervention, averaged over both samples: ½ + ½.
  assert.equal(value(proxyValueLoss(t([0, 5]), t([0, 5]), t([1, 0]))), 1);
  // ½·mean[(1 − 0)², masked] = 0.25: no TD across the start of a takeover.
  assert.equal(value(maskedTdLoss(t([1, 3]), t([0, 0]), t([0, 1]))), 0.25);
});

test('from interventions alone (no reward) the actor moves toward the expert’s action', async () => {
  await selectBackend('auto');
  const learner = new PvpTd3Learner({
    ...AIM_REFERENCE_DEFAULTS,
    obsDim: 2,
    actionDim: 1,
    actorHidden: [16],
    qHidden: [16],
    batchSize: 32,
    learningRate: 3e-3,
    seed: 9,
  });
  const states = Array.from({ length: 16 }, (_, k) => [Math.cos(k), Math.sin(k)]);
  for (const s of states) {
    // The expert's +0.6 where the novice proposed −0.6, and the novice's own steps elsewhere.
    learner.observe({
      obs: s,
      nextObs: s,
      noviceAction: [-0.6],
      appliedAction: [0.6],
      intervention: true,
      interventionStart: true,
      done: false,
      success: false,
    });
    learner.observe({
      obs: s,
      nextObs: s,
      noviceAction: [0.1],
      appliedAction: [0.1],
      intervention: false,
      interventionStart: false,
      done: false,
      success: false,
    });
  }
  const obs = Float32Array.from(states.flat());
  const before = learner.act(obs, states.length).reduce((a, b) => a + b, 0) / states.length;
  learner.afterStep(); // Adam creates its moment estimates on the first steps
  const tensors = tf.memory().numTensors;
  for (let k = 0; k < 60; k++) learner.afterStep();
  assert.equal(tf.memory().numTensors, tensors, 'the tensor count stays flat');
  const after = learner.act(obs, states.length).reduce((a, b) => a + b, 0) / states.length;
  assert.ok(after > before + 0.2, `mean action ${before.toFixed(2)} → ${after.toFixed(2)}`);
  learner.dispose();
});
