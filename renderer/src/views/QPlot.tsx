// The AIM signal: Q(s, a_novice) against the gate's threshold over the last 30 s of decisions (the
// window is adjustable), with takeovers, help requests and warm-up shaded behind the curves, and a
// readout of the values under the pointer. uPlot draws from the store's ring buffer on animation
// frames, and only when new points arrived.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { LiveStore } from '../state/live-store.ts';
import type { ThemeName } from '../state/prefs.ts';
import { buildPlotWindow, DEFAULT_WINDOW_SECONDS, describePoint, type PlotWindow } from './qplot-data.ts';
import { MODE_STYLES, plotColors } from './theme.ts';
import { PLOT_WINDOWS } from '../app/shortcuts.ts';
import { probes } from '../test-hook.ts';
import { recordDraw } from '../perf.ts';

export interface QPlotProps {
  store: LiveStore;
  theme?: ThemeName;
  windowSeconds?: number;
  onWindowChange?: (seconds: number) => void;
}

/** Just enough decimals to tell neighbouring ticks apart. */
export function formatTicks(ticks: number[], increment: number): string[] {
  const decimals =
    increment > 0 && Number.isFinite(increment)
      ? Math.min(6, Math.max(0, -Math.floor(Math.log10(increment) + 1e-9)))
      : 2;
  return ticks.map((t) => t.toFixed(decimals));
}

const SHADE_ALPHA = { warmup: 0.16, help: 0.22, human: 0.22 } as const;

function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function shadeSpans(u: uPlot, view: PlotWindow): void {
  const { ctx, bbox } = u;
  const dpr = window.devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  for (const span of view.spans) {
    if (span.mode !== 'warmup' && span.mode !== 'help' && span.mode !== 'human') continue;
    const x0 = u.valToPos(span.from, 'x', true);
    const x1 = Math.max(u.valToPos(span.to, 'x', true), x0 + dpr);
    ctx.fillStyle = withAlpha(MODE_STYLES[span.mode].color, SHADE_ALPHA[span.mode]);
    ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
    // Label the visible part of the span, if it is wide enough to hold the word.
    const left = Math.max(x0, bbox.left);
    if (Math.min(x1, bbox.left + bbox.width) - left > 60 * dpr) {
      ctx.fillStyle = withAlpha(MODE_STYLES[span.mode].color, 0.9);
      ctx.font = `${11 * dpr}px system-ui, sans-serif`;
      ctx.fillText(MODE_STYLES[span.mode].label.toLowerCase(), left + 4 * dpr, bbox.top + 13 * dpr);
    }
  }
  ctx.restore();
}

