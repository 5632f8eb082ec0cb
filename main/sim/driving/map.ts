// The map generator (MetaDrive's BIG): blocks attach one after another to a random socket of the
// previous block; a block whose lanes come too close to existing roads is re-sampled (up to 5
// tries), after which the generator backtracks and rebuilds the previous block.
import { EnvConfigError } from '../env.ts';
import { Rng } from '../random.ts';
import {
  BLOCK_LETTERS,
  BLOCK_PROBABILITIES,
  UNSUPPORTED_LETTERS,
  buildBlock,
  buildFirstBlock,
  type BlockBuild,
  type BlockContext,
  type BlockLetter,
  type Marking,
  type SidewalkStrip,
} from './blocks.ts';
import { laneFromRef, refLength, type Lane, type LocalCoord } from './lane.ts';
import { RoadNetwork } from './road-network.ts';

export interface MapSpec {
  /** A block string such as "COT", or a number of random blocks after the first. */
  map: string | number;
  lanes: number;
  laneWidth: number;
}

export interface DrivingMap {
  readonly network: RoadNetwork;
  readonly blocks: BlockBuild[];
  readonly lanes: number;
  readonly laneWidth: number;
  /** Sidewalk quads, 8 numbers each, for footprint tests. */
  readonly sidewalkQuads: Float64Array;
  /** Per grid cell, indices of sidewalk quads. */
  sidewalksNear(x: number, y: number): readonly number[];
  readonly sidewalks: SidewalkStrip[];
  readonly markings: Marking[];
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** Splits a map string into block letters, naming the first bad character. */
export function parseMapString(map: string): BlockLetter[] {
  if (map.length === 0)
    throw new EnvConfigError('map string is empty; give block letters such as "COT" or a number of blocks');
  const letters: BlockLetter[] = [];
  for (let i = 0; i < map.length; i++) {
    const ch = map[i];
    if ((BLOCK_LETTERS as readonly string[]).includes(ch)) letters.push(ch as BlockLetter);
    else if (ch === 'I' && i === 0)
      continue; // the first block is implicit; a leading "I" is allowed
    else if (ch === 'I')
      throw new EnvConfigError(
        `map "${map}": block "I" (the first block) at position ${i + 1} can only come first`,
      );
    else if (UNSUPPORTED_LETTERS[ch])
      throw new EnvConfigError(
        `map "${map}": block "${ch}" (${UNSUPPORTED_LETTERS[ch]}) at position ${i + 1} is not supported; use ${BLOCK_LETTERS.join(', ')}`,
      );
    else
      throw new EnvConfigError(
        `map "${map}": unknown block letter "${ch}" at position ${i + 1}; known blocks are ${BLOCK_LETTERS.join(', ')}`,
      );
  }
  if (letters.length === 0) throw new EnvConfigError(`map "${map}" has no blocks after the first`);
  if (letters.length > 60)
    throw new EnvConfigError(
      `map "${map.slice(0, 20)}…" has ${letters.length} blocks; at most 60 are supported`,
    );
  return letters;
}

function sampleLetter(rng: Rng): BlockLetter {
  let u = rng.next();
  for (const [letter, p] of BLOCK_PROBABILITIES) {
    if (u < p) return letter;
    u -= p;
  }
  return 'C';
}

const TRIES_PER_BLOCK = 5;
const MAX_BUILDS = 400;

/**
 * Lanes of committed blocks, checked against new blocks with a margin that keeps sidewalks apart.
 * A hashed grid of 20 m cells (lane bounds padded by the margin) keeps each query to a few lanes.
 */
class OccupancyCheck {
  private readonly cells = new Map<number, Lane[]>();
  private readonly lc: LocalCoord = { s: 0, lat: 0 };
  private static readonly CELL = 20;
  private readonly margin: number;

  constructor(width: number) {
    // Lane centres closer than a lane width plus two sidewalks would put a kerb on a lane.
    this.margin = width + 3;
  }

  private static key(i: number, j: number): number {
    return (i + 32768) * 65536 + (j + 32768);
  }

  private forCells(lane: Lane, fn: (key: number) => void): void {
    const c = OccupancyCheck.CELL;
    const m = this.margin + 2;
    const i0 = Math.floor((lane.minX - m) / c);
    const i1 = Math.floor((lane.maxX + m) / c);
    const j0 = Math.floor((lane.minY - m) / c);
    const j1 = Math.floor((lane.maxY + m) / c);
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) fn(OccupancyCheck.key(i, j));
  }

