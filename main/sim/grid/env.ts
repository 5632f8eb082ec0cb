// The `grid` environment: MiniGrid's MultiRoom as AIM configures it (6 rooms of side 4–6 on 25×25,
// closed unlocked doors, 120 steps), observed through AIM's wrapper stack (ImgObsWrapper → 4-frame
// stack → ConcatenateChannel), i.e. a flat Float32Array of 12×7×7 raw MiniGrid codes.
import type { Actor, GridScene } from '../../contract/scene.ts';
import {
  ActionError,
  EnvConfigError,
  type EgoState,
  type Env,
  type EnvSpec,
  type StepInfo,
  type StepResult,
} from '../env.ts';
import { Rng } from '../random.ts';
import {
  ACTION_NAMES,
  DIR_DX,
  DIR_DY,
  DOOR_CLOSED,
  DOOR_LOCKED,
  DOOR_OPEN,
  FORWARD,
  FRAMES,
  FRAME_SIZE,
  LEFT,
  NUM_ACTIONS,
  OBJ_DOOR,
  OBJ_GOAL,
  OBJ_WALL,
  RIGHT,
  TOGGLE,
  VIEW,
} from './codes.ts';
import { checkMultiRoomConfig, generateMultiRoom, placeRooms } from './generate.ts';
import { parseLayout } from './layout.ts';
import { encodeFrame, viewOffsets } from './observe.ts';
import { canEnter, type GridWorld } from './world.ts';

export interface GridEnvConfig {
  /** Grid size in cells (MiniGrid default 25 × 25). */
  width: number;
  height: number;
  /** Rooms per layout, drawn uniformly from [minNumRooms, maxNumRooms] (AIM: 6 and 6). */
  minNumRooms: number;
  maxNumRooms: number;
  /** Largest room side, walls included; sides are 4..maxRoomSize (AIM: 6). */
  maxRoomSize: number;
  /** Episode length limit; MiniGrid's default is 20 × maxNumRooms = 120. */
  maxSteps: number;
  /**
   * A hand-built layout (see layout.ts) used for every reset instead of generated rooms; the seed is
   * then ignored. Room settings are not used.
   */
  layout: string | readonly string[] | null;
}

export const GRID_DEFAULTS: Readonly<Omit<GridEnvConfig, 'maxSteps'>> = {
  width: 25,
  height: 25,
  minNumRooms: 6,
  maxNumRooms: 6,
  maxRoomSize: 6,
  layout: null,
};

const CONFIG_KEYS = ['width', 'height', 'minNumRooms', 'maxNumRooms', 'maxRoomSize', 'maxSteps', 'layout'];

/** Creates the grid environment; the configuration is checked here (EnvConfigError on a bad one). */
export function createGridEnv(config: Partial<GridEnvConfig> = {}): GridEnv {
  return new GridEnv(config);
}

export class GridEnv implements Env {
  readonly spec: EnvSpec;
  readonly config: Readonly<GridEnvConfig>;
  private world: GridWorld;
  /** View offsets depend only on the grid's width, which a configuration fixes. */
  private readonly offsets: Int32Array;
  private readonly mask = new Uint8Array(VIEW * VIEW);
  /** The current stack, oldest frame first; each step shifts it and returns a copy. */
  private readonly stack = new Float32Array(FRAMES * FRAME_SIZE);
  private stepCount = 0;
  private episodeReward = 0;
  private done = true;
  private started = false;
  /** Region index per padded cell (−1 for walls) and its names, for StepInfo.region. */
  private regionOf: Int16Array = new Int16Array(0);
  private regionNames: string[] = [];
  /** Doorless walking distance to the goal per padded cell, for routeCompletion. */
  private goalDistance: Int32Array = new Int32Array(0);
  private startDistance = 0;
  private sceneCache: GridScene | null = null;

