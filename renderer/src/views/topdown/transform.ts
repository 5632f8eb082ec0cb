// World (metres, x east, y north, heading counter-clockwise from +x) → canvas (pixels, y down), as
// the six numbers of CanvasRenderingContext2D.setTransform. North-up keeps the map still and centres
// the ego; heading-up (MetaDrive's target_agent_heading_up) turns the map so the ego points up the
// screen and sits below the centre, so more of the road ahead is in view. Pure.

/** [a, b, c, d, e, f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Affine = [number, number, number, number, number, number];

export interface ViewCentre {
  x: number;
  y: number;
  heading: number;
}

/** Where the ego sits, as a fraction of the canvas height from the top, in heading-up mode. */
export const HEADING_UP_EGO_Y = 0.64;

export function worldToCanvas(
  centre: ViewCentre,
  scale: number,
  width: number,
  height: number,
  headingUp: boolean,
): Affine {
  // Rotate the world about the ego by θ so its heading points north (up), then flip y.
  const theta = headingUp ? Math.PI / 2 - centre.heading : 0;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const a = scale * cos;
  const b = -scale * sin;
  const c = -scale * sin;
  const d = -scale * cos;
  const ox = width / 2;
  const oy = headingUp ? height * HEADING_UP_EGO_Y : height / 2;
  return [a, b, c, d, ox - (a * centre.x + c * centre.y), oy - (b * centre.x + d * centre.y)];
}

export function apply(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** The rotation the map is drawn with (radians, canvas sense): what a north arrow must turn by. */
export function mapRotation(m: Affine): number {
  // The image of world north (0, 1) minus the origin's, in canvas pixels (y down).
  return Math.atan2(m[2], -m[3]);
}

/** Fits bounds into a w × h box (with a margin), north up: for the whole-map inset. */
export function fitBounds(
  bounds: { minX: number; minY: number; maxX: number; maxY: number },
  width: number,
  height: number,
  margin = 0.06,
): Affine {
  const spanX = Math.max(1e-6, bounds.maxX - bounds.minX);
  const spanY = Math.max(1e-6, bounds.maxY - bounds.minY);
  const scale = Math.min((width * (1 - 2 * margin)) / spanX, (height * (1 - 2 * margin)) / spanY);
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  return [scale, 0, 0, -scale, width / 2 - scale * cx, height / 2 + scale * cy];
}

/** The world points under a canvas's corners (the inverse map), clockwise from the top left. */
export function canvasFootprint(m: Affine, width: number, height: number): Array<[number, number]> {
  const [a, b, c, d, e, f] = m;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) return [];
  const back = (px: number, py: number): [number, number] => {
    const x = px - e;
    const y = py - f;
    return [(d * x - c * y) / det, (-b * x + a * y) / det];
  };
  return [back(0, 0), back(width, 0), back(width, height), back(0, height)];
}
