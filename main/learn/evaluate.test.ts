import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy, type BatchPolicy } from './evaluate.ts';

/** Steers a little left at full throttle; a different steer per observation keeps episodes apart. */
const policy: BatchPolicy = (obs, count) => {
  const dim = obs.length / count;
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    out[2 * i] = 0.05 + 0.1 * obs[i * dim];
    out[2 * i + 1] = 1;
  }
  return out;
};

test('all unfinished episodes share one network call, and batching does not change the outcomes', () => {
  const calls: number[] = [];
  const batched = evaluatePolicy(
    (obs, count) => {
      calls.push(count);
      return policy(obs, count);
    },
    'driving',
    { start: 1000, count: 4 },
  );
  assert.equal(calls[1], 4, 'the first decision asks for all four episodes at once');
  assert.ok(
    calls.every((count, i) => i < 2 || count <= calls[i - 1]),
    'finished episodes drop out',
  );
  const oneByOne = [1000, 1001, 1002, 1003].map(
    (seed) => evaluatePolicy(policy, 'driving', { start: seed, count: 1 }).outcomes[0],
  );
  assert.deepEqual(batched.outcomes, oneByOne);
});

test('the metrics are the means over the episodes', () => {
  const result = evaluatePolicy(policy, 'driving', { start: 1000, count: 3 });
  const mean = (f: (o: (typeof result.outcomes)[number]) => number) =>
    result.outcomes.reduce((s, o) => s + f(o), 0) / 3;
  assert.equal(result.episodes, 3);
  assert.deepEqual(result.seeds, { start: 1000, count: 3 });
  assert.equal(
    result.successRate,
    mean((o) => +o.success),
  );
  assert.equal(
    result.crashRate,
    mean((o) => +o.crash),
  );
  assert.equal(
    result.outOfRoadRate,
    mean((o) => +o.outOfRoad),
  );
  assert.equal(
    result.meanReturn,
    mean((o) => o.return),
  );
  assert.equal(
    result.meanCost,
    mean((o) => o.cost),
  );
  assert.equal(
    result.routeCompletion,
    mean((o) => o.routeCompletion),
  );
  assert.ok(result.outcomes.every((o) => !o.success && o.length > 0));
  assert.throws(() => evaluatePolicy(policy, 'toy', { start: 0, count: 0 }), /positive count/);
});
