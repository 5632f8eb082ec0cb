// Static traffic objects and MetaDrive's accident scenes (object_manager.py): on each S, C, r and R
// block, with probability accident_prob, either a line of 12 cones closing most of the left-most or
// right-most lane, or — on a random lane — a broken-down car behind a warning triangle, or a barrier.
import type { Rng } from '../random.ts';
import type { BlockBuild } from './blocks.ts';
import type { Lane } from './lane.ts';
import { randomTrafficType } from './vehicle.ts';

export type ObjectKind = 'cone' | 'triangle' | 'barrier' | 'car';

export interface StaticObject {
  kind: ObjectKind;
  x: number;
  y: number;
  heading: number;
  /** Box size for cars and barriers; circles use `radius`. */
  halfLength: number;
  halfWidth: number;
  /** Collision radius for round objects (cone, triangle); 0 for boxes. */
  radius: number;
  /** The lane it stands on, so traffic and the expert can see it as an obstacle ahead. */
  lane: Lane;
  s: number;
  /** crash_object is reported only on first contact (COST_ONCE). */
  hit: boolean;
}

// Sizes from traffic_object.py: cone r 0.2 m, triangle r 0.5 m, barrier 2.0 × 0.3 m.
export const CONE_RADIUS = 0.2;
export const TRIANGLE_RADIUS = 0.5;
export const BARRIER_LENGTH = 2.0;
export const BARRIER_WIDTH = 0.3;

function place(
  kind: ObjectKind,
  lane: Lane,
  s: number,
  lat: number,
  size: { hl: number; hw: number; r: number },
): StaticObject {
  const p = [0, 0];
  lane.position(s, lat, p);
  return {
    kind,
    x: p[0],
    y: p[1],
    heading: lane.headingAt(s),
    halfLength: size.hl,
    halfWidth: size.hw,
    radius: size.r,
    lane,
    s,
    hit: false,
  };
}

/** Cone offsets into the lane from its outer edge: 0, 1, 2, then 3 m for six cones, then 2, 1, 0. */
const CONE_OFFSETS = [0, 1, 2, 3, 3, 3, 3, 3, 3, 2, 1, 0];

/**
 * Accident scenes for the map. Returns the objects and, per block, the lanes holding one (traffic
 * does not spawn on those).
 */
export function placeAccidents(
  blocks: readonly BlockBuild[],
  accidentProb: number,
  rng: Rng,
): { objects: StaticObject[]; blockedLanes: Set<Lane> } {
  const objects: StaticObject[] = [];
  const blockedLanes = new Set<Lane>();
  if (accidentProb <= 0.01) return { objects, blockedLanes };
  for (const block of blocks) {
    if (block.accidentRoads.length === 0) continue;
    if (rng.next() > accidentProb) continue;
    const road = block.accidentRoads[rng.int(0, block.accidentRoads.length)];
    const lanes = road.lanes;
    const u = rng.next();
    if (u < 1 / 3) {
      // Construction: cones along the left-most lane (from the centre line) or the right-most lane
      // (from the road edge), from L − 27 to L − 5.
      const left = rng.next() < 0.5;
      const lane = left ? lanes[0] : lanes[lanes.length - 1];
      const L = lane.length;
      for (let k = 0; k < CONE_OFFSETS.length; k++) {
        const s = L - 27 + 2 * k;
        if (s < 0) continue;
        const edge = lane.width / 2;
        const lat = left ? -edge + CONE_OFFSETS[k] : edge - CONE_OFFSETS[k];
        objects.push(place('cone', lane, s, lat, { hl: CONE_RADIUS, hw: CONE_RADIUS, r: CONE_RADIUS }));
      }
      blockedLanes.add(lane);
    } else {
      const lane = lanes[rng.int(0, lanes.length)];
      const L = lane.length;
      const s = rng.uniform(L / 2, L);
      if (rng.next() < 0.5) {
        const type = randomTrafficType(rng);
        objects.push(place('car', lane, s, 0, { hl: type.length / 2, hw: type.width / 2, r: 0 }));
        if (s - 10 > 0)
          objects.push(
            place('triangle', lane, s - 10, 0, {
              hl: TRIANGLE_RADIUS,
              hw: TRIANGLE_RADIUS,
              r: TRIANGLE_RADIUS,
            }),
          );
      } else {
        objects.push(place('barrier', lane, s, 0, { hl: BARRIER_LENGTH / 2, hw: BARRIER_WIDTH / 2, r: 0 }));
      }
      blockedLanes.add(lane);
    }
  }
  return { objects, blockedLanes };
}
