// Step semantics, reward, termination, determinism, generation and configuration of the grid env.
// Tests run under node:test; the purity rule for sim/ and experts/ is meant for the code under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionError, EnvConfigError } from '../env.ts';
import {
  DONE,
  DOOR_CLOSED,
  DOOR_OPEN,
  DROP,
  FORWARD,
  LEFT,
  OBJ_DOOR,
  OBJ_EMPTY,
  OBJ_GOAL,
  PICKUP,
  RIGHT,
  TOGGLE,
} from './codes.ts';
import { createGridEnv } from './env.ts';

const corridor = (maxSteps?: number) =>
  createGridEnv({ layout: ['######', '#>..*#', '######'], ...(maxSteps ? { maxSteps } : {}) });

test('spec: 7 discrete actions, 12×7×7 observation, horizon 120', () => {
  const env = createGridEnv();
  assert.deepEqual(env.spec, {
    id: 'grid',
    obsShape: [12, 7, 7],
    actionSpace: { kind: 'discrete', n: 7 },
    decisionHz: 10,
    horizon: 120,
  });
});

test('turns change only the direction; left is dir − 1 and right is dir + 1, modulo 4', () => {
  const env = corridor();
  env.reset(0);
  const w = env.state();
  assert.equal(w.agentDir, 0);
  env.step([LEFT]);
  assert.equal(w.agentDir, 3);
  env.step([LEFT]);
  assert.equal(w.agentDir, 2);
  env.step([RIGHT]);
  env.step([RIGHT]);
  env.step([RIGHT]);
  assert.equal(w.agentDir, 1);
  assert.deepEqual([w.agentX, w.agentY], [1, 1]);
  assert.deepEqual(env.ego(), { x: 1, y: 1, heading: Math.PI / 2, speed: 0 });
});

test('toggle opens a closed door and closes an open one; forward passes only an open door', () => {
  const env = createGridEnv({ layout: ['######', '#>R.*#', '######'] });
  env.reset(0);
  const w = env.state();
  const door = w.index(2, 1);
  env.step([FORWARD]);
  assert.equal(w.agentX, 1, 'a closed door stops the agent');
  env.step([TOGGLE]);
  assert.equal(w.state[door], DOOR_OPEN);
  env.step([TOGGLE]);
  assert.equal(w.state[door], DOOR_CLOSED, 'toggling an open door closes it');
  assert.equal(env.actors().find((a) => a.kind === 'door')?.state, DOOR_CLOSED);
  env.step([TOGGLE]);
  env.step([FORWARD]);
  assert.deepEqual([w.agentX, w.agentY], [2, 1], 'an open door can be walked onto');
  assert.equal(env.actors().find((a) => a.kind === 'door')?.state, DOOR_OPEN);
});

test('toggle at a wall, pickup, drop and done change nothing', () => {
  const env = corridor();
  const first = env.reset(0);
  const w = env.state();
  const cells = w.obj.slice();
  const states = w.state.slice();
  env.step([LEFT]);
  for (const a of [TOGGLE, PICKUP, DROP, DONE]) {
    const r = env.step([a]);
    assert.equal(r.reward, 0);
    assert.equal(r.terminated, false);
  }
  env.step([RIGHT]);
  assert.deepEqual(w.obj, cells);
  assert.deepEqual(w.state, states);
  assert.deepEqual([w.agentX, w.agentY, w.agentDir], [1, 1, 0]);
  assert.deepEqual(env.step([DONE]).obs.subarray(441), first.subarray(441));
});

