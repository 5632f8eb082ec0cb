// Turns the plot ring (live-store.ts) into what the Q plot draws: the last `windowSeconds` of
// decisions as uPlot's aligned arrays (null where Q or the threshold is undefined: before the proxy
// exists, during warm-up), plus the spans to shade and the help requests to mark. Pure.
import { CONTROL_MODES, type ControlMode } from '../../../main/contract/modes.ts';
import type { NumericRing } from '../state/ring-buffer.ts';
import type { PlotField } from '../state/live-store.ts';
import { MODE_STYLES } from './theme.ts';

export const DEFAULT_WINDOW_SECONDS = 30;

/** Modes shaded behind the curves: who was driving, when it was not the robot. */
export const SHADED_MODES: readonly ControlMode[] = ['warmup', 'help', 'human'];

export interface PlotSpan {
  from: number;
  to: number;
  mode: ControlMode;
}

export interface PlotWindow {
  x: number[];
  q: (number | null)[];
  threshold: (number | null)[];
  /** Who was driving at each point (for the hover readout). */
  modes: ControlMode[];
  spans: PlotSpan[];
  /** Session-clock times of help requests in the window. */
  helps: number[];
  /** Finite Q values in the window. */
  qCount: number;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function buildPlotWindow(
  ring: NumericRing<PlotField>,
  windowSeconds = DEFAULT_WINDOW_SECONDS,
): PlotWindow {
  const out: PlotWindow = { x: [], q: [], threshold: [], modes: [], spans: [], helps: [], qCount: 0 };
  const n = ring.length;
  if (n === 0) return out;
  const end = ring.last('t');
  const first = ring.lowerBound('t', end - windowSeconds);
  let open: PlotSpan | null = null;
  for (let i = first; i < n; i++) {
    const t = ring.get(i, 't');
    const q = finiteOrNull(ring.get(i, 'q'));
    out.x.push(t);
    out.q.push(q);
    out.threshold.push(finiteOrNull(ring.get(i, 'threshold')));
    if (q !== null) out.qCount++;
    if (ring.get(i, 'help') === 1) out.helps.push(t);
    const mode = CONTROL_MODES[ring.get(i, 'mode')] ?? 'robot';
    out.modes.push(mode);
    if (open !== null && open.mode !== mode) {
      // A span lasts until the decision that ended it.
      open.to = t;
      open = null;
    }
    if (open === null && SHADED_MODES.includes(mode)) {
      open = { from: t, to: t, mode };
      out.spans.push(open);
    } else if (open !== null) {
      open.to = t;
    }
  }
  return out;
}

/** What the hover readout says for the point at index i: time, Q, threshold, margin and mode. */
export function describePoint(view: PlotWindow, i: number): string | null {
  if (i < 0 || i >= view.x.length) return null;
  const q = view.q[i];
  const threshold = view.threshold[i];
  const parts = [`t ${view.x[i].toFixed(1)} s`];
  parts.push(`Q ${q === null ? '—' : q.toFixed(3)}`);
  parts.push(`threshold ${threshold === null ? '—' : threshold.toFixed(3)}`);
  if (q !== null && threshold !== null) {
    const margin = q - threshold;
    parts.push(`${margin > 0 ? 'above' : 'below'} by ${Math.abs(margin).toFixed(3)}`);
  }
  parts.push(MODE_STYLES[view.modes[i] ?? 'robot'].label.toLowerCase());
  return parts.join(' · ');
}
