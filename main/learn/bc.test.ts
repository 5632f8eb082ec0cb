// Offline BC: before each evaluation it trains a fresh actor on the demonstrations so far.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AIM_REFERENCE_DEFAULTS } from './aim.ts';
import { selectBackend } from './backend.ts';
import { syntheticTransition } from './buffer.ts';
import { OfflineBcLearner } from './bc.ts';

test('offline BC fits the first N demonstrations from scratch before it is evaluated', async () => {
  await selectBackend('auto');
  const config = {
    ...AIM_REFERENCE_DEFAULTS,
    obsDim: 3,
    actionDim: 2,
    actorHidden: [16],
    batchSize: 32,
    learningRate: 1e-2,
    seed: 5,
  };
  const learner = new OfflineBcLearner(config, 300);
  // The demonstrated policy: a = (0.5·x0, −0.5·x1).
  const states = Array.from({ length: 40 }, (_, k) => [Math.sin(k), Math.cos(k), 1]);
  for (const s of states) learner.observe(syntheticTransition(s, [0.5 * s[0], -0.5 * s[1]]));
  const probe = Float32Array.from(states.flat());
  const error = () => {
    const actions = learner.act(probe, states.length);
    return states.reduce(
      (sum, s, k) => sum + (actions[2 * k] - 0.5 * s[0]) ** 2 + (actions[2 * k + 1] + 0.5 * s[1]) ** 2,
      0,
    );
  };
  const untrained = error();
  const before = learner.actors[0];
  learner.prepareEvaluation();
  assert.notEqual(learner.actors[0], before, 'a freshly initialised actor');
  const trained = error();
  assert.ok(trained < untrained / 10, `error ${untrained.toFixed(3)} → ${trained.toFixed(3)}`);
  const same = learner.actors[0];
  learner.prepareEvaluation();
  assert.equal(learner.actors[0], same, 'no new demonstrations: nothing to refit');
  learner.dispose();
});
