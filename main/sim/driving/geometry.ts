// Small 2-D geometry kernel for the driving simulator: angles, oriented boxes (SAT overlap with a
// minimum translation vector), and analytic ray tests against boxes and circles. Everything works on
// plain numbers so the hot loops (lidar, collisions) allocate nothing.

export const TWO_PI = Math.PI * 2;

/** Wraps an angle to (−π, π]. */
export function wrapAngle(a: number): number {
  a = a % TWO_PI;
  if (a > Math.PI) a -= TWO_PI;
  else if (a <= -Math.PI) a += TWO_PI;
  return a;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function clip01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** An oriented box: centre, heading (length axis), half length, half width. */
export interface Box {
  x: number;
  y: number;
  heading: number;
  halfLength: number;
  halfWidth: number;
}

/** Result slot for box overlap: the push (dx, dy) that separates box A from box B. */
export interface Push {
  dx: number;
  dy: number;
}

/**
 * Separating-axis test between two oriented boxes. Returns true when they overlap and, if `push` is
 * given, writes the smallest translation of A that separates them.
 */
export function boxesOverlap(a: Box, b: Box, push?: Push): boolean {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  // Quick reject on bounding circles: most pairs are far apart.
  const ra = Math.hypot(a.halfLength, a.halfWidth);
  const rb = Math.hypot(b.halfLength, b.halfWidth);
  if (dx * dx + dy * dy > (ra + rb) * (ra + rb)) return false;
  const ca = Math.cos(a.heading);
  const sa = Math.sin(a.heading);
  const cb = Math.cos(b.heading);
  const sb = Math.sin(b.heading);
  let best = Infinity;
  let bx = 0;
  let by = 0;
  // The four candidate axes: each box's length and width directions.
  for (let k = 0; k < 4; k++) {
    let ax: number;
    let ay: number;
    if (k === 0) {
      ax = ca;
      ay = sa;
    } else if (k === 1) {
      ax = -sa;
      ay = ca;
    } else if (k === 2) {
      ax = cb;
      ay = sb;
    } else {
      ax = -sb;
      ay = cb;
    }
    const projA = a.halfLength * Math.abs(ca * ax + sa * ay) + a.halfWidth * Math.abs(-sa * ax + ca * ay);
    const projB = b.halfLength * Math.abs(cb * ax + sb * ay) + b.halfWidth * Math.abs(-sb * ax + cb * ay);
    const dist = dx * ax + dy * ay;
    const overlap = projA + projB - Math.abs(dist);
    if (overlap <= 0) return false;
    if (overlap < best) {
      best = overlap;
      const sign = dist > 0 ? -1 : 1;
      bx = ax * overlap * sign;
      by = ay * overlap * sign;
    }
  }
  if (push) {
    push.dx = bx;
    push.dy = by;
  }
  return true;
}

/** Overlap of an oriented box with a circle (centre cx, cy, radius r); writes the push of the box. */
export function boxCircleOverlap(a: Box, cx: number, cy: number, r: number, push?: Push): boolean {
  const dx = cx - a.x;
  const dy = cy - a.y;
  const c = Math.cos(a.heading);
  const s = Math.sin(a.heading);
  // Circle centre in the box frame, then the closest point of the box to it.
  const lx = dx * c + dy * s;
  const ly = -dx * s + dy * c;
  const qx = clamp(lx, -a.halfLength, a.halfLength);
  const qy = clamp(ly, -a.halfWidth, a.halfWidth);
  const ex = lx - qx;
  const ey = ly - qy;
  const d2 = ex * ex + ey * ey;
  if (d2 >= r * r) return false;
  if (push) {
    let nx: number;
    let ny: number;
    let depth: number;
    if (d2 > 1e-12) {
      const d = Math.sqrt(d2);
      nx = ex / d;
      ny = ey / d;
      depth = r - d;
    } else {
      // Centre inside the box: push out along the shallowest face.
      const px = a.halfLength - Math.abs(lx);
      const py = a.halfWidth - Math.abs(ly);
      if (px < py) {
        nx = Math.sign(lx) || 1;
        ny = 0;
        depth = px + r;
      } else {
        nx = 0;
        ny = Math.sign(ly) || 1;
        depth = py + r;
      }
    }
    // The box moves away from the circle: opposite to the normal, rotated back to the world.
    push.dx = -(nx * c - ny * s) * depth;
    push.dy = -(nx * s + ny * c) * depth;
  }
  return true;
}

/**
 * Distance along a unit ray (ox, oy) + t (dx, dy) to an oriented box, or Infinity. Slab test in the
 * box frame; a ray starting inside the box reports 0.
 */
export function rayBox(ox: number, oy: number, dx: number, dy: number, b: Box): number {
  const c = Math.cos(b.heading);
  const s = Math.sin(b.heading);
  const rx = ox - b.x;
  const ry = oy - b.y;
  const lox = rx * c + ry * s;
  const loy = -rx * s + ry * c;
  const ldx = dx * c + dy * s;
  const ldy = -dx * s + dy * c;
  let tmin = 0;
  let tmax = Infinity;
  if (Math.abs(ldx) < 1e-12) {
    if (lox < -b.halfLength || lox > b.halfLength) return Infinity;
  } else {
    let t1 = (-b.halfLength - lox) / ldx;
    let t2 = (b.halfLength - lox) / ldx;
    if (t1 > t2) [t1, t2] = [t2, t1];
    if (t1 > tmin) tmin = t1;
    if (t2 < tmax) tmax = t2;
    if (tmin > tmax) return Infinity;
  }
  if (Math.abs(ldy) < 1e-12) {
    if (loy < -b.halfWidth || loy > b.halfWidth) return Infinity;
  } else {
    let t1 = (-b.halfWidth - loy) / ldy;
    let t2 = (b.halfWidth - loy) / ldy;
    if (t1 > t2) [t1, t2] = [t2, t1];
    if (t1 > tmin) tmin = t1;
    if (t2 < tmax) tmax = t2;
    if (tmin > tmax) return Infinity;
  }
  return tmin;
}

/** Distance along a unit ray to a circle, or Infinity; 0 when the origin is inside. */
export function rayCircle(
  ox: number,
  oy: number,
  dx: number,
  dy: number,
  cx: number,
  cy: number,
  r: number,
): number {
  const mx = ox - cx;
  const my = oy - cy;
  const c = mx * mx + my * my - r * r;
  if (c <= 0) return 0;
  const b = mx * dx + my * dy;
  if (b > 0) return Infinity;
  const disc = b * b - c;
  if (disc < 0) return Infinity;
  return -b - Math.sqrt(disc);
}

/** Whether an oriented box overlaps a convex quadrilateral given by 8 numbers (x0,y0,…,x3,y3). */
export function boxQuadOverlap(a: Box, q: Float64Array, off: number): boolean {
  const c = Math.cos(a.heading);
  const s = Math.sin(a.heading);
  // Box corners.
  const hx = a.halfLength;
  const hy = a.halfWidth;
  const cx0 = a.x + c * hx - s * hy;
  const cy0 = a.y + s * hx + c * hy;
  const cx1 = a.x - c * hx - s * hy;
  const cy1 = a.y - s * hx + c * hy;
  const cx2 = a.x - c * hx + s * hy;
  const cy2 = a.y - s * hx - c * hy;
  const cx3 = a.x + c * hx + s * hy;
  const cy3 = a.y + s * hx - c * hy;
  // Axes: box axes, then the quad's edge normals.
  for (let k = 0; k < 6; k++) {
    let ax: number;
    let ay: number;
    if (k === 0) {
      ax = c;
      ay = s;
    } else if (k === 1) {
      ax = -s;
      ay = c;
    } else {
      const i = off + (k - 2) * 2;
      const j = off + ((k - 1) % 4) * 2;
      ax = -(q[j + 1] - q[i + 1]);
      ay = q[j] - q[i];
    }
    let minA = Infinity;
    let maxA = -Infinity;
    let p = cx0 * ax + cy0 * ay;
    if (p < minA) minA = p;
    if (p > maxA) maxA = p;
    p = cx1 * ax + cy1 * ay;
    if (p < minA) minA = p;
    if (p > maxA) maxA = p;
    p = cx2 * ax + cy2 * ay;
    if (p < minA) minA = p;
    if (p > maxA) maxA = p;
    p = cx3 * ax + cy3 * ay;
    if (p < minA) minA = p;
    if (p > maxA) maxA = p;
    let minB = Infinity;
    let maxB = -Infinity;
    for (let v = 0; v < 4; v++) {
      const pq = q[off + v * 2] * ax + q[off + v * 2 + 1] * ay;
      if (pq < minB) minB = pq;
      if (pq > maxB) maxB = pq;
    }
    if (maxA <= minB || maxB <= minA) return false;
  }
  return true;
}
