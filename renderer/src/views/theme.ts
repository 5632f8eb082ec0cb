// Colours and labels shared by the views. Every mode has a colour AND a text label: colour alone
// must never carry the meaning. Canvas and WebGL views cannot read CSS variables cheaply, so the
// light and dark palettes they draw with are here too.
import type { ControlMode } from '../../../main/contract/modes.ts';
import type { ThemeName } from '../state/prefs.ts';

export interface ModeStyle {
  label: string;
  /** Banner background and trail/shading colour. */
  color: string;
  /** Text colour on that background. */
  ink: string;
  /** Short explanation under the banner. */
  hint: string;
}

export const MODE_STYLES: Record<ControlMode, ModeStyle> = {
  robot: {
    label: 'ROBOT',
    color: '#2f7fd8',
    ink: '#ffffff',
    hint: 'The novice policy drives. Hold Space to take over.',
  },
  human: {
    label: 'HUMAN',
    color: '#ff6d3a',
    ink: '#1a0d05',
    hint: 'You are driving: ←/→ steer, ↑/↓ throttle and brake. Release Space to hand back.',
  },
  warmup: {
    label: 'WARM-UP',
    color: '#9c5fd6',
    ink: '#ffffff',
    hint: 'The expert drives while the learner collects its first data.',
  },
  help: {
    label: 'HELP REQUESTED',
    color: '#ffc933',
    ink: '#1f1800',
    hint: 'The robot asks for help: hold Space to take over.',
  },
  paused: { label: 'PAUSED', color: '#7b8a97', ink: '#ffffff', hint: 'The session is paused.' },
};

/** Series colours of the Q plot. */
export const PLOT_COLORS = {
  q: '#4fc3f7',
  threshold: '#ffc933',
  axis: '#9aa6b2',
  grid: 'rgba(154, 166, 178, 0.14)',
};

/** The Q plot and the metrics charts, per theme (series keep enough contrast on either). */
export function plotColors(theme: ThemeName): typeof PLOT_COLORS {
  return theme === 'light'
    ? { q: '#0277bd', threshold: '#c77c00', axis: '#4a5561', grid: 'rgba(60, 72, 88, 0.14)' }
    : PLOT_COLORS;
}

export const ROAD_COLORS = {
  background: '#1d2b1f',
  road: '#3b4048',
  sidewalk: '#6b6f74',
  yellow: '#f2c230',
  white: '#eceff1',
  route: 'rgba(79, 195, 247, 0.28)',
  vehicle: '#cfd8dc',
  vehicleBroken: '#e57373',
  outline: 'rgba(0, 0, 0, 0.55)',
  cone: '#ff8f00',
  triangle: '#ff5252',
  barrier: '#ef5350',
  /** The ego's trail where the robot drove (takeover stretches take their mode's colour). */
  trail: 'rgba(200, 215, 230, 1)',
};

/** The top-down map on a light page: MetaDrive's own top-down view is drawn on white. */
const LIGHT_ROAD_COLORS: typeof ROAD_COLORS = {
  ...ROAD_COLORS,
  background: '#eef1ec',
  road: '#8d939b',
  sidewalk: '#c4c7ca',
  white: '#ffffff',
  route: 'rgba(2, 119, 189, 0.3)',
  vehicle: '#546e7a',
  outline: 'rgba(0, 0, 0, 0.6)',
  trail: '#37474f',
};

export function roadColors(theme: ThemeName): typeof ROAD_COLORS {
  return theme === 'light' ? LIGHT_ROAD_COLORS : ROAD_COLORS;
}

/** Overlay text and lines drawn on the map (scale bar, north arrow, inset frame). */
export function overlayInk(theme: ThemeName): string {
  return theme === 'light' ? 'rgba(30, 36, 44, 0.85)' : 'rgba(236, 239, 241, 0.85)';
}

/** MetaDrive's ego green (2, 158, 115): entry 2 of its 10-colour palette. */
export const EGO_COLOR = '#029e73';

/** The palette other vehicles take their colours from (MetaDrive's, without the ego's green). */
export const TRAFFIC_PALETTE = [
  '#0173b2',
  '#de8f05',
  '#d55e00',
  '#cc78bc',
  '#ca9161',
  '#fbafe4',
  '#949494',
  '#ece133',
  '#56b4e9',
];

/** The chase camera's world. */
export function worldColors(theme: ThemeName) {
  return {
    sky: theme === 'light' ? '#cfe3f2' : '#7f98ad',
    ground: theme === 'light' ? '#8fae7a' : '#4e6646',
    road: '#5a5f66',
    sidewalk: '#a7a9ab',
    yellow: '#f2c230',
    white: '#f4f6f7',
    route: '#4fc3f7',
    cone: '#ff8f00',
    triangle: '#ff3d3d',
    barrier: '#e53935',
    broken: '#e57373',
    destination: '#ffc933',
  };
}

/** MiniGrid's six colours by index: red, green, blue, purple, yellow, grey. */
export const GRID_PALETTE = ['#e53935', '#43a047', '#1e88e5', '#8e24aa', '#fdd835', '#9e9e9e'];
