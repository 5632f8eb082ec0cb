// Things on the road, drawn in world metres (heading counter-clockwise from +x).
import type { Actor } from '../../../../main/contract/scene.ts';
import { ROAD_COLORS } from '../theme.ts';

/** An oriented box centred on (x, y) with a lighter nose so the heading is visible. */
export function drawVehicle(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  heading: number,
  length: number,
  width: number,
  fill: string,
  outlineWidth: number,
  colours: typeof ROAD_COLORS = ROAD_COLORS,
): void {
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(heading);
  ctx.fillStyle = fill;
  ctx.fillRect(-length / 2, -width / 2, length, width);
  ctx.lineWidth = outlineWidth;
  ctx.strokeStyle = colours.outline;
  ctx.strokeRect(-length / 2, -width / 2, length, width);
  // Windscreen: a dark band a quarter of the way back from the nose.
  ctx.fillStyle = 'rgba(10, 14, 20, 0.55)';
  ctx.fillRect(length * 0.12, -width * 0.4, length * 0.14, width * 0.8);
  ctx.restore();
}

export function drawActor(
  ctx: CanvasRenderingContext2D,
  actor: Actor,
  outlineWidth: number,
  colours: typeof ROAD_COLORS = ROAD_COLORS,
): void {
  switch (actor.kind) {
    case 'vehicle':
      drawVehicle(
        ctx,
        actor.x,
        actor.y,
        actor.heading,
        actor.length || 4.5,
        actor.width || 1.8,
        actor.state === 1 ? colours.vehicleBroken : colours.vehicle,
        outlineWidth,
        colours,
      );
      return;
    case 'cone': {
      ctx.beginPath();
      ctx.arc(actor.x, actor.y, Math.max(actor.width, 0.4) / 2, 0, 2 * Math.PI);
      ctx.fillStyle = colours.cone;
      ctx.fill();
      return;
    }
    case 'triangle': {
      const r = Math.max(actor.width, 0.8) / 2;
      ctx.save();
      ctx.translate(actor.x, actor.y);
      ctx.rotate(actor.heading);
      ctx.beginPath();
      ctx.moveTo(r, 0);
      ctx.lineTo(-r / 2, r * 0.87);
      ctx.lineTo(-r / 2, -r * 0.87);
      ctx.closePath();
      ctx.fillStyle = colours.triangle;
      ctx.fill();
      ctx.restore();
      return;
    }
    case 'barrier':
      drawVehicle(
        ctx,
        actor.x,
        actor.y,
        actor.heading,
        actor.length || 2,
        actor.width || 0.4,
        colours.barrier,
        outlineWidth,
        colours,
      );
      return;
    default:
      // Grid kinds (door, goal, agent) are drawn by the grid renderer.
      return;
  }
}
