// Shortest paths over (x, y, direction) on a fully known grid, for the grid expert.
//
// Edges, each one step of the real environment except the door edge:
//   left / right       same cell, direction −1 / +1                    cost 1
//   forward            into an empty cell, an open door or the goal     cost 1
//   forward at a door  into a closed door: toggle, then forward         cost 2
// Walls (and locked doors: MultiRoom has no keys) cannot be entered; the goal ends the episode.
//
// We search backwards from the goal once per door configuration, giving the optimal cost-to-go of
// every state; the expert's action is then a look-up of its three successors. With weights 1 and 2
// a bucket queue (Dial's algorithm) is exact and needs no heap.
import { DIR_DX, DIR_DY, DOOR_CLOSED, DOOR_OPEN, OBJ_DOOR, OBJ_GOAL, OBJ_WALL } from '../sim/grid/codes.ts';
import type { GridWorld } from '../sim/grid/world.ts';

export const UNREACHABLE = 0x3fffffff;

export class GridPlanner {
  private world: Readonly<GridWorld> | null = null;
  private version = -1;
  /** Cost-to-go per state, state = paddedCell·4 + direction. */
  private dist: Int32Array = new Int32Array(0);
  private readonly buckets: number[][] = [[], [], []];

  /** Cost-to-go of every state for this world, recomputed only when the world or its doors changed. */
  costs(world: Readonly<GridWorld>): Int32Array {
    if (world !== this.world || world.version !== this.version) {
      this.search(world);
      this.world = world;
      this.version = world.version;
    }
    return this.dist;
  }

  /** Optimal number of steps from the agent's current state to the goal, or UNREACHABLE. */
  costToGo(world: Readonly<GridWorld>): number {
    return this.costs(world)[world.agentIndex() * 4 + world.agentDir];
  }

  private search(w: Readonly<GridWorld>): void {
    const n = w.obj.length * 4;
    if (this.dist.length !== n) this.dist = new Int32Array(n);
    const dist = this.dist.fill(UNREACHABLE);
    if (w.goalX < 0) return;
    const obj = w.obj;
    const state = w.state;
    const stepOf = [
      DIR_DX[0] + DIR_DY[0] * w.stride,
      DIR_DX[1] + DIR_DY[1] * w.stride,
      DIR_DX[2] + DIR_DY[2] * w.stride,
      DIR_DX[3] + DIR_DY[3] * w.stride,
    ];
    const buckets = this.buckets;
    for (const b of buckets) b.length = 0;

    const goal = w.index(w.goalX, w.goalY);
    for (let d = 0; d < 4; d++) {
      dist[goal * 4 + d] = 0;
      buckets[0].push(goal * 4 + d);
    }
    const relax = (s: number, cost: number) => {
      if (cost < dist[s]) {
        dist[s] = cost;
        buckets[cost % 3].push(s);
      }
    };
    for (let level = 0; buckets[0].length + buckets[1].length + buckets[2].length > 0; level++) {
      // Edges weigh 1 or 2, so entries for this level are all queued before we get here and new
      // ones only go to the next two buckets.
      const bucket = buckets[level % 3];
      for (let k = 0; k < bucket.length; k++) {
        const s = bucket[k];
        if (dist[s] !== level) continue; // stale: improved after it was queued
        const cell = s >> 2;
        const d = s & 3;
        const o = obj[cell];
        if (o !== OBJ_GOAL) {
          // Facing d here is reached by turning left from d + 1 or right from d − 1 (the goal ends
          // the episode, so no turning happens on it).
          relax(cell * 4 + ((d + 1) & 3), level + 1);
          relax(cell * 4 + ((d + 3) & 3), level + 1);
        }
        // ... or by walking forward into this cell from the one behind it.
        const enter = o === OBJ_WALL ? 0 : o === OBJ_DOOR ? doorCost(state[cell]) : 1;
        if (enter === 0) continue;
        const from = cell - stepOf[d];
        if (obj[from] === OBJ_WALL || obj[from] === OBJ_GOAL) continue;
        relax(from * 4 + d, level + enter);
      }
      bucket.length = 0;
    }
  }
}

/** Steps to walk into a door: 1 if open, 2 (toggle + forward) if closed, 0 (impassable) if locked. */
function doorCost(doorState: number): number {
  return doorState === DOOR_OPEN ? 1 : doorState === DOOR_CLOSED ? 2 : 0;
}
