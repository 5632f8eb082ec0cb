// Review: the session browser, the replay of an opened session (the live views driven from the
// recording, in sync, with a scrubber, transport controls and the takeover inspector) and its
// analytics. The keys the shortcut table gives review reach it through `keys`.
import {
  useCallback,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type MutableRefObject,
} from 'react';
import type { CoreClient, SessionListRow } from '../../../../main/contract/api.ts';
import type { ReviewOpen, ReviewTakeover } from '../../../../main/contract/review.ts';
import type { ThemeName } from '../../state/prefs.ts';
import { ChaseView } from '../chase/ChaseView.tsx';
import { QPlot } from '../QPlot.tsx';
import { TopDownView, type TopDownOptions } from '../TopDownView.tsx';
import { MODE_STYLES } from '../theme.ts';
import { AnalyticsView } from './Analytics.tsx';
import { ExportDialog } from './ExportDialog.tsx';
import { ReplayController } from './replay.ts';
import { adjacentTakeover, formatClock, SPEEDS, stepSpeed, takeoverAt } from './review-logic.ts';
import { Scrubber } from './Scrubber.tsx';
import { SessionBrowser } from './SessionBrowser.tsx';
import { TakeoverInspector } from './TakeoverInspector.tsx';

/** What the review keys do (the shortcut table in app/shortcuts.ts names the keys). */
export interface ReviewKeys {
  playPause(): void;
  stepBack(): void;
  stepForward(): void;
  previousTakeover(): void;
  nextTakeover(): void;
  slower(): void;
  faster(): void;
}

export interface ReviewPageProps {
  client: CoreClient;
  theme: ThemeName;
  topDown: TopDownOptions;
  onToggleTopDown: (option: keyof TopDownOptions) => void;
  plotWindow: number;
  onPlotWindow: (seconds: number) => void;
  liveSessionId: number | null;
  onError: (text: string) => void;
  keys: MutableRefObject<ReviewKeys | null>;
}

type Tab = 'sessions' | 'replay' | 'analytics';

function Transport({
  replay,
  takeovers,
  selected,
  onPick,
  onJump,
}: {
  replay: ReplayController;
  takeovers: readonly ReviewTakeover[];
  selected: ReviewTakeover | null;
  onPick: (t: ReviewTakeover | null) => void;
  onJump: (direction: 1 | -1) => void;
}) {
  const state = useSyncExternalStore(replay.subscribe, replay.getSnapshot);
  const { session, range } = replay;
  const frame = replay.store.latest?.frame ?? null;
  const mode = frame?.mode ?? null;
  const inside = takeoverAt(takeovers, state.step);
  return (
    <div className="transport" role="toolbar" aria-label="Replay controls">
      <button
        type="button"
        onClick={() => onJump(-1)}
        title="Previous takeover (Page Up)"
        data-testid="prev-takeover"
      >
        ‹ Previous takeover
      </button>
      <button
        type="button"
        onClick={() => void replay.stepBy(-1)}
        title="One decision back (,)"
        data-testid="step-back"
      >
        ‹ Step
      </button>
      <button
        type="button"
        className="primary"
        onClick={() => replay.toggle()}
        title="Play or pause (K)"
        data-testid="play-button"
      >
        {state.playing ? 'Pause' : 'Play'}
      </button>
      <button
        type="button"
        onClick={() => void replay.stepBy(1)}
        title="One decision forward (.)"
        data-testid="step-forward"
      >
        Step ›
      </button>
      <button
        type="button"
        onClick={() => onJump(1)}
        title="Next takeover (Page Down)"
        data-testid="next-takeover"
      >
        Next takeover ›
      </button>
      <label className="inline-select">
        <span className="muted">speed</span>
        <select
          value={state.speed}
          onChange={(e) => replay.setSpeed(Number(e.currentTarget.value))}
          data-testid="speed-select"
          title="Replay speed (- and =)"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <span className="replay-clock" data-testid="replay-clock">
        {formatClock(state.step, session.decisionHz)} / {formatClock(range.last, session.decisionHz)}
      </span>
      <span className="muted">
        step <span data-testid="replay-step">{state.step}</span> · episode {frame?.episode ?? '—'}
      </span>
      {mode !== null && (
        <span
          className="mode-chip"
          style={{ background: MODE_STYLES[mode].color, color: MODE_STYLES[mode].ink }}
        >
          {MODE_STYLES[mode].label}
        </span>
      )}
      {inside !== null && inside.id !== selected?.id && (
        <button type="button" className="chip" onClick={() => onPick(inside)} data-testid="inspect-current">
          Inspect this takeover
        </button>
      )}
    </div>
  );
}

