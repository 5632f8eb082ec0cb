// A GridScene (MiniGrid-style rooms), drawn simply: cells as squares fitted to the canvas, y down,
// the agent as a triangle pointing along its heading. The grid environment extends this.
import type { Actor, GridScene } from '../../../../main/contract/scene.ts';
import { GRID_PALETTE } from '../theme.ts';
import type { Pose } from '../interpolate.ts';

/** MiniGrid object indices → base colours; coloured objects take GRID_PALETTE by their colour index. */
const CELL_COLORS: Record<number, string | 'palette'> = {
  0: '#050607', // unseen
  1: '#1b1f24', // empty
  2: '#5d636b', // wall
  3: '#262b31', // floor
  4: 'palette', // door
  5: 'palette', // key
  6: 'palette', // ball
  7: 'palette', // box
  8: '#43a047', // goal
  9: '#ff7043', // lava
};

export function drawGrid(
  ctx: CanvasRenderingContext2D,
  scene: GridScene,
  ego: Pose | null,
  actors: Actor[],
  widthPx: number,
  heightPx: number,
): void {
  const cell = Math.max(1, Math.floor(Math.min(widthPx / scene.width, heightPx / scene.height) * 0.96));
  const ox = Math.round((widthPx - cell * scene.width) / 2);
  const oy = Math.round((heightPx - cell * scene.height) / 2);
  for (let row = 0; row < scene.height; row++) {
    for (let col = 0; col < scene.width; col++) {
      const index = row * scene.width + col;
      const code = scene.cells[index] ?? 0;
      const base = CELL_COLORS[code] ?? '#1b1f24';
      ctx.fillStyle = base === 'palette' ? (GRID_PALETTE[scene.colors[index] ?? 5] ?? '#9e9e9e') : base;
      ctx.fillRect(ox + col * cell, oy + row * cell, cell - 1, cell - 1);
    }
  }
  for (const actor of actors) {
    if (actor.kind === 'door' || actor.kind === 'goal') {
      ctx.fillStyle =
        actor.kind === 'goal' ? '#43a047' : actor.state === 0 ? 'rgba(158,158,158,0.35)' : '#fdd835';
      ctx.fillRect(ox + actor.x * cell + 2, oy + actor.y * cell + 2, cell - 5, cell - 5);
    }
  }
  if (ego !== null) {
    const cx = ox + (ego.x + 0.5) * cell;
    const cy = oy + (ego.y + 0.5) * cell;
    const r = cell * 0.4;
    ctx.save();
    ctx.translate(cx, cy);
    ctx.rotate(ego.heading);
    ctx.beginPath();
    ctx.moveTo(r, 0);
    ctx.lineTo(-r * 0.7, r * 0.75);
    ctx.lineTo(-r * 0.7, -r * 0.75);
    ctx.closePath();
    ctx.fillStyle = '#ff5252';
    ctx.fill();
    ctx.restore();
  }
}