  add(block: BlockBuild): void {
    for (const road of block.roads)
      for (const lane of road.lanes)
        this.forCells(lane, (k) => {
          let list = this.cells.get(k);
          if (!list) this.cells.set(k, (list = []));
          list.push(lane);
        });
  }

  remove(block: BlockBuild): void {
    for (const road of block.roads)
      for (const lane of road.lanes)
        this.forCells(lane, (k) => {
          const list = this.cells.get(k);
          if (list)
            this.cells.set(
              k,
              list.filter((l) => l !== lane),
            );
        });
  }

  /** True when every lane-centre sample of the block keeps clear of existing lanes (except `skip`). */
  clear(block: BlockBuild, skip: Set<string>): boolean {
    const p = [0, 0];
    for (const road of block.roads) {
      for (const lane of road.lanes) {
        const n = Math.max(1, Math.ceil(lane.length / 2));
        for (let k = 0; k <= n; k++) {
          lane.position((lane.length * k) / n, 0, p);
          if (this.hits(p[0], p[1], skip)) return false;
        }
      }
    }
    return true;
  }

  private hits(x: number, y: number, skip: Set<string>): boolean {
    const c = OccupancyCheck.CELL;
    const list = this.cells.get(OccupancyCheck.key(Math.floor(x / c), Math.floor(y / c)));
    if (!list) return false;
    const margin = this.margin;
    for (const lane of list) {
      if (
        x < lane.minX - margin ||
        x > lane.maxX + margin ||
        y < lane.minY - margin ||
        y > lane.maxY + margin
      )
        continue;
      if (skip.has(`${lane.from}>${lane.to}`)) continue;
      lane.local(x, y, this.lc);
      if (this.lc.s < -2 || this.lc.s > lane.length + 2) continue;
      if (Math.abs(this.lc.lat) < margin) return true;
    }
    return false;
  }
}

/**
 * Generates the map for one seed. Throws EnvConfigError when a map string cannot be laid out
 * (naming the block that did not fit).
 */
export function generateMap(spec: MapSpec, seed: number): DrivingMap {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const ctx: BlockContext = { lanes: spec.lanes, width: spec.laneWidth };
  const fixed = typeof spec.map === 'string' ? parseMapString(spec.map) : null;
  const count = fixed ? fixed.length : spec.map;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 60)
    throw new EnvConfigError(
      `map must be a block string or a whole number of blocks from 1 to 60, got ${String(spec.map)}`,
    );
  const blocks: BlockBuild[] = [buildFirstBlock(ctx)];
  const occupancy = new OccupancyCheck(spec.laneWidth);
  occupancy.add(blocks[0]);
  const tries: number[] = [0];
  let builds = 0;
  let worst = 1;
  while (blocks.length <= count) {
    const i = blocks.length;
    worst = Math.max(worst, i);
    if (builds++ > MAX_BUILDS) {
      const where = fixed ? `block "${fixed[worst - 1]}" at position ${worst}` : `block ${worst}`;
      throw new EnvConfigError(
        `map ${JSON.stringify(spec.map)} cannot be laid out without overlapping roads (${where} did not fit)`,
      );
    }
    tries[i] = (tries[i] ?? 0) + 1;
    if (tries[i] > TRIES_PER_BLOCK) {
      // Backtrack: drop the previous block (never the first) and try it again.
      tries[i] = 0;
      if (i > 1) {
        const dropped = blocks.pop() as BlockBuild;
        occupancy.remove(dropped);
        continue;
      }
      tries[i] = 1;
    }
    const prev = blocks[i - 1];
    const socket = prev.sockets[rng.int(0, prev.sockets.length)];
    const letter = fixed ? fixed[i - 1] : sampleLetter(rng);
    const block = buildBlock(letter, i, socket, ctx, rng);
    const skip = new Set([`${socket.from}>${socket.to}`, `-${socket.to}>-${socket.from}`]);
    if (!occupancy.clear(block, skip)) continue;
    blocks.push(block);
    occupancy.add(block);
    tries[i + 1] = 0;
  }
  return assembleMap(blocks, spec);
}