test('reaching the goal on step k pays 1 − 0.9·k/120 and terminates', () => {
  const worked: Record<number, number> = { 3: 0.9775, 50: 0.625, 120: 0.1 };
  for (const k of [3, 50, 120]) {
    const env = corridor();
    env.reset(0);
    for (let i = 0; i < k - 3; i++) env.step([DONE]);
    env.step([FORWARD]);
    env.step([FORWARD]);
    const r = env.step([FORWARD]);
    assert.equal(r.reward, 1 - (0.9 * k) / 120, `k = ${k}`);
    assert.ok(Math.abs(r.reward - worked[k]) < 1e-12);
    assert.equal(r.terminated, true);
    assert.equal(r.truncated, k === 120, 'the step limit also applies on the last step, as in MiniGrid');
    assert.equal(r.info.arriveDest, true);
    assert.equal(r.info.routeCompletion, 1);
    assert.equal(r.info.episodeLength, k);
    assert.equal(r.info.episodeReward, r.reward);
    assert.equal(env.ego().x, 4);
  }
});

test('the episode is truncated at the step limit with no reward, and must be reset after', () => {
  const env = corridor();
  env.reset(0);
  for (let i = 1; i < 120; i++) assert.equal(env.step([LEFT]).truncated, false);
  const r = env.step([LEFT]);
  assert.equal(r.truncated, true);
  assert.equal(r.terminated, false);
  assert.equal(r.reward, 0);
  assert.equal(r.info.maxStep, true);
  assert.equal(r.info.arriveDest, false);
  assert.throws(() => env.step([LEFT]), /reset/);
  env.reset(1);
  assert.equal(env.step([LEFT]).info.episodeLength, 1);
});

test('actions outside 0–6 are rejected with an error naming them', () => {
  const env = corridor();
  env.reset(0);
  const bad: [unknown, RegExp][] = [
    [[7], /action 7 is not an integer 0–6/],
    [[-1], /action -1 /],
    [[1.5], /action 1\.5 /],
    [[Number.NaN], /action NaN /],
    [[], /exactly one index, got 0/],
    [[1, 2], /exactly one index, got 2/],
    [3, /must be \[index\]/],
  ];
  for (const [action, message] of bad) {
    assert.throws(
      () => env.step(action as ArrayLike<number>),
      (e: Error) => e instanceof ActionError && message.test(e.message),
      String(action),
    );
  }
  assert.equal(env.state().agentX, 1, 'a rejected action does not count as a step');
  assert.equal(env.step(Float64Array.of(FORWARD)).info.episodeLength, 1);
});

test('the same seed gives the same layout and observations; different seeds give different layouts', () => {
  const a = createGridEnv();
  const b = createGridEnv();
  const layouts = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    assert.deepEqual(a.reset(seed), b.reset(seed));
    assert.deepEqual(a.scene(), b.scene());
    assert.deepEqual(a.ego(), b.ego());
    for (const action of [2, 5, 2, 0, 2, 1, 2]) assert.deepEqual(a.step([action]), b.step([action]));
    layouts.add(JSON.stringify(a.scene().cells));
  }
  assert.equal(layouts.size, 20);
});

test('generated layouts follow MultiRoom: 6 rooms of side 4–6, closed doors of changing colour, agent in the first room, goal in the last', () => {
  const env = createGridEnv();
  for (let seed = 0; seed < 200; seed++) {
    env.reset(seed);
    const w = env.state();
    assert.equal(w.rooms.length, 6);
    let previousColor = -1;
    w.rooms.forEach((room, k) => {
      assert.ok(room.w >= 4 && room.w <= 6 && room.h >= 4 && room.h <= 6, `seed ${seed} room ${k} size`);
      assert.ok(
        room.x >= 0 && room.y >= 0 && room.x + room.w <= 25 && room.y + room.h < 25,
        `seed ${seed} room ${k} inside`,
      );
      if (k === 0) return assert.equal(room.entry, null);
      const door = w.index(room.entry!.x, room.entry!.y);
      assert.equal(w.obj[door], OBJ_DOOR);
      assert.equal(w.state[door], DOOR_CLOSED);
      assert.notEqual(w.color[door], previousColor, `seed ${seed}: two doors in a row share a colour`);
      previousColor = w.color[door];
    });
    const inside = (k: number, x: number, y: number) => {
      const r = w.rooms[k];
      return x > r.x && x < r.x + r.w - 1 && y > r.y && y < r.y + r.h - 1;
    };
    assert.ok(inside(0, w.agentX, w.agentY));
    assert.equal(w.obj[w.agentIndex()], OBJ_EMPTY);
    assert.ok(inside(5, w.goalX, w.goalY));
    assert.equal(w.obj[w.index(w.goalX, w.goalY)], OBJ_GOAL);
    assert.equal(env.actors().filter((a) => a.kind === 'door').length, 5);
  }
});

