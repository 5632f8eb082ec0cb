// Hand-built layouts from a text picture, for tests, examples and fixed scenarios. One character per
// cell, one line per row (leading and trailing blanks of each line are ignored):
//
//   #        wall                       .        empty floor
//   *        goal                       > v < ^  the agent on empty floor, facing right/down/left/up
//   R G B P Y E   closed door, red/green/blue/purple/yellow/grey (E for grEy)
//   r g b p y e   the same doors, open
//
// Cells outside the picture read as wall, as in MiniGrid.
import { EnvConfigError } from '../env.ts';
import { GridWorld } from './world.ts';

const DOOR_LETTERS = 'RGBPYE';
const AGENT_GLYPHS = '>v<^';

export function parseLayout(picture: string | readonly string[]): GridWorld {
  const lines = (typeof picture === 'string' ? picture.split('\n') : picture)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) throw new EnvConfigError('grid layout is empty');
  const width = lines[0].length;
  const ragged = lines.findIndex((l) => l.length !== width);
  if (ragged >= 0)
    throw new EnvConfigError(
      `grid layout row ${ragged} has ${lines[ragged].length} cells, row 0 has ${width}`,
    );
  if (width > 255 || lines.length > 255)
    throw new EnvConfigError(`grid layout of ${width}×${lines.length} is too large (at most 255×255)`);

  const world = new GridWorld(width, lines.length);
  let agents = 0;
  let goals = 0;
  for (let y = 0; y < lines.length; y++) {
    for (let x = 0; x < width; x++) {
      const ch = lines[y][x];
      const door = DOOR_LETTERS.indexOf(ch.toUpperCase());
      if (ch === '#') world.setWall(x, y);
      else if (ch === '.') world.setEmpty(x, y);
      else if (ch === '*') {
        world.setGoal(x, y);
        goals++;
      } else if (door >= 0) world.setDoor(x, y, door, ch !== ch.toUpperCase());
      else if (AGENT_GLYPHS.includes(ch)) {
        world.agentX = x;
        world.agentY = y;
        world.agentDir = AGENT_GLYPHS.indexOf(ch);
        agents++;
      } else throw new EnvConfigError(`grid layout has an unknown cell '${ch}' at row ${y}, column ${x}`);
    }
  }
  if (agents !== 1)
    throw new EnvConfigError(`grid layout must place exactly one agent (> v < ^), found ${agents}`);
  // No goal is allowed (an episode then only ends at the step limit), which suits view tests.
  if (goals > 1) throw new EnvConfigError(`grid layout may place at most one goal (*), found ${goals}`);
  return world;
}
