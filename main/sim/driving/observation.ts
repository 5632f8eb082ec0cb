// LidarStateObservation, 259 values in [0, 1], index for index (state_obs.py):
//   0–8    ego state (distances to the route road's edges, heading vs lane, speed, steering quirk,
//          last action, unsigned yaw rate, lateral offset in the current lane)
//   9–18   navigation: 5 features for each of the next two checkpoints
//   19–258 lidar: 240 rays, 50 m
import { clip01 } from './geometry.ts';
import type { CircularLane, Lane } from './lane.ts';
import { NAVI_POINT_DIST, checkpointOf, type Navigation } from './navigation.ts';
import type { Road } from './road-network.ts';
import { MAX_SPEED_KMH } from './vehicle.ts';

export const OBS_DIM = 259;
export const EGO_DIM = 9;
export const NAVI_DIM = 10;
export const LIDAR_OFFSET = EGO_DIM + NAVI_DIM;
/** (MAX_LANE_NUM 3 + 1) × MAX_LANE_WIDTH 4.5 (base_map.py). */
const SIDE_NORM = 18;
const MAX_LANE_WIDTH = 4.5;
/** Max curve radius of the block space; the arc feature is radius / (60 + n·w). */
const MAX_CURVE_RADIUS = 60;

export interface EgoObsInput {
  x: number;
  y: number;
  heading: number;
  speed: number;
  steering: number;
  action0: number;
  action1: number;
  /** Heading change over the last decision (radians, signed; only its magnitude is used). */
  headingChange: number;
  /** Lateral position relative to the centre of lane 0 of the reference road. */
  refLateral: number;
  /** Lateral offset in the ego's current lane. */
  laneLateral: number;
  /** Heading of the reference road's right-most lane at the ego's position. */
  refHeading: number;
}

export function writeEgoState(out: Float32Array, e: EgoObsInput, road: Road): void {
  const n = road.lanes.length;
  const w = road.lanes[0].width;
  const dLeft = e.refLateral + w / 2;
  out[0] = clip01(dLeft / SIDE_NORM);
  out[1] = clip01((n * w - dLeft) / SIDE_NORM);
  out[2] = clip01(0.5 + 0.5 * Math.sin(e.refHeading - e.heading));
  out[3] = clip01((e.speed * 3.6 + 1) / (MAX_SPEED_KMH + 1));
  // Quirk kept on purpose: the normalised steering is divided by 60 as if it were degrees.
  out[4] = clip01((e.steering / 60 + 1) / 2);
  out[5] = clip01((e.action0 + 1) / 2);
  out[6] = clip01((e.action1 + 1) / 2);
  // Unsigned yaw rate: arccos of the heading dot product (clipped to [0, 1]) over the 0.1 s step.
  const cosd = Math.min(1, Math.max(0, Math.cos(e.headingChange)));
  out[7] = clip01(Math.acos(cosd) / 0.1);
  out[8] = clip01(((2 * e.laneLateral) / MAX_LANE_WIDTH + 1) / 2);
}

const ckpt = [0, 0];

function writeCheckpoint(
  out: Float32Array,
  at: number,
  road: Road,
  x: number,
  y: number,
  heading: number,
): void {
  checkpointOf(road, ckpt);
  let vx = ckpt[0] - x;
  let vy = ckpt[1] - y;
  const len = Math.hypot(vx, vy);
  if (len > NAVI_POINT_DIST) {
    vx *= NAVI_POINT_DIST / len;
    vy *= NAVI_POINT_DIST / len;
  }
  const c = Math.cos(heading);
  const s = Math.sin(heading);
  const forward = vx * c + vy * s;
  const left = -vx * s + vy * c; // +s is to the ego's left in 0.4.x
  out[at] = clip01((forward / NAVI_POINT_DIST + 1) / 2);
  out[at + 1] = clip01((left / NAVI_POINT_DIST + 1) / 2);
  const lane: Lane = road.lanes[0];
  if (lane.kind === 'circular') {
    const arc = lane as CircularLane;
    const n = road.lanes.length;
    out[at + 2] = clip01(arc.radius / (MAX_CURVE_RADIUS + n * lane.width));
    out[at + 3] = clip01(((arc.clockwise ? 1 : -1) + 1) / 2);
    out[at + 4] = clip01(((arc.angle * 180) / Math.PI / 135 + 1) / 2);
  } else {
    out[at + 2] = 0;
    out[at + 3] = 0.5;
    out[at + 4] = 0.5;
  }
}

export function writeNavigation(
  out: Float32Array,
  nav: Navigation,
  x: number,
  y: number,
  heading: number,
): void {
  writeCheckpoint(out, EGO_DIM, nav.road, x, y, heading);
  writeCheckpoint(out, EGO_DIM + 5, nav.nextRoad, x, y, heading);
}
