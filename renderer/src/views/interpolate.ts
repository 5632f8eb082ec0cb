// Frames arrive at the decision rate (10 Hz); the views draw at the display rate. Between the last
// two frames a view shows a pose interpolated by arrival time: when a frame arrives the view is at
// the previous one and reaches the new one a decision period later (one frame of added latency,
// no extrapolation, no jumps). Pure functions, so they can be unit-tested.
import type { Actor } from '../../../main/contract/scene.ts';
import type { TimedFrame } from '../state/live-store.ts';

export interface Pose {
  x: number;
  y: number;
  heading: number;
  speed: number;
}

export interface InterpolatedState {
  ego: Pose;
  actors: Actor[];
  /** 0 = at the previous frame, 1 = at the latest. */
  alpha: number;
}

/** Longest gap still interpolated; after a stall the view snaps to the latest frame. */
export const MAX_INTERPOLATION_GAP_MS = 1000;

export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Interpolates angles (radians) the short way round. */
export function lerpAngle(a: number, b: number, t: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d < -Math.PI) d += 2 * Math.PI;
  return a + d * t;
}

/** How far from the previous frame toward the latest the view should be at time now. */
export function interpolationAlpha(previousAt: number, latestAt: number, now: number): number {
  const interval = latestAt - previousAt;
  if (!(interval > 0) || interval > MAX_INTERPOLATION_GAP_MS) return 1;
  return Math.max(0, Math.min(1, (now - latestAt) / interval));
}

function sameActors(a: Actor[], b: Actor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].kind !== b[i].kind) return false;
  return true;
}

export function interpolateFrames(
  previous: TimedFrame | null,
  latest: TimedFrame,
  now: number,
): InterpolatedState {
  const b = latest.frame;
  const a = previous?.frame;
  // A new episode teleports the ego: never slide across the map.
  if (previous === null || a === undefined || a.episode !== b.episode) {
    return {
      ego: { x: b.egoX, y: b.egoY, heading: b.egoHeading, speed: b.egoSpeed },
      actors: b.actors,
      alpha: 1,
    };
  }
  const t = interpolationAlpha(previous.at, latest.at, now);
  const ego = {
    x: lerp(a.egoX, b.egoX, t),
    y: lerp(a.egoY, b.egoY, t),
    heading: lerpAngle(a.egoHeading, b.egoHeading, t),
    speed: lerp(a.egoSpeed, b.egoSpeed, t),
  };
  if (t === 1 || !sameActors(a.actors, b.actors)) return { ego, actors: b.actors, alpha: t };
  const actors = b.actors.map((actor, i) => {
    const from = a.actors[i];
    return {
      ...actor,
      x: lerp(from.x, actor.x, t),
      y: lerp(from.y, actor.y, t),
      heading: lerpAngle(from.heading, actor.heading, t),
    };
  });
  return { ego, actors, alpha: t };
}
