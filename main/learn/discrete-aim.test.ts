import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.ts';
import { aimDiscreteLoss, DISCRETE_AIM_DEFAULTS, DiscreteAimLearner } from './discrete-aim.ts';
import { DiscreteActionError } from './discrete-q.ts';
import { pvpLoss, tdHuberLoss } from './pvp-dqn.ts';
import { createMinigridCnn, minigridCnnForward, minigridPatches, ObservationShapeError } from './networks.ts';
import { createGridEnv } from '../sim/grid/index.ts';

before(async () => {
  await selectBackend('wasm');
});

const scalar = (t: tf.Tensor) => t.dataSync()[0];

// Two samples, 3 actions. Row 0 is a human sample whose novice action differs, row 1 an agent sample.
const Q = [
  [0.5, -0.2, 0.1],
  [2.0, 3.0, -4.0],
];

test('AIM loss: the expert action is pulled to −1 and a differing novice action to +1, on human samples only', () => {
  const loss = tf.tidy(() =>
    scalar(
      aimDiscreteLoss(
        tf.tensor2d(Q),
        tf.tensor1d([0, 1], 'int32'),
        tf.tensor1d([2, 0], 'int32'),
        tf.tensor1d([1, 0]),
        3,
      ),
    ),
  );
  // Means over both samples; the agent row contributes zeros to each.
  const expected = ((0.5 + 1) ** 2 + 0) / 2 + ((0.1 - 1) ** 2 + 0) / 2;
  assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
});

test('AIM loss: where the novice agrees with the expert, only the −1 label remains', () => {
  const loss = tf.tidy(() =>
    scalar(
      aimDiscreteLoss(
        tf.tensor2d([Q[0]]),
        tf.tensor1d([1], 'int32'),
        tf.tensor1d([1], 'int32'),
        tf.tensor1d([1]),
        3,
      ),
    ),
  );
  assert.ok(Math.abs(loss - (-0.2 + 1) ** 2) < 1e-6);
});

test('PVP loss has the opposite signs: the expert action to +1, the differing novice action to −1', () => {
  const loss = tf.tidy(() =>
    scalar(
      pvpLoss(
        tf.tensor2d(Q),
        tf.tensor1d([0, 1], 'int32'),
        tf.tensor1d([2, 0], 'int32'),
        tf.tensor1d([1, 0]),
        3,
      ),
    ),
  );
  const expected = (0.5 - 1) ** 2 / 2 + (0.1 + 1) ** 2 / 2;
  assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
});

test('the TD term is a Huber loss at the applied action: quadratic within 1, linear beyond', () => {
  const loss = tf.tidy(() =>
    scalar(tdHuberLoss(tf.tensor2d(Q), tf.tensor1d([0, 2], 'int32'), tf.tensor1d([0.3, 0]), 3)),
  );
  const expected = (0.5 * (0.5 - 0.3) ** 2 + (4 - 0.5)) / 2;
  assert.ok(Math.abs(loss - expected) < 1e-6, `${loss} vs ${expected}`);
});

/** MinigridCNN written out as PyTorch computes it, on the channel-first observation. */
function referenceCnn(model: tf.Sequential, obs: Float32Array): number[] {
  const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = model.getWeights().map((w) => Array.from(w.dataSync()));
  const at = (c: number, y: number, x: number) => obs[c * 49 + y * 7 + x] / 255;
  // conv1: 12 → 16 over 2×2 patches; the kernel row for (dy, dx, c) is (2·dy + dx)·12 + c.
  const conv1: number[][][] = [];
  for (let y = 0; y < 6; y++) {
    conv1.push([]);
    for (let x = 0; x < 6; x++) {
      const out: number[] = [];
      for (let f = 0; f < 16; f++) {
        let sum = b1[f];
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++)
            for (let c = 0; c < 12; c++) sum += at(c, y + dy, x + dx) * w1[((2 * dy + dx) * 12 + c) * 16 + f];
        out.push(Math.max(0, sum));
      }
      conv1[y].push(out);
    }
  }
  const pool = (y: number, x: number, f: number) =>
    Math.max(
      conv1[2 * y][2 * x][f],
      conv1[2 * y][2 * x + 1][f],
      conv1[2 * y + 1][2 * x][f],
      conv1[2 * y + 1][2 * x + 1][f],
    );
  const conv2: number[] = [];
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 2; x++)
      for (let f = 0; f < 32; f++) {
        let sum = b2[f];
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++)
            for (let c = 0; c < 16; c++)
              sum += pool(y + dy, x + dx, c) * w2[((2 * dy + dx) * 16 + c) * 32 + f];
        conv2.push(Math.max(0, sum));
      }
  const dense = (input: number[], w: number[], b: number[], out: number, act: (v: number) => number) =>
    Array.from({ length: out }, (_, j) => act(input.reduce((sum, v, i) => sum + v * w[i * out + j], b[j])));
  const conv3 = dense(conv2, w3, b3, 64, (v) => Math.max(0, v));
  const hidden = dense(conv3, w4, b4, 64, Math.tanh);
  return dense(hidden, w5, b5, 7, (v) => v);
}

