// The procedural block catalogue (MetaDrive's PG blocks): the first block I, straight S, curve C,
// 4-way intersection X, T-intersection T, roundabout O, on-ramp r and off-ramp R. Each builder
// attaches to a socket (the end of a two-way road of the previous block) and returns its roads,
// its own sockets, sidewalk strips and painted lines, all in world coordinates.
import type { Rng } from '../random.ts';
import { arcFrom, laneFromRef, refEnd, reverseRef, straightFrom, type Pose, type RefLine } from './lane.ts';
import type { Road } from './road-network.ts';

export const BLOCK_LETTERS = ['S', 'C', 'X', 'T', 'O', 'r', 'R'] as const;
export type BlockLetter = (typeof BLOCK_LETTERS)[number];
export type BlockType = BlockLetter | 'I';

export const BLOCK_NAMES: Record<BlockType, string> = {
  I: 'start',
  S: 'straight',
  C: 'curve',
  X: 'intersection',
  T: 'T-junction',
  O: 'roundabout',
  r: 'on-ramp',
  R: 'off-ramp',
};

/** MetaDrive's block sampling probabilities (blocks_prob_dist V2). */
export const BLOCK_PROBABILITIES: ReadonlyArray<readonly [BlockLetter, number]> = [
  ['C', 0.3],
  ['S', 0.1],
  ['r', 0.1],
  ['R', 0.1],
  ['X', 0.15],
  ['T', 0.15],
  ['O', 0.1],
];

/** Letters MetaDrive knows but gives probability 0; we name them in errors. */
export const UNSUPPORTED_LETTERS: Record<string, string> = {
  f: 'in-fork',
  F: 'out-fork',
  y: 'merge',
  Y: 'split',
  B: 'bidirection',
  $: 'toll gate',
  P: 'parking lot',
  U: 'U-turn intersection',
};

/** The end of a two-way road that a next block can attach to. */
export interface Socket {
  /** Positive road from → to; the next block starts at node `to`. */
  from: string;
  to: string;
  /** Pose of the reference (centre) line at the end of the positive road. */
  pose: Pose;
}

/** A strip of sidewalk: the band between two lateral offsets (to the right) of a reference line. */
export interface SidewalkStrip {
  ref: RefLine;
  inner: number;
  outer: number;
}

export interface Marking {
  ref: RefLine;
  offset: number;
  color: 'yellow' | 'white';
  dashed: boolean;
}

export interface BlockBuild {
  type: BlockType;
  index: number;
  /** Region name, e.g. "C1 (curve)". */
  name: string;
  roads: Road[];
  sockets: Socket[];
  sidewalks: SidewalkStrip[];
  markings: Marking[];
  /** Positive non-internal roads: trigger-traffic spawn places. */
  spawnRoads: Road[];
  /** Roads that may hold an accident scene (S, C, r, R only). */
  accidentRoads: Road[];
  /** The socket road leading into this block: when the ego enters it, this block's traffic starts. */
  entry: Socket | null;
}

export interface BlockContext {
  lanes: number;
  width: number;
}

/** Sidewalks start 0.2 m outside the outer lane edge and are 2 m wide (pg_block.py). */
export const SIDEWALK_GAP = 0.2;
export const SIDEWALK_WIDTH = 2;

export function negNode(node: string): string {
  return node.startsWith('-') ? node.slice(1) : `-${node}`;
}

function makeRoad(
  from: string,
  to: string,
  ref: RefLine,
  lanes: number,
  width: number,
  block: number,
  internal: boolean,
): Road {
  const list = [];
  for (let i = 0; i < lanes; i++) list.push(laneFromRef(ref, from, to, i, (i + 0.5) * width, width));
  return { from, to, lanes: list, ref, block, negative: from.startsWith('-'), internal };
}

class Builder {
  readonly build: BlockBuild;
  readonly ctx: BlockContext;

  constructor(type: BlockType, index: number, ctx: BlockContext, entry: Socket | null) {
    this.ctx = ctx;
    this.build = {
      type,
      index,
      name: `${type}${index} (${BLOCK_NAMES[type]})`,
      roads: [],
      sockets: [],
      sidewalks: [],
      markings: [],
      spawnRoads: [],
      accidentRoads: [],
      entry,
    };
  }

  node(tag: string): string {
    return `${this.build.type}${this.build.index}_${tag}`;
  }

