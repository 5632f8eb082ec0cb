// The egocentric 7×7×3 observation of MiniGrid's gen_obs (window, rotation, process_vis, encode),
// computed in one pass straight into the stacked, channel-first layout AIM feeds its network.
//
// View coordinates: column vx (0..6, left to right as the agent sees it) and row vy (0..6, 0 farthest
// ahead). The agent sits at (vx 3, vy 6) looking towards row 0. This equals MiniGrid's slice of the
// window followed by (dir + 1) counter-clockwise rotations.
import { DIR_DX, DIR_DY, DOOR_OPEN, OBJ_DOOR, OBJ_EMPTY, OBJ_WALL, VIEW } from './codes.ts';
import type { GridWorld } from './world.ts';

const CELLS = VIEW * VIEW;
const AGENT_CELL = (VIEW - 1) * VIEW + (VIEW >> 1);

/**
 * For each direction, the padded-array offset of every view cell from the agent's cell. A view cell
 * lies (6 − vy) steps ahead and (vx − 3) steps to the right of the agent, where "right" of direction
 * (dx, dy) is (−dy, dx) in grid coordinates (y down).
 */
export function viewOffsets(stride: number): Int32Array {
  const out = new Int32Array(4 * CELLS);
  for (let d = 0; d < 4; d++) {
    const fx = DIR_DX[d];
    const fy = DIR_DY[d];
    const rx = -fy;
    const ry = fx;
    for (let vy = 0; vy < VIEW; vy++) {
      for (let vx = 0; vx < VIEW; vx++) {
        const ahead = VIEW - 1 - vy;
        const side = vx - (VIEW >> 1);
        out[d * CELLS + vy * VIEW + vx] = (ahead * fy + side * ry) * stride + ahead * fx + side * rx;
      }
    }
  }
  return out;
}

/**
 * The cells the agent can see, by MiniGrid's process_vis: start from the agent's cell, sweep rows from
 * the agent's row away from it; on each row go left to right then right to left, and let every seen
 * cell that does not block sight reveal its neighbour on that side, the cell beyond it and the one
 * diagonally beyond on that side. Walls and closed doors block. Written into `mask` (49 entries).
 */
export function visibility(world: GridWorld, offsets: Int32Array, mask: Uint8Array): void {
  const base = world.agentIndex();
  const at = world.agentDir * CELLS;
  const obj = world.obj;
  const state = world.state;
  mask.fill(0);
  mask[AGENT_CELL] = 1;
  for (let vy = VIEW - 1; vy >= 0; vy--) {
    const row = vy * VIEW;
    for (let vx = 0; vx < VIEW - 1; vx++) {
      const k = row + vx;
      if (mask[k] === 0 || blocks(obj, state, base + offsets[at + k])) continue;
      mask[k + 1] = 1;
      if (vy > 0) {
        mask[k - VIEW] = 1;
        mask[k - VIEW + 1] = 1;
      }
    }
    for (let vx = VIEW - 1; vx > 0; vx--) {
      const k = row + vx;
      if (mask[k] === 0 || blocks(obj, state, base + offsets[at + k])) continue;
      mask[k - 1] = 1;
      if (vy > 0) {
        mask[k - VIEW] = 1;
        mask[k - VIEW - 1] = 1;
      }
    }
  }
}

function blocks(obj: Uint8Array, state: Uint8Array, i: number): boolean {
  const o = obj[i];
  return o === OBJ_WALL || (o === OBJ_DOOR && state[i] !== DOOR_OPEN);
}

/**
 * Encodes the agent's view as one frame of the stacked observation: out[at + c·49 + vy·7 + vx] is
 * channel c (object, colour, state) of view cell (vx, vy). That is exactly AIM's ConcatenateChannel
 * layout, out[t·3+c][j][i] = obs_t[i][j][c] with i = view column and j = view row. Unseen cells are
 * (0, 0, 0); the agent's own cell reads as empty, as MiniGrid never draws the agent in its view.
 */
export function encodeFrame(
  world: GridWorld,
  offsets: Int32Array,
  mask: Uint8Array,
  out: Float32Array,
  at: number,
): void {
  visibility(world, offsets, mask);
  const base = world.agentIndex();
  const dirAt = world.agentDir * CELLS;
  const obj = world.obj;
  const color = world.color;
  const state = world.state;
  for (let k = 0; k < CELLS; k++) {
    if (mask[k] === 0) {
      out[at + k] = 0;
      out[at + CELLS + k] = 0;
      out[at + 2 * CELLS + k] = 0;
    } else {
      const i = base + offsets[dirAt + k];
      out[at + k] = obj[i];
      out[at + CELLS + k] = color[i];
      out[at + 2 * CELLS + k] = state[i];
    }
  }
  out[at + AGENT_CELL] = OBJ_EMPTY;
  out[at + CELLS + AGENT_CELL] = 0;
  out[at + 2 * CELLS + AGENT_CELL] = 0;
}
