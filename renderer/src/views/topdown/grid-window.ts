// The agent's egocentric 7×7 window on the grid, as MiniGrid places it (get_view_exts): the agent
// sits at the middle of the window's back row and sees 6 cells ahead and 3 to each side.
const VIEW = 7;

/** The window as the cell rectangle [x0, y0, x1, y1) for an agent at (x, y) facing `heading` (y down). */
export function viewWindow(x: number, y: number, heading: number): [number, number, number, number] {
  const dir = ((Math.round(heading / (Math.PI / 2)) % 4) + 4) % 4;
  const half = (VIEW - 1) / 2;
  switch (dir) {
    case 0: // facing +x
      return [x, y - half, x + VIEW, y + half + 1];
    case 1: // facing +y (down)
      return [x - half, y, x + half + 1, y + VIEW];
    case 2: // facing −x
      return [x - VIEW + 1, y - half, x + 1, y + half + 1];
    default: // facing −y (up)
      return [x - half, y - VIEW + 1, x + half + 1, y + 1];
  }
}
