// The egocentric observation on hand-built layouts, checked against views worked out by hand from
// MiniGrid's rules, plus a cross-check against a literal slice → rotate → process_vis reference.
// Tests run under node:test; the purity rule for sim/ and experts/ is meant for the code under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../random.ts';
import { DIR_DX, DIR_DY, FORWARD, FRAME_SIZE, TOGGLE } from './codes.ts';
import { createGridEnv } from './env.ts';
import type { GridWorld } from './world.ts';

const CELLS = 49;

/**
 * Frame t of a stacked observation as a picture, one line per view row (row 0 farthest ahead):
 * ? unseen, _ empty, # wall, * goal, door = colour letter (upper case closed, lower case open).
 * Any other code triple shows as !, so a wrong colour or state cannot pass unnoticed.
 */
function picture(obs: Float32Array, t: number): string {
  const lines: string[] = [];
  for (let j = 0; j < 7; j++) {
    let line = '';
    for (let i = 0; i < 7; i++) {
      // out[t·3 + c][j][i]: channel-first, view row j, view column i.
      const o = obs[t * 3 * CELLS + j * 7 + i];
      const c = obs[(t * 3 + 1) * CELLS + j * 7 + i];
      const s = obs[(t * 3 + 2) * CELLS + j * 7 + i];
      const key = `${o},${c},${s}`;
      if (key === '0,0,0') line += '?';
      else if (key === '1,0,0') line += '_';
      else if (key === '2,5,0') line += '#';
      else if (key === '8,1,0') line += '*';
      else if (o === 4 && c >= 0 && c <= 5 && (s === 0 || s === 1))
        line += s === 1 ? 'RGBPYE'[c] : 'rgbpye'[c];
      else line += '!';
    }
    lines.push(line);
  }
  return lines.join('\n');
}

const view = (...rows: string[]) => rows.join('\n');

test('observation is 12×7×7 with every frame equal to the first after reset', () => {
  const env = createGridEnv({ layout: ['#####', '#.^.#', '#####'] });
  const obs = env.reset(0);
  assert.equal(obs.length, 588);
  assert.deepEqual(env.spec.obsShape, [12, 7, 7]);
  for (let t = 1; t < 4; t++)
    assert.deepEqual(obs.subarray(t * FRAME_SIZE, (t + 1) * FRAME_SIZE), obs.subarray(0, FRAME_SIZE));
});

test('a closed door hides the room behind it; once opened the room shows', () => {
  const env = createGridEnv({
    layout: [
      '#######', //
      '#.....#',
      '#..*..#',
      '###B###',
      '#..^..#',
      '#.....#',
      '#######',
    ],
  });
  let obs = env.reset(0);
  assert.equal(
    picture(obs, 3),
    view('???????', '???????', '???????', '???????', '???????', '###B###', '#_____#'),
  );
  obs = env.step([TOGGLE]).obs;
  assert.equal(
    picture(obs, 3),
    view('???????', '???????', '#######', '#_____#', '#__*__#', '###b###', '#_____#'),
  );
  // The stack keeps the older frames, oldest first.
  assert.equal(
    picture(obs, 2),
    view('???????', '???????', '???????', '???????', '???????', '###B###', '#_____#'),
  );
});

test('walls block sight: nothing beyond a full wall is seen, though the wall itself is', () => {
  const env = createGridEnv({ layout: ['#######', '#.....#', '#.....#', '#..^..#', '#######'] });
  const obs = env.reset(0);
  assert.equal(
    picture(obs, 3),
    view('???????', '???????', '???????', '#######', '#_____#', '#_____#', '#_____#'),
  );
});

test('MiniGrid sight leaks round a lone pillar: the cell right behind it is seen diagonally', () => {
  const env = createGridEnv({
    layout: ['#########', '#.......#', '#...*...#', '#...#...#', '#.......#', '#...^...#', '#########'],
  });
  const obs = env.reset(0);
  assert.equal(
    picture(obs, 3),
    view('???????', '#######', '_______', '___*___', '___#___', '_______', '_______'),
  );
});

test('the view rotates with the agent in all four directions', () => {
  // Open doors of four colours mark north (r), east (g), south (b) and west (p); the goal sits in a
  // corner no view reaches.
  const room = [
    '#########',
    '#...r...#',
    '#.......#',
    '#.......#',
    '#p..X..g#',
    '#.......#',
    '#.......#',
    '#...b...#',
    '########*',
  ];
  const expected: Record<string, string> = {
    '^': view('???????', '???????', '#######', '___r___', '_______', '_______', 'p_____g'),
    '>': view('???????', '???????', '#######', '___g___', '_______', '_______', 'r_____b'),
    v: view('???????', '???????', '#######', '___b___', '_______', '_______', 'g_____p'),
    '<': view('???????', '???????', '#######', '___p___', '_______', '_______', 'b_____r'),
  };
  for (const [glyph, want] of Object.entries(expected)) {
    const env = createGridEnv({ layout: room.map((r) => r.replace('X', glyph)) });
    assert.equal(picture(env.reset(0), 3), want, `facing ${glyph}`);
  }
});

