// The pure arithmetic of review: where a step sits on the scrubber and back, which frames a seek
// needs, which takeover is next, the playback clock, and the aggregates analytics draws. No DOM.
import type { SessionListRow } from '../../../../main/contract/api.ts';
import type { ReviewAnalytics, ReviewTakeover } from '../../../../main/contract/review.ts';
import { MetricsStore } from '../../state/metrics-store.ts';

/** Replay speeds (multiples of real time). */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const;
/** Frames are fetched and cached in chunks of this many steps. */
export const CHUNK_STEPS = 100;

export interface StepRange {
  first: number;
  last: number;
}

/** The step under a point of the scrubber, fraction 0 = left edge, 1 = right edge. */
export function stepAtFraction(range: StepRange, fraction: number): number {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  return Math.round(range.first + f * (range.last - range.first));
}

/** Where a step sits on the scrubber (0–1); the middle for a one-step session. */
export function fractionOfStep(range: StepRange, step: number): number {
  const span = range.last - range.first;
  if (span <= 0) return 0.5;
  return Math.max(0, Math.min(1, (step - range.first) / span));
}

/** The chunk holding a step, and the steps it covers. */
export function chunkOf(step: number): { index: number; from: number; to: number } {
  const index = Math.floor(step / CHUNK_STEPS);
  return { index, from: index * CHUNK_STEPS, to: index * CHUNK_STEPS + CHUNK_STEPS - 1 };
}

/**
 * What a seek to `step` must read: the chunks of frames around it (its own, and the next when it
 * sits in the last quarter, so playing on does not stall), and the steps of Q-plot numbers that end
 * at it (the plot's window, clipped to the session).
 */
export function seekWindow(
  step: number,
  range: StepRange,
  plotSteps: number,
): { chunks: number[]; seriesFrom: number; seriesTo: number } {
  const at = Math.max(range.first, Math.min(range.last, step));
  const own = chunkOf(at);
  const chunks = [own.index];
  if (at - own.from >= (CHUNK_STEPS * 3) / 4 && own.to < range.last) chunks.push(own.index + 1);
  return { chunks, seriesFrom: Math.max(range.first, at - plotSteps), seriesTo: at };
}

/** The takeover whose span holds step, else null. */
export function takeoverAt(takeovers: readonly ReviewTakeover[], step: number): ReviewTakeover | null {
  return takeovers.find((t) => t.startStep <= step && step <= t.endStep) ?? null;
}

/**
 * The next (direction 1) or previous (−1) takeover from step, by start: from inside a span, "next"
 * is the one after it and "previous" is its own start if the cursor is past it. Warm-up is skipped.
 */
export function adjacentTakeover(
  takeovers: readonly ReviewTakeover[],
  step: number,
  direction: 1 | -1,
): ReviewTakeover | null {
  const real = takeovers.filter((t) => t.trigger !== 'warmup');
  if (direction > 0) return real.find((t) => t.startStep > step) ?? null;
  for (let i = real.length - 1; i >= 0; i--) if (real[i].startStep < step) return real[i];
  return null;
}

/**
 * The playback clock: how many decisions to advance after `elapsedMs` of wall time at `speed`, with
 * the fraction carried to the next call so slow and fast speeds both keep time.
 */
export function advance(
  carry: number,
  elapsedMs: number,
  speed: number,
  decisionHz: number,
): { steps: number; carry: number } {
  const exact = carry + (Math.max(0, elapsedMs) / 1000) * speed * decisionHz;
  const steps = Math.floor(exact);
  return { steps, carry: exact - steps };
}

/** The next speed up or down the SPEEDS ladder. */
export function stepSpeed(current: number, direction: 1 | -1): number {
  const i = SPEEDS.findIndex((s) => s >= current);
  const at = i === -1 ? SPEEDS.length - 1 : i;
  return SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at + direction))];
}

/** Session time of a step as m:ss.s. */
export function formatClock(step: number, decisionHz: number): string {
  const seconds = step / decisionHz;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

// ——— The session browser ———

export type SortKey = keyof Pick<
  SessionListRow,
  | 'id'
  | 'startedAt'
  | 'operator'
  | 'env'
  | 'method'
  | 'status'
  | 'steps'
  | 'expertSteps'
  | 'takeovers'
  | 'successRate'
>;

export interface BrowserQuery {
  sort: SortKey;
  descending: boolean;
  /** Words that must all appear in the operator, environment, method or status. */
  filter: string;
}

export function browseSessions(rows: readonly SessionListRow[], query: BrowserQuery): SessionListRow[] {
  const words = query.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const kept = rows.filter((r) => {
    const text = `${r.id} ${r.operator} ${r.env} ${r.method} ${r.status}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const sign = query.descending ? -1 : 1;
  return kept.sort((a, b) => {
    const x = a[query.sort];
    const y = b[query.sort];
    // Missing values (no success rate yet) sort last either way.
    if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order === 0 ? a.id - b.id : sign * order;
  });
}

// ——— Analytics ———

export interface HeatGrid {
  columns: number;
  rows: number;
  /** Row-major counts, row 0 at minY. */
  counts: number[];
  max: number;
  cell: number;
  minX: number;
  minY: number;
}

/** Counts positions in square cells of `cell` metres over the bounds (outside points are dropped). */
export function heatGrid(
  points: ReadonlyArray<{ x: number; y: number }>,
  bounds: { minX: number; minY: number; maxX: number; maxY: number },
  cell: number,
): HeatGrid {
  const columns = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) / cell));
  const rows = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) / cell));
  const counts = new Array<number>(columns * rows).fill(0);
  let max = 0;
  for (const p of points) {
    const c = Math.floor((p.x - bounds.minX) / cell);
    const r = Math.floor((p.y - bounds.minY) / cell);
    if (c < 0 || r < 0 || c >= columns || r >= rows) continue;
    const n = ++counts[r * columns + c];
    if (n > max) max = n;
  }
  return { columns, rows, counts, max, cell, minX: bounds.minX, minY: bounds.minY };
}

/** A histogram of values in bins of `width`, from 0 up to the largest value. */
export function histogram(values: readonly number[], width: number): { from: number[]; counts: number[] } {
  if (values.length === 0) return { from: [], counts: [] };
  const bins = Math.floor(Math.max(...values) / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.max(0, Math.floor(v / width))]++;
  return { from: counts.map((_, i) => i * width), counts };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The learning curves as the live panel draws them, replayed from the recording's counters: each
 * episode's end is counted at the last sample of the expert-involved curve at or before it.
 */
export function metricsFrom(a: ReviewAnalytics): MetricsStore {
  const metrics = new MetricsStore();
  const ends = a.episodeEnds;
  let e = 0;
  a.expertCurve.forEach((point, i) => {
    metrics.onFrame(point);
    const next = a.expertCurve[i + 1]?.step ?? Number.POSITIVE_INFINITY;
    for (; e < ends.length && ends[e].step < next; e++) metrics.onEpisode(ends[e].episode, ends[e].success);
  });
  for (const v of a.evaluations)
    metrics.onEvaluation({ expertSteps: v.expertSteps, step: v.step, successRate: v.successRate });
  return metrics;
}
