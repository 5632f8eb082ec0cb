// The learner on its own thread, for real: transitions go in, weights come back after the fit and
// every round, the loop's inference copies follow, and tensors stay flat on both threads.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { AIM_REFERENCE_DEFAULTS } from './aim.ts';
import { AsyncLearner, LearnerError, learnerWorkerUrl } from './async-learner.ts';
import { syntheticTransition } from './buffer.ts';
import { selectBackend } from './backend.ts';
import { loadWeightsInto } from './checkpoint.ts';
import type { WorkerSetup } from './learner-protocol.ts';
import { createActor } from './networks.ts';
import type { BackendName } from '../contract/session-config.ts';
import { Rng } from '../sim/random.ts';

const OBS = 259;
let backend: BackendName;

before(async () => {
  backend = await selectBackend('auto');
});

function setup(overrides: Partial<WorkerSetup> = {}): WorkerSetup {
  return {
    backend,
    method: 'aim',
    learner: {
      ...AIM_REFERENCE_DEFAULTS,
      obsDim: OBS,
      actionDim: 2,
      actorHidden: [16],
      qHidden: [16],
      batchSize: 16,
      initialRounds: 4,
      cadence: { every: 5, qSteps: 3, bcRounds: 2, refireWhileIdle: false },
      seed: 3,
    },
    delta: 0.05,
    recomputeThreshold: false,
    evaluation: { env: 'toy', seeds: { start: 0, count: 2 } },
    restore: null,
    ...overrides,
  };
}

let step = 0;
function send(learner: AsyncLearner, rng: Rng, count: number, intervention: boolean): void {
  for (let i = 0; i < count; i++) {
    const obs = Float32Array.from({ length: OBS }, () => rng.next());
    const action = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    step++;
    learner.observe(syntheticTransition(obs, action, intervention), { step, expertSteps: step });
  }
}

test('transitions go in, the fit and each round send weights back, and the inference copy follows', async () => {
  const learner = await AsyncLearner.start(setup());
  const rng = new Rng(1);
  send(learner, rng, 20, true);
  assert.ok(learner.lag > 0, 'nothing is trained on before the worker has taken it in');
  learner.initialFit({ step, expertSteps: step });
  await learner.settled();
  assert.equal(learner.lag, 0);
  const [fit, ...rest] = learner.takeUpdates();
  assert.equal(rest.length, 0);
  assert.equal(fit.kind, 'fit');
  if (fit.kind !== 'fit') return;
  assert.equal(fit.heldOutQ.length, 2, 'the last 10% of 20 warm-up transitions');
  assert.ok(fit.epsilon >= 0);
  assert.equal(fit.at.step, 20);
  // The loop's copy acts exactly as the weights the worker sent.
  const copy = createActor(OBS, 2, [16], 99);
  loadWeightsInto(copy, fit.weights.actor, 'the fit');
  const obs = Float32Array.from({ length: OBS }, () => rng.next());
  const expected = tf.tidy(() =>
    Array.from((copy.predict(tf.tensor2d(obs, [1, OBS])) as tf.Tensor).dataSync()),
  );
  assert.deepEqual(Array.from(learner.act(obs)), expected);
  copy.dispose();
  // Five new labels make a round due (cadence 5): BC and proxy-Q steps, and new weights.
  send(learner, rng, 3, false);
  send(learner, rng, 5, true);
  await learner.settled();
  const rounds = learner.takeUpdates();
  assert.equal(rounds.length, 1);
  assert.equal(rounds[0].kind, 'round');
  if (rounds[0].kind === 'round') {
    assert.deepEqual([rounds[0].report.bcSteps, rounds[0].report.qSteps], [2 * 5, 3]);
    assert.equal(rounds[0].at.step, step);
  }
  assert.notDeepEqual(Array.from(learner.act(obs)), expected, 'the round’s weights are in use');
  const evaluation = await learner.evaluate({ step, expertSteps: step });
  assert.equal(evaluation.episodes, 2);
  assert.equal(evaluation.env, 'toy');
  await learner.close();
});

test('tensor counts stay flat on both threads over many rounds', async () => {
  const learner = await AsyncLearner.start(setup());
  const rng = new Rng(2);
  send(learner, rng, 20, true);
  learner.initialFit({ step, expertSteps: step });
  send(learner, rng, 5, true);
  await learner.settled();
  learner.takeUpdates();
  const main = tf.memory().numTensors;
  const worker = learner.workerTensors;
  for (let round = 0; round < 15; round++) {
    send(learner, rng, 5, true);
    send(learner, rng, 7, false);
    learner.act(new Float32Array(OBS));
    learner.q(new Float32Array(OBS), [0, 0]);
  }
  await learner.settled();
  assert.equal(learner.takeUpdates().length, 15);
  assert.equal(tf.memory().numTensors, main, 'the loop’s thread');
  assert.equal(learner.workerTensors, worker, 'the learner’s thread');
  await learner.close();
});

test('a worker that cannot start says why', async () => {
  const bad = setup();
  const weights = await AsyncLearner.start(bad).then(async (l) => {
    const w = l.latestWeights;
    await l.close();
    return w;
  });
  const mismatched = setup({
    learner: { ...bad.learner, actorHidden: [8] },
    restore: {
      weights,
      state: { epsilon: 0.1, nextPolicyUpdate: 5, lastQRoundAt: 0 },
      transitions: {
        count: 0,
        obs: new Float32Array(),
        nextObs: new Float32Array(),
        noviceAction: new Float32Array(),
        appliedAction: new Float32Array(),
        flags: new Uint8Array(),
      },
    },
  });
  await assert.rejects(
    AsyncLearner.start(mismatched),
    (error: Error) =>
      error instanceof LearnerError && /the checkpoint’s actor has weights of shapes/.test(error.message),
  );
});

test('the worker is found beside the module: the source under Node, the bundle in Electron', async () => {
  assert.match(learnerWorkerUrl().pathname, /main\/learn\/learner-worker\.ts$/);
  assert.equal(
    learnerWorkerUrl('file:///opt/aim/dist/electron/main.cjs').href,
    'file:///opt/aim/dist/electron/learner-worker.cjs',
  );
});

const bundled = new URL('../../dist/electron/learner-worker.cjs', import.meta.url);
test(
  'the bundled worker (npm run build) trains like the source',
  { skip: !existsSync(fileURLToPath(bundled)) && 'dist/electron/learner-worker.cjs is not built' },
  async () => {
    const learner = await AsyncLearner.start(setup(), bundled);
    send(learner, new Rng(4), 20, true);
    learner.initialFit({ step, expertSteps: step });
    await learner.settled();
    assert.equal(learner.takeUpdates()[0]?.kind, 'fit');
    await learner.close();
  },
);
