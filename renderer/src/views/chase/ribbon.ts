// Flat strips along polylines (painted lines, the route) as raw triangle data, so many strips merge
// into one buffer and one draw call. Corners use a mitre clamped to twice the half-width, so a sharp
// turn never throws a spike across the road. Pure: no three.js.
import type { Point } from '../route.ts';

export interface TriangleData {
  /** x, y, z per vertex. */
  positions: number[];
  indices: number[];
}

export function emptyTriangles(): TriangleData {
  return { positions: [], indices: [] };
}

/** Appends a strip of `width` metres centred on points, at height z, to out. */
export function appendRibbon(out: TriangleData, points: readonly Point[], width: number, z: number): void {
  const n = points.length;
  if (n < 2) return;
  const half = width / 2;
  const base = out.positions.length / 3;
  for (let i = 0; i < n; i++) {
    const prev = points[Math.max(0, i - 1)];
    const next = points[Math.min(n - 1, i + 1)];
    // Normals of the segments either side; at the ends, the one segment's.
    const n0 = segmentNormal(i > 0 ? prev : points[i], i > 0 ? points[i] : next);
    const n1 = segmentNormal(i < n - 1 ? points[i] : prev, i < n - 1 ? next : points[i]);
    let mx = n0[0] + n1[0];
    let my = n0[1] + n1[1];
    const ml = Math.hypot(mx, my);
    if (ml < 1e-9) {
      mx = n1[0];
      my = n1[1];
    } else {
      mx /= ml;
      my /= ml;
    }
    // Scale the mitre so the strip keeps its width; clamp at sharp corners.
    const cos = mx * n1[0] + my * n1[1];
    const scale = Math.min(2, 1 / Math.max(cos, 1e-3));
    const [x, y] = points[i];
    out.positions.push(
      x + mx * half * scale,
      y + my * half * scale,
      z,
      x - mx * half * scale,
      y - my * half * scale,
      z,
    );
  }
  for (let i = 0; i < n - 1; i++) {
    const a = base + 2 * i;
    // Counter-clockwise seen from above (+z), so the strip faces up.
    out.indices.push(a, a + 1, a + 2, a + 1, a + 3, a + 2);
  }
}

function segmentNormal(a: Point, b: Point): [number, number] {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l = Math.hypot(dx, dy);
  if (l < 1e-9) return [0, 0];
  // Left of the direction of travel.
  return [-dy / l, dx / l];
}