function ReplayView({
  client,
  replay,
  theme,
  topDown,
  onToggleTopDown,
  plotWindow,
  onPlotWindow,
  keys,
}: Omit<ReviewPageProps, 'liveSessionId' | 'onError'> & { replay: ReplayController }) {
  const state = useSyncExternalStore(replay.subscribe, replay.getSnapshot);
  const [selected, setSelected] = useState<ReviewTakeover | null>(null);
  const takeovers = replay.session.takeovers;

  useEffect(() => {
    void replay.setPlotSeconds(plotWindow);
  }, [replay, plotWindow]);

  const jump = useCallback(
    (direction: 1 | -1) => {
      const t = adjacentTakeover(takeovers, replay.snapshot.step, direction);
      if (t === null) return;
      replay.pause();
      setSelected(t);
      void replay.seek(t.startStep);
    },
    [replay, takeovers],
  );

  useEffect(() => {
    keys.current = {
      playPause: () => replay.toggle(),
      stepBack: () => void replay.stepBy(-1),
      stepForward: () => void replay.stepBy(1),
      previousTakeover: () => jump(-1),
      nextTakeover: () => jump(1),
      slower: () => replay.setSpeed(stepSpeed(replay.snapshot.speed, -1)),
      faster: () => replay.setSpeed(stepSpeed(replay.snapshot.speed, 1)),
    };
    return () => {
      keys.current = null;
      replay.pause();
    };
  }, [keys, replay, jump]);

  return (
    <div className="replay" data-testid="replay">
      <div className="replay-views">
        <ChaseView store={replay.store} theme={theme} />
        <TopDownView store={replay.store} theme={theme} options={topDown} onToggle={onToggleTopDown} />
        <QPlot store={replay.store} theme={theme} windowSeconds={plotWindow} onWindowChange={onPlotWindow} />
        <TakeoverInspector
          client={client}
          sessionId={replay.session.session.id}
          takeover={selected}
          theme={theme}
          onSeek={(s) => void replay.seek(s)}
        />
      </div>
      <Transport
        replay={replay}
        takeovers={takeovers}
        selected={selected}
        onPick={setSelected}
        onJump={jump}
      />
      <Scrubber
        session={replay.session}
        range={replay.range}
        step={state.step}
        onSeek={(s) => {
          replay.pause();
          void replay.seek(s);
        }}
        onPickTakeover={(id) => setSelected(takeovers.find((t) => t.id === id) ?? null)}
      />
      <div className="scrubber-legend muted">
        {(['robot', 'human', 'warmup'] as const).map((trigger) => (
          <span key={trigger}>
            <i style={{ background: MODE_STYLES[trigger === 'robot' ? 'help' : trigger].color }} />
            {trigger === 'robot'
              ? 'takeover after a help request'
              : trigger === 'human'
                ? 'takeover by the person'
                : 'warm-up'}
          </span>
        ))}
        <span>▼ help request</span>
        <span>| episode start</span>
      </div>
    </div>
  );
}

export function ReviewPage({
  client,
  theme,
  topDown,
  onToggleTopDown,
  plotWindow,
  onPlotWindow,
  liveSessionId,
  onError,
  keys,
}: ReviewPageProps) {
  const [tab, setTab] = useState<Tab>('sessions');
  const [opened, setOpened] = useState<ReviewOpen | null>(null);
  const [sessions, setSessions] = useState<SessionListRow[]>([]);
  const [exporting, setExporting] = useState(false);

  const replay = useMemo(
    () => (opened === null ? null : new ReplayController(client, opened, plotWindow, onError)),
    // A new controller per opened session; later plot windows reach it through setPlotSeconds.
    [client, opened, onError],
  );
  useEffect(() => {
    if (replay === null) return;
    void replay.seek(replay.range.first);
    return () => replay.dispose();
  }, [replay]);

  useEffect(() => {
    if (tab === 'sessions') return;
    client.call('sessions.list', { limit: 10_000 }).then(setSessions, () => {});
  }, [client, tab]);

  const open = useCallback(
    (id: number) => {
      client.call('review.open', { sessionId: id }).then(
        (session) => {
          setOpened(session);
          setTab('replay');
        },
        (e: Error) => onError(e.message),
      );
    },
    [client, onError],
  );

  const title =
    opened === null
      ? 'No session open'
      : `Session ${opened.session.id} · ${opened.session.env} · ${opened.session.operator || 'no operator'} · ${new Date(opened.session.startedAt).toLocaleString()}`;

  return (
    <div className="review" data-testid="review">
      <nav className="review-tabs" role="tablist" aria-label="Review">
        {(['sessions', 'replay', 'analytics'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'on' : ''}
            disabled={t !== 'sessions' && opened === null}
            onClick={() => setTab(t)}
            data-testid={`review-tab-${t}`}
          >
            {t === 'sessions' ? 'Sessions' : t === 'replay' ? 'Replay' : 'Analytics'}
          </button>
        ))}
        <span className="muted review-title" data-testid="review-title">
          {title}
        </span>
        <button
          type="button"
          disabled={opened === null}
          onClick={() => setExporting(true)}
          data-testid="export-button"
          title="Export the session's policy or its steps as a dataset"
        >
          Export…
        </button>
      </nav>
      {opened !== null && (
        <ExportDialog
          client={client}
          sessionId={opened.session.id}
          open={exporting}
          onClose={() => setExporting(false)}
        />
      )}
      <div className="review-body">
        {tab === 'sessions' && (
          <SessionBrowser
            client={client}
            liveSessionId={liveSessionId}
            openId={opened?.session.id ?? null}
            onOpen={open}
            onDeleted={(id) => {
              if (opened?.session.id === id) setOpened(null);
            }}
            onError={onError}
          />
        )}
        {tab === 'replay' && replay !== null && (
          <ReplayView
            client={client}
            replay={replay}
            theme={theme}
            topDown={topDown}
            onToggleTopDown={onToggleTopDown}
            plotWindow={plotWindow}
            onPlotWindow={onPlotWindow}
            keys={keys}
          />
        )}
        {tab === 'analytics' && opened !== null && (
          <AnalyticsView client={client} sessionId={opened.session.id} sessions={sessions} theme={theme} />
        )}
      </div>
    </div>
  );
}
