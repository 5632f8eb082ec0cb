// A GridScene (MiniGrid-style rooms) fitted to the canvas, y down: walls, doors in their colour
// (closed filled, open as an outline), the goal, the agent as a triangle pointing along its heading,
// and the agent's 7×7 egocentric window highlighted (it sees 6 cells ahead and 3 to each side).
import type { Actor, GridScene } from '../../../../main/contract/scene.ts';
import { GRID_PALETTE } from '../theme.ts';
import type { Pose } from '../interpolate.ts';
import { viewWindow } from './grid-window.ts';

/** MiniGrid object indices → base colours; coloured objects take GRID_PALETTE by their colour index. */
const CELL_COLORS: Record<number, string | 'palette'> = {
  0: '#050607', // unseen
  1: '#1b1f24', // empty
  2: '#5d636b', // wall
  3: '#262b31', // floor
  4: '#1b1f24', // door: drawn from its actor, whose state changes
  5: 'palette', // key
  6: 'palette', // ball
  7: 'palette', // box
  8: '#43a047', // goal
  9: '#ff7043', // lava
};

const GOAL = '#43a047';
const AGENT = '#ff5252';

export function drawGrid(
  ctx: CanvasRenderingContext2D,
  scene: GridScene,
  ego: Pose | null,
  actors: Actor[],
  widthPx: number,
  heightPx: number,
  /** The agent's cell and heading for the view window (the latest frame's, not an interpolated pose). */
  viewFrom: Pose | null = ego,
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
  const inset = Math.max(1, Math.round(cell * 0.12));
  for (const actor of actors) {
    const x = ox + actor.x * cell;
    const y = oy + actor.y * cell;
    if (actor.kind === 'goal') {
      ctx.fillStyle = GOAL;
      ctx.fillRect(x, y, cell - 1, cell - 1);
    } else if (actor.kind === 'door') {
      const colour = GRID_PALETTE[scene.colors[actor.y * scene.width + actor.x] ?? 5] ?? '#9e9e9e';
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = Math.max(1, cell * 0.1);
      if (actor.state === 0) {
        // Open: an outline the agent can walk through.
        ctx.strokeRect(x + inset, y + inset, cell - 1 - 2 * inset, cell - 1 - 2 * inset);
      } else {
        ctx.fillRect(x, y, cell - 1, cell - 1);
        // The handle (a lock for a locked door) says it is a door and not a coloured wall.
        ctx.fillStyle = '#111';
        ctx.fillRect(x + cell * 0.65, y + cell * 0.45, Math.max(1, cell * 0.15), Math.max(1, cell * 0.1));
      }
    }
  }
  if (viewFrom !== null) {
    const [x0, y0, x1, y1] = viewWindow(Math.round(viewFrom.x), Math.round(viewFrom.y), viewFrom.heading);
    const cx0 = Math.max(0, x0);
    const cy0 = Math.max(0, y0);
    const cx1 = Math.min(scene.width, x1);
    const cy1 = Math.min(scene.height, y1);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.12)';
    ctx.fillRect(ox + cx0 * cell, oy + cy0 * cell, (cx1 - cx0) * cell, (cy1 - cy0) * cell);
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
    ctx.lineWidth = Math.max(1, cell * 0.06);
    ctx.strokeRect(ox + cx0 * cell, oy + cy0 * cell, (cx1 - cx0) * cell, (cy1 - cy0) * cell);
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
    ctx.fillStyle = AGENT;
    ctx.fill();
    ctx.restore();
  }
}