test('scene, actors and step info describe the episode', () => {
  const env = createGridEnv();
  env.reset(4);
  const w = env.state();
  const scene = env.scene();
  assert.equal(scene.kind, 'grid');
  assert.equal(scene.cells.length, 625);
  assert.equal(scene.colors.length, 625);
  assert.equal(scene.cells[w.goalY * 25 + w.goalX], OBJ_GOAL);
  assert.deepEqual(scene.bounds, { minX: 0, minY: 0, maxX: 25, maxY: 25 });
  const actors = env.actors();
  assert.deepEqual(actors.at(-1), {
    kind: 'agent',
    x: w.agentX,
    y: w.agentY,
    heading: (w.agentDir * Math.PI) / 2,
    length: 1,
    width: 1,
    state: 0,
  });
  assert.deepEqual(
    actors.find((a) => a.kind === 'goal'),
    { kind: 'goal', x: w.goalX, y: w.goalY, heading: 0, length: 1, width: 1, state: 0 },
  );
  const info = env.step([LEFT]).info;
  assert.equal(info.region, 'room 0');
  assert.equal(info.routeCompletion, 0);
  assert.equal(info.cost, 0);
  assert.equal(info.crashVehicle || info.crashObject || info.outOfRoad || info.outOfRoute, false);
});

test('configurations that cannot be generated end with an EnvConfigError naming the problem', () => {
  const cases: [object, RegExp][] = [
    [{ width: 8, height: 8 }, /6 rooms of side ≥ 4 do not fit on a 8×8 grid/],
    [{ width: 9, height: 9 }, /could not place 6 rooms of side 4–6 on a 9×9 grid .* the rooms do not fit/],
    [{ width: 3 }, /cannot hold a room of side 4/],
    [{ maxRoomSize: 3 }, /maxRoomSize 3 is below the smallest room side 4/],
    [{ minNumRooms: 7 }, /maxNumRooms \(6\) is below minNumRooms \(7\)/],
    [{ minNumRooms: 0 }, /minNumRooms must be at least 1/],
    [{ width: 25.5 }, /width must be an integer/],
    [{ maxSteps: 0 }, /maxSteps must be a positive integer/],
    [{ rooms: 6 }, /unknown grid setting 'rooms'/],
    [{ layout: ['###', '#>#', '#<#'] }, /exactly one agent/],
    [{ layout: ['###', '#>#', '#x#'] }, /unknown cell 'x' at row 2, column 1/],
    [{ layout: ['###', '#>', '###'] }, /row 1 has 2 cells/],
  ];
  for (const [config, message] of cases) {
    assert.throws(
      () => createGridEnv(config),
      (e: Error) => e instanceof EnvConfigError && message.test(e.message),
      JSON.stringify(config),
    );
  }
});

test('smaller settings work: PVP\u2019s maxRoomSize 5 and a 3-room grid', () => {
  for (const config of [{ maxRoomSize: 5 }, { width: 15, height: 15, minNumRooms: 3, maxNumRooms: 3 }]) {
    const env = createGridEnv(config);
    env.reset(11);
    assert.equal(env.state().rooms.length, config.maxNumRooms ?? 6);
    assert.equal(env.spec.horizon, 20 * (config.maxNumRooms ?? 6));
  }
});
