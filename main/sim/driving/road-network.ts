// The road network: a directed graph of nodes whose edges are roads (lists of lanes, left to right),
// as MetaDrive's NodeRoadNetwork. A road from "a" to "b" has its opposite direction, if any, from
// "-b" to "-a". A uniform grid over lane bounds answers "which lanes contain this point" quickly.
import type { Lane, LocalCoord, RefLine } from './lane.ts';

export interface Road {
  readonly from: string;
  readonly to: string;
  readonly lanes: Lane[];
  /** The line the lanes are offset from (the centre line of a two-way road). */
  readonly ref: RefLine;
  /** Index of the block this road belongs to, for regions and traffic triggers. */
  readonly block: number;
  /** Opposite-direction road of a two-way road, e.g. "-b" → "-a". */
  readonly negative: boolean;
  /** Roads inside intersections and roundabouts: no lines, no spawns. */
  readonly internal: boolean;
}

export function roadKey(from: string, to: string): string {
  return `${from}>${to}`;
}

/** A lane test result: the lane and the point's lane coordinates. */
export interface LaneHit {
  lane: Lane;
  s: number;
  lat: number;
}

export class RoadNetwork {
  readonly roads: Road[] = [];
  private readonly byKey = new Map<string, Road>();
  private readonly out = new Map<string, Road[]>();
  private readonly laneRoad = new Map<Lane, Road>();
  /** Lane continuation: the lanes that start where a lane ends. */
  private readonly nextLanes = new Map<Lane, Lane[]>();
  // Spatial grid: cell → lanes whose bounds touch it.
  private cell = 10;
  private gx0 = 0;
  private gy0 = 0;
  private gw = 0;
  private gh = 0;
  private grid: Lane[][] = [];
  private readonly scratch: LocalCoord = { s: 0, lat: 0 };

  addRoad(road: Road): void {
    const key = roadKey(road.from, road.to);
    if (this.byKey.has(key)) throw new Error(`road ${key} already exists`);
    this.roads.push(road);
    this.byKey.set(key, road);
    let list = this.out.get(road.from);
    if (!list) this.out.set(road.from, (list = []));
    list.push(road);
    for (const lane of road.lanes) this.laneRoad.set(lane, road);
  }

  road(from: string, to: string): Road | undefined {
    return this.byKey.get(roadKey(from, to));
  }

  roadOf(lane: Lane): Road {
    const road = this.laneRoad.get(lane);
    if (!road) throw new Error(`lane ${lane.id} is not in the network`);
    return road;
  }

  successors(node: string): readonly Road[] {
    return this.out.get(node) ?? [];
  }

  /** Lanes that continue this lane (start within 0.3 m of its end), computed by `finalize`. */
  next(lane: Lane): readonly Lane[] {
    return this.nextLanes.get(lane) ?? [];
  }

  /** Builds the lane continuation table and the spatial grid; call once after all roads are added. */
  finalize(): void {
    const end = [0, 0];
    const start = [0, 0];
    for (const road of this.roads) {
      for (const lane of road.lanes) {
        lane.position(lane.length, 0, end);
        const list: Lane[] = [];
        for (const nextRoad of this.successors(road.to)) {
          for (const cand of nextRoad.lanes) {
            cand.position(0, 0, start);
            if (Math.hypot(start[0] - end[0], start[1] - end[1]) < 0.3) list.push(cand);
          }
        }
        this.nextLanes.set(lane, list);
      }
    }
    this.buildGrid();
  }

  private buildGrid(): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const road of this.roads) {
      for (const lane of road.lanes) {
        minX = Math.min(minX, lane.minX);
        minY = Math.min(minY, lane.minY);
        maxX = Math.max(maxX, lane.maxX);
        maxY = Math.max(maxY, lane.maxY);
      }
    }
    this.gx0 = minX - 1;
    this.gy0 = minY - 1;
    this.gw = Math.max(1, Math.ceil((maxX - minX + 2) / this.cell));
    this.gh = Math.max(1, Math.ceil((maxY - minY + 2) / this.cell));
    this.grid = Array.from({ length: this.gw * this.gh }, () => []);
    for (const road of this.roads) {
      for (const lane of road.lanes) {
        const i0 = Math.floor((lane.minX - this.gx0) / this.cell);
        const i1 = Math.floor((lane.maxX - this.gx0) / this.cell);
        const j0 = Math.floor((lane.minY - this.gy0) / this.cell);
        const j1 = Math.floor((lane.maxY - this.gy0) / this.cell);
        for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) this.grid[j * this.gw + i].push(lane);
      }
    }
  }

  /** Lanes whose bounds cover the grid cell of (x, y); empty outside the map. */
  lanesNear(x: number, y: number): readonly Lane[] {
    const i = Math.floor((x - this.gx0) / this.cell);
    const j = Math.floor((y - this.gy0) / this.cell);
    if (i < 0 || j < 0 || i >= this.gw || j >= this.gh) return [];
    return this.grid[j * this.gw + i];
  }

  /**
   * Every lane whose surface contains the point (0 ≤ s ≤ length, |lat| ≤ width/2), written into
   * `hits` (reused; its length is set). Returns the count.
   */
  lanesAt(x: number, y: number, hits: LaneHit[]): number {
    const near = this.lanesNear(x, y);
    let n = 0;
    const lc = this.scratch;
    for (let k = 0; k < near.length; k++) {
      const lane = near[k];
      if (x < lane.minX || x > lane.maxX || y < lane.minY || y > lane.maxY) continue;
      lane.local(x, y, lc);
      if (lc.s < 0 || lc.s > lane.length || Math.abs(lc.lat) > lane.width / 2) continue;
      if (n < hits.length) {
        hits[n].lane = lane;
        hits[n].s = lc.s;
        hits[n].lat = lc.lat;
      } else hits.push({ lane, s: lc.s, lat: lc.lat });
      n++;
    }
    return n;
  }

  /** Whether any lane contains the point. */
  onAnyLane(x: number, y: number): boolean {
    const near = this.lanesNear(x, y);
    const lc = this.scratch;
    for (let k = 0; k < near.length; k++) {
      const lane = near[k];
      if (x < lane.minX || x > lane.maxX || y < lane.minY || y > lane.maxY) continue;
      lane.local(x, y, lc);
      if (lc.s >= 0 && lc.s <= lane.length && Math.abs(lc.lat) <= lane.width / 2) return true;
    }
    return false;
  }

  /** Breadth-first search over roads: the node path with the fewest road segments, or null. */
  shortestPath(from: string, to: string): string[] | null {
    if (from === to) return [from];
    const prev = new Map<string, string>();
    const queue = [from];
    prev.set(from, '');
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      for (const road of this.successors(node)) {
        if (prev.has(road.to)) continue;
        prev.set(road.to, node);
        if (road.to === to) {
          const path = [to];
          let cur = node;
          while (cur !== '') {
            path.push(cur);
            cur = prev.get(cur) ?? '';
          }
          return path.reverse();
        }
        queue.push(road.to);
      }
    }
    return null;
  }
}
