// The session's controls: New session… (the dialog), Pause / Resume, Stop, and the pace the next
// session will run at (real time, or as fast as possible). Each button names its shortcut.
import { useState } from 'react';
import type { CoreClient, SessionStatus } from '../../../main/contract/api.ts';
import { PACES } from '../../../main/contract/session-config.ts';

export interface SessionControlsProps {
  client: CoreClient;
  status: SessionStatus;
  connected: boolean;
  /** The pace the next session's form holds. */
  pace: string;
  onPace: (pace: string) => void;
  onNewSession: () => void;
  onStatus: (status: SessionStatus) => void;
  onError: (text: string) => void;
}

const PACE_LABELS: Record<string, string> = { realtime: 'Real time', fast: 'Fast' };

/** Pause when running, resume when paused, nothing otherwise. */
export async function pauseOrResume(
  client: CoreClient,
  status: SessionStatus,
): Promise<SessionStatus | null> {
  if (status.status === 'running') return client.call('session.pause', {});
  if (status.status === 'paused') return client.call('session.resume', {});
  return null;
}

export function SessionControls({
  client,
  status,
  connected,
  pace,
  onPace,
  onNewSession,
  onStatus,
  onError,
}: SessionControlsProps) {
  const [busy, setBusy] = useState(false);
  const active = status.status === 'running' || status.status === 'paused';

  async function run(action: () => Promise<SessionStatus | null>): Promise<void> {
    setBusy(true);
    try {
      const next = await action();
      if (next !== null) onStatus(next);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const runningPace = active ? status.config?.pace : undefined;
  return (
    <div className="panel session-controls" role="toolbar" aria-label="Session controls">
      <button
        type="button"
        className="primary"
        disabled={active || !connected}
        onClick={onNewSession}
        data-testid="new-session-button"
        title="New session… (N)"
      >
        New session…
      </button>
      {status.status === 'paused' ? (
        <button
          type="button"
          disabled={busy || !connected}
          data-testid="resume-button"
          title="Resume (P)"
          onClick={() => void run(() => client.call('session.resume', {}))}
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          disabled={status.status !== 'running' || busy || !connected}
          data-testid="pause-button"
          title="Pause (P)"
          onClick={() => void run(() => client.call('session.pause', {}))}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        className="danger"
        disabled={!active || busy || !connected}
        data-testid="stop-button"
        title="Stop (Shift + X)"
        onClick={() => void run(() => client.call('session.stop', {}))}
      >
        Stop
      </button>
      <div
        className="segmented"
        role="radiogroup"
        aria-label={active ? 'Pace of this session' : 'Pace of the next session'}
        title={active ? 'The pace is chosen when a session starts' : 'Pace of the next session (F)'}
      >
        {PACES.map((p) => (
          <button
            key={p}
            type="button"
            role="radio"
            aria-checked={(runningPace ?? pace) === p}
            className={(runningPace ?? pace) === p ? 'on' : ''}
            disabled={active}
            data-testid={`pace-${p}`}
            onClick={() => onPace(p)}
          >
            {PACE_LABELS[p] ?? p}
          </button>
        ))}
      </div>
    </div>
  );
}