test('MinigridCNN: the fast forward pass, the layers model and a written-out convolution agree', () => {
  const env = createGridEnv();
  const obs = Float32Array.from([...env.reset(3), ...env.step([2]).obs]);
  const model = createMinigridCnn(7, 5, 'cnn');
  const fast = tf.tidy(() => Array.from(minigridCnnForward(model, minigridPatches(obs, 2)).dataSync()));
  const layered = tf.tidy(() => Array.from((model.predict(minigridPatches(obs, 2)) as tf.Tensor).dataSync()));
  const reference = [...referenceCnn(model, obs.subarray(0, 588)), ...referenceCnn(model, obs.subarray(588))];
  for (let i = 0; i < 14; i++) {
    assert.ok(Math.abs(fast[i] - reference[i]) < 1e-4, `output ${i}: ${fast[i]} vs ${reference[i]}`);
    assert.ok(Math.abs(layered[i] - reference[i]) < 1e-4, `output ${i}: ${layered[i]} vs ${reference[i]}`);
  }
  // PyTorch's initialisation: every weight and bias within ±1/√fan_in.
  const fanIns = [48, 48, 64, 64, 128, 128, 64, 64, 64, 64];
  model.getWeights().forEach((w, i) => {
    const bound = 1 / Math.sqrt(fanIns[i]);
    assert.ok(
      w.dataSync().every((v) => Math.abs(v) <= bound),
      `weight ${i} within ±${bound}`,
    );
  });
  model.dispose();
});

test('a stacked observation of the wrong shape is refused, naming the shape expected', () => {
  assert.throws(() => minigridPatches(new Float32Array(147), 1), ObservationShapeError);
  assert.throws(
    () => minigridPatches(new Float32Array(588), 2),
    /12×7×7 = 588 values each; got 588 values for 2/,
  );
});

function smallLearner(): DiscreteAimLearner {
  return new DiscreteAimLearner({
    ...DISCRETE_AIM_DEFAULTS,
    halfBatch: 8,
    gradientSteps: 4,
    learningRate: 1e-3,
    learningStarts: 2,
    seed: 1,
  });
}

test('the learner refuses actions outside 0–6', () => {
  const learner = smallLearner();
  const obs = createGridEnv().reset(1);
  const transition = {
    obs,
    nextObs: obs,
    noviceAction: [7],
    appliedAction: [2],
    intervention: true,
    interventionStart: true,
    done: false,
    success: false,
  };
  assert.throws(() => learner.observe(transition), DiscreteActionError);
  assert.throws(
    () => learner.observe({ ...transition, noviceAction: [1.5] }),
    /not one of the 7 discrete actions/,
  );
  assert.throws(() => learner.q(obs, Float32Array.of(-1)), DiscreteActionError);
  learner.dispose();
});

test('discrete AIM learns: the novice picks up the expert action, and the proxy Q rates the novice’s old action above it', () => {
  const learner = smallLearner();
  const env = createGridEnv();
  const obs = env.reset(4);
  const next = env.step([2]).obs;
  // The expert turns left (0) where the novice wanted forward (2).
  for (let i = 0; i < 6; i++)
    learner.observe({
      obs,
      nextObs: next,
      noviceAction: [2],
      appliedAction: [0],
      intervention: true,
      interventionStart: i === 0,
      done: false,
      success: false,
    });
  learner.observe({
    obs: next,
    nextObs: next,
    noviceAction: [1],
    appliedAction: [1],
    intervention: false,
    interventionStart: false,
    done: false,
    success: false,
  });
  assert.deepEqual(
    learner.afterStep(),
    { bcSteps: 4, qSteps: 0, policyUpdated: true },
    'novice trains, the proxy waits for warm-up',
  );
  const fit = learner.initialFit();
  assert.equal(fit.epsilon, 0);
  assert.ok(fit.heldOutQ.length > 0);
  for (let i = 0; i < 60; i++) learner.afterStep();
  assert.equal(learner.act(obs)[0], 0);
  const qHuman = learner.q(obs, Float32Array.of(0))[0];
  const qOld = learner.q(obs, Float32Array.of(2))[0];
  assert.ok(qHuman < 0, `Q_c(s, a_h) = ${qHuman} heads for −1`);
  // a_n' is now the expert's action, so no +1 label remains; the old action is left where it was, above.
  assert.ok(qOld > qHuman, `Q_c(s, old a_n) = ${qOld} above Q_c(s, a_h) = ${qHuman}`);
  assert.equal(learner.state().proxyOn, true);
  learner.dispose();
});
