// The scripted driving expert: every block type is drivable, its action distribution is the
// paper's Gaussian, it is deterministic, and it keeps no memory between decisions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DrivingEnv } from '../sim/driving/driving-env.ts';
import { createDrivingEnv, createToyEnv } from '../sim/driving/index.ts';
import { Rng } from '../sim/random.ts';
import { createDrivingExpert } from './driving-expert.ts';
import { evaluateExpert } from './driving-eval.ts';
import { noiselessExpert } from './expert.ts';

function drive(env: DrivingEnv, seed: number) {
  const expert = createDrivingExpert(env);
  env.reset(seed);
  expert.reset();
  for (;;) {
    const r = env.step(expert.act());
    if (r.terminated || r.truncated) return r.info;
  }
}

test('every block type is drivable by the expert, with traffic and obstacles', () => {
  for (const letter of ['S', 'C', 'X', 'T', 'O', 'r', 'R']) {
    const env = new DrivingEnv({ map: letter.repeat(2) });
    for (const seed of [1, 2]) {
      const info = drive(env, seed);
      assert.equal(info.arriveDest, true, `map ${letter.repeat(2)} seed ${seed}: ${JSON.stringify(info)}`);
    }
  }
});

test('act is deterministic; sample adds clipped Gaussian noise; logDensity is that Gaussian', () => {
  const env = createToyEnv() as DrivingEnv;
  const expert = createDrivingExpert(env);
  env.reset(0);
  expert.reset();
  // Past the start, where the command is inside the action box and so equals the action.
  for (let k = 0; k < 30 || Math.abs(expert.act()[1]) >= 1; k++) env.step(expert.act());
  const a = expert.act();
  assert.deepEqual(Array.from(expert.act()), Array.from(a));
  const s1 = expert.sample(new Rng(5));
  const s2 = expert.sample(new Rng(5));
  assert.deepEqual(Array.from(s1), Array.from(s2));
  for (const v of s1) assert.ok(v >= -1 && v <= 1);
  const sigma = [0.136, 0.458];
  const peak = -Math.log(sigma[0]) - Math.log(sigma[1]) - Math.log(2 * Math.PI);
  assert.ok(Math.abs(expert.logDensity(a) - peak) < 1e-12);
  const off = expert.logDensity([a[0] + sigma[0], a[1]]);
  assert.ok(Math.abs(off - (peak - 0.5)) < 1e-12);
  // Empirical spread of the steering noise (before clipping matters little near the mean).
  const rng = new Rng(9);
  let sum = 0;
  let sq = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const d = expert.sample(rng)[0] - a[0];
    sum += d;
    sq += d * d;
  }
  const sd = Math.sqrt(sq / n - (sum / n) ** 2);
  assert.ok(Math.abs(sd - sigma[0]) < 0.01, `steering noise sd ${sd}`);
});

test('logDensity is centred on the unclipped command: standing still is unlikely under the expert', () => {
  const env = createToyEnv() as DrivingEnv;
  const expert = createDrivingExpert(env);
  env.reset(0);
  expert.reset();
  // At rest the controller asks for more than full throttle; the applied action is clipped to 1.
  assert.equal(expert.act()[1], 1);
  // PVP's fake human steps in below density 1 − 0.95 (§5.1): a novice that does not accelerate.
  assert.ok(Math.exp(expert.logDensity([expert.act()[0], 0])) < 0.05);
  assert.ok(expert.logDensity([expert.act()[0], 1]) < expert.logDensity([expert.act()[0], 2]));
});

test('a noiseless expert gives its deterministic action where a sample is asked for', () => {
  const env = createToyEnv() as DrivingEnv;
  const expert = createDrivingExpert(env);
  const noiseless = noiselessExpert(expert);
  env.reset(0);
  noiseless.reset();
  for (let k = 0; k < 20; k++) {
    const action = expert.act();
    assert.deepEqual(Array.from(noiseless.sample(new Rng(k))), Array.from(action));
    assert.notDeepEqual(Array.from(expert.sample(new Rng(k))), Array.from(action));
    assert.equal(noiseless.logDensity?.([0, 0]), expert.logDensity([0, 0]));
    env.step(action);
  }
});

test('the expert keeps no memory: in the state a noisy drive reached, a fresh expert acts the same', () => {
  // A novice drives where the expert would not (half-way between lanes, slow before a turn); its
  // labels must not depend on how it got there, or a memoryless network cannot imitate them. On
  // these seeds an expert that remembered its target lane disagreed within the first 70 steps.
  const env = createDrivingEnv() as DrivingEnv;
  const driver = createDrivingExpert(env);
  const rng = new Rng(1);
  for (const seed of [34, 1]) {
    env.reset(seed);
    driver.reset();
    for (let k = 0; k < 100; k++) {
      const action = Array.from(driver.act());
      assert.deepEqual(Array.from(createDrivingExpert(env).act()), action, `seed ${seed} step ${k}`);
      const r = env.step(driver.sample(rng));
      if (r.terminated || r.truncated) break;
    }
  }
});

test('evaluateExpert reports rates over a seed range', () => {
  const r = evaluateExpert({ env: 'toy', seeds: { start: 0, count: 2 } });
  assert.equal(r.episodes, 2);
  assert.equal(r.successRate, 1);
  assert.ok(r.routeCompletion > 0.9);
  assert.equal(r.outcomes.length, 2);
  assert.throws(() => evaluateExpert({ seeds: { start: 0, count: 0 } }), RangeError);
});

test('the expert refuses a non-driving environment', () => {
  const fake = { spec: { id: 'grid' } } as unknown as DrivingEnv;
  assert.throws(() => createDrivingExpert(fake), TypeError);
});
