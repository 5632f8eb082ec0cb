// MiniGrid's integer vocabulary (minigrid/core/constants.py, v2.3.1). The observation carries these
// raw codes, so they must match MiniGrid exactly for a network trained on either side to transfer.
import type { GRID_ACTION_NAMES } from '../../contract/scene.ts';

/** Object indices (OBJECT_IDX). Only the ones MultiRoom uses are given names here. */
export const OBJ_UNSEEN = 0;
export const OBJ_EMPTY = 1;
export const OBJ_WALL = 2;
export const OBJ_DOOR = 4;
export const OBJ_GOAL = 8;

/** Colour indices (COLOR_IDX). */
export const COLOR_NAMES = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'] as const;
export type ColorName = (typeof COLOR_NAMES)[number];
export const COLOR_RED = 0;
export const COLOR_GREEN = 1;
export const COLOR_GREY = 5;

/** Door states (the STATE channel); every other object has state 0. */
export const DOOR_OPEN = 0;
export const DOOR_CLOSED = 1;
export const DOOR_LOCKED = 2;

/** The 7 actions of MiniGrid's Discrete(7), by index (the contract's list, which the UI reads too). */
export { GRID_ACTION_NAMES as ACTION_NAMES } from '../../contract/scene.ts';
export type ActionName = (typeof GRID_ACTION_NAMES)[number];
export const LEFT = 0;
export const RIGHT = 1;
export const FORWARD = 2;
export const PICKUP = 3;
export const DROP = 4;
export const TOGGLE = 5;
export const DONE = 6;
export const NUM_ACTIONS = 7;

/**
 * Direction d as a unit step in grid coordinates (x to the right, y downwards):
 * 0 = +x (right), 1 = +y (down), 2 = −x (left), 3 = −y (up). Turning right is d + 1.
 */
export const DIR_DX: readonly number[] = [1, 0, -1, 0];
export const DIR_DY: readonly number[] = [0, 1, 0, -1];

/** Side of the egocentric view and the number of stacked frames (AIM's wrapper stack). */
export const VIEW = 7;
export const FRAMES = 4;
/** Values in one encoded frame: 3 channels × 7 × 7. */
export const FRAME_SIZE = 3 * VIEW * VIEW;
