// The driving simulator against the "Done when" list: observation range, acceleration,
// lane keeping to the destination, out-of-route, determinism, bad input; plus geometry and lidar.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionError, EnvConfigError } from '../env.ts';
import { Rng } from '../random.ts';
import { DrivingEnv } from './driving-env.ts';
import { boxesOverlap, rayBox, rayCircle } from './geometry.ts';
import { castLidar, type LidarTarget } from './lidar.ts';
import { laneKeeperAction } from './lane-keeper.ts';
import { generateMap, parseMapString } from './map.ts';
import { createDrivingEnv } from './index.ts';

test('observation: 259 values, all in [0, 1], over random rollouts with traffic and obstacles', () => {
  const env = new DrivingEnv();
  const rng = new Rng(3);
  for (const seed of [1000, 1001, 1002]) {
    let obs = env.reset(seed);
    for (let t = 0; t < 300; t++) {
      assert.equal(obs.length, 259);
      for (let i = 0; i < 259; i++)
        assert.ok(obs[i] >= 0 && obs[i] <= 1, `obs[${i}] = ${obs[i]} at seed ${seed} step ${t}`);
      // Mostly forward so the car meets traffic, with random steering.
      const r = env.step([rng.uniform(-0.6, 0.6), rng.uniform(-0.2, 1)]);
      obs = r.obs;
      if (r.terminated || r.truncated) obs = env.reset(seed + 100);
    }
  }
});

test('observation quirks: steering feature ≈ 0.5, straight navigation features 0 / 0.5 / 0.5', () => {
  const env = new DrivingEnv({ map: 'S', trafficDensity: 0, accidentProb: 0 });
  env.reset(5);
  const obs = env.step([1, 0]).obs;
  assert.ok(Math.abs(obs[4] - 0.5) < 0.01, `steering feature ${obs[4]}`);
  assert.equal(obs[5], 1);
  assert.equal(obs[6], 0.5);
  // The first two route roads are straight.
  assert.deepEqual([obs[11], obs[12], obs[13]], [0, 0.5, 0.5]);
  // Heading aligned with the lane, so feature 2 is 0.5 before steering took effect … roughly.
  assert.ok(Math.abs(obs[2] - 0.5) < 0.05);
});

test('vehicle: 0 → 80 km/h at full throttle in 75–90 decisions', () => {
  const env = new DrivingEnv({ map: 'SSS', trafficDensity: 0, accidentProb: 0 });
  env.reset(1);
  let steps = 0;
  while (env.ego().speed < 80 / 3.6 - 1e-6 && steps < 200) {
    const r = env.step([0, 1]);
    assert.equal(r.terminated, false, 'still on the road');
    steps++;
  }
  assert.ok(steps >= 75 && steps <= 90, `${steps} decisions`);
  // The engine is cut above 80 km/h.
  for (let k = 0; k < 10; k++) env.step([0, 1]);
  assert.ok(env.ego().speed < 80 / 3.6 + 0.2);
});

test('vehicle: braking never reverses', () => {
  const env = new DrivingEnv({ map: 'S', trafficDensity: 0, accidentProb: 0 });
  env.reset(1);
  for (let k = 0; k < 20; k++) env.step([0, 1]);
  for (let k = 0; k < 40; k++) env.step([0, -1]);
  assert.equal(env.ego().speed, 0);
});

test('a perfect lane keeper on a straight map without traffic arrives with route completion ≈ 1', () => {
  const env = new DrivingEnv({ map: 'SS', trafficDensity: 0, accidentProb: 0 });
  for (const seed of [0, 1, 2]) {
    env.reset(seed);
    const lane = env.lane.index;
    let last;
    for (let t = 0; t < 1500; t++) {
      last = env.step(laneKeeperAction(env, lane, 50));
      if (last.terminated || last.truncated) break;
    }
    assert.ok(last);
    assert.equal(last.info.arriveDest, true, `seed ${seed}`);
    assert.equal(last.reward, 10);
    assert.ok(
      Math.abs(last.info.routeCompletion - 1) < 0.04,
      `route completion ${last.info.routeCompletion}`,
    );
    assert.equal(last.info.episodeCost, 0);
  }
});