function markHelps(u: uPlot, view: PlotWindow): void {
  const { ctx, bbox } = u;
  const dpr = window.devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = MODE_STYLES.help.color;
  ctx.fillStyle = MODE_STYLES.help.color;
  ctx.lineWidth = 1.5 * dpr;
  ctx.setLineDash([4 * dpr, 3 * dpr]);
  for (const t of view.helps) {
    const x = u.valToPos(t, 'x', true);
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    // A small flag at the top so a request is visible even where the curves are busy.
    ctx.beginPath();
    ctx.moveTo(x - 5 * dpr, bbox.top);
    ctx.lineTo(x + 5 * dpr, bbox.top);
    ctx.lineTo(x, bbox.top + 8 * dpr);
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();
}

export function QPlot({
  store,
  theme = 'dark',
  windowSeconds = DEFAULT_WINDOW_SECONDS,
  onWindowChange,
}: QPlotProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const colours = plotColors(theme);
    let view: PlotWindow = buildPlotWindow(store.plot, windowSeconds);
    const axis = {
      stroke: colours.axis,
      grid: { stroke: colours.grid, width: 1 },
      ticks: { stroke: colours.grid, width: 1 },
    };
    const readout = (u: uPlot) => {
      const el = readoutRef.current;
      if (!el) return;
      const idx = u.cursor.idx;
      const text = idx === null || idx === undefined ? null : describePoint(view, idx);
      el.textContent = text ?? 'Point at the plot to read Q and the threshold.';
      el.classList.toggle('active', text !== null);
    };
    const options: uPlot.Options = {
      width: Math.max(100, host.clientWidth),
      height: Math.max(80, host.clientHeight - 28),
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false, setScale: false } },
      scales: {
        x: {
          time: false,
          range: (_u, _min, max) => (max === null ? [-windowSeconds, 0] : [max - windowSeconds, max]),
        },
        y: {
          range: (_u, min, max) => {
            if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
            if (min === max) return [min - 1, max + 1];
            const pad = (max - min) * 0.12;
            return [min - pad, max + pad];
          },
        },
      },
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => `${Math.round(t)} s`) },
        { ...axis, size: 60, values: (_u, ticks, _axis, _space, increment) => formatTicks(ticks, increment) },
      ],
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '—' : `${v.toFixed(1)} s`) },
        {
          label: 'Q(s, a_novice)',
          stroke: colours.q,
          width: 1.75,
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : v.toFixed(3)),
        },
        {
          label: 'threshold',
          stroke: colours.threshold,
          width: 1.5,
          dash: [7, 4],
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : v.toFixed(3)),
        },
      ],
      hooks: {
        drawClear: [(u) => shadeSpans(u, view)],
        draw: [(u) => markHelps(u, view)],
        setCursor: [readout],
      },
    };
    const plot = new uPlot(options, [view.x, view.q, view.threshold] as uPlot.AlignedData, host);
    let drawnVersion = store.plot.version;

    const fit = () => {
      const legend = plot.root.querySelector<HTMLElement>('.u-legend');
      const legendHeight = legend?.offsetHeight ?? 0;
      plot.setSize({
        width: Math.max(100, host.clientWidth),
        height: Math.max(80, host.clientHeight - legendHeight - 4),
      });
    };
    const observer = new ResizeObserver(fit);
    observer.observe(host);
    fit();

    let raf = 0;
    const tick = () => {
      raf = requestAnimationFrame(tick);
      if (store.plot.version === drawnVersion) return;
      const started = performance.now();
      drawnVersion = store.plot.version;
      view = buildPlotWindow(store.plot, windowSeconds);
      plot.setData([view.x, view.q, view.threshold] as uPlot.AlignedData);
      // Keep the readout on the point under a still pointer as the data slides.
      if (plot.cursor.idx !== null && plot.cursor.idx !== undefined) readout(plot);
      recordDraw('qplot', started);
    };
    raf = requestAnimationFrame(tick);
    probes.qPoints = () => view.qCount;
    probes.plotPoints = () => view.x.length;
    probes.helpMarks = () => view.helps.length;
    probes.plotWindow = () => windowSeconds;

    return () => {
      cancelAnimationFrame(raf);
      observer.disconnect();
      plot.destroy();
      probes.qPoints = () => 0;
      probes.plotPoints = () => 0;
      probes.helpMarks = () => 0;
      probes.plotWindow = () => 0;
    };
  }, [store, windowSeconds, theme]);

  return (
    <div className="panel qplot-panel">
      <div className="panel-title with-tools">
        <span>
          Q(s, a<sub>novice</sub>) and threshold
        </span>
        <label className="inline-select">
          <span className="muted">last</span>
          <select
            value={windowSeconds}
            onChange={(e) => onWindowChange?.(Number(e.currentTarget.value))}
            data-testid="plot-window-select"
            aria-label="Q plot window length"
            title="Window length ([ and ])"
          >
            {(PLOT_WINDOWS as readonly number[]).includes(windowSeconds) ? null : (
              <option value={windowSeconds}>{windowSeconds} s</option>
            )}
            {PLOT_WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w < 120 ? `${w} s` : `${w / 60} min`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="qplot" data-testid="qplot" ref={hostRef} />
      <div className="plot-readout muted" ref={readoutRef} data-testid="plot-readout" aria-live="off">
        Point at the plot to read Q and the threshold.
      </div>
    </div>
  );
}