  /**
   * A two-way road: `nPos` lanes right of the reference line from → to, `nNeg` lanes the other way
   * (-to → -from). Adds the yellow centre line, white broken lines, edge lines and sidewalks.
   */
  twoWay(
    from: string,
    to: string,
    ref: RefLine,
    opts: { nPos?: number; nNeg?: number; rightWalk?: boolean; leftWalk?: boolean; accident?: boolean } = {},
  ): Road {
    const w = this.ctx.width;
    const nPos = opts.nPos ?? this.ctx.lanes;
    const nNeg = opts.nNeg ?? this.ctx.lanes;
    const b = this.build;
    const pos = makeRoad(from, to, ref, nPos, w, b.index, false);
    const neg = makeRoad(negNode(to), negNode(from), reverseRef(ref), nNeg, w, b.index, false);
    b.roads.push(pos, neg);
    b.spawnRoads.push(pos);
    if (opts.accident !== false) b.accidentRoads.push(pos);
    b.markings.push({ ref, offset: 0, color: 'yellow', dashed: false });
    for (let k = 1; k < nPos; k++) b.markings.push({ ref, offset: k * w, color: 'white', dashed: true });
    for (let k = 1; k < nNeg; k++) b.markings.push({ ref, offset: -k * w, color: 'white', dashed: true });
    b.markings.push({ ref, offset: nPos * w, color: 'white', dashed: false });
    b.markings.push({ ref, offset: -nNeg * w, color: 'white', dashed: false });
    if (opts.rightWalk !== false)
      b.sidewalks.push({
        ref,
        inner: nPos * w + SIDEWALK_GAP,
        outer: nPos * w + SIDEWALK_GAP + SIDEWALK_WIDTH,
      });
    if (opts.leftWalk !== false)
      b.sidewalks.push({
        ref,
        inner: -nNeg * w - SIDEWALK_GAP - SIDEWALK_WIDTH,
        outer: -nNeg * w - SIDEWALK_GAP,
      });
    return pos;
  }

  /** A one-way road inside an intersection or roundabout: no lines. */
  internal(from: string, to: string, ref: RefLine, lanes = this.ctx.lanes): Road {
    const road = makeRoad(from, to, ref, lanes, this.ctx.width, this.build.index, true);
    this.build.roads.push(road);
    return road;
  }

  /** Sidewalk along the right edge of an n-lane road on `ref`. */
  rightWalk(ref: RefLine, lanes = this.ctx.lanes): void {
    const edge = lanes * this.ctx.width;
    this.build.sidewalks.push({
      ref,
      inner: edge + SIDEWALK_GAP,
      outer: edge + SIDEWALK_GAP + SIDEWALK_WIDTH,
    });
  }

  socket(from: string, to: string, ref: RefLine): void {
    this.build.sockets.push({ from, to, pose: refEnd(ref) });
  }
}

/** The straight entrance: ">"→">>" 10 m then ">>"→">>>" 40 m, at the origin heading +x. */
export function buildFirstBlock(ctx: BlockContext): BlockBuild {
  const b = new Builder('I', 0, ctx, null);
  const start: Pose = { x: 0, y: 0, heading: 0 };
  const r1 = straightFrom(start, 10);
  const r2 = straightFrom(refEnd(r1), 40);
  const n0 = b.node('0');
  const n1 = b.node('1');
  const n2 = b.node('2');
  b.twoWay(n0, n1, r1);
  b.twoWay(n1, n2, r2);
  b.build.spawnRoads.length = 0;
  b.build.accidentRoads.length = 0;
  b.socket(n1, n2, r2);
  return b.build;
}

export function buildBlock(
  type: BlockLetter,
  index: number,
  socket: Socket,
  ctx: BlockContext,
  rng: Rng,
): BlockBuild {
  const b = new Builder(type, index, ctx, socket);
  switch (type) {
    case 'S':
      straightBlock(b, socket, rng);
      break;
    case 'C':
      curveBlock(b, socket, rng);
      break;
    case 'X':
      intersectionBlock(b, socket, rng, false);
      break;
    case 'T':
      intersectionBlock(b, socket, rng, true);
      break;
    case 'O':
      roundaboutBlock(b, socket, rng);
      break;
    case 'r':
      rampBlock(b, socket, rng, true);
      break;
    case 'R':
      rampBlock(b, socket, rng, false);
      break;
  }
  return b.build;
}

