// Every control's keyboard shortcut, in one table: the key handler and the help overlay (?) both
// read it, so the overlay lists exactly what works. Driving keys belong to the takeover (Space,
// arrows, W/A/S/D) and are never used here. Pure.

export const SHORTCUT_IDS = [
  'newSession',
  'pauseResume',
  'stop',
  'pace',
  'headingUp',
  'inset',
  'lidar',
  'plotShorter',
  'plotLonger',
  'theme',
  'resetLayout',
  'review',
  'replayPlay',
  'replayBack',
  'replayForward',
  'replayPreviousTakeover',
  'replayNextTakeover',
  'replaySlower',
  'replayFaster',
  'help',
] as const;
export type ShortcutId = (typeof SHORTCUT_IDS)[number];

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export interface Shortcut {
  id: ShortcutId;
  /** The key as event.key reports it (letters lower-case). */
  key: string;
  shift?: boolean;
  /** How the help overlay writes it. */
  label: string;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'newSession', key: 'n', label: 'N', description: 'New session… (choose the settings, then Start)' },
  { id: 'pauseResume', key: 'p', label: 'P', description: 'Pause or resume the session' },
  {
    id: 'stop',
    key: 'x',
    shift: true,
    label: 'Shift + X',
    description: 'Stop the session (its data is kept)',
  },
  { id: 'pace', key: 'f', label: 'F', description: 'Real time or as fast as possible, for the next session' },
  { id: 'headingUp', key: 'h', label: 'H', description: 'Top-down map: north up or heading up' },
  { id: 'inset', key: 'm', label: 'M', description: 'Top-down map: show or hide the whole-map inset' },
  { id: 'lidar', key: 'l', label: 'L', description: 'Top-down map: show or hide the lidar rays' },
  { id: 'plotShorter', key: '[', label: '[', description: 'Q plot: shorter window' },
  { id: 'plotLonger', key: ']', label: ']', description: 'Q plot: longer window' },
  { id: 'theme', key: 't', label: 'T', description: 'Light or dark theme' },
  { id: 'resetLayout', key: 'r', label: 'R', description: 'Reset the pane sizes' },
  { id: 'review', key: 'v', label: 'V', description: 'Switch between the live view and review' },
  { id: 'replayPlay', key: 'k', label: 'K', description: 'Review: play or pause the replay' },
  { id: 'replayBack', key: ',', label: ',', description: 'Review: one decision back' },
  { id: 'replayForward', key: '.', label: '.', description: 'Review: one decision forward' },
  {
    id: 'replayPreviousTakeover',
    key: 'PageUp',
    label: 'Page Up',
    description: 'Review: jump to the previous takeover',
  },
  {
    id: 'replayNextTakeover',
    key: 'PageDown',
    label: 'Page Down',
    description: 'Review: jump to the next takeover',
  },
  { id: 'replaySlower', key: '-', label: '-', description: 'Review: slower replay (down to 0.25×)' },
  { id: 'replayFaster', key: '=', label: '=', description: 'Review: faster replay (up to 8×)' },
  { id: 'help', key: '?', label: '?', description: 'Show or hide this list' },
];

/** The takeover's keys (input/keyboard.ts), listed in the overlay but handled there. */
export const DRIVING_KEYS: ReadonlyArray<{ label: string; description: string }> = [
  { label: 'Space (hold)', description: 'Take over: you drive while it is held; release to hand back' },
  { label: '← / → or A / D', description: 'Steer (while holding Space)' },
  { label: '↑ / ↓ or W / S', description: 'Throttle / brake (while holding Space)' },
  { label: 'Esc', description: 'Close a dialog or this list' },
];

/** event.key values the takeover owns. */
export const RESERVED_KEYS = new Set([
  ' ',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'a',
  'd',
  'w',
  's',
]);

export function findShortcut(event: KeyLike): ShortcutId | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  for (const shortcut of SHORTCUTS) {
    if (shortcut.key !== key) continue;
    // '?' needs Shift on most layouts; letters must match the Shift state exactly.
    if (shortcut.key === '?' || shortcut.key === '[' || shortcut.key === ']') return shortcut.id;
    if ((shortcut.shift ?? false) === event.shiftKey) return shortcut.id;
  }
  return null;
}

/** Q-plot window lengths the [ and ] keys step through (seconds). */
export const PLOT_WINDOWS = [10, 30, 60, 120, 300] as const;

export function stepWindow(current: number, direction: 1 | -1): number {
  if (direction > 0) return PLOT_WINDOWS.find((w) => w > current) ?? PLOT_WINDOWS[PLOT_WINDOWS.length - 1];
  return [...PLOT_WINDOWS].reverse().find((w) => w < current) ?? PLOT_WINDOWS[0];
}
