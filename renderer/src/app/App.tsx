// The workstation's layout and its wiring to the core. React state holds only what changes rarely
// (session status, app info, the message line, preferences); frames go straight into the LiveStore
// and the MetricsStore, and the views draw from those on their animation frames.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AppInfo, CoreClient, SessionStatus } from '../../../main/contract/api.ts';
import type { ForceFeedbackEvent } from '../../../main/contract/devices.ts';
import { IDLE_STATUS } from '../../../main/contract/status.ts';
import type { LiveStore } from '../state/live-store.ts';
import { MetricsStore } from '../state/metrics-store.ts';
import { loadPref, parseNumberIn, parseOneOf, savePref, THEMES, type ThemeName } from '../state/prefs.ts';
import { KeyboardTakeover, isEditableTarget } from '../input/keyboard.ts';
import { GridKeyboardTakeover } from '../input/grid-keyboard.ts';
import { WheelLink } from '../input/wheel-link.ts';
import { BenchmarkDialog } from '../views/BenchmarkDialog.tsx';
import { CalibrationDialog } from '../views/CalibrationDialog.tsx';
import { DeviceStatus } from '../views/DeviceStatus.tsx';
import { alertForHelp } from '../views/help-alert.ts';
import { probes } from '../test-hook.ts';
import { recordDraw } from '../perf.ts';
import { ChaseView } from '../views/chase/ChaseView.tsx';
import { TopDownView, type TopDownOptions } from '../views/TopDownView.tsx';
import { QPlot } from '../views/QPlot.tsx';
import { ModeBanner } from '../views/ModeBanner.tsx';
import { Hud, statusEvaluation } from '../views/Hud.tsx';
import { SessionControls, pauseOrResume } from '../views/SessionControls.tsx';
import { NewSessionDialog } from '../views/NewSessionDialog.tsx';
import { MetricsPanel } from '../views/MetricsPanel.tsx';
import { MessageLine, type Message } from '../views/MessageLine.tsx';
import { defaultFormValues, sessionFormFields, type FormValues } from '../views/session-form.ts';
import { SplitPane } from './SplitPane.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { findShortcut, stepWindow, type ShortcutId } from './shortcuts.ts';
import { ReviewPage, type ReviewKeys } from '../views/review/ReviewPage.tsx';

export interface AppProps {
  client: CoreClient;
  store: LiveStore;
}

const APP_VIEWS = ['live', 'review'] as const;
type AppView = (typeof APP_VIEWS)[number];

const TOPDOWN_DEFAULTS: TopDownOptions = { headingUp: false, inset: true, lidar: false };

function parseTopDown(raw: unknown): TopDownOptions | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const out = { ...TOPDOWN_DEFAULTS };
  for (const key of Object.keys(out) as Array<keyof TopDownOptions>)
    if (typeof r[key] === 'boolean') out[key] = r[key];
  return out;
}

function parseForm(raw: unknown): FormValues | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const out: FormValues = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Help alerts shown since the page loaded (for the test hook). */
let helpAlerts = 0;