test('crossing the centre line ends the episode as out-of-route', () => {
  const env = new DrivingEnv({ map: 'S', trafficDensity: 0, accidentProb: 0 });
  env.reset(4);
  let last;
  for (let t = 0; t < 200; t++) {
    // Drift left: the oncoming lanes are still lanes, so only the route check can end this.
    last = env.step([0.08, 0.4]);
    if (last.terminated) break;
  }
  assert.ok(last?.terminated);
  assert.equal(last.info.outOfRoute, true);
  assert.equal(last.info.outOfRoad, true);
  assert.equal(env.flags.onLane, true, 'the car is on the oncoming lanes, not off the road');
  assert.equal(last.reward, -5);
  assert.equal(last.cost, 1);
});

test('determinism: the same seed and actions give bit-identical trajectories', () => {
  const run = () => {
    const env = createDrivingEnv() as DrivingEnv;
    const rng = new Rng(11);
    const trace: number[] = [];
    env.reset(1003);
    for (let t = 0; t < 200; t++) {
      const r = env.step([rng.uniform(-0.3, 0.3), rng.uniform(0, 1)]);
      trace.push(...r.obs, r.reward, env.ego().x, env.ego().y, env.ego().heading);
      for (const a of env.actors()) trace.push(a.x, a.y, a.heading);
      if (r.terminated) env.reset(1004);
    }
    return trace;
  };
  assert.deepEqual(run(), run());
});

test('maps: every block type generates; seeds are cached; train and eval maps differ', () => {
  for (const letter of ['S', 'C', 'X', 'T', 'O', 'r', 'R']) {
    const map = generateMap({ map: letter.repeat(3), lanes: 3, laneWidth: 3.5 }, 7);
    assert.deepEqual(
      map.blocks.map((b) => b.type),
      ['I', letter, letter, letter],
    );
  }
  const env = new DrivingEnv();
  assert.equal(env.mapFor(1000), env.mapFor(1000));
  const a = env
    .mapFor(100)
    .map.blocks.map((b) => b.type)
    .join('');
  const b = env
    .mapFor(1000)
    .map.blocks.map((b) => b.type)
    .join('');
  assert.equal(env.mapFor(100).map.blocks.length, 4);
  assert.ok(a !== b || env.mapFor(100).map.bounds.maxX !== env.mapFor(1000).map.bounds.maxX);
});

test('scene: lanes, yellow and white markings, road and sidewalk surfaces, route and regions', () => {
  const env = new DrivingEnv({ map: 'CXO' });
  env.reset(2);
  const scene = env.scene();
  assert.ok(scene.lanes.length > 20);
  assert.ok(scene.markings.some((m) => m.color === 'yellow' && !m.dashed));
  assert.ok(scene.markings.some((m) => m.color === 'white' && m.dashed));
  assert.ok(scene.surfaces.some((s) => s.kind === 'sidewalk'));
  assert.ok(scene.route.length > 10);
  assert.deepEqual([...new Set(scene.regions.map((r) => r.name))].sort(), [
    'C1 (curve)',
    'I0 (start)',
    'O3 (roundabout)',
    'X2 (intersection)',
  ]);
  assert.deepEqual(scene.ego, { length: 4.515, width: 1.852 });
});

test('bad input: unknown and unsupported blocks, impossible strings, malformed config, actions', () => {
  assert.throws(
    () => parseMapString('CQT'),
    (e: Error) => e instanceof EnvConfigError && /"Q"/.test(e.message) && /position 2/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ map: 'CzT' }),
    (e: Error) => e instanceof EnvConfigError && /"z"/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ map: 'CY' }),
    (e: Error) => e instanceof EnvConfigError && /split/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ map: 'CIT' }),
    (e: Error) => e instanceof EnvConfigError && /"I"/.test(e.message),
  );
  assert.throws(() => createDrivingEnv({ map: '' }), EnvConfigError);
  assert.throws(
    () => createDrivingEnv({ map: 'S'.repeat(61) }),
    (e: Error) => e instanceof EnvConfigError && /at most 60/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ map: 0 }),
    (e: Error) => e instanceof EnvConfigError && /map/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ lanes: 0 }),
    (e: Error) => e instanceof EnvConfigError && /"lanes"/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ trafficDensity: Number.NaN }),
    (e: Error) => e instanceof EnvConfigError && /"trafficDensity"/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ horizon: '9' as unknown as number }),
    (e: Error) => e instanceof EnvConfigError && /"horizon"/.test(e.message),
  );
  assert.throws(
    () => createDrivingEnv({ lane_width: 3 } as never),
    (e: Error) => e instanceof EnvConfigError && /"lane_width"/.test(e.message),
  );

  const env = new DrivingEnv({ map: 'S', trafficDensity: 0, accidentProb: 0 });
  env.reset(0);
  const r = env.step([5, -7]);
  assert.equal(r.obs[5], 1);
  assert.equal(r.obs[6], 0);
  const before = env.ego();
  assert.throws(() => env.step([Number.NaN, 0]), ActionError);
  assert.throws(() => env.step(['1', 0] as unknown as number[]), ActionError);
  assert.throws(() => env.step([0]), ActionError);
  assert.deepEqual(env.ego(), before, 'a rejected action leaves the state untouched');
});

