// Lanes: straight and circular, with MetaDrive's lane frame — longitudinal s along the direction of
// travel and lateral positive to the RIGHT of travel. A road is a list of such lanes, left to right;
// every lane of a road is the road's reference line (the centre line for two-way roads) offset to
// the right by (i + 0.5)·width, so lanes of one road are always parallel or concentric.
import { wrapAngle } from './geometry.ts';

/** A reference line: the geometry a road's lanes are offset from. */
export type RefLine =
  | { kind: 'straight'; sx: number; sy: number; ex: number; ey: number }
  | {
      kind: 'arc';
      cx: number;
      cy: number;
      radius: number;
      /** Angle of the start point seen from the centre. */
      startPhase: number;
      /** Arc span, radians, > 0. */
      angle: number;
      /** True for a right turn (heading decreases), in the y-up world frame. */
      clockwise: boolean;
    };

/** Scratch output of `Lane.local`, reused to avoid allocation in hot loops. */
export interface LocalCoord {
  s: number;
  lat: number;
}

export interface Lane {
  readonly kind: 'straight' | 'circular';
  /** `${from}>${to}#${index}` */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** Index within its road, 0 = left-most (next to the centre line). */
  readonly index: number;
  readonly width: number;
  readonly length: number;
  /** Writes the world point at (s, lat) into out[0], out[1]. */
  position(s: number, lat: number, out: number[] | Float64Array): void;
  headingAt(s: number): number;
  /** Signed curvature (1/m), + for left turns. */
  readonly curvature: number;
  local(x: number, y: number, out: LocalCoord): LocalCoord;
  /** Axis-aligned bounds of the lane surface. */
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export class StraightLane implements Lane {
  readonly kind = 'straight' as const;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly index: number;
  readonly width: number;
  readonly length: number;
  readonly curvature = 0;
  readonly sx: number;
  readonly sy: number;
  readonly ex: number;
  readonly ey: number;
  /** Unit direction. */
  readonly dx: number;
  readonly dy: number;
  readonly heading: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;

  constructor(
    from: string,
    to: string,
    index: number,
    sx: number,
    sy: number,
    ex: number,
    ey: number,
    width: number,
  ) {
    this.from = from;
    this.to = to;
    this.index = index;
    this.id = `${from}>${to}#${index}`;
    this.sx = sx;
    this.sy = sy;
    this.ex = ex;
    this.ey = ey;
    this.width = width;
    this.length = Math.hypot(ex - sx, ey - sy);
    this.dx = (ex - sx) / this.length;
    this.dy = (ey - sy) / this.length;
    this.heading = Math.atan2(this.dy, this.dx);
    const h = width / 2;
    this.minX = Math.min(sx, ex) - h;
    this.maxX = Math.max(sx, ex) + h;
    this.minY = Math.min(sy, ey) - h;
    this.maxY = Math.max(sy, ey) + h;
  }

  position(s: number, lat: number, out: number[] | Float64Array): void {
    // Right of travel is (dy, −dx).
    out[0] = this.sx + this.dx * s + this.dy * lat;
    out[1] = this.sy + this.dy * s - this.dx * lat;
  }

  headingAt(): number {
    return this.heading;
  }

  local(x: number, y: number, out: LocalCoord): LocalCoord {
    const rx = x - this.sx;
    const ry = y - this.sy;
    out.s = rx * this.dx + ry * this.dy;
    out.lat = rx * this.dy - ry * this.dx;
    return out;
  }
}

export class CircularLane implements Lane {
  readonly kind = 'circular' as const;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly index: number;
  readonly width: number;
  readonly length: number;
  readonly curvature: number;
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  readonly startPhase: number;
  readonly angle: number;
  readonly clockwise: boolean;
  /** +1 when the phase grows along the lane (left turn), −1 otherwise. */
  readonly dir: number;
  private readonly midPhase: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;

