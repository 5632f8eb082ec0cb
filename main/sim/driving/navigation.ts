// Route navigation (MetaDrive's NodeNetworkNavigation): the route is the node path with the fewest
// road segments; its nodes are the checkpoints. The "reference road" is the current route road; it
// advances when the ego is localised on a road starting at a later checkpoint, within 5 m of that
// road's start. Route completion adds up the ego's progress along lane 0 of the reference road.
import type { Lane, LocalCoord } from './lane.ts';
import type { Road, RoadNetwork } from './road-network.ts';

export const CKPT_UPDATE_RANGE = 5;
/** Checkpoint vectors are clipped to this length (NAVI_POINT_DIST). */
export const NAVI_POINT_DIST = 50;

export class Navigation {
  readonly checkpoints: string[];
  readonly roads: Road[];
  /** Index into `roads` of the current reference road. */
  current = 0;
  readonly totalLength: number;
  travelled = 0;
  private lastS = 0;
  private readonly lc: LocalCoord = { s: 0, lat: 0 };

  constructor(network: RoadNetwork, checkpoints: string[]) {
    this.checkpoints = checkpoints;
    this.roads = [];
    for (let i = 0; i + 1 < checkpoints.length; i++) {
      const road = network.road(checkpoints[i], checkpoints[i + 1]);
      if (!road) throw new Error(`route has no road ${checkpoints[i]} → ${checkpoints[i + 1]}`);
      this.roads.push(road);
    }
    this.totalLength = this.roads.reduce((sum, r) => sum + r.lanes[0].length, 0);
  }

  get road(): Road {
    return this.roads[this.current];
  }

  /** The road after the current one, or the current one on the last road. */
  get nextRoad(): Road {
    return this.roads[Math.min(this.current + 1, this.roads.length - 1)];
  }

  get finalRoad(): Road {
    return this.roads[this.roads.length - 1];
  }

  /**
   * Starts tracking. As in MetaDrive the last longitudinal position starts at 0, not at the spawn
   * point, so the first step credits the 5 m between the road's start and the spawn.
   */
  start(): void {
    this.current = 0;
    this.travelled = 0;
    this.lastS = 0;
  }

  /**
   * Updates the reference road from the ego's localised lane and position, and accumulates route
   * progress. Returns true when the reference road changed.
   */
  update(lane: Lane, x: number, y: number): boolean {
    let changed = false;
    if (this.current < this.roads.length - 1) {
      // MetaDrive matches the start node of the ego's road against the remaining checkpoints.
      for (let j = this.current + 1; j < this.roads.length; j++) {
        if (this.checkpoints[j] !== lane.from) continue;
        if (lane.local(x, y, this.lc).s < CKPT_UPDATE_RANGE) {
          // Progress on the old road up to here counts before switching.
          const s = this.road.lanes[0].local(x, y, this.lc).s;
          this.travelled += s - this.lastS;
          this.current = j;
          this.lastS = this.road.lanes[0].local(x, y, this.lc).s;
          changed = true;
        }
        break;
      }
    }
    if (!changed) {
      const s = this.road.lanes[0].local(x, y, this.lc).s;
      this.travelled += s - this.lastS;
      this.lastS = s;
    }
    return changed;
  }

  get routeCompletion(): number {
    return this.travelled / this.totalLength;
  }

  /** Whether a road is the current or the next route road. */
  isNear(road: Road): boolean {
    return road === this.road || road === this.nextRoad;
  }
}

/** Checkpoint of a route road: the end of lane 0, shifted to the middle of the carriageway. */
export function checkpointOf(road: Road, out: number[]): void {
  const lane = road.lanes[0];
  const n = road.lanes.length;
  lane.position(lane.length, (n / 2 - 0.5) * lane.width, out);
}

export function buildNavigation(network: RoadNetwork, start: string, destination: string): Navigation {
  const path = network.shortestPath(start, destination);
  if (!path || path.length < 2) throw new Error(`no route from ${start} to ${destination}`);
  return new Navigation(network, path);
}
