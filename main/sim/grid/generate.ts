// MultiRoom layout generation, following MiniGrid's multiroom.py (_gen_grid / _placeRoom) rule for
// rule so the distribution of layouts (and so the expert's episode lengths) matches the paper's task.
// Random numbers come from our Rng, so layouts are not bit-identical to MiniGrid's for a seed.
import { EnvConfigError } from '../env.ts';
import type { Rng } from '../random.ts';
import { COLOR_NAMES, OBJ_EMPTY } from './codes.ts';
import { GridWorld, type Room } from './world.ts';

/** MiniGrid's smallest room side (walls included): a 2×2 interior. */
export const MIN_ROOM_SIZE = 4;
/** Exit-door placements tried per room before the chain gives up (MiniGrid: 8). */
const EXIT_TRIES = 8;
/**
 * Whole-chain attempts before a layout is declared impossible. The AIM setting (6 rooms of side 4–6
 * on 25×25) needs a handful on average; a configuration that exhausts this budget practically cannot
 * be generated, and MiniGrid would loop for ever on it.
 */
export const MAX_LAYOUT_ATTEMPTS = 20_000;

export interface MultiRoomConfig {
  width: number;
  height: number;
  minNumRooms: number;
  maxNumRooms: number;
  /** Largest room side, walls included (MiniGrid's maxRoomSize); sides are drawn from 4..maxRoomSize. */
  maxRoomSize: number;
}

/** Checks what can be checked without generating; throws EnvConfigError naming the problem. */
export function checkMultiRoomConfig(cfg: MultiRoomConfig): void {
  for (const key of ['width', 'height', 'minNumRooms', 'maxNumRooms', 'maxRoomSize'] as const) {
    const value = cfg[key];
    if (!Number.isInteger(value))
      throw new EnvConfigError(`grid ${key} must be an integer, got ${String(value)}`);
  }
  if (cfg.width > 255 || cfg.height > 255)
    throw new EnvConfigError(`grid of ${cfg.width}×${cfg.height} is too large (at most 255×255)`);
  if (cfg.minNumRooms < 1)
    throw new EnvConfigError(`grid minNumRooms must be at least 1, got ${cfg.minNumRooms}`);
  if (cfg.maxNumRooms < cfg.minNumRooms) {
    throw new EnvConfigError(
      `grid maxNumRooms (${cfg.maxNumRooms}) is below minNumRooms (${cfg.minNumRooms})`,
    );
  }
  if (cfg.maxRoomSize < MIN_ROOM_SIZE) {
    throw new EnvConfigError(
      `grid maxRoomSize ${cfg.maxRoomSize} is below the smallest room side ${MIN_ROOM_SIZE}`,
    );
  }
  // The first room's corner is drawn from [0, width − 2) and a room must end inside the grid (and, as
  // in MiniGrid, above its last row), so a 4-cell room needs width ≥ 4 and height ≥ 5.
  if (cfg.width < MIN_ROOM_SIZE || cfg.height < MIN_ROOM_SIZE + 1) {
    throw new EnvConfigError(
      `grid of ${cfg.width}×${cfg.height} cannot hold a room of side ${MIN_ROOM_SIZE}: the rooms do not fit (need width ≥ ${MIN_ROOM_SIZE} and height ≥ ${MIN_ROOM_SIZE + 1})`,
    );
  }
  // Each room owns its cells minus its right column and bottom row; those parts never overlap and all
  // lie in the first (width − 1) × (height − 1) cells, so n rooms need n·3² of them at least.
  const owned = (MIN_ROOM_SIZE - 1) ** 2;
  const available = (cfg.width - 1) * (cfg.height - 1);
  // Any seed may draw the largest count, so that is the one that must fit.
  if (cfg.maxNumRooms * owned > available) {
    throw new EnvConfigError(
      `${cfg.maxNumRooms} rooms of side ≥ ${MIN_ROOM_SIZE} do not fit on a ${cfg.width}×${cfg.height} grid (they need ${cfg.maxNumRooms * owned} cells of the ${available} available)`,
    );
  }
}

/**
 * Generates a MultiRoom layout: a chain of rooms joined by closed doors, the agent in the first room
 * with a random direction, the goal in the last. Throws EnvConfigError when no chain of the drawn
 * length could be placed within MAX_LAYOUT_ATTEMPTS.
 */
export function generateMultiRoom(rng: Rng, cfg: MultiRoomConfig): GridWorld {
  const numRooms = rng.int(cfg.minNumRooms, cfg.maxNumRooms + 1);
  return build(rng, cfg, placeRooms(rng, cfg, numRooms));
}

/**
 * Places a chain of exactly numRooms rooms, repeating whole attempts as MiniGrid does (it keeps
 * restarting until a chain reaches the requested length). Throws EnvConfigError once the budget is
 * spent, naming the configuration.
 */
export function placeRooms(rng: Rng, cfg: MultiRoomConfig, numRooms: number): Room[] {
  for (let attempt = 0; attempt < MAX_LAYOUT_ATTEMPTS; attempt++) {
    // As in MiniGrid the first "entry door" is just the first room's corner, and its entry wall is
    // taken to be the left one, so the first exit is never on the left wall.
    const corner = { x: rng.int(0, cfg.width - 2), y: rng.int(0, cfg.height - 2) };
    const rooms: Room[] = [];
    placeRoom(rng, cfg, rooms, numRooms, 2, corner);
    if (rooms.length === numRooms) return rooms;
  }
  throw new EnvConfigError(
    `could not place ${numRooms} rooms of side ${MIN_ROOM_SIZE}–${cfg.maxRoomSize} on a ${cfg.width}×${cfg.height} grid in ${MAX_LAYOUT_ATTEMPTS} attempts: the rooms do not fit`,
  );
}