  constructor(overrides: Partial<GridEnvConfig>) {
    for (const key of Object.keys(overrides)) {
      if (!CONFIG_KEYS.includes(key))
        throw new EnvConfigError(`unknown grid setting '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    }
    const merged = { ...GRID_DEFAULTS, ...stripUndefined(overrides) };
    const config: GridEnvConfig = { ...merged, maxSteps: merged.maxSteps ?? 20 * merged.maxNumRooms };
    if (!Number.isInteger(config.maxSteps) || config.maxSteps < 1) {
      throw new EnvConfigError(`grid maxSteps must be a positive integer, got ${String(config.maxSteps)}`);
    }
    if (config.layout === null) {
      checkMultiRoomConfig(config);
      // Fail now rather than at some later reset: a configuration that passes the static checks can
      // still be one no chain of the largest room count fits (e.g. 6 rooms on 10×10).
      placeRooms(new Rng(0), config, config.maxNumRooms);
      this.world = generateMultiRoom(new Rng(0), config);
    } else {
      this.world = parseLayout(config.layout);
    }
    this.config = Object.freeze(config);
    this.spec = {
      id: 'grid',
      obsShape: [3 * FRAMES, VIEW, VIEW],
      actionSpace: { kind: 'discrete', n: NUM_ACTIONS },
      // A grid has no physical clock; 10 decisions per second matches the driving task and is a
      // comfortable pace for a person teaching with the keyboard.
      decisionHz: 10,
      horizon: config.maxSteps,
    };
    this.offsets = viewOffsets(this.world.stride);
  }

  reset(seed: number): Float32Array {
    if (!Number.isInteger(seed)) throw new RangeError(`grid seed must be an integer, got ${String(seed)}`);
    this.world =
      this.config.layout === null
        ? generateMultiRoom(new Rng(seed), this.config)
        : parseLayout(this.config.layout);
    this.stepCount = 0;
    this.episodeReward = 0;
    this.done = false;
    this.started = true;
    this.sceneCache = null;
    this.indexRegions();
    this.goalDistance = walkingDistance(this.world);
    this.startDistance = this.goalDistance[this.world.agentIndex()];
    // FrameStack fills the stack with the first frame at reset.
    const last = (FRAMES - 1) * FRAME_SIZE;
    encodeFrame(this.world, this.offsets, this.mask, this.stack, last);
    for (let t = 0; t < FRAMES - 1; t++) this.stack.copyWithin(t * FRAME_SIZE, last, last + FRAME_SIZE);
    return this.stack.slice();
  }

  step(action: ArrayLike<number>): StepResult {
    const a = checkAction(action);
    if (!this.started) throw new Error('grid env: call reset(seed) before step()');
    if (this.done) throw new Error('grid env: the episode has ended; call reset(seed) before stepping again');
    const w = this.world;
    // MiniGrid counts the step before judging it, so reaching the goal on the k-th step pays 1 − 0.9·k/max.
    this.stepCount++;
    let reward = 0;
    let terminated = false;
    if (a === LEFT) w.agentDir = (w.agentDir + 3) & 3;
    else if (a === RIGHT) w.agentDir = (w.agentDir + 1) & 3;
    else if (a === FORWARD) {
      const front = w.frontIndex();
      if (canEnter(w.obj[front], w.state[front])) {
        w.agentX += DIR_DX[w.agentDir];
        w.agentY += DIR_DY[w.agentDir];
        if (w.obj[front] === OBJ_GOAL) {
          terminated = true;
          reward = 1 - (0.9 * this.stepCount) / this.config.maxSteps;
        }
      }
    } else if (a === TOGGLE) {
      // An unlocked door flips either way: toggling an open door closes it again.
      const front = w.frontIndex();
      if (w.obj[front] === OBJ_DOOR && w.state[front] !== DOOR_LOCKED) {
        w.state[front] = w.state[front] === DOOR_OPEN ? DOOR_CLOSED : DOOR_OPEN;
        w.version++;
      }
    }
    // pickup, drop and done change nothing: MultiRoom has nothing to carry.
    const truncated = this.stepCount >= this.config.maxSteps;
    this.done = terminated || truncated;
    this.episodeReward += reward;

    this.stack.copyWithin(0, FRAME_SIZE);
    encodeFrame(w, this.offsets, this.mask, this.stack, (FRAMES - 1) * FRAME_SIZE);
    return {
      obs: this.stack.slice(),
      reward,
      cost: 0,
      terminated,
      truncated,
      info: this.info(terminated, truncated),
    };
  }

  /** The static picture of this episode. Doors are drawn from actors(), whose state changes. */
  scene(): GridScene {
    if (this.sceneCache) return this.sceneCache;
    const w = this.world;
    const cells: number[] = [];
    const colors: number[] = [];
    for (let y = 0; y < w.height; y++) {
      for (let x = 0; x < w.width; x++) {
        const i = w.index(x, y);
        cells.push(w.obj[i]);
        colors.push(w.color[i]);
      }
    }
    this.sceneCache = {
      kind: 'grid',
      width: w.width,
      height: w.height,
      cells,
      colors,
      bounds: { minX: 0, minY: 0, maxX: w.width, maxY: w.height },
    };
    return this.sceneCache;
  }

  /** The agent's cell; heading = direction·π/2 with x right and y down, so π/2 points down the screen. */
  ego(): EgoState {
    return {
      x: this.world.agentX,
      y: this.world.agentY,
      heading: (this.world.agentDir * Math.PI) / 2,
      speed: 0,
    };
  }

  /**
   * Doors (state 0 open / 1 closed / 2 locked; colour = scene().colors at the door's cell; heading 0
   * when the passage runs along x, π/2 along y), the goal, and last the agent (heading as in ego()).
   * x, y are cell column and row.
   */
  actors(): Actor[] {
    const w = this.world;
    const out: Actor[] = [];
    for (let y = 0; y < w.height; y++) {
      for (let x = 0; x < w.width; x++) {
        const i = w.index(x, y);
        if (w.obj[i] === OBJ_DOOR) {
          const alongX = w.obj[i - 1] !== OBJ_WALL || w.obj[i + 1] !== OBJ_WALL;
          out.push({
            kind: 'door',
            x,
            y,
            heading: alongX ? 0 : Math.PI / 2,
            length: 1,
            width: 1,
            state: w.state[i],
          });
        }
      }
    }
    if (w.goalX >= 0)
      out.push({ kind: 'goal', x: w.goalX, y: w.goalY, heading: 0, length: 1, width: 1, state: 0 });
    out.push({
      kind: 'agent',
      x: w.agentX,
      y: w.agentY,
      heading: (w.agentDir * Math.PI) / 2,
      length: 1,
      width: 1,
      state: 0,
    });
    return out;
  }

  /** Read-only access to the episode's state, for the shortest-path expert and tests. Do not mutate. */
  state(): Readonly<GridWorld> {
    return this.world;
  }

  /** Steps taken in the current episode. */
  get steps(): number {
    return this.stepCount;
  }

  private info(terminated: boolean, truncated: boolean): StepInfo {
    const here = this.world.agentIndex();
    const d = this.goalDistance[here];
    const progress = terminated
      ? 1
      : d < 0 || this.startDistance <= 0
        ? 0
        : Math.max(0, Math.min(1, 1 - d / this.startDistance));
    const region = this.regionOf[here];
    return {
      arriveDest: terminated,
      crashVehicle: false,
      crashObject: false,
      outOfRoad: false,
      outOfRoute: false,
      maxStep: truncated,
      cost: 0,
      routeCompletion: progress,
      region: region >= 0 ? this.regionNames[region] : '',
      episodeReward: this.episodeReward,
      episodeCost: 0,
      episodeLength: this.stepCount,
    };
  }

  /** Names every room interior "room k" and every door "door k" (the door into room k), k from 0. */
  private indexRegions(): void {
    const w = this.world;
    this.regionOf = new Int16Array(w.obj.length).fill(-1);
    this.regionNames = [];
    w.rooms.forEach((room, k) => {
      const id = this.regionNames.push(`room ${k}`) - 1;
      for (let y = room.y + 1; y < room.y + room.h - 1; y++)
        for (let x = room.x + 1; x < room.x + room.w - 1; x++) this.regionOf[w.index(x, y)] = id;
      if (room.entry)
        this.regionOf[w.index(room.entry.x, room.entry.y)] = this.regionNames.push(`door ${k}`) - 1;
    });
  }
}

/** The action index, or ActionError naming what is wrong with it. */
function checkAction(action: ArrayLike<number>): number {
  if (action === null || typeof action !== 'object' || typeof action.length !== 'number') {
    throw new ActionError(`grid action must be [index] with index 0–6, got ${String(action)}`);
  }
  if (action.length !== 1)
    throw new ActionError(`grid action must hold exactly one index, got ${action.length} values`);
  const a = action[0];
  if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= NUM_ACTIONS) {
    throw new ActionError(
      `grid action ${String(a)} is not an integer 0–6 (${ACTION_NAMES.map((n, i) => `${i} ${n}`).join(', ')})`,
    );
  }
  return a;
}

/**
 * Walking distance in cells from every cell to the goal, treating doors as passable whatever their
 * state (a progress measure, not the expert's plan); −1 where the goal cannot be reached.
 */
function walkingDistance(w: GridWorld): Int32Array {
  const dist = new Int32Array(w.obj.length).fill(-1);
  if (w.goalX < 0) return dist;
  const queue = new Int32Array(w.obj.length);
  const steps = [1, -1, w.stride, -w.stride];
  let head = 0;
  let tail = 0;
  const goal = w.index(w.goalX, w.goalY);
  dist[goal] = 0;
  queue[tail++] = goal;
  while (head < tail) {
    const i = queue[head++];
    for (const s of steps) {
      const j = i + s;
      if (dist[j] >= 0 || !(canEnter(w.obj[j], w.state[j]) || w.obj[j] === OBJ_DOOR)) continue;
      dist[j] = dist[i] + 1;
      queue[tail++] = j;
    }
  }
  return dist;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
