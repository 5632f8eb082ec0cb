// Real TF.js training on small configurations: the loss as written, its masking, and that the
// initial fit actually teaches the novice and separates expert from novice actions in Q_c.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AimLearner, aimLoss, disagreementMask, tdLoss, AIM_REFERENCE_DEFAULTS } from './aim.ts';
import { syntheticTransition } from './buffer.ts';
import { trainableVariables } from './networks.ts';
import { selectBackend } from './backend.ts';
import { Rng } from '../sim/random.ts';

before(async () => {
  await selectBackend('auto');
});

test('the AIM loss is the paper’s equation: (Q(s,a_h)+1)² + (m·Q(s,a_n)−1)² averaged', () => {
  const value = tf.tidy(
    () => aimLoss(tf.tensor2d([[-1], [0.5]]), tf.tensor2d([[1], [3]]), tf.tensor2d([[1], [0]])).dataSync()[0],
  );
  // Sample 1: (−1+1)² + (1·1−1)² = 0. Sample 2: (0.5+1)² + (0·3−1)² = 2.25 + 1 = 3.25. Mean 1.625.
  assert.ok(Math.abs(value - 1.625) < 1e-6, `loss ${value}`);
});

test('the mask keeps novice actions only where they differ from the human’s by more than ε', () => {
  const mask = tf.tidy(() =>
    Array.from(
      disagreementMask(
        tf.tensor2d([
          [0, 0],
          [0, 0],
          [1, -1],
        ]),
        tf.tensor2d([
          [0.1, 0.1],
          [0.5, 0.5],
          [1, -1],
        ]),
        0.1,
      ).dataSync(),
    ),
  );
  // mean squared differences: 0.01, 0.25, 0 → only the second exceeds ε = 0.1.
  assert.deepEqual(mask, [0, 1, 0]);
});

test('a masked sample contributes no gradient through its novice term', () => {
  const q = tf.variable(tf.tensor2d([[0.3], [0.7]]));
  const grads = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => aimLoss(tf.zeros([2, 1]), q, tf.tensor2d([[1], [0]])), [q]);
    return Array.from(grads[q.name].dataSync());
  });
  // d/dq of mean[(m·q − 1)²] = m·(m·q − 1) for B = 2: sample 1 → (0.3 − 1) = −0.7; sample 2 → 0.
  assert.ok(Math.abs(grads[0] + 0.7) < 1e-6);
  assert.equal(Math.abs(grads[1]), 0);
  q.dispose();
});

test('the TD term is the paper’s reward-free equation: (Q(s,a) − γ·(1−d)·Q̄(s′,π(s′)))² averaged', () => {
  const value = tf.tidy(
    () =>
      tdLoss(tf.tensor2d([[1], [2]]), tf.tensor2d([[3], [4]]), tf.tensor2d([[0], [1]]), 0.5).dataSync()[0],
  );
  // Sample 1: target 0.5·3 = 1.5, error 0.25. Sample 2 is terminal: target 0, error 4. Mean 2.125.
  assert.ok(Math.abs(value - 2.125) < 1e-6, `loss ${value}`);
});

function syntheticLearner(
  seed: number,
  overrides: Partial<ConstructorParameters<typeof AimLearner>[0]> = {},
): {
  learner: AimLearner;
  expert: (obs: Float32Array) => Float32Array;
  obsDim: number;
} {
  const obsDim = 6;
  const weights = [0.9, -0.6, 0.3, 0, 0.5, -0.2, -0.4, 0.8, 0, 0.6, -0.3, 0.2];
  const expert = (obs: Float32Array) =>
    Float32Array.from([0, 1], (row) =>
      Math.tanh(obs.reduce((sum, value, i) => sum + value * weights[row * obsDim + i], 0)),
    );
  const learner = new AimLearner({
    ...AIM_REFERENCE_DEFAULTS,
    obsDim,
    actionDim: 2,
    actorHidden: [32, 32],
    qHidden: [32, 32],
    learningRate: 3e-3,
    batchSize: 64,
    initialRounds: 60,
    cadence: { every: 5, qSteps: 5, bcRounds: 5, refireWhileIdle: false },
    bufferCapacity: 1000,
    seed,
    ...overrides,
  });
  return { learner, expert, obsDim };
}

function randomObs(rng: Rng, dim: number): Float32Array {
  return Float32Array.from({ length: dim }, () => rng.uniform(-1, 1));
}

test('the initial fit teaches the novice the expert', () => {
  const { learner, expert, obsDim } = syntheticLearner(7);
  const rng = new Rng(3);
  const probes = Array.from({ length: 50 }, () => randomObs(rng, obsDim));
  const error = () =>
    probes.reduce(
      (sum, obs) => sum + learner.act(obs).reduce((s, a, i) => s + (a - expert(obs)[i]) ** 2, 0),
      0,
    ) / probes.length;
  const before = error();
  for (let i = 0; i < 200; i++) {
    const obs = randomObs(rng, obsDim);
    const action = expert(obs);
    learner.observe(syntheticTransition(obs, action));
  }
  const fit = learner.initialFit();
  const after = error();
  assert.ok(
    after < before / 4,
    `novice error should fall well below its start: before ${before}, after ${after}`,
  );
  assert.equal(fit.heldOutQ.length, 20, 'the last 10% of warm-up data is held out');
  assert.ok(Number.isFinite(fit.epsilon) && fit.epsilon >= 0);
  learner.dispose();
});

