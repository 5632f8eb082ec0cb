// The session configuration's defaults that follow the environment and preset (the contract's
// learningDefaults), as every host that starts a session sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionConfigSchema } from '../../main/contract/session-config.ts';

const knobs = (input: Record<string, unknown>) => {
  const { warmup, delta, batchSize } = sessionConfigSchema.parse(input);
  return { warmup, delta, batchSize };
};

test('session config: warm-up, δ and batch default by environment and preset; given values win', () => {
  assert.deepEqual(knobs({}), { warmup: 200, delta: 0.05, batchSize: 1024 });
  assert.deepEqual(knobs({ env: 'driving', preset: 'paper' }), { warmup: 200, delta: 0.05, batchSize: 1024 });
  // The grid's discrete AIM: the release's warm-up 400 and δ 0.1, or the paper-era 100 and 0.05; 100 + 100 per batch.
  assert.deepEqual(knobs({ env: 'grid' }), { warmup: 400, delta: 0.1, batchSize: 200 });
  assert.deepEqual(knobs({ env: 'grid', preset: 'paper' }), { warmup: 100, delta: 0.05, batchSize: 200 });
  assert.deepEqual(knobs({ env: 'grid', warmup: 50, batchSize: 32 }), {
    warmup: 50,
    delta: 0.1,
    batchSize: 32,
  });
  // A stored session holds every value, so parsing it again changes nothing.
  const stored = sessionConfigSchema.parse({ env: 'grid', delta: 0.2 });
  assert.deepEqual(sessionConfigSchema.parse(stored), stored);
});

test('session config: out-of-range knobs are still refused, naming the field', () => {
  const result = sessionConfigSchema.safeParse({ env: 'grid', warmup: 5 });
  assert.equal(result.success, false);
  assert.deepEqual(
    result.error?.issues.map((issue) => issue.path.join('.')),
    ['warmup'],
  );
  assert.equal(sessionConfigSchema.safeParse({ delta: 1 }).success, false);
});