  constructor(
    from: string,
    to: string,
    index: number,
    cx: number,
    cy: number,
    radius: number,
    startPhase: number,
    angle: number,
    clockwise: boolean,
    width: number,
  ) {
    this.from = from;
    this.to = to;
    this.index = index;
    this.id = `${from}>${to}#${index}`;
    this.cx = cx;
    this.cy = cy;
    this.radius = radius;
    this.startPhase = startPhase;
    this.angle = angle;
    this.clockwise = clockwise;
    this.dir = clockwise ? -1 : 1;
    this.width = width;
    this.length = radius * angle;
    this.curvature = this.dir / radius;
    this.midPhase = startPhase + (this.dir * angle) / 2;
    // Bounds from samples of the outer edge: cheap and only used by the spatial index.
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const outer = radius + width / 2;
    const inner = Math.max(0, radius - width / 2);
    const n = Math.max(2, Math.ceil(angle / 0.1));
    for (let i = 0; i <= n; i++) {
      const phi = startPhase + (this.dir * angle * i) / n;
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      for (const r of [outer, inner]) {
        const x = cx + r * c;
        const y = cy + r * s;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    // Chords cut the arc between samples; pad by the sagitta bound.
    const pad = outer * (1 - Math.cos(0.05)) + 0.01;
    this.minX = minX - pad;
    this.minY = minY - pad;
    this.maxX = maxX + pad;
    this.maxY = maxY + pad;
  }

  position(s: number, lat: number, out: number[] | Float64Array): void {
    const phi = this.startPhase + (this.dir * s) / this.radius;
    // Right of travel points away from the centre for a left turn, towards it for a right turn.
    const r = this.radius + this.dir * lat;
    out[0] = this.cx + r * Math.cos(phi);
    out[1] = this.cy + r * Math.sin(phi);
  }

  headingAt(s: number): number {
    return this.startPhase + (this.dir * s) / this.radius + (this.dir * Math.PI) / 2;
  }

  local(x: number, y: number, out: LocalCoord): LocalCoord {
    const dx = x - this.cx;
    const dy = y - this.cy;
    // Phase measured from the arc's middle so the ±π cut lies opposite the lane.
    const delta = wrapAngle(Math.atan2(dy, dx) - this.midPhase);
    out.s = this.radius * (this.dir * delta + this.angle / 2);
    out.lat = this.dir * (Math.hypot(dx, dy) - this.radius);
    return out;
  }
}

/** The lane at lateral offset `offset` (to the right) of a reference line. */
export function laneFromRef(
  ref: RefLine,
  from: string,
  to: string,
  index: number,
  offset: number,
  width: number,
): Lane {
  if (ref.kind === 'straight') {
    const len = Math.hypot(ref.ex - ref.sx, ref.ey - ref.sy);
    const rx = (ref.ey - ref.sy) / len;
    const ry = -(ref.ex - ref.sx) / len;
    return new StraightLane(
      from,
      to,
      index,
      ref.sx + rx * offset,
      ref.sy + ry * offset,
      ref.ex + rx * offset,
      ref.ey + ry * offset,
      width,
    );
  }
  const dir = ref.clockwise ? -1 : 1;
  return new CircularLane(
    from,
    to,
    index,
    ref.cx,
    ref.cy,
    ref.radius + dir * offset,
    ref.startPhase,
    ref.angle,
    ref.clockwise,
    width,
  );
}

/** The same line travelled the other way. */
export function reverseRef(ref: RefLine): RefLine {
  if (ref.kind === 'straight') return { kind: 'straight', sx: ref.ex, sy: ref.ey, ex: ref.sx, ey: ref.sy };
  const dir = ref.clockwise ? -1 : 1;
  return { ...ref, startPhase: ref.startPhase + dir * ref.angle, clockwise: !ref.clockwise };
}

export function refLength(ref: RefLine): number {
  return ref.kind === 'straight' ? Math.hypot(ref.ex - ref.sx, ref.ey - ref.sy) : ref.radius * ref.angle;
}

/** Pose at the end of a reference line: position and heading. */
export interface Pose {
  x: number;
  y: number;
  heading: number;
}

export function refEnd(ref: RefLine): Pose {
  if (ref.kind === 'straight')
    return { x: ref.ex, y: ref.ey, heading: Math.atan2(ref.ey - ref.sy, ref.ex - ref.sx) };
  const dir = ref.clockwise ? -1 : 1;
  const phi = ref.startPhase + dir * ref.angle;
  return {
    x: ref.cx + ref.radius * Math.cos(phi),
    y: ref.cy + ref.radius * Math.sin(phi),
    heading: phi + (dir * Math.PI) / 2,
  };
}

export function straightFrom(p: Pose, length: number): RefLine {
  return {
    kind: 'straight',
    sx: p.x,
    sy: p.y,
    ex: p.x + length * Math.cos(p.heading),
    ey: p.y + length * Math.sin(p.heading),
  };
}

/** An arc starting at pose p, turning left (clockwise = false) or right, with the given radius and span. */
export function arcFrom(p: Pose, radius: number, angle: number, clockwise: boolean): RefLine {
  const dir = clockwise ? -1 : 1;
  // The centre lies on the turning side: left normal (−sin, cos) for a left turn.
  const cx = p.x - dir * radius * Math.sin(p.heading);
  const cy = p.y + dir * radius * Math.cos(p.heading);
  return { kind: 'arc', cx, cy, radius, startPhase: p.heading - (dir * Math.PI) / 2, angle, clockwise };
}
