// Static world geometry, sent once per scenario (per episode) and stored for exact replay.
// Coordinates are metres in the simulator's world frame (x east, y north, heading counter-clockwise
// from +x) for driving, and cell units for the grid.
import { z } from 'zod';

const point = z.tuple([z.number(), z.number()]);
const polyline = z.array(point);

export const roadSceneSchema = z.object({
  kind: z.literal('road'),
  /** Lane centre lines, for the route overlay and lane-level drawing. */
  lanes: z.array(z.object({ id: z.string(), centre: polyline, width: z.number() })),
  /** Painted lines: the yellow centre line between directions, white lines between lanes. */
  markings: z.array(z.object({ points: polyline, color: z.enum(['yellow', 'white']), dashed: z.boolean() })),
  /** Closed polygons of drivable surface and of sidewalk. */
  surfaces: z.array(z.object({ polygon: polyline, kind: z.enum(['road', 'sidewalk']) })),
  /** The ego's route as a polyline along lane centres, start to destination. */
  route: polyline,
  /** Named regions (e.g. the block a stretch of road belongs to), for analytics. */
  regions: z.array(z.object({ name: z.string(), polygon: polyline })).default([]),
  bounds: z.object({ minX: z.number(), minY: z.number(), maxX: z.number(), maxY: z.number() }),
  ego: z.object({ length: z.number(), width: z.number() }),
});

export const gridSceneSchema = z.object({
  kind: z.literal('grid'),
  width: z.number().int(),
  height: z.number().int(),
  /** Row-major cell codes (MiniGrid object indices); doors change state and are sent as actors. */
  cells: z.array(z.number().int()),
  /** Row-major colour indices per cell. */
  colors: z.array(z.number().int()),
  bounds: z.object({ minX: z.number(), minY: z.number(), maxX: z.number(), maxY: z.number() }),
});

/** MiniGrid's 7 actions by index (a grid frame's novice and applied actions are these indices). */
export const GRID_ACTION_NAMES = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'] as const;

export const sceneSchema = z.discriminatedUnion('kind', [roadSceneSchema, gridSceneSchema]);
export type RoadScene = z.infer<typeof roadSceneSchema>;
export type GridScene = z.infer<typeof gridSceneSchema>;
export type Scene = z.infer<typeof sceneSchema>;

/** Kinds of moving or placed things drawn on top of a scene; codes travel in frames. */
export const ACTOR_KINDS = ['vehicle', 'cone', 'triangle', 'barrier', 'door', 'goal', 'agent'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface Actor {
  kind: ActorKind;
  x: number;
  y: number;
  heading: number;
  length: number;
  width: number;
  /** Kind-specific state: for doors 0 open, 1 closed, 2 locked; for vehicles 1 if broken down. */
  state: number;
}
