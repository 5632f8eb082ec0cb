// The learning smoke test: a short AIM session on the toy scenario, with the real learner thread and
// smaller networks, must leave a novice that acts much more like the expert along the part of the
// expert's route that warm-up showed it, and that drives off and earns return there. Driving the
// whole scenario takes thousands of steps at full size: the result runs in results/ measure that
// as background benchmarks, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sessionConfigSchema } from '../contract/session-config.ts';
import { AsyncLearner } from '../learn/async-learner.ts';
import { selectBackend } from '../learn/backend.ts';
import type { PolicyEvalResult } from '../learn/evaluate.ts';
import { aimLearnerConfig, resolveSessionConfig } from '../learn/presets.ts';
import { openDatabase } from '../store/database.ts';
import { createEnvSetup } from './environments.ts';
import { SessionRunner } from './runner.ts';

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
  const backend = await selectBackend('auto');
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-learning-'));
  const db = openDatabase(path.join(dir, 'test.db'));
  const config = resolveSessionConfig(
    sessionConfigSchema.parse({
      env: 'toy',
      pace: 'fast',
      warmup: 250,
      steps: 400,
      batchSize: 64,
      seed: 1,
      evalEvery: 1000,
      evalEpisodes: 1,
    }),
  );
  const setup = createEnvSetup(config.env, config.seed);
  const learner = await AsyncLearner.start({
    backend,
    learner: {
      ...aimLearnerConfig(config, setup.env.spec.obsShape[0], 2),
      actorHidden: [64, 64],
      qHidden: [64, 64],
      learningRate: 1e-3,
      initialRounds: 100,
    },
    delta: config.delta,
    recomputeThreshold: false,
    evaluation: { env: 'toy', seeds: { start: 0, count: 1 } },
    restore: null,
  });
  try {
    const route = expertRoute(200);
    const untrained = await learner.evaluate({ step: 0, expertSteps: 0 });
    const untrainedError = imitationError(learner, route);
    const evaluations: PolicyEvalResult[] = [];
    const sessionId = db.createSession({
      config,
      backend,
      appVersion: 'test',
      host: 'cli',
      pid: process.pid,
    });
    const recorder = db.recorder(sessionId);
    const runner = new SessionRunner({
      sessionId,
      config,
      backend,
      setup,
      learner,
      recorder,
      listener: { frame: () => undefined, event: () => undefined },
      hooks: { evaluated: (_at, result) => evaluations.push(result) },
    });
    const end = await runner.run();
    recorder.close();
    assert.equal(end.status, 'finished');
    const trained = evaluations.at(-1);
    assert.ok(trained, 'the session ends with an evaluation');
    const trainedError = imitationError(learner, route);
    assert.ok(
      trainedError < untrainedError / 2,
      `imitation error ${untrainedError.toFixed(3)} → ${trainedError.toFixed(3)}`,
    );
    assert.ok(
      trained.meanReturn > 5,
      `return ${untrained.meanReturn.toFixed(1)} → ${trained.meanReturn.toFixed(1)}`,
    );
  } finally {
    await learner.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