test('the agent cell always reads as empty, even standing in an open doorway', () => {
  const env = createGridEnv({ layout: ['#####', '#.v.#', '#.g.#', '#.*.#', '#####'] });
  env.reset(0);
  const obs = env.step([FORWARD]).obs;
  assert.equal(env.state().agentY, 2);
  const cell = (row: number, col: number) => [0, 1, 2].map((c) => obs[(9 + c) * CELLS + row * 7 + col]);
  assert.deepEqual(cell(6, 3), [1, 0, 0]);
  assert.deepEqual(cell(5, 3), [8, 1, 0]);
});

// --- cross-check against a literal port of MiniGrid's pipeline -------------------------------------

type Cell = [number, number, number];

/** The view as MiniGrid builds it: slice the window (outside = wall), rotate it, sweep visibility. */
function referenceView(w: Readonly<GridWorld>): Cell[][] {
  const get = (x: number, y: number): Cell => {
    if (x < 0 || y < 0 || x >= w.width || y >= w.height) return [2, 5, 0];
    const i = w.index(x, y);
    return [w.obj[i], w.color[i], w.state[i]];
  };
  const { agentX: ax, agentY: ay, agentDir: d } = w;
  const corner = [
    [ax, ay - 3],
    [ax - 3, ay],
    [ax - 6, ay - 3],
    [ax - 3, ay - 6],
  ][d];
  // grid[i][j] with i the column, j the row, as MiniGrid's Grid.get(i, j).
  let grid: Cell[][] = [];
  for (let i = 0; i < 7; i++) {
    grid.push([]);
    for (let j = 0; j < 7; j++) grid[i].push(get(corner[0] + i, corner[1] + j));
  }
  for (let r = 0; r < d + 1; r++) {
    // Counter-clockwise quarter turn: the cell at (i, j) moves to (j, 6 − i).
    const turned: Cell[][] = Array.from({ length: 7 }, () => new Array<Cell>(7));
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) turned[j][6 - i] = grid[i][j];
    grid = turned;
  }
  const opaque = (c: Cell) => c[0] === 2 || (c[0] === 4 && c[2] !== 0);
  const seen = Array.from({ length: 7 }, () => new Array<boolean>(7).fill(false));
  seen[3][6] = true;
  for (let j = 6; j >= 0; j--) {
    for (let i = 0; i < 6; i++) {
      if (!seen[i][j] || opaque(grid[i][j])) continue;
      seen[i + 1][j] = true;
      if (j > 0) seen[i + 1][j - 1] = seen[i][j - 1] = true;
    }
    for (let i = 6; i > 0; i--) {
      if (!seen[i][j] || opaque(grid[i][j])) continue;
      seen[i - 1][j] = true;
      if (j > 0) seen[i - 1][j - 1] = seen[i][j - 1] = true;
    }
  }
  grid[3][6] = [1, 0, 0];
  return grid.map((col, i) => col.map((cell, j) => (seen[i][j] ? cell : ([0, 0, 0] as Cell))));
}

test('matches the literal MiniGrid pipeline on generated layouts under random actions', () => {
  const env = createGridEnv();
  const rng = new Rng(7);
  for (let seed = 0; seed < 30; seed++) {
    let obs = env.reset(seed);
    for (let k = 0; k < 60; k++) {
      const ref = referenceView(env.state());
      for (let i = 0; i < 7; i++) {
        for (let j = 0; j < 7; j++) {
          for (let c = 0; c < 3; c++)
            assert.equal(
              obs[(9 + c) * CELLS + j * 7 + i],
              ref[i][j][c],
              `seed ${seed} step ${k} cell (${i}, ${j}) channel ${c}`,
            );
        }
      }
      // Mostly forward and toggle so the agent walks through doors rather than spinning.
      const a = [0, 1, 2, 2, 2, 5][rng.int(0, 6)];
      const r = env.step([a]);
      if (r.terminated || r.truncated) break;
      obs = r.obs;
    }
  }
});

test('view offsets agree with the direction vectors (forward cell is row 5, column 3)', () => {
  const env = createGridEnv();
  const obs = env.reset(3);
  const w = env.state();
  const front = w.index(w.agentX + DIR_DX[w.agentDir], w.agentY + DIR_DY[w.agentDir]);
  assert.equal(obs[9 * CELLS + 5 * 7 + 3], w.obj[front]);
});
