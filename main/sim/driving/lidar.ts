// The 240-ray, 50 m lidar of LidarStateObservation. Rays start at the ego centre, ray i points at
// heading + i·2π/240 (counter-clockwise), and hit only vehicles and traffic objects — never lines,
// kerbs or sidewalks. Each target is first culled by distance and by the angular sector it can
// cover, then only the rays inside that sector get an analytic ray–box or ray–circle test.
import { TWO_PI, rayBox, rayCircle, type Box } from './geometry.ts';

export const LIDAR_RAYS = 240;
export const LIDAR_RANGE = 50;

/** A lidar target: an oriented box, or a circle when radius > 0. */
export interface LidarTarget extends Box {
  radius: number;
}

const STEP = TWO_PI / LIDAR_RAYS;
const COS = new Float64Array(LIDAR_RAYS);
const SIN = new Float64Array(LIDAR_RAYS);
for (let i = 0; i < LIDAR_RAYS; i++) {
  COS[i] = Math.cos(i * STEP);
  SIN[i] = Math.sin(i * STEP);
}

/**
 * Writes the normalised distances (hit distance / 50, 1 = nothing) into out[offset … offset+239].
 * `dist` is a scratch buffer of 240 doubles.
 */
export function castLidar(
  ox: number,
  oy: number,
  heading: number,
  targets: readonly LidarTarget[],
  count: number,
  out: Float32Array,
  offset: number,
  dist: Float64Array,
): void {
  dist.fill(LIDAR_RANGE);
  const ch = Math.cos(heading);
  const sh = Math.sin(heading);
  for (let t = 0; t < count; t++) {
    const g = targets[t];
    const bound = g.radius > 0 ? g.radius : Math.hypot(g.halfLength, g.halfWidth);
    const dx = g.x - ox;
    const dy = g.y - oy;
    const reach = LIDAR_RANGE + bound;
    const d2 = dx * dx + dy * dy;
    if (d2 >= reach * reach) continue;
    const d = Math.sqrt(d2);
    let first: number;
    let last: number;
    if (d <= bound) {
      first = 0;
      last = LIDAR_RAYS - 1;
    } else {
      // Angle of the target relative to the heading and the half-angle its bounding circle spans.
      const rel = Math.atan2(dy * ch - dx * sh, dx * ch + dy * sh);
      const half = Math.asin(bound / d);
      first = Math.ceil((rel - half) / STEP - 1e-9);
      last = Math.floor((rel + half) / STEP + 1e-9);
    }
    for (let k = first; k <= last; k++) {
      const i = ((k % LIDAR_RAYS) + LIDAR_RAYS) % LIDAR_RAYS;
      // Ray direction: rotate the precomputed offset angle by the heading.
      const rx = ch * COS[i] - sh * SIN[i];
      const ry = sh * COS[i] + ch * SIN[i];
      const hit = g.radius > 0 ? rayCircle(ox, oy, rx, ry, g.x, g.y, g.radius) : rayBox(ox, oy, rx, ry, g);
      if (hit < dist[i]) dist[i] = hit;
    }
  }
  for (let i = 0; i < LIDAR_RAYS; i++) out[offset + i] = dist[i] / LIDAR_RANGE;
}
