// The world snapshot's static part: road geometry of a scenario as polylines and polygons for the
// renderer and for replay (lanes, painted lines, road and sidewalk surfaces, the route, and one
// region per road named after its block so takeovers can be attributed to block types).
import type { RoadScene } from '../../contract/scene.ts';
import { laneFromRef, type Lane, type RefLine } from './lane.ts';
import type { DrivingMap } from './map.ts';
import type { Navigation } from './navigation.ts';
import type { Road } from './road-network.ts';
import { DEFAULT_VEHICLE } from './vehicle.ts';

type Pt = [number, number];

const round = (v: number) => Math.round(v * 100) / 100;

/** Samples a lateral offset of a reference line every ~2 m (straight lines need only the ends). */
function sampleRef(ref: RefLine, offset: number, step = 2): Pt[] {
  const guide = laneFromRef(ref, '', '', 0, offset, 1);
  return sampleLane(guide, 0, step);
}

function sampleLane(lane: Lane, lat: number, step = 2): Pt[] {
  const n = lane.kind === 'straight' ? 1 : Math.max(2, Math.ceil(lane.length / step));
  const out: Pt[] = [];
  const p = [0, 0];
  for (let k = 0; k <= n; k++) {
    lane.position((lane.length * k) / n, lat, p);
    out.push([round(p[0]), round(p[1])]);
  }
  return out;
}

function roadPolygon(road: Road): Pt[] {
  const first = road.lanes[0];
  const last = road.lanes[road.lanes.length - 1];
  const left = sampleLane(first, -first.width / 2);
  const right = sampleLane(last, last.width / 2);
  return [...left, ...right.reverse()];
}

/** Static geometry shared by every scenario of a map (everything but the route). */
export function buildMapScene(map: DrivingMap): Omit<RoadScene, 'route'> {
  const lanes = [];
  const surfaces: RoadScene['surfaces'] = [];
  const regions: RoadScene['regions'] = [];
  for (const road of map.network.roads) {
    for (const lane of road.lanes)
      lanes.push({ id: lane.id, centre: sampleLane(lane, 0), width: lane.width });
    const polygon = roadPolygon(road);
    surfaces.push({ polygon, kind: 'road' });
    regions.push({ name: map.blocks[road.block].name, polygon });
  }
  for (const strip of map.sidewalks) {
    const inner = sampleRef(strip.ref, strip.inner);
    const outer = sampleRef(strip.ref, strip.outer);
    surfaces.push({ polygon: [...inner, ...outer.reverse()], kind: 'sidewalk' });
  }
  const markings = map.markings.map((m) => ({
    points: sampleRef(m.ref, m.offset),
    color: m.color,
    dashed: m.dashed,
  }));
  const b = map.bounds;
  return {
    kind: 'road',
    lanes,
    markings,
    surfaces,
    regions,
    bounds: { minX: round(b.minX), minY: round(b.minY), maxX: round(b.maxX), maxY: round(b.maxY) },
    ego: { length: DEFAULT_VEHICLE.length, width: DEFAULT_VEHICLE.width },
  };
}

/** The route polyline: the spawn lane index carried along every route road (clipped to its lanes). */
export function routePolyline(nav: Navigation, laneIndex: number): Pt[] {
  const out: Pt[] = [];
  for (const road of nav.roads) {
    const lane = road.lanes[Math.min(laneIndex, road.lanes.length - 1)];
    const pts = sampleLane(lane, 0);
    if (out.length > 0) pts.shift();
    out.push(...pts);
  }
  return out;
}
