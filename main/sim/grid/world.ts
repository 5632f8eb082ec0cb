// The mutable state of one grid episode: cells, doors, agent, goal. Shared by the environment (which
// changes it), the observation encoder and the expert's planner (which only read it).
import {
  COLOR_GREY,
  DIR_DX,
  DIR_DY,
  DOOR_CLOSED,
  DOOR_OPEN,
  OBJ_DOOR,
  OBJ_EMPTY,
  OBJ_GOAL,
  OBJ_WALL,
} from './codes.ts';

/**
 * Cells of wall stored around the map. The 7×7 view reaches 6 cells ahead and 3 to each side, so with
 * this margin neither the view nor a forward look-up ever needs a bounds check; and MiniGrid reads
 * cells outside the grid as wall, which is exactly what the margin holds.
 */
export const PAD = 6;

/** A MultiRoom room, walls included, as MiniGrid places it. */
export interface Room {
  x: number;
  y: number;
  w: number;
  h: number;
  /** The door this room is entered by (none for the first room). */
  entry: { x: number; y: number } | null;
}

export class GridWorld {
  readonly width: number;
  readonly height: number;
  /** Row length of the padded arrays. */
  readonly stride: number;
  /** Per padded cell: MiniGrid object index, colour index and state (see codes.ts). */
  readonly obj: Uint8Array;
  readonly color: Uint8Array;
  readonly state: Uint8Array;
  agentX = 0;
  agentY = 0;
  agentDir = 0;
  goalX = -1;
  goalY = -1;
  /** Rooms in chain order (empty for hand-built layouts). */
  rooms: Room[] = [];
  /** Counts changes of the cells (door toggles); planners cache on it. */
  version = 0;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.stride = width + 2 * PAD;
    const size = this.stride * (height + 2 * PAD);
    this.obj = new Uint8Array(size).fill(OBJ_WALL);
    this.color = new Uint8Array(size).fill(COLOR_GREY);
    this.state = new Uint8Array(size);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) this.setEmpty(x, y);
  }

  /** Padded index of map cell (x, y); valid for −PAD ≤ x < width + PAD. */
  index(x: number, y: number): number {
    return (y + PAD) * this.stride + x + PAD;
  }

  /** Padded index of the agent's cell. */
  agentIndex(): number {
    return this.index(this.agentX, this.agentY);
  }

  /** Padded index of the cell in front of the agent. */
  frontIndex(): number {
    return this.index(this.agentX + DIR_DX[this.agentDir], this.agentY + DIR_DY[this.agentDir]);
  }

  setEmpty(x: number, y: number): void {
    this.put(x, y, OBJ_EMPTY, 0, 0);
  }

  setWall(x: number, y: number): void {
    this.put(x, y, OBJ_WALL, COLOR_GREY, 0);
  }

  setDoor(x: number, y: number, color: number, open: boolean): void {
    this.put(x, y, OBJ_DOOR, color, open ? DOOR_OPEN : DOOR_CLOSED);
  }

  setGoal(x: number, y: number): void {
    // Goal is green in MiniGrid (Goal() has colour 'green').
    this.put(x, y, OBJ_GOAL, 1, 0);
    this.goalX = x;
    this.goalY = y;
  }

  private put(x: number, y: number, obj: number, color: number, state: number): void {
    const i = this.index(x, y);
    this.obj[i] = obj;
    this.color[i] = color;
    this.state[i] = state;
  }
}

/** The agent may enter a cell holding nothing, the goal, or an open door (MiniGrid's can_overlap). */
export function canEnter(obj: number, state: number): boolean {
  return obj === OBJ_EMPTY || obj === OBJ_GOAL || (obj === OBJ_DOOR && state === DOOR_OPEN);
}

/** Walls and closed or locked doors hide what lies behind them (MiniGrid's see_behind). */
export function blocksSight(obj: number, state: number): boolean {
  return obj === OBJ_WALL || (obj === OBJ_DOOR && state !== DOOR_OPEN);
}
