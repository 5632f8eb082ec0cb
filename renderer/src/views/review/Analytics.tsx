// Session analytics: takeovers per episode and per minute, a heat map of where takeovers began over
// the top-down map, reaction times, and the learning curves (the live view's panel, filled from the
// recording) — for one session, or two side by side.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import type { CoreClient, SceneEvent, SessionListRow } from '../../../../main/contract/api.ts';
import type { ReviewAnalytics } from '../../../../main/contract/review.ts';
import type { ThemeName } from '../../state/prefs.ts';
import { MetricsPanel } from '../MetricsPanel.tsx';
import { MODE_STYLES, plotColors, roadColors } from '../theme.ts';
import { buildRoadLayer, drawRoadLayer } from '../topdown/road-layer.ts';
import { apply, fitBounds } from '../topdown/transform.ts';
import { heatGrid, histogram, median, metricsFrom } from './review-logic.ts';
import { axisStyle, UChart } from './UChart.tsx';

/** Heat-map cells, metres. */
const HEAT_CELL = 10;
const REACTION_BIN_MS = 100;

function barOptions(theme: ThemeName, xLabel: string, yLabel: string, colour: string, pad = 0.5) {
  const colours = plotColors(theme);
  const axis = axisStyle(colours);
  return (width: number, height: number): uPlot.Options => ({
    width,
    height,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false, setScale: false } },
    scales: {
      // Bars are centred on their x: half a bar of room at either end.
      x: { time: false, range: (_u, min, max) => [(min ?? 0) - pad, (max ?? 0) + pad] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] },
    },
    axes: [
      { ...axis, label: xLabel, labelSize: 16, size: 34 },
      { ...axis, size: 40 },
    ],
    series: [
      { label: xLabel },
      {
        label: yLabel,
        stroke: colour,
        fill: `${colour}88`,
        width: 1,
        paths: uPlot.paths.bars?.({ size: [0.8, 40] }),
        points: { show: false },
      },
    ],
  });
}

function HeatMap({
  analytics,
  scene,
  theme,
}: {
  analytics: ReviewAnalytics;
  scene: SceneEvent | null;
  theme: ThemeName;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const road = scene?.scene.kind === 'road' ? scene.scene : null;
  const points = useMemo(
    () => analytics.positions.filter((p) => scene !== null && p.seed === scene.seed),
    [analytics, scene],
  );
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || road === null) return;
    const draw = () => {
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(canvas.clientWidth * dpr));
      canvas.height = Math.max(1, Math.round(canvas.clientHeight * dpr));
      const colours = roadColors(theme);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = colours.background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      const transform = fitBounds(road.bounds, canvas.width, canvas.height);
      ctx.setTransform(...transform);
      drawRoadLayer(ctx, buildRoadLayer(road), 1 / transform[0], colours, 2 / transform[0]);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      const grid = heatGrid(points, road.bounds, HEAT_CELL);
      const colour = MODE_STYLES.human.color;
      ctx.fillStyle = colour;
      for (let r = 0; r < grid.rows; r++)
        for (let c = 0; c < grid.columns; c++) {
          const n = grid.counts[r * grid.columns + c];
          if (n === 0) continue;
          const [x0, y0] = apply(transform, grid.minX + c * HEAT_CELL, grid.minY + r * HEAT_CELL);
          const [x1, y1] = apply(transform, grid.minX + (c + 1) * HEAT_CELL, grid.minY + (r + 1) * HEAT_CELL);
          ctx.globalAlpha = 0.25 + 0.65 * (n / grid.max);
          ctx.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
        }
      ctx.globalAlpha = 1;
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [road, points, theme]);
  return (
    <figure className="chart heatmap">
      <figcaption>
        Where takeovers began
        {scene === null
          ? ''
          : ` (map of seed ${scene.seed}: ${points.length} of ${analytics.positions.length})`}
      </figcaption>
      {road === null ? (
        <p className="muted">No road map recorded for this session.</p>
      ) : (
        <canvas
          ref={canvasRef}
          data-testid="heatmap"
          data-points={points.length}
          role="img"
          aria-label="Heat map of takeover starts over the map"
        />
      )}
    </figure>
  );
}

