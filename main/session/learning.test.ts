// The learning smoke test: a short AIM session on the toy scenario, with the real learner thread and
// smaller networks, must leave a novice that acts much more like the expert along the part of the
// expert's route that warm-up showed it, and that drives off and earns return there. Driving the
// whole scenario takes thousands of steps at full size: the result runs in results/ measure that
// as background benchmarks, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AsyncLearner } from '../learn/async-learner.ts';
import type { PolicyEvalResult } from '../learn/evaluate.ts';
import { createEnvSetup } from './environments.ts';
import { sessionHarness } from './test-support.ts';

/** The first `length` decisions of the expert's deterministic drive through the toy scenario. */
function expertRoute(length: number): { obs: Float32Array[]; actions: Float64Array[] } {
  const { env, expert, seedFor } = createEnvSetup('toy', 0);
  const route = { obs: [env.reset(seedFor(0))], actions: [] as Float64Array[] };
  expert.reset();
  for (;;) {
    const action = expert.act();
    route.actions.push(action);
    const result = env.step(action);
    if (result.terminated || result.truncated || route.actions.length === length) return route;
    route.obs.push(result.obs);
  }
}

/** mean over the route of mean_dims (π(s) − a_expert)². */
function imitationError(learner: AsyncLearner, route: ReturnType<typeof expertRoute>): number {
  const errors = route.obs.map((obs, i) => {
    const action = learner.act(obs);
    return ((action[0] - route.actions[i][0]) ** 2 + (action[1] - route.actions[i][1]) ** 2) / 2;
  });
  return errors.reduce((a, b) => a + b, 0) / errors.length;
}

test('a short AIM session on the toy scenario brings the novice closer to the expert', async () => {
  const evaluations: PolicyEvalResult[] = [];
  const h = await sessionHarness({
    config: { warmup: 250, steps: 400, batchSize: 64, seed: 1, evalEvery: 1000, evalEpisodes: 1 },
    learner: { actorHidden: [64, 64], qHidden: [64, 64], learningRate: 1e-3, initialRounds: 100 },
    hooks: { evaluated: (_at, result) => evaluations.push(result) },
  });
  try {
    const route = expertRoute(200);
    const untrained = await h.learner.evaluate({ step: 0, expertSteps: 0 });
    const untrainedError = imitationError(h.learner, route);
    const end = await h.runner.run();
    assert.equal(end.status, 'finished');
    const trained = evaluations.at(-1);
    assert.ok(trained, 'the session ends with an evaluation');
    const trainedError = imitationError(h.learner, route);
    assert.ok(
      trainedError < untrainedError / 2,
      `imitation error ${untrainedError.toFixed(3)} → ${trainedError.toFixed(3)}`,
    );
    assert.ok(
      trained.meanReturn > 5,
      `return ${untrained.meanReturn.toFixed(1)} → ${trained.meanReturn.toFixed(1)}`,
    );
  } finally {
    await h.finish();
  }
});