function assembleMap(blocks: BlockBuild[], spec: MapSpec): DrivingMap {
  const network = new RoadNetwork();
  for (const block of blocks) for (const road of block.roads) network.addRoad(road);
  network.finalize();
  const sidewalks: SidewalkStrip[] = [];
  const markings: Marking[] = [];
  for (const block of blocks) {
    sidewalks.push(...block.sidewalks);
    markings.push(...block.markings);
  }
  const quads = sidewalkQuads(sidewalks);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < quads.length; i += 2) {
    minX = Math.min(minX, quads[i]);
    maxX = Math.max(maxX, quads[i]);
    minY = Math.min(minY, quads[i + 1]);
    maxY = Math.max(maxY, quads[i + 1]);
  }
  for (const road of network.roads)
    for (const lane of road.lanes) {
      minX = Math.min(minX, lane.minX);
      minY = Math.min(minY, lane.minY);
      maxX = Math.max(maxX, lane.maxX);
      maxY = Math.max(maxY, lane.maxY);
    }
  const index = new QuadGrid(quads, minX - 1, minY - 1, maxX + 1, maxY + 1);
  return {
    network,
    blocks,
    lanes: spec.lanes,
    laneWidth: spec.laneWidth,
    sidewalkQuads: quads,
    sidewalksNear: (x, y) => index.near(x, y),
    sidewalks,
    markings,
    bounds: { minX, minY, maxX, maxY },
  };
}

/** Splits sidewalk strips into quads about 2 m long (arcs become chords, accurate to millimetres). */
function sidewalkQuads(strips: SidewalkStrip[]): Float64Array {
  const out: number[] = [];
  const a = [0, 0];
  const b = [0, 0];
  const c = [0, 0];
  const d = [0, 0];
  for (const strip of strips) {
    const guide = laneFromRef(strip.ref, '', '', 0, 0, 1);
    const len = refLength(strip.ref);
    const n = strip.ref.kind === 'straight' ? 1 : Math.max(1, Math.ceil(len / 2));
    for (let k = 0; k < n; k++) {
      const s0 = (len * k) / n;
      const s1 = (len * (k + 1)) / n;
      guide.position(s0, strip.inner, a);
      guide.position(s1, strip.inner, b);
      guide.position(s1, strip.outer, c);
      guide.position(s0, strip.outer, d);
      out.push(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]);
    }
  }
  return Float64Array.from(out);
}

/** Uniform grid over quads (by their bounding boxes). */
class QuadGrid {
  private readonly cell = 10;
  private readonly x0: number;
  private readonly y0: number;
  private readonly w: number;
  private readonly h: number;
  private readonly cells: number[][];
  private static readonly empty: readonly number[] = [];

  constructor(quads: Float64Array, minX: number, minY: number, maxX: number, maxY: number) {
    this.x0 = minX;
    this.y0 = minY;
    this.w = Math.max(1, Math.ceil((maxX - minX) / this.cell));
    this.h = Math.max(1, Math.ceil((maxY - minY) / this.cell));
    this.cells = Array.from({ length: this.w * this.h }, () => []);
    for (let q = 0; q < quads.length / 8; q++) {
      let qx0 = Infinity;
      let qy0 = Infinity;
      let qx1 = -Infinity;
      let qy1 = -Infinity;
      for (let v = 0; v < 4; v++) {
        qx0 = Math.min(qx0, quads[q * 8 + v * 2]);
        qx1 = Math.max(qx1, quads[q * 8 + v * 2]);
        qy0 = Math.min(qy0, quads[q * 8 + v * 2 + 1]);
        qy1 = Math.max(qy1, quads[q * 8 + v * 2 + 1]);
      }
      // Pad by half a car diagonal so a query at the car centre finds every quad it could touch.
      const pad = 3.5;
      const i0 = Math.max(0, Math.floor((qx0 - pad - this.x0) / this.cell));
      const i1 = Math.min(this.w - 1, Math.floor((qx1 + pad - this.x0) / this.cell));
      const j0 = Math.max(0, Math.floor((qy0 - pad - this.y0) / this.cell));
      const j1 = Math.min(this.h - 1, Math.floor((qy1 + pad - this.y0) / this.cell));
      for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) this.cells[j * this.w + i].push(q);
    }
  }

  near(x: number, y: number): readonly number[] {
    const i = Math.floor((x - this.x0) / this.cell);
    const j = Math.floor((y - this.y0) / this.cell);
    if (i < 0 || j < 0 || i >= this.w || j >= this.h) return QuadGrid.empty;
    return this.cells[j * this.w + i];
  }
}
