// Lidar rays for the top-down view, cast in the renderer from what the frame carries: MetaDrive's
// ego lidar is 240 rays over 360° reaching 50 m, and it sees vehicles and traffic objects (not the
// road edge, which other sensors measure). The frame has no lidar tail, so the rays are recomputed
// here against the actors' boxes — what the policy sees, within the boxes' accuracy. Pure.
import type { Actor } from '../../../../main/contract/scene.ts';

export const LIDAR_DEFAULTS = { rays: 240, range: 50 } as const;

/** Kinds the lidar detects. */
const DETECTED = new Set<Actor['kind']>(['vehicle', 'cone', 'triangle', 'barrier']);

/** Smallest footprint an object is given (m): cones and triangles are reported with tiny boxes. */
const MIN_SIZE = 0.4;

/**
 * Distance to the first box hit along each ray, in metres, or range where nothing is hit. Ray i
 * points at heading + 2π·i/rays. out is reused when it has the right length.
 */
export function castLidar(
  ego: { x: number; y: number; heading: number },
  actors: readonly Actor[],
  rays: number = LIDAR_DEFAULTS.rays,
  range: number = LIDAR_DEFAULTS.range,
  out?: Float64Array,
): Float64Array {
  const distances = out !== undefined && out.length === rays ? out : new Float64Array(rays);
  distances.fill(range);
  for (const actor of actors) {
    if (!DETECTED.has(actor.kind)) continue;
    const hl = Math.max(actor.length, MIN_SIZE) / 2;
    const hw = Math.max(actor.width, MIN_SIZE) / 2;
    const rx = actor.x - ego.x;
    const ry = actor.y - ego.y;
    // Skip boxes that cannot be within range.
    if (Math.hypot(rx, ry) - Math.hypot(hl, hw) > range) continue;
    const c = Math.cos(actor.heading);
    const s = Math.sin(actor.heading);
    // The ray origin in the box's frame.
    const ox = -(rx * c + ry * s);
    const oy = -(-rx * s + ry * c);
    for (let i = 0; i < rays; i++) {
      const angle = ego.heading + (2 * Math.PI * i) / rays;
      const wx = Math.cos(angle);
      const wy = Math.sin(angle);
      const dx = wx * c + wy * s;
      const dy = -wx * s + wy * c;
      const t = slab(ox, oy, dx, dy, hl, hw);
      if (t < distances[i]) distances[i] = t;
    }
  }
  return distances;
}

/** Entry distance of the ray (o + t·d, t ≥ 0) into the box |x| ≤ hx, |y| ≤ hy; Infinity on a miss. */
export function slab(ox: number, oy: number, dx: number, dy: number, hx: number, hy: number): number {
  let near = 0;
  let far = Number.POSITIVE_INFINITY;
  if (Math.abs(dx) < 1e-12) {
    if (ox < -hx || ox > hx) return Number.POSITIVE_INFINITY;
  } else {
    const a = (-hx - ox) / dx;
    const b = (hx - ox) / dx;
    near = Math.max(near, Math.min(a, b));
    far = Math.min(far, Math.max(a, b));
  }
  if (Math.abs(dy) < 1e-12) {
    if (oy < -hy || oy > hy) return Number.POSITIVE_INFINITY;
  } else {
    const a = (-hy - oy) / dy;
    const b = (hy - oy) / dy;
    near = Math.max(near, Math.min(a, b));
    far = Math.min(far, Math.max(a, b));
  }
  return near <= far ? near : Number.POSITIVE_INFINITY;
}
