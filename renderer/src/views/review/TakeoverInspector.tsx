// The takeover inspector: the selected takeover's trigger, hand-back reason, reaction time, duration,
// Q and threshold at the request, and the steering and pedal traces — the raw device input with its
// pre-roll against the novice's proposals and the applied action. A simulated expert records no raw
// input; the traces then show the applied (expert) against the novice's actions, and say so.
import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { CoreClient } from '../../../../main/contract/api.ts';
import type { ReviewTakeover, TakeoverDetail } from '../../../../main/contract/review.ts';
import type { ThemeName } from '../../state/prefs.ts';
import { MODE_STYLES, plotColors } from '../theme.ts';
import { inspectorTraces, type InspectorTraces } from './inspector-data.ts';
import { axisStyle, UChart } from './UChart.tsx';

export interface TakeoverInspectorProps {
  client: CoreClient;
  sessionId: number;
  takeover: ReviewTakeover | null;
  theme: ThemeName;
  onSeek: (step: number) => void;
}

const TRIGGERS = {
  robot: 'the robot asked for help',
  human: 'the person took over',
  warmup: 'warm-up (the expert drives first)',
} as const;

const fixed = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

function traceOptions(
  theme: ThemeName,
  traces: InspectorTraces,
  which: 'steer' | 'pedal',
): (width: number, height: number) => uPlot.Options {
  const colours = plotColors(theme);
  const axis = axisStyle(colours);
  const raw = which === 'steer' ? 'raw wheel angle' : 'raw pedals (throttle − brake)';
  return (width, height) => ({
    width,
    height,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false, setScale: false } },
    scales: { x: { time: false }, y: { range: [-1.05, 1.05] } },
    axes: [
      { ...axis, values: (_u, ticks) => ticks.map((t) => `${t.toFixed(1)} s`) },
      { ...axis, size: 44 },
    ],
    series: [
      { label: 's', value: (_u, v) => (v === null ? '—' : `${v.toFixed(2)} s`) },
      {
        label: raw,
        show: traces.hasRaw,
        stroke: MODE_STYLES.human.color,
        width: 1.25,
        spanGaps: true,
        points: { show: false },
      },
      {
        label: traces.hasRaw ? 'applied' : 'applied (expert)',
        stroke: colours.threshold,
        width: 1.75,
        spanGaps: true,
        points: { show: true, size: 4 },
      },
      {
        label: 'novice proposed',
        stroke: colours.q,
        width: 1.75,
        dash: [6, 4],
        spanGaps: true,
        points: { show: true, size: 4 },
      },
    ],
    hooks: {
      // The takeover starts at 0 s: a line there separates the pre-roll.
      draw: [
        (u) => {
          const x = u.valToPos(0, 'x', true);
          u.ctx.save();
          u.ctx.strokeStyle = colours.axis;
          u.ctx.setLineDash([3, 3]);
          u.ctx.beginPath();
          u.ctx.moveTo(x, u.bbox.top);
          u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
          u.ctx.stroke();
          u.ctx.restore();
        },
      ],
    },
  });
}

export function TakeoverInspector({ client, sessionId, takeover, theme, onSeek }: TakeoverInspectorProps) {
  const [detail, setDetail] = useState<TakeoverDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setDetail(null);
    setError(null);
    if (takeover === null) return;
    let live = true;
    client.call('review.takeover', { sessionId, takeoverId: takeover.id }).then(
      (d) => live && setDetail(d),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, sessionId, takeover]);

  const traces = useMemo(() => (detail === null ? null : inspectorTraces(detail)), [detail]);
  const steer = useMemo(
    () => (traces === null ? null : traceOptions(theme, traces, 'steer')),
    [theme, traces],
  );
  const pedal = useMemo(
    () => (traces === null ? null : traceOptions(theme, traces, 'pedal')),
    [theme, traces],
  );
  const steerData = useMemo(
    () =>
      traces === null
        ? null
        : ([traces.x, traces.rawSteer, traces.appliedSteer, traces.noviceSteer] as uPlot.AlignedData),
    [traces],
  );
  const pedalData = useMemo(
    () =>
      traces === null
        ? null
        : ([traces.x, traces.rawPedal, traces.appliedPedal, traces.novicePedal] as uPlot.AlignedData),
    [traces],
  );

  if (takeover === null)
    return (
      <div className="panel inspector" data-testid="inspector">
        <div className="panel-title">Takeover inspector</div>
        <p className="muted inspector-empty">
          Choose a takeover: jump to the next one, or click a coloured span on the scrubber.
        </p>
      </div>
    );
  const t = detail?.takeover ?? takeover;
  return (
    <div
      className="panel inspector"
      data-testid="inspector"
      data-takeover={takeover.id}
      data-raw-points={traces?.rawPoints ?? 0}
      data-decision-points={traces?.decisionPoints ?? 0}
    >
      <div className="panel-title with-tools">
        <span>
          Takeover {takeover.id} · episode {t.episode} · steps {t.startStep}–{t.endStep}
        </span>
        <button
          type="button"
          className="chip"
          onClick={() => onSeek(t.startStep)}
          data-testid="inspector-seek"
        >
          Go to its start
        </button>
      </div>
      <dl className="inspector-facts">
        <div>
          <dt>Trigger</dt>
          <dd data-testid="inspector-trigger">{TRIGGERS[t.trigger]}</dd>
        </div>
        <div>
          <dt>Hand-back</dt>
          <dd data-testid="inspector-handback">{t.handback}</dd>
        </div>
        <div>
          <dt>Reaction time</dt>
          <dd>{t.reactionMs === null ? '— (none recorded)' : `${Math.round(t.reactionMs)} ms`}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{detail === null ? '…' : `${detail.durationSeconds.toFixed(1)} s`}</dd>
        </div>
        <div>
          <dt>Q at request</dt>
          <dd>{fixed(t.qAtRequest)}</dd>
        </div>
        <div>
          <dt>Threshold at request</dt>
          <dd>{fixed(t.thresholdAtRequest)}</dd>
        </div>
      </dl>
      {error !== null && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {traces !== null && (
        <p className="muted inspector-note" data-testid="inspector-note">
          {traces.hasRaw
            ? `${traces.rawPoints} raw samples from ${detail?.device ?? 'the device'}, with ${detail?.preRollMs ?? 0} ms of pre-roll, against ${traces.decisionPoints} decisions.`
            : `No raw device input was recorded for this takeover (a simulated expert drove it): the traces show the applied (expert) action against the novice's proposals over ${traces.decisionPoints} decisions.`}
        </p>
      )}
      {steer !== null && steerData !== null && pedal !== null && pedalData !== null && (
        <div className="charts inspector-charts">
          <UChart title="Steering" testId="inspector-steer" options={steer} data={steerData} />
          <UChart title="Pedals" testId="inspector-pedals" options={pedal} data={pedalData} />
        </div>
      )}
    </div>
  );
}
