import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createToyEnv } from './index.ts';
import { createDrivingExpert } from '../../experts/driving-expert.ts';

test('toy env: COT map, one scenario, 259-d observation in [0, 1]', () => {
  const env = createToyEnv();
  const obs = env.reset(0);
  assert.equal(obs.length, 259);
  for (const v of obs) assert.ok(v >= 0 && v <= 1);
  const scene = env.scene();
  assert.equal(scene.kind, 'road');
  const names = new Set(scene.regions.map((r) => r.name));
  assert.ok(['C1 (curve)', 'O2 (roundabout)', 'T3 (T-junction)'].every((n) => names.has(n)));
  // Any seed gives the same scenario.
  const again = env.reset(7);
  assert.deepEqual(Array.from(again), Array.from(obs));
});

test('toy env: the scripted expert drives to the destination', () => {
  const env = createToyEnv();
  const expert = createDrivingExpert(env);
  env.reset(0);
  expert.reset();
  let last;
  for (let i = 0; i < 1500; i++) {
    last = env.step(expert.act());
    if (last.terminated || last.truncated) break;
  }
  assert.ok(last);
  assert.equal(last.info.arriveDest, true);
  assert.ok(last.info.routeCompletion > 0.9);
});