function straightBlock(b: Builder, socket: Socket, rng: Rng): void {
  const ref = straightFrom(socket.pose, rng.uniform(40, 80));
  const end = b.node('0');
  b.twoWay(socket.to, end, ref);
  b.socket(socket.to, end, ref);
}

function curveBlock(b: Builder, socket: Socket, rng: Rng): void {
  const radius = rng.uniform(25, 60);
  const angle = (rng.uniform(45, 135) * Math.PI) / 180;
  const clockwise = rng.next() < 0.5;
  const arc = arcFrom(socket.pose, radius, angle, clockwise);
  const straight = straightFrom(refEnd(arc), rng.uniform(40, 80));
  const mid = b.node('0');
  const end = b.node('1');
  b.twoWay(socket.to, mid, arc);
  b.twoWay(mid, end, straight);
  b.socket(mid, end, straight);
}

/** Rotates a pose's position about a centre and gives the arm pose at angle phi, distance d. */
function armPose(cx: number, cy: number, phi: number, d: number, outward: boolean): Pose {
  return { x: cx + d * Math.cos(phi), y: cy + d * Math.sin(phi), heading: outward ? phi : phi + Math.PI };
}

/**
 * 4-way (or T) intersection with 90° arms. With turn radius r = 10 m for the innermost right-turn
 * lane, arms start X0 = r + (n − 0.5)·w from the centre, so the straight crossing is 2r + (2n − 1)·w.
 * Every incoming lane continues on right-turn, straight and left-turn connectors into the same lane
 * index of the exit arm; connectors are concentric so lanes never cross within one manoeuvre.
 */
function intersectionBlock(b: Builder, socket: Socket, rng: Rng, tee: boolean): void {
  const w = b.ctx.width;
  const n = b.ctx.lanes;
  const x0 = 10 + (n - 0.5) * w;
  const h = socket.pose.heading;
  const cx = socket.pose.x + x0 * Math.cos(h);
  const cy = socket.pose.y + x0 * Math.sin(h);
  // Arm k at angle phi0 + k·90° from the centre: 0 = entrance (behind), 1 = right, 2 = straight, 3 = left.
  const phi0 = h + Math.PI;
  const missing = tee ? 1 + rng.int(0, 3) : -1;
  const present = [0, 1, 2, 3].filter((k) => k !== missing);
  const inNode: string[] = [];
  const outNode: string[] = [];
  for (let k = 0; k < 4; k++) {
    if (k === 0) {
      inNode[k] = socket.to;
      outNode[k] = negNode(socket.to);
    } else {
      outNode[k] = b.node(`f${k}`);
      inNode[k] = negNode(outNode[k]);
    }
  }
  for (const k of present) {
    const phi = phi0 + (k * Math.PI) / 2;
    const entry = armPose(cx, cy, phi, x0, false);
    for (const j of present) {
      if (j === k) continue;
      const turn = (j - k + 4) % 4; // 1 right, 2 straight, 3 left
      let ref: RefLine;
      if (turn === 1) ref = arcFrom(entry, x0, Math.PI / 2, true);
      else if (turn === 2) ref = straightFrom(entry, 2 * x0);
      else ref = arcFrom(entry, x0, Math.PI / 2, false);
      b.internal(inNode[k], outNode[j], ref);
      // A corner between arm k's incoming side and the next arm's outgoing side gets a sidewalk.
      if (turn === 1) b.rightWalk(ref);
    }
    if (k !== 0) {
      const exitRef = straightFrom(armPose(cx, cy, phi, x0, true), 35);
      const end = b.node(`e${k}`);
      b.twoWay(outNode[k], end, exitRef, { accident: false });
      b.socket(outNode[k], end, exitRef);
    }
  }
  if (missing >= 0) {
    // Close the missing arm with a kerb that continues the neighbouring arms' sidewalks straight
    // across the box: every connector stays within n·w of the centre on that side.
    const phi = phi0 + (missing * Math.PI) / 2;
    const side = phi - Math.PI / 2;
    const edge = n * w;
    const px = cx + edge * Math.cos(phi) - x0 * Math.cos(side);
    const py = cy + edge * Math.sin(phi) - x0 * Math.sin(side);
    // Travelling along `side`, the outside (away from the centre) is on the left: negative offsets.
    const ref: RefLine = {
      kind: 'straight',
      sx: px,
      sy: py,
      ex: px + 2 * x0 * Math.cos(side),
      ey: py + 2 * x0 * Math.sin(side),
    };
    b.build.sidewalks.push({ ref, inner: -SIDEWALK_GAP - SIDEWALK_WIDTH, outer: -SIDEWALK_GAP });
  }
}

