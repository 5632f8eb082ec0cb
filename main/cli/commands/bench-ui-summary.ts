// The arithmetic of aim bench ui (bench-ui.ts), apart from the browser it drives so that it can be
// unit-tested quickly: quantiles and the summary of one measurement window.

/** The views' channels in renderer/src/perf.ts. */
export const CHANNELS = ['chase', 'topdown', 'qplot', 'hud', 'metrics', 'frames'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What window.__aimTest.perf(since) answers. */
export interface PagePerf {
  now: number;
  frameIntervals: number[];
  draws: Record<Channel, number[]>;
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface ViewSummary {
  draws: number;
  drawsPerSecond: number | null;
  meanMs: number | null;
  p95Ms: number | null;
  /** Milliseconds of this view's drawing per displayed frame. */
  msPerFrame: number | null;
  /** This view's draw time over the page's frame time (the chase camera draws on its worker's thread). */
  shareOfFrameTime: number | null;
}

/** The JSON summary of one measurement window. */
export function summarise(perf: PagePerf, wallMs: number) {
  const intervals = perf.frameIntervals;
  const frameMs = sum(intervals);
  const frames = intervals.length;
  const views = Object.fromEntries(
    CHANNELS.map((channel) => {
      const d = perf.draws[channel] ?? [];
      const total = sum(d);
      return [
        channel,
        {
          draws: d.length,
          drawsPerSecond: round((d.length * 1000) / wallMs, 1),
          meanMs: round(d.length > 0 ? total / d.length : Number.NaN, 3),
          p95Ms: round(quantile(d, 0.95), 3),
          msPerFrame: round(frames > 0 ? total / frames : Number.NaN, 3),
          shareOfFrameTime: round(frameMs > 0 ? total / frameMs : Number.NaN, 4),
        },
      ];
    }),
  ) as unknown as Record<Channel, ViewSummary>;
  const inViews = sum(CHANNELS.map((c) => sum(perf.draws[c] ?? [])));
  return {
    frames,
    fps: round(frameMs > 0 ? (frames * 1000) / frameMs : 0, 1),
    frameTimeMs: {
      mean: round(frames > 0 ? frameMs / frames : Number.NaN),
      p50: round(quantile(intervals, 0.5)),
      p95: round(quantile(intervals, 0.95)),
      p99: round(quantile(intervals, 0.99)),
      max: round(intervals.length > 0 ? Math.max(...intervals) : Number.NaN),
    },
    views,
    /** Frame time not inside any view's draw: compositing, raster, GC, React, messages, idle. */
    outsideViewsMsPerFrame: round(frames > 0 ? (frameMs - inViews) / frames : Number.NaN, 3),
  };
}
