// The static road of a RoadScene as Path2D objects in world metres, built once per scene and drawn
// under a world transform every animation frame.
import type { RoadScene } from '../../../../main/contract/scene.ts';
import { ROAD_COLORS } from '../theme.ts';

type Point = readonly [number, number];

export interface RoadLayer {
  road: Path2D;
  sidewalk: Path2D;
  markings: Array<{ path: Path2D; color: string; dashed: boolean }>;
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
      color: m.color === 'yellow' ? ROAD_COLORS.yellow : ROAD_COLORS.white,
      dashed: m.dashed,
    })),
    route: polyline(scene.route, false),
  };
}

/** Draws the layer; ctx must already carry the world → canvas transform (units: metres). */
export function drawRoadLayer(ctx: CanvasRenderingContext2D, layer: RoadLayer, metresPerPixel: number): void {
  ctx.fillStyle = ROAD_COLORS.sidewalk;
  ctx.fill(layer.sidewalk);
  ctx.fillStyle = ROAD_COLORS.road;
  ctx.fill(layer.road);

  ctx.lineCap = 'butt';
  ctx.lineJoin = 'round';
  // Painted lines are 0.15 m wide but never thinner than a pixel.
  ctx.lineWidth = Math.max(0.15, metresPerPixel);
  for (const marking of layer.markings) {
    ctx.strokeStyle = marking.color;
    ctx.setLineDash(marking.dashed ? [3, 3] : []);
    ctx.stroke(marking.path);
  }
  ctx.setLineDash([]);

  ctx.strokeStyle = ROAD_COLORS.route;
  ctx.lineWidth = 1.2;
  ctx.lineCap = 'round';
  ctx.stroke(layer.route);
}
