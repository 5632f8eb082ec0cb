// The static road of a RoadScene as Path2D objects in world metres, built once per scene and drawn
// under a world transform every animation frame.
import type { RoadScene } from '../../../../main/contract/scene.ts';
import { ROAD_COLORS } from '../theme.ts';

type Point = readonly [number, number];

export interface RoadLayer {
  road: Path2D;
  sidewalk: Path2D;
  markings: Array<{ path: Path2D; yellow: boolean; dashed: boolean }>;
  route: Path2D;
}

function polyline(points: readonly Point[], close: boolean): Path2D {
  const path = new Path2D();
  points.forEach(([x, y], i) => (i === 0 ? path.moveTo(x, y) : path.lineTo(x, y)));
  if (close && points.length > 2) path.closePath();
  return path;
}

export function buildRoadLayer(scene: RoadScene): RoadLayer {
  const road = new Path2D();
  const sidewalk = new Path2D();
  for (const surface of scene.surfaces)
    (surface.kind === 'road' ? road : sidewalk).addPath(polyline(surface.polygon, true));
  return {
    road,
    sidewalk,
    markings: scene.markings.map((m) => ({
      path: polyline(m.points, false),
      yellow: m.color === 'yellow',
      dashed: m.dashed,
    })),
    route: polyline(scene.route, false),
  };
}

/**
 * Draws the layer; ctx must already carry the world → canvas transform (units: metres). Painted
 * lines are 0.15 m wide but never thinner than a pixel; routeWidth is in metres.
 */
export function drawRoadLayer(
  ctx: CanvasRenderingContext2D,
  layer: RoadLayer,
  metresPerPixel: number,
  colours: typeof ROAD_COLORS = ROAD_COLORS,
  routeWidth = 1.2,
): void {
  ctx.fillStyle = colours.sidewalk;
  ctx.fill(layer.sidewalk);
  ctx.fillStyle = colours.road;
  ctx.fill(layer.road);

  ctx.lineCap = 'butt';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(0.15, metresPerPixel);
  for (const marking of layer.markings) {
    ctx.strokeStyle = marking.yellow ? colours.yellow : colours.white;
    // MetaDrive's 2-D broken lines: 3 m stripes every 5 m.
    ctx.setLineDash(marking.dashed ? [3, 2] : []);
    ctx.stroke(marking.path);
  }
  ctx.setLineDash([]);

  ctx.strokeStyle = colours.route;
  ctx.lineWidth = routeWidth;
  ctx.lineCap = 'round';
  ctx.stroke(layer.route);
}