/**
 * Tries to add one room entered through `door` on wall `entryWall` (0 right, 1 bottom, 2 left, 3 top,
 * seen from the new room), then to continue the chain from it. Returns false if this room itself could
 * not be placed; a chain that stops early is detected by the caller through its length.
 */
function placeRoom(
  rng: Rng,
  cfg: MultiRoomConfig,
  rooms: Room[],
  left: number,
  entryWall: number,
  door: { x: number; y: number },
): boolean {
  const w = rng.int(MIN_ROOM_SIZE, cfg.maxRoomSize + 1);
  const h = rng.int(MIN_ROOM_SIZE, cfg.maxRoomSize + 1);
  let x: number;
  let y: number;
  if (rooms.length === 0) {
    x = door.x;
    y = door.y;
  } else if (entryWall === 0) {
    // The door is on the new room's right wall: the room grows to the left, the door off its corners.
    x = door.x - w + 1;
    y = rng.int(door.y - h + 2, door.y);
  } else if (entryWall === 1) {
    x = rng.int(door.x - w + 2, door.x);
    y = door.y - h + 1;
  } else if (entryWall === 2) {
    x = door.x;
    y = rng.int(door.y - h + 2, door.y);
  } else {
    x = rng.int(door.x - w + 2, door.x);
    y = door.y;
  }
  // MiniGrid's bounds test is strict on the bottom edge (a room never touches the last row); kept so
  // the layout distribution is the same.
  if (x < 0 || y < 0 || x + w > cfg.width || y + h >= cfg.height) return false;
  // Every earlier room except the one we enter from must be clear of this one. MiniGrid's test is
  // asymmetric: no gap is needed when the new room lies right of or below the other one, one cell is
  // when it lies left of or above it.
  for (let k = 0; k < rooms.length - 1; k++) {
    const r = rooms[k];
    const clear = x + w < r.x || r.x + r.w <= x || y + h < r.y || r.y + r.h <= y;
    if (!clear) return false;
  }
  rooms.push({ x, y, w, h, entry: rooms.length === 0 ? null : { x: door.x, y: door.y } });
  if (left === 1) return true;

  for (let t = 0; t < EXIT_TRIES; t++) {
    // The exit goes on any wall but the entry one, at a cell that is not a corner.
    let exitWall = rng.int(0, 3);
    if (exitWall >= entryWall) exitWall++;
    let exit: { x: number; y: number };
    if (exitWall === 0) exit = { x: x + w - 1, y: y + rng.int(1, h - 1) };
    else if (exitWall === 1) exit = { x: x + rng.int(1, w - 1), y: y + h - 1 };
    else if (exitWall === 2) exit = { x, y: y + rng.int(1, h - 1) };
    else exit = { x: x + rng.int(1, w - 1), y };
    if (placeRoom(rng, cfg, rooms, left - 1, (exitWall + 2) % 4, exit)) break;
  }
  return true;
}

/** Draws the rooms' walls and doors, then places the agent and the goal. */
function build(rng: Rng, cfg: MultiRoomConfig, rooms: Room[]): GridWorld {
  const world = new GridWorld(cfg.width, cfg.height);
  world.rooms = rooms;
  let previousColor = -1;
  for (const room of rooms) {
    for (let i = 0; i < room.w; i++) {
      world.setWall(room.x + i, room.y);
      world.setWall(room.x + i, room.y + room.h - 1);
    }
    for (let j = 0; j < room.h; j++) {
      world.setWall(room.x, room.y + j);
      world.setWall(room.x + room.w - 1, room.y + j);
    }
    if (room.entry) {
      // A colour different from the previous door's, so two doors in a row never look alike.
      let color = rng.int(0, previousColor < 0 ? COLOR_NAMES.length : COLOR_NAMES.length - 1);
      if (previousColor >= 0 && color >= previousColor) color++;
      world.setDoor(room.entry.x, room.entry.y, color, false);
      previousColor = color;
    }
  }
  const first = rooms[0];
  const start = freeCell(rng, world, first, -1, -1);
  world.agentX = start.x;
  world.agentY = start.y;
  world.agentDir = rng.int(0, 4);
  const last = rooms[rooms.length - 1];
  const goal = freeCell(rng, world, last, start.x, start.y);
  world.setGoal(goal.x, goal.y);
  return world;
}

/**
 * A uniformly random empty cell of the room other than (notX, notY), by rejection over the room's
 * rectangle as MiniGrid's place_obj does (walls and doors are rejected for not being empty).
 */
function freeCell(
  rng: Rng,
  world: GridWorld,
  room: Room,
  notX: number,
  notY: number,
): { x: number; y: number } {
  const interior = (room.w - 2) * (room.h - 2);
  if (interior <= 1 && notX >= 0) {
    // Cannot happen for rooms of side ≥ 4 (2×2 interiors), but rejection would spin for ever if it did.
    throw new EnvConfigError('a room has no free cell for the goal');
  }
  for (;;) {
    const x = rng.int(room.x, Math.min(room.x + room.w, world.width));
    const y = rng.int(room.y, Math.min(room.y + room.h, world.height));
    if (world.obj[world.index(x, y)] !== OBJ_EMPTY || (x === notX && y === notY)) continue;
    return { x, y };
  }
}