/**
 * Roundabout: a one-way counter-clockwise ring (inner radius U(15, 45) m) with 4 arms at 90°.
 * Entry and exit arcs (innermost lane radius U(5, 15) m) are tangent to the ring and to the arm's
 * axis; lane i of an entry arc runs into ring lane i. Arms 1–3 have 35 m exit roads (3 sockets).
 */
function roundaboutBlock(b: Builder, socket: Socket, rng: Rng): void {
  const w = b.ctx.width;
  const n = b.ctx.lanes;
  const rIn = rng.uniform(15, 45);
  const rExit = rng.uniform(5, 15);
  const re = rExit + n * w; // radius of the entry/exit arcs' reference line
  const foot = Math.sqrt((rIn + re) * (rIn + re) - re * re);
  const alpha = Math.atan2(re, foot);
  const h = socket.pose.heading;
  const cx = socket.pose.x + foot * Math.cos(h);
  const cy = socket.pose.y + foot * Math.sin(h);
  const phi0 = h + Math.PI;
  const ringPose = (phi: number): Pose => ({
    x: cx + rIn * Math.cos(phi),
    y: cy + rIn * Math.sin(phi),
    heading: phi + Math.PI / 2,
  });
  const entryNode = (k: number) => b.node(`E${k}`);
  const exitNode = (k: number) => b.node(`X${k}`);
  for (let k = 0; k < 4; k++) {
    const phi = phi0 + (k * Math.PI) / 2;
    const inNode = k === 0 ? socket.to : negNode(b.node(`f${k}`));
    const outNode = k === 0 ? negNode(socket.to) : b.node(`f${k}`);
    // Entry: from the arm's foot, turn right onto the ring.
    const entryRef = arcFrom(armPose(cx, cy, phi, foot, false), re, Math.PI / 2 - alpha, true);
    b.internal(inNode, entryNode(k), entryRef);
    b.rightWalk(entryRef);
    // Exit: leave the ring with a right turn onto the arm's outgoing side.
    const exitRef = arcFrom(ringPose(phi - alpha), re, Math.PI / 2 - alpha, true);
    b.internal(exitNode(k), outNode, exitRef);
    b.rightWalk(exitRef);
    // Ring: past the arm (exit → entry point), then on to the next arm's exit point.
    const pass: RefLine = {
      kind: 'arc',
      cx,
      cy,
      radius: rIn,
      startPhase: phi - alpha,
      angle: 2 * alpha,
      clockwise: false,
    };
    const onward: RefLine = {
      kind: 'arc',
      cx,
      cy,
      radius: rIn,
      startPhase: phi + alpha,
      angle: Math.PI / 2 - 2 * alpha,
      clockwise: false,
    };
    b.internal(exitNode(k), entryNode(k), pass);
    b.internal(entryNode(k), exitNode((k + 1) % 4), onward);
    b.rightWalk(onward);
    // The central island's kerb.
    b.build.sidewalks.push({ ref: pass, inner: -SIDEWALK_GAP - SIDEWALK_WIDTH, outer: -SIDEWALK_GAP });
    b.build.sidewalks.push({ ref: onward, inner: -SIDEWALK_GAP - SIDEWALK_WIDTH, outer: -SIDEWALK_GAP });
    if (k !== 0) {
      const armRef = straightFrom(armPose(cx, cy, phi, foot, true), 35);
      const end = b.node(`e${k}`);
      b.twoWay(outNode, end, armRef, { accident: false });
      b.socket(outNode, end, armRef);
    }
  }
}

/** Offsets a reference line `offset` metres to the right (used for one-lane ramps). */
function shiftRef(ref: RefLine, offset: number): RefLine {
  const lane = laneFromRef(ref, '', '', 0, offset, 1);
  if (ref.kind === 'straight') {
    const p = [0, 0];
    const q = [0, 0];
    lane.position(0, 0, p);
    lane.position(lane.length, 0, q);
    return { kind: 'straight', sx: p[0], sy: p[1], ex: q[0], ey: q[1] };
  }
  const dir = ref.clockwise ? -1 : 1;
  return { ...ref, radius: ref.radius + dir * offset };
}

