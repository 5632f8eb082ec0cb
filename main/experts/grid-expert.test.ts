// The shortest-path grid expert: hand-checked optimal actions, optimality against an exhaustive search
// over the environment's own rules, determinism, and its two kinds of imperfection.
// Tests run under node:test; the purity rule for sim/ and experts/ is meant for the code under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DIR_DX,
  DIR_DY,
  DOOR_OPEN,
  FORWARD,
  LEFT,
  OBJ_DOOR,
  OBJ_GOAL,
  RIGHT,
  TOGGLE,
} from '../sim/grid/codes.ts';
import { createGridEnv, type GridEnv } from '../sim/grid/env.ts';
import { canEnter } from '../sim/grid/world.ts';
import { Rng } from '../sim/random.ts';
import { createGridExpert } from './grid-expert.ts';
import { evaluateGridExpert } from './grid-eval.ts';

/** Runs the expert's act() to the end of the episode; returns the actions it took. */
function rollout(env: GridEnv, seed = 0): number[] {
  env.reset(seed);
  const expert = createGridExpert(env);
  expert.reset();
  const actions: number[] = [];
  for (;;) {
    const a = expert.act()[0];
    actions.push(a);
    const r = env.step([a]);
    if (r.terminated || r.truncated) {
      assert.equal(r.info.arriveDest, true, 'the expert reaches the goal');
      return actions;
    }
  }
}

const F = FORWARD;
const L = LEFT;
const R = RIGHT;
const T = TOGGLE;

test('hand-checked layouts: the expert takes the shortest path with the fixed tie order', () => {
  const cases: [string, string[], number[]][] = [
    ['straight corridor', ['######', '#>..*#', '######'], [F, F, F]],
    // Facing away from the goal: left-left and right-right tie; left comes first.
    ['turn round', ['######', '#*..>#', '######'], [L, L, F, F, F]],
    // A closed door costs toggle + forward and is opened, not avoided.
    ['closed door', ['#####', '#>B*#', '#####'], [T, F, F]],
    // An open door is walked through, never toggled (that would close it).
    ['open door', ['#####', '#>b*#', '#####'], [F, F]],
    // Through the door: F T F F F = 5 steps; round the wall: 11 steps.
    ['door beats the detour', ['#######', '#>.R.*#', '#.###.#', '#.....#', '#######'], [F, T, F, F, F]],
    // Round the wall (6 steps) beats going through the green and blue doors (10 steps).
    ['detour beats two doors', ['######', '#v.G.#', '#.#B##', '#...*#', '######'], [F, F, L, F, F, F]],
    // Goal below and to the right, past a wall: forward, turn right, down.
    ['turn toward the goal', ['#####', '#.>.#', '#.#.#', '#.#*#', '#####'], [F, R, F, F]],
  ];
  for (const [name, layout, expected] of cases) {
    const env = createGridEnv({ layout });
    env.reset(0);
    assert.equal(createGridExpert(env).costToGo(), expected.length, `${name}: planned cost`);
    assert.deepEqual(rollout(env), expected, name);
  }
});

test('the expert never toggles an open door', () => {
  const env = createGridEnv();
  for (let seed = 0; seed < 100; seed++) {
    env.reset(seed);
    const expert = createGridExpert(env);
    for (;;) {
      const a = expert.act()[0];
      if (a === TOGGLE) {
        const w = env.state();
        const front = w.index(w.agentX + DIR_DX[w.agentDir], w.agentY + DIR_DY[w.agentDir]);
        assert.equal(w.obj[front], OBJ_DOOR);
        assert.notEqual(w.state[front], DOOR_OPEN, `seed ${seed}`);
      }
      const r = env.step([a]);
      if (r.terminated || r.truncated) break;
    }
  }
});

/**
 * Fewest steps to the goal by breadth-first search over (x, y, direction, which doors are open),
 * stepping with the environment's rules (left, right, forward, toggle). Independent of the planner's
 * "a closed door costs 2" shortcut, so it checks that shortcut too.
 */
