// The ego's recent path: older points fade, and each stretch takes the colour of who was driving,
// so takeovers stand out from robot driving.
import { CONTROL_MODES } from '../../../../main/contract/modes.ts';
import type { NumericRing } from '../../state/ring-buffer.ts';
import type { TrailField } from '../../state/live-store.ts';
import { MODE_STYLES, ROAD_COLORS } from '../theme.ts';

function trailColor(modeCode: number, robot: string): string {
  const mode = CONTROL_MODES[modeCode];
  if (mode === undefined || mode === 'robot' || mode === 'paused') return robot;
  return MODE_STYLES[mode].color;
}

/**
 * Segments are grouped into runs of one colour and a few alpha steps, so a long trail stays cheap.
 * With head, the newest stored point is replaced by the ego's interpolated position, so the trail
 * ends under the car rather than ahead of it.
 */
export function drawTrail(
  ctx: CanvasRenderingContext2D,
  trail: NumericRing<TrailField>,
  width: number,
  head: { x: number; y: number } | null,
  robotColour: string = ROAD_COLORS.trail,
): void {
  const n = head === null ? trail.length : trail.length - 1;
  if (n < 1 || (head === null && n < 2)) return;
  const total = head === null ? n : n + 1;
  const FADE_STEPS = 12;
  const x = (i: number) => (i === n && head !== null ? head.x : trail.get(i, 'x'));
  const y = (i: number) => (i === n && head !== null ? head.y : trail.get(i, 'y'));
  const mode = (i: number) => trail.get(Math.min(i, trail.length - 1), 'mode');
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  let i = 1;
  while (i < total) {
    const runMode = mode(i);
    const bucket = Math.floor((i / total) * FADE_STEPS);
    ctx.beginPath();
    ctx.moveTo(x(i - 1), y(i - 1));
    while (i < total && mode(i) === runMode && Math.floor((i / total) * FADE_STEPS) === bucket) {
      ctx.lineTo(x(i), y(i));
      i++;
    }
    ctx.globalAlpha = 0.15 + 0.85 * ((bucket + 1) / FADE_STEPS);
    ctx.strokeStyle = trailColor(runMode, robotColour);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}
