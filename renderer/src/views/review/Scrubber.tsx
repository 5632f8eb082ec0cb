// The scrubber: the whole session as one bar, takeover spans in their trigger's colour, help requests
// as ticks above it, episode starts as faint lines, and the cursor. Click or drag to seek; the
// arrow keys move a decision (Shift: ten seconds) while it has focus. Redrawn when the cursor moves.
import { useEffect, useRef } from 'react';
import type { ReviewOpen } from '../../../../main/contract/review.ts';
import { MODE_STYLES } from '../theme.ts';
import { fractionOfStep, stepAtFraction, type StepRange } from './review-logic.ts';

export interface ScrubberProps {
  session: ReviewOpen;
  range: StepRange;
  step: number;
  onSeek: (step: number) => void;
  onPickTakeover: (id: number) => void;
}

const TRIGGER_COLOURS = {
  robot: MODE_STYLES.help.color,
  human: MODE_STYLES.human.color,
  warmup: MODE_STYLES.warmup.color,
} as const;

export function Scrubber({ session, range, step, onSeek, onPickTakeover }: ScrubberProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dragging = useRef(false);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const x = (s: number) => fractionOfStep(range, s) * width;
    const top = 10 * dpr;
    const barHeight = height - top - 4 * dpr;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = 'rgba(128, 128, 128, 0.25)';
    ctx.fillRect(0, top, width, barHeight);
    ctx.fillStyle = 'rgba(128, 128, 128, 0.6)';
    for (const e of session.episodes) ctx.fillRect(Math.round(x(e.firstStep)), top, dpr, barHeight);
    for (const t of session.takeovers) {
      ctx.fillStyle = TRIGGER_COLOURS[t.trigger];
      const x0 = x(t.startStep);
      ctx.fillRect(x0, top, Math.max(2 * dpr, x(t.endStep + 1) - x0), barHeight);
    }
    ctx.fillStyle = MODE_STYLES.help.color;
    for (const h of session.helpRequests) {
      const hx = x(h);
      ctx.beginPath();
      ctx.moveTo(hx - 4 * dpr, 0);
      ctx.lineTo(hx + 4 * dpr, 0);
      ctx.lineTo(hx, top - 2 * dpr);
      ctx.closePath();
      ctx.fill();
    }
    const cx = x(step);
    ctx.fillStyle = getComputedStyle(canvas).color;
    ctx.fillRect(cx - dpr, 0, 2 * dpr, height);
  }, [session, range, step]);

  const stepAt = (clientX: number) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return step;
    return stepAtFraction(range, (clientX - rect.left) / rect.width);
  };

  return (
    <canvas
      ref={canvasRef}
      className="scrubber"
      data-testid="scrubber"
      role="slider"
      tabIndex={0}
      aria-label="Position in the session: takeovers are coloured, help requests marked above"
      aria-valuemin={range.first}
      aria-valuemax={range.last}
      aria-valuenow={step}
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        const target = stepAt(e.clientX);
        onSeek(target);
        const inside = session.takeovers.find((t) => t.startStep <= target && target <= t.endStep);
        if (inside !== undefined) onPickTakeover(inside.id);
      }}
      onPointerMove={(e) => {
        if (dragging.current) onSeek(stepAt(e.clientX));
      }}
      onPointerUp={() => {
        dragging.current = false;
      }}
      onKeyDown={(e) => {
        const by = e.shiftKey ? 10 * session.decisionHz : 1;
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          // The arrows drive during a takeover; here, with the scrubber focused, they move the cursor.
          e.preventDefault();
          e.stopPropagation();
          onSeek(step + (e.key === 'ArrowRight' ? by : -by));
        }
      }}
    />
  );
}
