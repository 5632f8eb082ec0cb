// Distances along polylines: where the ego is on its route, the next checkpoints ahead of it, and
// painted dashes cut out of a line. The scene carries the route as a polyline of lane centres but no
// checkpoints, so checkpoints are placed at a fixed spacing along it, plus the destination. Pure.

export type Point = readonly [number, number];

export interface RouteIndex {
  points: readonly Point[];
  /** Cumulative arc length at each point (m). */
  s: Float64Array;
  length: number;
}

export function indexPolyline(points: readonly Point[]): RouteIndex {
  const s = new Float64Array(points.length);
  for (let i = 1; i < points.length; i++)
    s[i] = s[i - 1] + Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
  return { points, s, length: points.length > 0 ? s[points.length - 1] : 0 };
}

/** Arc length of the point of the polyline nearest to (x, y), and how far from it (m). */
export function projectOnto(route: RouteIndex, x: number, y: number): { s: number; distance: number } {
  const p = route.points;
  if (p.length === 0) return { s: 0, distance: Number.POSITIVE_INFINITY };
  if (p.length === 1) return { s: 0, distance: Math.hypot(x - p[0][0], y - p[0][1]) };
  let best = Number.POSITIVE_INFINITY;
  let bestS = 0;
  for (let i = 1; i < p.length; i++) {
    const [ax, ay] = p[i - 1];
    const bx = p[i][0] - ax;
    const by = p[i][1] - ay;
    const len2 = bx * bx + by * by;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * bx + (y - ay) * by) / len2)) : 0;
    const dx = ax + bx * t - x;
    const dy = ay + by * t - y;
    const d2 = dx * dx + dy * dy;
    if (d2 < best) {
      best = d2;
      bestS = route.s[i - 1] + t * (route.s[i] - route.s[i - 1]);
    }
  }
  return { s: bestS, distance: Math.sqrt(best) };
}

/** The point and heading at arc length s (clamped to the ends). */
export function pointAt(route: RouteIndex, s: number): { x: number; y: number; heading: number } {
  const p = route.points;
  if (p.length === 0) return { x: 0, y: 0, heading: 0 };
  if (p.length === 1) return { x: p[0][0], y: p[0][1], heading: 0 };
  const target = Math.max(0, Math.min(route.length, s));
  // Binary search for the segment holding target.
  let lo = 1;
  let hi = p.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (route.s[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  const i = lo;
  const span = route.s[i] - route.s[i - 1];
  const t = span > 0 ? (target - route.s[i - 1]) / span : 0;
  const [ax, ay] = p[i - 1];
  const [bx, by] = p[i];
  return { x: ax + (bx - ax) * t, y: ay + (by - ay) * t, heading: Math.atan2(by - ay, bx - ax) };
}

/** Metres between the route's checkpoints. */
export const CHECKPOINT_SPACING = 50;

export interface Checkpoints {
  /** The next checkpoints ahead of the ego, nearest first (the destination is never among them). */
  next: Array<{ x: number; y: number }>;
  destination: { x: number; y: number } | null;
  /** The ego's arc length along the route. */
  progress: number;
}

/**
 * The next `count` checkpoints strictly ahead of arc length `progress` (at multiples of spacing),
 * and the destination at the route's end.
 */
export function checkpointsAhead(
  route: RouteIndex,
  progress: number,
  count = 2,
  spacing = CHECKPOINT_SPACING,
): Checkpoints {
  if (route.points.length === 0) return { next: [], destination: null, progress: 0 };
  const end = route.points[route.points.length - 1];
  const next: Array<{ x: number; y: number }> = [];
  let k = Math.floor(progress / spacing) + 1;
  while (next.length < count && k * spacing < route.length - 1e-6) {
    const { x, y } = pointAt(route, k * spacing);
    next.push({ x, y });
    k++;
  }
  return { next, destination: { x: end[0], y: end[1] }, progress };
}

/**
 * Cuts a polyline into dashes `dash` metres long, one every `period` metres, starting with a dash.
 * Each dash is returned as its own short polyline (corners inside a dash are kept).
 */
export function dashes(points: readonly Point[], dash: number, period: number): Point[][] {
  if (points.length < 2 || !(dash > 0) || !(period >= dash)) return [];
  const route = indexPolyline(points);
  const out: Point[][] = [];
  for (let start = 0; start < route.length; start += period) {
    const end = Math.min(route.length, start + dash);
    if (end - start < 1e-3) break;
    const piece: Point[] = [];
    const a = pointAt(route, start);
    piece.push([a.x, a.y]);
    for (let i = 1; i < points.length - 1; i++) {
      if (route.s[i] > start && route.s[i] < end) piece.push(points[i]);
    }
    const b = pointAt(route, end);
    piece.push([b.x, b.y]);
    out.push(piece);
  }
  return out;
}
