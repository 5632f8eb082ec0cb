// A minimal route follower used by the benchmark and the tests: pure pursuit on one lane index
// along the route at a fixed target speed. It sees no obstacles (the scripted expert in
// main/experts does); it exists so the simulator can be exercised without depending upward.
import { wrapAngle } from './geometry.ts';
import type { DrivingEnv } from './driving-env.ts';
import type { LocalCoord } from './lane.ts';
import { RESISTANCE } from './vehicle.ts';

export function laneKeeperAction(env: DrivingEnv, laneIndex: number, targetKmh = 40): [number, number] {
  const ego = env.egoCar;
  const nav = env.nav;
  const lc: LocalCoord = { s: 0, lat: 0 };
  const v = ego.speed;
  const ld = Math.max(4, 2 + 0.4 * v);
  // Walk the route from the reference road to the point ld metres ahead of the ego.
  let j = nav.current;
  let s = nav.roads[j].lanes[0].local(ego.x, ego.y, lc).s + ld;
  while (j < nav.roads.length - 1 && s > nav.roads[j].lanes[0].length) {
    s -= nav.roads[j].lanes[0].length;
    j++;
  }
  const road = nav.roads[j];
  const lane0 = road.lanes[0];
  const p = [0, 0];
  lane0.position(Math.max(0, s), Math.min(laneIndex, road.lanes.length - 1) * lane0.width, p);
  const rx = ego.x - ego.type.lr * Math.cos(ego.heading);
  const ry = ego.y - ego.type.lr * Math.sin(ego.heading);
  const alpha = wrapAngle(Math.atan2(p[1] - ry, p[0] - rx) - ego.heading);
  const dist = Math.max(1, Math.hypot(p[0] - rx, p[1] - ry));
  const delta = Math.atan(((2 * Math.sin(alpha)) / dist) * ego.wheelbase);
  const steer = Math.max(-1, Math.min(1, delta / ((ego.type.maxSteerDeg * Math.PI) / 180)));
  // Slow down for bends: 3 m/s² of lateral acceleration on the lane ahead.
  const k = Math.abs(road.lanes[Math.min(laneIndex, road.lanes.length - 1)].curvature);
  const target = Math.min(targetKmh / 3.6, k > 1e-4 ? Math.sqrt(3 / k) : Infinity);
  const acc = 1.5 * (target - v);
  const throttle = acc >= 0 ? (acc + RESISTANCE) / ego.engineAccel : Math.max(-1, (acc + RESISTANCE) / 9);
  return [steer, Math.max(-1, Math.min(1, throttle))];
}
