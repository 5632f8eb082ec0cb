// The workstation's layout and its wiring to the core. React state holds only what changes rarely
// (session status, app info, the message line); frames go straight into the LiveStore.
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, CoreClient, SessionStatus } from '../../../main/contract/api.ts';
import { IDLE_STATUS } from '../../../main/contract/status.ts';
import type { LiveStore } from '../state/live-store.ts';
import { KeyboardTakeover } from '../input/keyboard.ts';
import { probes } from '../test-hook.ts';
import { TopDownView } from '../views/TopDownView.tsx';
import { QPlot } from '../views/QPlot.tsx';
import { ModeBanner } from '../views/ModeBanner.tsx';
import { Counters } from '../views/Counters.tsx';
import { SessionControls } from '../views/SessionControls.tsx';
import { MessageLine, type Message } from '../views/MessageLine.tsx';

export interface AppProps {
  client: CoreClient;
  store: LiveStore;
}

export function App({ client, store }: AppProps) {
  const [status, setStatus] = useState<SessionStatus>(IDLE_STATUS);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [connected, setConnected] = useState(true);
  const [engaged, setEngaged] = useState(false);

  const showError = useCallback((text: string) => setMessage({ kind: 'error', text }), []);
  // Notices never hide an error the user has not dismissed.
  const showInfo = useCallback(
    (text: string) => setMessage((m) => (m?.kind === 'error' ? m : { kind: 'info', text })),
    [],
  );

  const applyStatus = useCallback(
    (next: SessionStatus) => {
      store.setSession(next.sessionId);
      setStatus(next);
      if (next.message !== null) {
        if (next.status === 'failed' || next.status === 'interrupted') showError(next.message);
        else showInfo(next.message);
      }
    },
    [store, showError, showInfo],
  );

  useEffect(() => {
    const offs = [
      client.on('status', (s) => {
        setConnected(true);
        applyStatus(s);
      }),
      client.on('scene', (event) => store.setScene(event)),
      client.on('episode', (e) =>
        showInfo(
          `Episode ${e.episode} ended after ${e.steps} steps: ${e.success ? 'arrived' : 'did not arrive'}, route ${Math.round(e.routeCompletion * 100)} %, ${e.takeovers} takeover${e.takeovers === 1 ? '' : 's'}.`,
        ),
      ),
      client.onFrame((frame) => store.pushFrame(frame, performance.now())),
      client.onDisconnect((reason) => {
        setConnected(false);
        showError(reason);
      }),
    ];
    client.call('app.info', {}).then(setInfo, (error: Error) => showError(error.message));
    client.call('session.current', {}).then(
      ({ status: current, scene }) => {
        applyStatus(current);
        if (scene !== null) store.setScene(scene);
      },
      (error: Error) => showError(error.message),
    );
    return () => offs.forEach((off) => off());
  }, [client, store, applyStatus, showError, showInfo]);

  useEffect(() => {
    const keyboard = new KeyboardTakeover();
    const stop = keyboard.start((sample) => client.sendInput(sample));
    const off = keyboard.onEngagedChange(setEngaged);
    probes.takeoverEngaged = () => keyboard.engaged();
    return () => {
      off();
      stop();
      probes.takeoverEngaged = () => false;
    };
  }, [client]);

  const onStarted = useCallback(
    (sessionId: number) => {
      setMessage(null);
      store.setSession(sessionId);
      client.call('session.current', {}).then(
        ({ status: current, scene }) => {
          applyStatus(current);
          if (scene !== null) store.setScene(scene);
        },
        () => {},
      );
    },
    [client, store, applyStatus],
  );

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">AIM Workstation</span>
          <span className="muted">{info ? `v${info.version} · ${info.host}` : ''}</span>
        </div>
        <ModeBanner store={store} status={status.status} connected={connected} engaged={engaged} />
        <div className="session-label">
          Session <span data-testid="session-id">{status.sessionId ?? '—'}</span>
          <span className={`session-status status-${status.status}`} data-testid="session-status">
            {status.status}
          </span>
        </div>
      </header>
      <Counters store={store} status={status} info={info} />
      <main className="workspace">
        <section className="views" aria-label="Live views">
          <TopDownView store={store} />
        </section>
        <aside className="side">
          <QPlot store={store} />
          <SessionControls
            client={client}
            status={status}
            connected={connected}
            onStatus={applyStatus}
            onError={showError}
            onStarted={onStarted}
          />
        </aside>
      </main>
      <footer className="statusline">
        <MessageLine message={message} onDismiss={() => setMessage(null)} />
        <span className={`keys-hint ${engaged ? 'engaged' : ''}`} data-testid="takeover-hint">
          {engaged
            ? 'Driving: ←/→ steer · ↑/↓ throttle/brake · release Space to hand back'
            : 'Hold Space to take over · ←/→ steer · ↑/↓ throttle/brake'}
        </span>
      </footer>
    </div>
  );
}