function exhaustiveOptimum(env: GridEnv): number {
  const w = env.state();
  const doors: number[] = [];
  for (let i = 0; i < w.obj.length; i++) if (w.obj[i] === OBJ_DOOR) doors.push(i);
  const start = {
    x: w.agentX,
    y: w.agentY,
    d: w.agentDir,
    open: doors.reduce((m, i, k) => (w.state[i] === DOOR_OPEN ? m | (1 << k) : m), 0),
  };
  const key = (s: typeof start) => ((s.open * w.obj.length + w.index(s.x, s.y)) << 2) | s.d;
  const seen = new Set<number>([key(start)]);
  let frontier = [start];
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: (typeof start)[] = [];
    for (const s of frontier) {
      const fx = s.x + DIR_DX[s.d];
      const fy = s.y + DIR_DY[s.d];
      const front = w.index(fx, fy);
      const k = doors.indexOf(front);
      const frontState = k >= 0 ? ((s.open >> k) & 1 ? 0 : 1) : w.state[front];
      const successors = [
        { ...s, d: (s.d + 3) & 3 },
        { ...s, d: (s.d + 1) & 3 },
        canEnter(w.obj[front], frontState) ? { ...s, x: fx, y: fy } : s,
        k >= 0 ? { ...s, open: s.open ^ (1 << k) } : s,
      ];
      for (const t of successors) {
        if (w.obj[w.index(t.x, t.y)] === OBJ_GOAL) return depth;
        const id = key(t);
        if (seen.has(id)) continue;
        seen.add(id);
        next.push(t);
      }
    }
    frontier = next;
  }
  return Infinity;
}

test('optimal: episode length equals an exhaustive search over the real dynamics', () => {
  const settings = [
    { config: { width: 15, height: 15, minNumRooms: 3, maxNumRooms: 3, maxRoomSize: 5 }, seeds: 15 },
    { config: {}, seeds: 8 },
  ];
  for (const { config, seeds } of settings) {
    const env = createGridEnv(config);
    for (let seed = 0; seed < seeds; seed++) {
      env.reset(seed);
      const optimum = exhaustiveOptimum(env);
      assert.equal(createGridExpert(env).costToGo(), optimum, `seed ${seed}: planned cost`);
      assert.equal(rollout(env, seed).length, optimum, `seed ${seed}: steps taken`);
    }
  }
});

test('deterministic: the same layout gives the same actions', () => {
  const a = createGridEnv();
  const b = createGridEnv();
  for (let seed = 0; seed < 10; seed++) assert.deepEqual(rollout(a, seed), rollout(b, seed));
});

test('ε-noise: ε = 0 is the expert, ε = 1 draws every action, same rng seed same draws', () => {
  const env = createGridEnv();
  env.reset(2);
  const clean = createGridExpert(env, { noise: { kind: 'epsilon', epsilon: 0 } });
  const rng = new Rng(1);
  for (let i = 0; i < 20; i++) assert.deepEqual(clean.sample(rng), clean.act());
  const noisy = createGridExpert(env, { noise: { kind: 'epsilon', epsilon: 1 } });
  const seen = new Set<number>();
  const first: number[] = [];
  const again: number[] = [];
  const r1 = new Rng(5);
  const r2 = new Rng(5);
  for (let i = 0; i < 300; i++) {
    const a = noisy.sample(r1)[0];
    seen.add(a);
    first.push(a);
    again.push(noisy.sample(r2)[0]);
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(first, again);
});

test('failure demo: one run of wrong left/right/forward actions per episode, flagged, then the expert again', () => {
  const env = createGridEnv();
  const expert = createGridExpert(env, { noise: { kind: 'failure-demo', prob: 1, steps: 3 } });
  const rng = new Rng(0);
  for (const seed of [0, 1]) {
    env.reset(seed);
    expert.reset();
    for (let i = 0; i < 10; i++) {
      const best = expert.act()[0];
      const a = expert.sample(rng)[0];
      if (i < 3) {
        assert.equal(expert.failing, true, `step ${i}`);
        assert.ok(
          [LEFT, RIGHT, FORWARD].includes(a) && a !== best,
          `step ${i}: ${a} is a wrong move (expert ${best})`,
        );
      } else {
        assert.equal(expert.failing, false, `step ${i}`);
        assert.equal(a, best);
      }
      if (env.step([a]).terminated) break;
    }
  }
  const never = createGridExpert(env, { noise: { kind: 'failure-demo', prob: 0, steps: 50 } });
  env.reset(3);
  never.reset();
  for (let i = 0; i < 10; i++) assert.deepEqual(never.sample(rng), never.act());
});

test('bad noise settings are refused', () => {
  const env = createGridEnv();
  assert.throws(
    () => createGridExpert(env, { noise: { kind: 'epsilon', epsilon: 1.5 } }),
    /epsilon must lie in \[0, 1\]/,
  );
  assert.throws(
    () => createGridExpert(env, { noise: { kind: 'failure-demo', prob: 0.1, steps: 0 } }),
    /failure length/,
  );
});

test('evaluateGridExpert reports success and episode lengths', () => {
  const result = evaluateGridExpert({ seeds: [0, 1, 2, 3, 4] });
  assert.equal(result.episodes, 5);
  assert.equal(result.successRate, 1);
  assert.deepEqual(result.failedSeeds, []);
  assert.ok(result.medianEpisodeLength > 10 && result.medianEpisodeLength < 120);
  assert.ok(result.meanReward > 0 && result.meanReward < 1);
});