export function SessionAnalytics({
  client,
  sessionId,
  theme,
}: {
  client: CoreClient;
  sessionId: number;
  theme: ThemeName;
}) {
  const [analytics, setAnalytics] = useState<ReviewAnalytics | null>(null);
  const [scene, setScene] = useState<SceneEvent | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setAnalytics(null);
    setScene(null);
    setError(null);
    client.call('review.analytics', { sessionId }).then(
      (a) => {
        if (!live) return;
        setAnalytics(a);
        // The map most takeovers happened on (a driving session has a map per scenario seed).
        const bySeed = new Map<number, number>();
        for (const p of a.positions) bySeed.set(p.seed, (bySeed.get(p.seed) ?? 0) + 1);
        const seed = [...bySeed.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
        const episode = a.positions.find((p) => p.seed === seed)?.episode ?? a.perEpisode[0]?.episode;
        if (episode === undefined) return;
        client.call('review.scene', { sessionId, episode }).then(
          (s) => live && setScene(s),
          (e: Error) => live && setError(e.message),
        );
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, sessionId]);

  const perEpisode = useMemo(
    () =>
      analytics === null
        ? null
        : ([
            analytics.perEpisode.map((e) => e.episode),
            analytics.perEpisode.map((e) => e.takeovers),
          ] as uPlot.AlignedData),
    [analytics],
  );
  const perMinute = useMemo(
    () =>
      analytics === null
        ? null
        : ([analytics.perMinute.map((_, i) => i), analytics.perMinute] as uPlot.AlignedData),
    [analytics],
  );
  const reactions = useMemo(() => {
    if (analytics === null) return null;
    const h = histogram(analytics.reactionMs, REACTION_BIN_MS);
    return [h.from, h.counts] as uPlot.AlignedData;
  }, [analytics]);
  const metrics = useMemo(() => (analytics === null ? null : metricsFrom(analytics)), [analytics]);
  const colour = MODE_STYLES.human.color;
  const episodeOptions = useMemo(() => barOptions(theme, 'episode', 'takeovers', colour), [theme, colour]);
  const minuteOptions = useMemo(() => barOptions(theme, 'minute', 'takeovers', colour), [theme, colour]);
  const reactionOptions = useMemo(
    () => barOptions(theme, 'reaction time (ms)', 'takeovers', MODE_STYLES.help.color, REACTION_BIN_MS / 2),
    [theme],
  );

  if (error !== null)
    return (
      <p className="error-text" role="alert">
        {error}
      </p>
    );
  if (
    analytics === null ||
    perEpisode === null ||
    perMinute === null ||
    reactions === null ||
    metrics === null
  )
    return <p className="muted">Reading session {sessionId}…</p>;
  const mid = median(analytics.reactionMs);
  return (
    <div className="analytics-column" data-testid={`analytics-${sessionId}`}>
      <div className="analytics-summary">
        Session {sessionId}: {analytics.positions.length} takeovers in {analytics.perEpisode.length} episodes
        over {(analytics.totalSteps / analytics.decisionHz / 60).toFixed(1)} min;{' '}
        {mid === null
          ? 'no reaction times recorded (a simulated expert answers at once).'
          : `median reaction ${Math.round(mid)} ms over ${analytics.reactionMs.length}.`}
      </div>
      <div className="analytics-grid">
        <UChart
          title="Takeovers per episode"
          testId="per-episode-chart"
          options={episodeOptions}
          data={perEpisode}
        />
        <UChart
          title="Takeovers per minute"
          testId="per-minute-chart"
          options={minuteOptions}
          data={perMinute}
        />
        <HeatMap analytics={analytics} scene={scene} theme={theme} />
        {analytics.reactionMs.length > 0 ? (
          <UChart title="Reaction times" testId="reaction-chart" options={reactionOptions} data={reactions} />
        ) : (
          <figure className="chart">
            <figcaption>Reaction times</figcaption>
            <p className="muted">None recorded: reaction times come from a person answering help requests.</p>
          </figure>
        )}
        <div className="analytics-curves">
          <MetricsPanel metrics={metrics} theme={theme} />
        </div>
      </div>
    </div>
  );
}

export function AnalyticsView({
  client,
  sessionId,
  sessions,
  theme,
}: {
  client: CoreClient;
  sessionId: number;
  sessions: readonly SessionListRow[];
  theme: ThemeName;
}) {
  const [compare, setCompare] = useState<number | null>(null);
  return (
    <div className="analytics" data-testid="analytics">
      <label className="inline-select compare-select">
        <span className="muted">Side by side with</span>
        <select
          value={compare ?? ''}
          onChange={(e) => setCompare(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
          data-testid="compare-select"
        >
          <option value="">(no other session)</option>
          {sessions
            .filter((s) => s.id !== sessionId)
            .map((s) => (
              <option key={s.id} value={s.id}>
                Session {s.id} · {s.env} · {s.operator || 'no operator'} · {s.takeovers} takeovers
              </option>
            ))}
        </select>
      </label>
      <div className={`analytics-columns ${compare === null ? '' : 'two'}`}>
        <SessionAnalytics client={client} sessionId={sessionId} theme={theme} />
        {compare !== null && <SessionAnalytics client={client} sessionId={compare} theme={theme} />}
      </div>
    </div>
  );
}
