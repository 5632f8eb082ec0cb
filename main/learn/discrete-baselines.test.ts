// The grid's baselines (aim-algorithm.md §5.2, §6): MiniGrid PVP is PVP-DQN and MiniGrid HG-DAgger a
// cross-entropy classifier of the behaviour action, both human-gated on a_n ≠ a_e. Their losses on
// hand-made values, and learners that pick up the expert's action from its takeovers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.ts';
import type { Transition } from './buffer.ts';
import { DISCRETE_AIM_DEFAULTS } from './discrete-aim.ts';
import { behaviourCrossEntropy, DiscreteHgDaggerLearner } from './discrete-hg-dagger.ts';
import type { DiscreteQLearner } from './discrete-q.ts';
import { MismatchGate } from './hg-dagger.ts';
import { PvpDqnLearner } from './pvp-dqn.ts';
import { createGridEnv } from '../sim/grid/index.ts';

before(async () => {
  await selectBackend('wasm');
});

test('the grid’s human gate takes over exactly where the novice’s action differs from the expert’s', () => {
  const gate = new MismatchGate();
  assert.deepEqual(gate.signals, { q: false, novelty: false });
  // The runner's discrepancy for one-number actions: (a_n − a_e)².
  const same = gate.step({ q: null, discrepancy: (2 - 2) ** 2 });
  assert.equal(same.mode, 'robot');
  assert.equal(same.expertInvolved, true, 'the human watches every step');
  const differs = gate.step({ q: null, discrepancy: (5 - 2) ** 2 });
  assert.equal(differs.mode, 'human');
  assert.equal(differs.humanGated, true);
  assert.equal(differs.helpRequested, false, 'the robot did not ask');
  assert.equal(gate.step({ q: null, discrepancy: 1 }).mode, 'human', 'one action off is off');
  assert.equal(gate.step({ q: null, discrepancy: 0 }).handedBack, true);
});

test('HG-DAgger’s loss is the cross-entropy of softmax(Q) against the behaviour action', async () => {
  // Q = (0, ln 3) over two actions: softmax (1/4, 3/4). Behaviour 1 costs −ln ¾, behaviour 0 −ln ¼.
  const q = tf.tensor2d([0, Math.log(3), 0, Math.log(3)], [2, 2]);
  const behaviour = tf.tensor2d([0, 1, 1, 0], [2, 2]);
  const loss = behaviourCrossEntropy(q, behaviour).dataSync()[0];
  assert.ok(Math.abs(loss - (-Math.log(0.75) - Math.log(0.25)) / 2) < 1e-6, `loss ${loss}`);
  tf.dispose([q, behaviour]);
});

const small = {
  ...DISCRETE_AIM_DEFAULTS,
  halfBatch: 8,
  gradientSteps: 4,
  learningRate: 1e-3,
  learningStarts: 2,
};

/** Six takeovers where the expert turned left (0) instead of the novice's forward (2), and one agent step. */
function teach(learner: DiscreteQLearner): Float32Array {
  const env = createGridEnv();
  const obs = env.reset(4);
  const next = env.step([2]).obs;
  const step = (intervention: boolean, novice: number, applied: number, start: boolean): Transition => ({
    obs: intervention ? obs : next,
    nextObs: next,
    noviceAction: [novice],
    appliedAction: [applied],
    intervention,
    interventionStart: start,
    done: false,
    success: false,
  });
  for (let i = 0; i < 6; i++) learner.observe(step(true, 2, 0, i === 0));
  learner.observe(step(false, 1, 1, false));
  return obs;
}

for (const [name, create] of [
  ['PVP-DQN', (seed: number) => new PvpDqnLearner({ ...small, seed })],
  ['discrete HG-DAgger', (seed: number) => new DiscreteHgDaggerLearner({ ...small, seed })],
] as const) {
  test(`${name} picks up the expert’s action from its takeovers, training after every step`, () => {
    const learner = create(1);
    assert.equal(learner.proxyQ, null, 'no critic: the human gates');
    const fit = learner.initialFit();
    assert.deepEqual([fit.epsilon, fit.heldOutQ.length], [0, 0], 'nothing to fit when the gate starts');
    const obs = teach(learner);
    assert.deepEqual(learner.afterStep(), { bcSteps: 4, qSteps: 0, policyUpdated: true });
    const tensors = tf.memory().numTensors; // Adam made its moment estimates on the first steps
    for (let i = 0; i < 60; i++) learner.afterStep();
    assert.equal(tf.memory().numTensors, tensors, 'the tensor count stays flat');
    assert.equal(learner.act(obs)[0], 0);
    learner.dispose();
  });
}