export function App({ client, store }: AppProps) {
  const [status, setStatus] = useState<SessionStatus>(IDLE_STATUS);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [connected, setConnected] = useState(true);
  const [engaged, setEngaged] = useState(false);
  const metrics = useMemo(() => new MetricsStore(), []);
  const sessionRef = useRef<number | null>(null);

  const [theme, setTheme] = useState<ThemeName>(() => loadPref('theme', parseOneOf(THEMES), 'dark'));
  const [topDown, setTopDown] = useState<TopDownOptions>(() =>
    loadPref('topdown', parseTopDown, TOPDOWN_DEFAULTS),
  );
  const [plotWindow, setPlotWindow] = useState(() => loadPref('plot.window', parseNumberIn(5, 600), 30));
  const fields = useMemo(() => sessionFormFields(), []);
  const [form, setForm] = useState<FormValues>(() => {
    const defaults = defaultFormValues(fields);
    const saved = loadPref('session.form', parseForm, {});
    // Only fields the schema still has, and only values a select still offers.
    for (const field of fields) {
      const value = saved[field.key];
      if (value === undefined) continue;
      if (field.options && !field.options.some((o) => o.value === value)) continue;
      defaults[field.key] = value;
    }
    return defaults;
  });
  const [dialogOpen, setDialogOpen] = useState(false);
  const [calibrating, setCalibrating] = useState(false);
  const [ff, setFf] = useState<ForceFeedbackEvent | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const operatorRef = useRef(form.operator ?? '');
  operatorRef.current = form.operator ?? '';
  const link = useMemo(
    () =>
      new WheelLink({
        client,
        getGamepads: () => (typeof navigator.getGamepads === 'function' ? navigator.getGamepads() : []),
        operator: () => operatorRef.current,
        userAgent: navigator.userAgent,
      }),
    [client],
  );
  const device = useSyncExternalStore(link.subscribe, link.getState);
  const [helpOpen, setHelpOpen] = useState(false);
  const [resultsOpen, setResultsOpen] = useState(false);
  const [layoutEpoch, setLayoutEpoch] = useState(0);
  const [view, setView] = useState<AppView>(() => loadPref('view', parseOneOf(APP_VIEWS), 'live'));
  const reviewKeys = useRef<ReviewKeys | null>(null);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    savePref('theme', theme);
  }, [theme]);
  useEffect(() => savePref('topdown', topDown), [topDown]);
  useEffect(() => savePref('plot.window', plotWindow), [plotWindow]);
  useEffect(() => savePref('view', view), [view]);

  const showError = useCallback((text: string) => setMessage({ kind: 'error', text }), []);
  // Notices never hide an error the user has not dismissed.
  const showInfo = useCallback(
    (text: string) => setMessage((m) => (m?.kind === 'error' ? m : { kind: 'info', text })),
    [],
  );

  const applyStatus = useCallback(
    (next: SessionStatus) => {
      store.setSession(next.sessionId);
      if (next.sessionId !== sessionRef.current) {
        sessionRef.current = next.sessionId;
        metrics.clear();
      }
      setStatus(next);
      if (next.message !== null) {
        if (next.status === 'failed' || next.status === 'interrupted') showError(next.message);
        else showInfo(next.message);
      }
    },
    [store, metrics, showError, showInfo],
  );

  useEffect(() => {
    const offs = [
      client.on('status', (s) => {
        setConnected(true);
        applyStatus(s);
      }),
      client.on('scene', (event) => store.setScene(event)),
      client.on('episode', (e) => {
        if (e.sessionId === sessionRef.current) metrics.onEpisode(e.episode, e.success);
        showInfo(
          `Episode ${e.episode} ended after ${e.steps} steps: ${e.success ? 'arrived' : 'did not arrive'}, route ${Math.round(e.routeCompletion * 100)} %, ${e.takeovers} takeover${e.takeovers === 1 ? '' : 's'}.`,
        );
      }),
      client.onFrame((frame) => {
        const at = performance.now();
        store.pushFrame(frame, at);
        recordDraw('frames', at);
      }),
      store.subscribeFrames(() => {
        const latest = store.latest;
        if (latest !== null) metrics.onFrame(latest.frame);
      }),
      client.onDisconnect((reason) => {
        setConnected(false);
        showError(reason);
      }),
      client.on('ff', setFf),
    ];
    client.call('ff.status', {}).then(setFf, () => undefined);
    client.call('app.info', {}).then(setInfo, (error: Error) => showError(error.message));
    client.call('session.current', {}).then(
      ({ status: current, scene }) => {
        applyStatus(current);
        if (scene !== null) store.setScene(scene);
      },
      (error: Error) => showError(error.message),
    );
    return () => offs.forEach((off) => off());
  }, [client, store, metrics, applyStatus, showError, showInfo]);

  useEffect(() => {
    link.start();
    probes.inputSent = () => link.sent;
    return () => link.stop();
  }, [link]);

  // A help request: the border flashes and a beep sounds (the banner says it in words).
  useEffect(() => {
    let lastSeq = -1;
    let clear = () => {};
    const off = store.subscribeFrames(() => {
      const latest = store.latest?.frame;
      if (!latest || !latest.helpRequested || latest.seq === lastSeq || !rootRef.current) return;
      lastSeq = latest.seq;
      clear();
      clear = alertForHelp(rootRef.current);
      helpAlerts++;
    });
    probes.helpAlerts = () => helpAlerts;
    return () => {
      off();
      clear();
    };
  }, [store]);

  // A grid session draws the grid where the chase camera was, and takes the grid's keys.
  const gridSession = status.config?.env === 'grid';

  useEffect(() => {
    const keyboard = gridSession ? new GridKeyboardTakeover() : new KeyboardTakeover();
    const stop = keyboard.start((sample) => client.sendInput(sample));
    const off = keyboard.onEngagedChange(setEngaged);
    probes.takeoverEngaged = () => keyboard.engaged();
    return () => {
      off();
      stop();
      probes.takeoverEngaged = () => false;
    };
  }, [client, gridSession]);

  const onStarted = useCallback(
    (sessionId: number, values: FormValues) => {
      setMessage(null);
      setDialogOpen(false);
      savePref('session.form', values);
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

  const active = status.status === 'running' || status.status === 'paused';
  const setPace = useCallback(
    (pace: string) =>
      setForm((f) => {
        const next = { ...f, pace };
        savePref('session.form', next);
        return next;
      }),
    [],
  );
  const toggleTopDown = useCallback(
    (option: keyof TopDownOptions) => setTopDown((o) => ({ ...o, [option]: !o[option] })),
    [],
  );

  // The shortcut table's actions; a ref so the key listener is installed once.
  const actions = useRef<Record<ShortcutId, () => void>>(null as unknown as Record<ShortcutId, () => void>);
  actions.current = {
    newSession: () => {
      if (!active && connected) setDialogOpen(true);
    },
    pauseResume: () =>
      void pauseOrResume(client, status).then(
        (next) => next !== null && applyStatus(next),
        (error: Error) => showError(error.message),
      ),
    stop: () => {
      if (active)
        void client.call('session.stop', {}).then(applyStatus, (error: Error) => showError(error.message));
    },
    pace: () => {
      if (!active) setPace(form.pace === 'fast' ? 'realtime' : 'fast');
    },
    headingUp: () => toggleTopDown('headingUp'),
    inset: () => toggleTopDown('inset'),
    lidar: () => toggleTopDown('lidar'),
    plotShorter: () => setPlotWindow((w) => stepWindow(w, -1)),
    plotLonger: () => setPlotWindow((w) => stepWindow(w, 1)),
    theme: () => setTheme((t) => (t === 'dark' ? 'light' : 'dark')),
    resetLayout: () => setLayoutEpoch((e) => e + 1),
    review: () => setView((v) => (v === 'live' ? 'review' : 'live')),
    replayPlay: () => reviewKeys.current?.playPause(),
    replayBack: () => reviewKeys.current?.stepBack(),
    replayForward: () => reviewKeys.current?.stepForward(),
    replayPreviousTakeover: () => reviewKeys.current?.previousTakeover(),
    replayNextTakeover: () => reviewKeys.current?.nextTakeover(),
    replaySlower: () => reviewKeys.current?.slower(),
    replayFaster: () => reviewKeys.current?.faster(),
    help: () => setHelpOpen((h) => !h),
  };
  const modalOpen = dialogOpen || helpOpen || calibrating;
  const modalRef = useRef(modalOpen);
  modalRef.current = modalOpen;
  const helpRef = useRef(helpOpen);
  helpRef.current = helpOpen;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || isEditableTarget(event.target)) return;
      const id = findShortcut(event);
      if (id === null) return;
      // Inside a dialog only the help key works (to close the help).
      if (modalRef.current && !(id === 'help' && helpRef.current)) return;
      event.preventDefault();
      actions.current[id]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const sideStack = (
    <div className="side-stack">
      <SessionControls
        client={client}
        status={status}
        connected={connected}
        pace={form.pace ?? 'realtime'}
        onPace={setPace}
        onNewSession={() => setDialogOpen(true)}
        onStatus={applyStatus}
        onError={showError}
      />
      <MetricsPanel metrics={metrics} theme={theme} />
    </div>
  );

  return (
    <div className={`app ${view === 'review' ? 'reviewing' : ''}`} ref={rootRef}>
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">AIM Workstation</span>
          <span className="muted">{info ? `v${info.version} · ${info.host}` : ''}</span>
          <div className="segmented view-switch" role="tablist" aria-label="Live view or review (V)">
            {APP_VIEWS.map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={view === v}
                className={view === v ? 'on' : ''}
                onClick={() => setView(v)}
                title="Live view or review (V)"
                data-testid={`view-${v}`}
              >
                {v === 'live' ? 'Live' : 'Review'}
              </button>
            ))}
          </div>
        </div>
        <ModeBanner
          store={store}
          status={status.status}
          connected={connected}
          engaged={engaged || status.config?.expert.kind === 'person'}
          grid={gridSession}
        />
        <div className="session-label">
          <span>
            Session <span data-testid="session-id">{status.sessionId ?? '—'}</span>
          </span>
          <span className={`session-status status-${status.status}`} data-testid="session-status">
            {status.status}
          </span>
          <button
            type="button"
            className="icon-button"
            onClick={() => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))}
            data-testid="theme-toggle"
            aria-label={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme (T)`}
            title={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme (T)`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => setResultsOpen(true)}
            data-testid="benchmark-button"
            aria-label="Benchmark results"
            title="Benchmark results (a folder aim benchmark wrote)"
          >
            ▤
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => setHelpOpen(true)}
            data-testid="help-button"
            aria-label="Keyboard shortcuts (?)"
            title="Keyboard shortcuts (?)"
          >
            ?
          </button>
        </div>
      </header>
      {view === 'review' ? (
        <ReviewPage
          client={client}
          theme={theme}
          topDown={topDown}
          onToggleTopDown={toggleTopDown}
          plotWindow={plotWindow}
          onPlotWindow={setPlotWindow}
          liveSessionId={active ? status.sessionId : null}
          onError={showError}
          keys={reviewKeys}
        />
      ) : (
        <>
          <Hud store={store} status={status} info={info} evaluation={statusEvaluation(status)} />
          <main className="workspace">
            <SplitPane
              id="main"
              direction="row"
              initial={0.6}
              minPx={320}
              epoch={layoutEpoch}
              label="Resize the live views and the map"
            >
              <SplitPane
                id="left"
                direction="column"
                initial={0.62}
                epoch={layoutEpoch}
                label={`Resize the ${gridSession ? 'grid' : 'chase camera'} and the Q plot`}
              >
                {gridSession ? (
                  <TopDownView store={store} theme={theme} options={topDown} onToggle={toggleTopDown} grid />
                ) : (
                  <ChaseView store={store} theme={theme} />
                )}
                <QPlot
                  store={store}
                  theme={theme}
                  windowSeconds={plotWindow}
                  onWindowChange={setPlotWindow}
                />
              </SplitPane>
              {gridSession ? (
                sideStack
              ) : (
                <SplitPane
                  id="right"
                  direction="column"
                  initial={0.55}
                  epoch={layoutEpoch}
                  label="Resize the map and the learning curves"
                >
                  <TopDownView store={store} theme={theme} options={topDown} onToggle={toggleTopDown} />
                  {sideStack}
                </SplitPane>
              )}
            </SplitPane>
          </main>
        </>
      )}
      <footer className="statusline">
        <MessageLine message={message} onDismiss={() => setMessage(null)} />
        <DeviceStatus device={device} ff={ff} onCalibrate={() => setCalibrating(true)} />
        <span className={`keys-hint ${engaged ? 'engaged' : ''}`} data-testid="takeover-hint">
          {gridSession
            ? engaged
              ? 'Driving the grid: release every key to hand back'
              : '←/→ turn · ↑ forward · T toggle a door · Space approve the agent’s action · ? for all shortcuts'
            : engaged
              ? 'Driving: ←/→ steer · ↑/↓ throttle/brake · release Space to hand back'
              : 'Hold Space to take over · ? for all shortcuts'}
        </span>
      </footer>
      <NewSessionDialog
        open={dialogOpen}
        fields={fields}
        values={form}
        onChange={setForm}
        onClose={() => setDialogOpen(false)}
        client={client}
        connected={connected}
        onStarted={onStarted}
        onError={showError}
      />
      <HelpOverlay open={helpOpen} onClose={() => setHelpOpen(false)} />
      <BenchmarkDialog open={resultsOpen} onClose={() => setResultsOpen(false)} client={client} />
      <CalibrationDialog
        open={calibrating}
        onClose={() => setCalibrating(false)}
        link={link}
        client={client}
        operator={form.operator ?? ''}
        onMessage={(text, error) => (error ? showError(text) : showInfo(text))}
      />
    </div>
  );
}