test('geometry: oriented box overlap, ray–box and ray–circle distances', () => {
  const a = { x: 0, y: 0, heading: 0, halfLength: 2, halfWidth: 1 };
  assert.equal(boxesOverlap(a, { x: 3.9, y: 0, heading: 0, halfLength: 2, halfWidth: 1 }), true);
  assert.equal(boxesOverlap(a, { x: 4.1, y: 0, heading: 0, halfLength: 2, halfWidth: 1 }), false);
  assert.equal(
    boxesOverlap(a, { x: 2.5, y: 2.5, heading: Math.PI / 4, halfLength: 1, halfWidth: 0.2 }),
    false,
  );
  assert.ok(
    Math.abs(rayBox(0, 0, 1, 0, { x: 10, y: 0, heading: Math.PI / 2, halfLength: 1, halfWidth: 0.5 }) - 9.5) <
      1e-9,
  );
  assert.equal(rayBox(0, 0, -1, 0, { x: 10, y: 0, heading: 0, halfLength: 1, halfWidth: 1 }), Infinity);
  assert.ok(Math.abs(rayCircle(0, 0, 0, 1, 0, 5, 1) - 4) < 1e-9);
});

test('lidar: 240 rays counter-clockwise from the heading, 50 m, hit distance / 50', () => {
  const targets: LidarTarget[] = [
    { x: 10, y: 0, heading: 0, halfLength: 1, halfWidth: 1, radius: 0 }, // ahead: 9 m
    { x: 0, y: 5, heading: 0, halfLength: 0, halfWidth: 0, radius: 1 }, // left (ray 60): 4 m
    { x: 0, y: -80, heading: 0, halfLength: 1, halfWidth: 1, radius: 0 }, // out of range
  ];
  const out = new Float32Array(240);
  castLidar(0, 0, 0, targets, targets.length, out, 0, new Float64Array(240));
  assert.ok(Math.abs(out[0] - 9 / 50) < 1e-6);
  assert.ok(Math.abs(out[60] - 4 / 50) < 1e-6);
  assert.equal(out[120], 1);
  assert.equal(out[180], 1);
  // Rotating the ego by 90° turns the same world target into the ray behind it.
  castLidar(0, 0, Math.PI / 2, targets, targets.length, out, 0, new Float64Array(240));
  assert.ok(Math.abs(out[0] - 4 / 50) < 1e-6);
  assert.ok(Math.abs(out[180] - 9 / 50) < 1e-6);
});

test('scene and actors satisfy the contract schema', async () => {
  const { roadSceneSchema } = await import('../../contract/scene.ts');
  const env = new DrivingEnv({ map: 'XrO' });
  env.reset(1000);
  assert.doesNotThrow(() => roadSceneSchema.parse(env.scene()));
  for (let t = 0; t < 5; t++) env.step([0, 1]);
  const kinds = new Set(env.actors().map((a) => a.kind));
  for (const k of kinds) assert.ok(['vehicle', 'cone', 'triangle', 'barrier'].includes(k));
});

test('benchDrivingSim returns its figures (speed itself is measured by `aim bench sim`)', async () => {
  const { benchDrivingSim } = await import('./bench.ts');
  const r = benchDrivingSim({ env: 'toy', steps: 50, maps: 2 });
  assert.equal(r.steps, 50);
  assert.ok(r.stepsPerSecond > 0 && r.resetsPerSecond > 0 && r.mapGenerationMs > 0);
  assert.throws(() => benchDrivingSim({ steps: 0 }), RangeError);
});