const RAMP_RADIUS = 40;
const RAMP_ANGLE = (10 * Math.PI) / 180;
const RAMP_STRAIGHT = 35; // ramp 15 m + connector 20 m
const RAMP_EXTENT = RAMP_RADIUS * Math.sin(RAMP_ANGLE) + RAMP_STRAIGHT * Math.cos(RAMP_ANGLE);

/**
 * On-ramp (r) and off-ramp (R) on a straight main road. The main road gets an extra right-hand
 * lane (acceleration or deceleration lane) for U(20, 40) m; a one-lane ramp (a 10° arc of radius
 * 40 m plus a 35 m straight) joins or leaves it at the extra lane's end.
 */
function rampBlock(b: Builder, socket: Socket, rng: Rng, onRamp: boolean): void {
  const w = b.ctx.width;
  const n = b.ctx.lanes;
  const aLen = onRamp ? RAMP_EXTENT : rng.uniform(20, 40);
  const bLen = rng.uniform(20, 40);
  const cLen = onRamp ? rng.uniform(20, 40) : RAMP_EXTENT;
  const refA = straightFrom(socket.pose, aLen);
  const refB = straightFrom(refEnd(refA), bLen);
  const refC = straightFrom(refEnd(refB), cLen);
  const na = b.node('0');
  const nb = b.node('1');
  const nc = b.node('2');
  // The ramp side of the road has no sidewalk where the ramp runs alongside it.
  b.twoWay(socket.to, na, refA, { rightWalk: !onRamp });
  b.twoWay(na, nb, refB, { nPos: n + 1 });
  b.twoWay(nb, nc, refC, { rightWalk: onRamp });
  const h = socket.pose.heading;
  const rx = Math.sin(h);
  const ry = -Math.cos(h);
  const laneOff = (n + 0.5) * w;
  const rampStart = b.node('ramp0');
  const rampEnd = b.node('ramp1');
  if (onRamp) {
    // Work backwards from the start of the extra lane: a right-turning arc ending parallel to the road.
    const j = refEnd(refA);
    const jx = j.x + rx * laneOff;
    const jy = j.y + ry * laneOff;
    const cx = jx + rx * RAMP_RADIUS;
    const cy = jy + ry * RAMP_RADIUS;
    const h1 = h + RAMP_ANGLE;
    const sx = cx - RAMP_RADIUS * Math.sin(h1);
    const sy = cy + RAMP_RADIUS * Math.cos(h1);
    const arcStart: Pose = { x: sx, y: sy, heading: h1 };
    const straight: RefLine = {
      kind: 'straight',
      sx: sx - RAMP_STRAIGHT * Math.cos(h1),
      sy: sy - RAMP_STRAIGHT * Math.sin(h1),
      ex: sx,
      ey: sy,
    };
    const arc = arcFrom(arcStart, RAMP_RADIUS, RAMP_ANGLE, true);
    const straightRef = shiftRef(straight, -w / 2);
    const arcRef = shiftRef(arc, -w / 2);
    b.internal(rampStart, rampEnd, straightRef, 1);
    b.internal(rampEnd, na, arcRef, 1);
    b.rightWalk(straightRef, 1);
    b.rightWalk(arcRef, 1);
  } else {
    const j = refEnd(refB);
    const start: Pose = { x: j.x + rx * laneOff, y: j.y + ry * laneOff, heading: h };
    const arc = arcFrom(start, RAMP_RADIUS, RAMP_ANGLE, true);
    const straight = straightFrom(refEnd(arc), RAMP_STRAIGHT);
    const arcRef = shiftRef(arc, -w / 2);
    const straightRef = shiftRef(straight, -w / 2);
    b.internal(nb, rampStart, arcRef, 1);
    b.internal(rampStart, rampEnd, straightRef, 1);
    b.rightWalk(arcRef, 1);
    b.rightWalk(straightRef, 1);
    // 20 m more main road past the ramp's end, so that a following block (another ramp, a
    // right turn) does not start right beside it.
    const refD = straightFrom(refEnd(refC), 20);
    const nd = b.node('3');
    b.twoWay(nc, nd, refD);
    b.socket(nc, nd, refD);
    return;
  }
  b.socket(nb, nc, refC);
}