test('Q_c rises where the novice cannot match the expert and falls on the expert’s own actions', () => {
  // An expert whose action the observation cannot predict (a coin flip to ±1 on each axis): the
  // novice can only learn the mean, so its proposals always differ from the expert's labels.
  const { learner, obsDim } = syntheticLearner(13);
  const rng = new Rng(9);
  for (let i = 0; i < 200; i++) {
    const obs = randomObs(rng, obsDim);
    const action = Float32Array.from([0, 1], () => (rng.next() < 0.5 ? -1 : 1));
    learner.observe(syntheticTransition(obs, action));
  }
  learner.initialFit();
  let humanQ = 0;
  let noviceQ = 0;
  const probes = 50;
  for (let i = 0; i < probes; i++) {
    const obs = randomObs(rng, obsDim);
    humanQ +=
      learner.q(
        obs,
        Float32Array.from([0, 1], () => (rng.next() < 0.5 ? -1 : 1)),
      )[0] / probes;
    noviceQ += learner.q(obs, learner.act(obs))[0] / probes;
  }
  assert.ok(humanQ < -0.3, `Q_c(s, a_h) should approach −1, got ${humanQ}`);
  assert.ok(noviceQ > 0.3, `Q_c(s, π(s)) should approach +1, got ${noviceQ}`);
  learner.dispose();
});

test('online updates follow the cadence and keep the tensor count flat', () => {
  const { learner, expert, obsDim } = syntheticLearner(11);
  const rng = new Rng(5);
  const add = (intervention: boolean) => {
    const obs = randomObs(rng, obsDim);
    const action = expert(obs);
    learner.observe(syntheticTransition(obs, action, intervention));
  };
  for (let i = 0; i < 20; i++) add(true);
  learner.initialFit();
  learner.afterStep(); // settles the optimizers' slot variables
  const tensors = tf.memory().numTensors;
  const reports = [];
  for (let i = 0; i < 12; i++) {
    add(i % 2 === 0);
    reports.push(learner.afterStep());
  }
  // Six new labels with cadence 5: one BC round and one proxy-Q round, on the fifth new label.
  assert.equal(reports.filter((r) => r.policyUpdated).length, 1);
  assert.equal(
    reports.reduce((n, r) => n + r.qSteps, 0),
    5,
  );
  assert.equal(tf.memory().numTensors, tensors, 'no tensors leak across updates');
  learner.dispose();
});

function observeExpert(
  learner: AimLearner,
  expert: (obs: Float32Array) => Float32Array,
  rng: Rng,
  obsDim: number,
  count: number,
  intervention: (i: number) => boolean,
): void {
  for (let i = 0; i < count; i++) {
    const obs = randomObs(rng, obsDim);
    const action = expert(obs);
    learner.observe({
      obs,
      nextObs: randomObs(rng, obsDim),
      noviceAction: action,
      appliedAction: action,
      intervention: intervention(i),
      interventionStart: false,
      done: i % 10 === 9,
      success: false,
    });
  }
}

test('with the TD term, the target network follows the proxy Q by Polyak averaging at rate τ', () => {
  const tau = 0.25;
  const { learner, expert, obsDim } = syntheticLearner(21, { td: { gamma: 0.99, tau }, initialRounds: 1 });
  const target = learner.proxyQTarget;
  assert.ok(target);
  const weight = (model: tf.LayersModel) => Array.from(trainableVariables(model)[0].dataSync().slice(0, 5));
  const start = weight(learner.proxyQ);
  assert.deepEqual(weight(target), start, 'the target starts as a copy');
  observeExpert(learner, expert, new Rng(2), obsDim, 40, (i) => i % 2 === 0);
  learner.initialFit(); // one proxy-Q step
  const online = weight(learner.proxyQ);
  const expected = online.map((w, i) => tau * w + (1 - tau) * start[i]);
  weight(target).forEach((w, i) => assert.ok(Math.abs(w - expected[i]) < 1e-6, `${w} vs ${expected[i]}`));
  assert.notDeepEqual(online, start, 'the proxy Q moved');
  // Rounds with the TD term keep the tensor count flat too.
  learner.afterStep();
  const tensors = tf.memory().numTensors;
  observeExpert(learner, expert, new Rng(3), obsDim, 12, () => true);
  for (let i = 0; i < 3; i++) learner.afterStep();
  assert.equal(tf.memory().numTensors, tensors);
  learner.dispose();
});

test('a learner restored from another’s state continues its schedule', () => {
  const { learner, expert, obsDim } = syntheticLearner(31);
  observeExpert(learner, expert, new Rng(4), obsDim, 20, () => true);
  learner.initialFit();
  const state = learner.state();
  const copy = syntheticLearner(32).learner;
  observeExpert(copy, expert, new Rng(4), obsDim, 20, () => true);
  copy.restoreState(state);
  assert.equal(copy.switchToRobotThreshold, state.epsilon);
  // Five more labels make a round due in both (cadence 5).
  for (const l of [learner, copy]) observeExpert(l, expert, new Rng(5), obsDim, 5, () => true);
  assert.equal(copy.afterStep().policyUpdated, learner.afterStep().policyUpdated);
  assert.throws(() => syntheticLearner(33).learner.state(), /before its initial fit/);
  learner.dispose();
  copy.dispose();
});

test('the recomputed threshold is the (1 − δ) quantile of Q at stored novice actions', () => {
  const { learner, expert, obsDim } = syntheticLearner(41);
  const rng = new Rng(6);
  observeExpert(learner, expert, rng, obsDim, 20, () => true);
  learner.initialFit();
  // One novice transition repeated: every sampled Q value is the same, and so is the quantile.
  const obs = randomObs(rng, obsDim);
  const action = Float32Array.from([0.3, -0.2]);
  for (let i = 0; i < 40; i++) learner.observe(syntheticTransition(obs, action, false));
  const q = learner.q(obs, action)[0];
  assert.ok(Math.abs(learner.recomputedThreshold(0.05) - q) < 1e-5);
  learner.dispose();
});
