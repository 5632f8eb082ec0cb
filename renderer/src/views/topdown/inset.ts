// The whole map as a small inset in a corner of the top-down view: the road drawn once per scene
// into an offscreen canvas, then per frame the ego's position and the outline of what the main view
// shows.
import type { RoadScene } from '../../../../main/contract/scene.ts';
import { apply, fitBounds, type Affine } from './transform.ts';
import { drawRoadLayer, type RoadLayer } from './road-layer.ts';
import type { ROAD_COLORS } from '../theme.ts';

export interface Inset {
  canvas: HTMLCanvasElement;
  transform: Affine;
  size: number;
}

export function buildInset(
  scene: RoadScene,
  layer: RoadLayer,
  size: number,
  colours: typeof ROAD_COLORS,
): Inset {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  const transform = fitBounds(scene.bounds, size, size);
  if (ctx) {
    ctx.fillStyle = colours.background;
    ctx.globalAlpha = 0.88;
    ctx.fillRect(0, 0, size, size);
    ctx.globalAlpha = 1;
    ctx.setTransform(...transform);
    // At this scale lines would vanish: draw them a pixel wide at least.
    drawRoadLayer(ctx, layer, 1 / transform[0], colours, 2.5 / transform[0]);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }
  return { canvas, transform, size };
}

/**
 * Draws the inset at (x, y) of ctx (pixels), with the ego as a dot and the main view's footprint
 * (its canvas corners mapped back to the world) as a outline.
 */
export function drawInset(
  ctx: CanvasRenderingContext2D,
  inset: Inset,
  x: number,
  y: number,
  ego: { x: number; y: number } | null,
  footprint: Array<[number, number]>,
  ink: string,
  egoColour: string,
  dpr: number,
): void {
  ctx.drawImage(inset.canvas, x, y);
  ctx.strokeStyle = ink;
  ctx.lineWidth = dpr;
  ctx.strokeRect(x + 0.5, y + 0.5, inset.size - 1, inset.size - 1);
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, inset.size, inset.size);
  ctx.clip();
  if (footprint.length > 2) {
    ctx.beginPath();
    footprint.forEach(([wx, wy], i) => {
      const [px, py] = apply(inset.transform, wx, wy);
      if (i === 0) ctx.moveTo(x + px, y + py);
      else ctx.lineTo(x + px, y + py);
    });
    ctx.closePath();
    ctx.lineWidth = dpr;
    ctx.stroke();
  }
  if (ego !== null) {
    const [px, py] = apply(inset.transform, ego.x, ego.y);
    ctx.beginPath();
    ctx.arc(x + px, y + py, 3.5 * dpr, 0, 2 * Math.PI);
    ctx.fillStyle = egoColour;
    ctx.fill();
    ctx.lineWidth = dpr;
    ctx.stroke();
  }
  ctx.restore();
}
