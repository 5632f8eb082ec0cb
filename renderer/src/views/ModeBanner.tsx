// Who is driving, in colour AND words. Re-renders only when the mode or the session status changes.
import { useEffect, useSyncExternalStore } from 'react';
import type { SessionStatusName } from '../../../main/contract/api.ts';
import type { ControlMode } from '../../../main/contract/modes.ts';
import type { LiveStore } from '../state/live-store.ts';
import { MODE_STYLES, type ModeStyle } from './theme.ts';
import { bannerCounts } from '../test-hook.ts';

export interface BannerState extends ModeStyle {
  /** The mode or session state shown, for data-mode. */
  key: string;
}

const OFFLINE: Record<string, BannerState> = {
  disconnected: {
    key: 'disconnected',
    label: 'DISCONNECTED',
    color: '#c62828',
    ink: '#ffffff',
    hint: 'Lost the connection to the workstation; reconnecting…',
  },
  idle: {
    key: 'idle',
    label: 'NO SESSION',
    color: '#2a3138',
    ink: '#cfd8dc',
    hint: 'Start a session to begin.',
  },
  starting: {
    key: 'starting',
    label: 'STARTING',
    color: '#2a3138',
    ink: '#cfd8dc',
    hint: 'Waiting for the first decision…',
  },
  finished: {
    key: 'finished',
    label: 'FINISHED',
    color: '#2a3138',
    ink: '#cfd8dc',
    hint: 'The session has ended; its data is saved.',
  },
  interrupted: {
    key: 'interrupted',
    label: 'INTERRUPTED',
    color: '#6d4c41',
    ink: '#ffffff',
    hint: 'The session was interrupted; what ran is saved.',
  },
  failed: {
    key: 'failed',
    label: 'FAILED',
    color: '#c62828',
    ink: '#ffffff',
    hint: 'The session failed; see the message below.',
  },
};

/** Mode 'human' while this window's person is not holding the takeover: the simulated expert drives. */
const EXPERT_HINT = 'The expert is driving. Hold Space to drive yourself.';
/** A help request the simulated expert is already answering. */
const ANSWERED_HINT = 'The robot asked for help; the expert has taken over. Hold Space to drive yourself.';

/** A grid session's hints, by the state they replace: the grid's keys are not the car's. */
const GRID_HINTS: Record<'robot' | 'help' | 'human' | 'expert' | 'answered', string> = {
  robot: 'The novice acts. Hold ←, → or ↑ (T toggles a door) to take over; Space approves its action.',
  help: 'The robot asks for help: hold ←, → or ↑ (T toggles a door) to act.',
  human: 'You are acting: ←/→ turn, ↑ forward, T toggles a door. Release every key to hand back.',
  expert: 'The expert is acting. Hold ←, → or ↑ (T toggles a door) to act yourself.',
  answered: 'The robot asked for help; the expert has taken over. Hold an arrow key to act yourself.',
};

export function bannerState(
  mode: ControlMode | null,
  status: SessionStatusName,
  connected: boolean,
  engagedHere = false,
  /** The expert already drives while the banner still shows the help request. */
  answered = false,
  /** A grid session: the hints name the grid's keys. */
  grid = false,
): BannerState {
  if (!connected) return OFFLINE.disconnected;
  if (status === 'paused') return { key: 'paused', ...MODE_STYLES.paused };
  if (status !== 'running') return OFFLINE[status] ?? OFFLINE.idle;
  if (mode === null) return OFFLINE.starting;
  const style = { key: mode, ...MODE_STYLES[mode] };
  const hint = (driving: string, onGrid: string) => ({ ...style, hint: grid ? onGrid : driving });
  if (mode === 'help')
    return answered && !engagedHere
      ? hint(ANSWERED_HINT, GRID_HINTS.answered)
      : hint(style.hint, GRID_HINTS.help);
  if (mode === 'human')
    return engagedHere ? hint(style.hint, GRID_HINTS.human) : hint(EXPERT_HINT, GRID_HINTS.expert);
  return mode === 'robot' ? hint(style.hint, GRID_HINTS.robot) : style;
}

export interface ModeBannerProps {
  store: LiveStore;
  status: SessionStatusName;
  connected: boolean;
  /** Whether the person at this window holds the takeover control. */
  engaged: boolean;
  grid?: boolean;
}

export function ModeBanner({ store, status, connected, engaged, grid = false }: ModeBannerProps) {
  const mode = useSyncExternalStore(store.subscribeMode, store.getMode);
  const answered = mode === 'help' && store.mode() === 'human';
  const state = bannerState(mode, status, connected, engaged, answered, grid);
  useEffect(() => {
    bannerCounts[state.key] = (bannerCounts[state.key] ?? 0) + 1;
  }, [state.key]);
  return (
    <div
      className={`mode-banner mode-${state.key}`}
      data-testid="mode-banner"
      data-mode={state.key}
      role="status"
      aria-live="assertive"
      style={{ background: state.color, color: state.ink }}
    >
      <span className="mode-label">{state.label}</span>
      <span className="mode-hint">{state.hint}</span>
    </div>
  );
}
