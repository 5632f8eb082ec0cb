// Colours and labels shared by the views. Every mode has a colour AND a text label: colour alone
// must never carry the meaning.
import type { ControlMode } from '../../../main/contract/modes.ts';

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
};

/** MiniGrid's six colours by index: red, green, blue, purple, yellow, grey. */
export const GRID_PALETTE = ['#e53935', '#43a047', '#1e88e5', '#8e24aa', '#fdd835', '#9e9e9e'];
