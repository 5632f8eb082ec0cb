// The session's learning curves, live: success (over the last 10 training episodes, and of each
// evaluation when the core sends them) against expert-involved steps — the paper's x axis — and the
// takeover rate over time. Redrawn on an animation frame when the metrics change.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import {
  ROLLING_EPISODES,
  RATE_WINDOW_STEPS,
  successColumns,
  type MetricsStore,
} from '../state/metrics-store.ts';
import type { ThemeName } from '../state/prefs.ts';
import { plotColors } from './theme.ts';
import { recordDraw } from '../perf.ts';

export interface MetricsPanelProps {
  metrics: MetricsStore;
  theme: ThemeName;
}

const percent = (v: number | null) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)} %`);

function chartOptions(
  theme: ThemeName,
  xLabel: string,
  series: uPlot.Series[],
  width: number,
  height: number,
): uPlot.Options {
  const colours = plotColors(theme);
  const axis = {
    stroke: colours.axis,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
    font: '11px system-ui, sans-serif',
  };
  return {
    width,
    height,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false, setScale: false } },
    scales: { x: { time: false }, y: { range: [0, 1] } },
    axes: [
      { ...axis, label: xLabel, labelSize: 16, labelFont: '11px system-ui, sans-serif', size: 34 },
      { ...axis, size: 44, values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) },
    ],
    series: [{ label: xLabel, value: (_u, v) => (v === null ? '—' : String(Math.round(v))) }, ...series],
  };
}

function Chart({
  title,
  testId,
  build,
  data,
  metrics,
  theme,
}: {
  title: string;
  testId: string;
  build: (theme: ThemeName, width: number, height: number) => uPlot.Options;
  data: (m: MetricsStore) => uPlot.AlignedData;
  metrics: MetricsStore;
  theme: ThemeName;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const plot = new uPlot(
      build(theme, Math.max(120, host.clientWidth), Math.max(60, host.clientHeight - 24)),
      data(metrics),
      host,
    );
    const fit = () => {
      const legend = plot.root.querySelector<HTMLElement>('.u-legend');
      plot.setSize({
        width: Math.max(120, host.clientWidth),
        height: Math.max(60, host.clientHeight - (legend?.offsetHeight ?? 0) - 2),
      });
    };
    const observer = new ResizeObserver(fit);
    observer.observe(host);
    fit();
    let drawn = metrics.version;
    let raf = 0;
    const tick = () => {
      raf = requestAnimationFrame(tick);
      if (metrics.version === drawn) return;
      const started = performance.now();
      drawn = metrics.version;
      plot.setData(data(metrics));
      recordDraw('metrics', started);
    };
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      observer.disconnect();
      plot.destroy();
    };
  }, [metrics, theme, build, data]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-plot" ref={hostRef} data-testid={testId} />
    </figure>
  );
}

const successOptions = (theme: ThemeName, width: number, height: number) => {
  const colours = plotColors(theme);
  return chartOptions(
    theme,
    'expert-involved steps',
    [
      {
        label: `training (last ${ROLLING_EPISODES} episodes)`,
        stroke: colours.q,
        width: 1.75,
        spanGaps: true,
        points: { show: true, size: 4 },
        value: (_u, v) => percent(v),
      },
      {
        label: 'evaluation',
        stroke: colours.threshold,
        width: 1.75,
        spanGaps: true,
        points: { show: true, size: 6 },
        value: (_u, v) => percent(v),
      },
    ],
    width,
    height,
  );
};

const successData = (m: MetricsStore): uPlot.AlignedData => {
  const c = successColumns(m);
  return [c.x, c.rolling, c.evaluation] as uPlot.AlignedData;
};

const rateOptions = (theme: ThemeName, width: number, height: number) =>
  chartOptions(
    theme,
    'decision step',
    [
      {
        label: `takeover rate (last ${RATE_WINDOW_STEPS} steps)`,
        stroke: '#ff6d3a',
        fill: 'rgba(255, 109, 58, 0.12)',
        width: 1.5,
        points: { show: false },
        value: (_u, v) => percent(v),
      },
    ],
    width,
    height,
  );

const rateData = (m: MetricsStore): uPlot.AlignedData =>
  [m.takeoverRate.map((p) => p.step), m.takeoverRate.map((p) => p.rate)] as uPlot.AlignedData;

export function MetricsPanel({ metrics, theme }: MetricsPanelProps) {
  return (
    <div className="panel metrics-panel" data-testid="metrics">
      <div className="panel-title">Learning curves</div>
      <div className="charts">
        <Chart
          title="Success vs expert-involved steps"
          testId="success-chart"
          build={successOptions}
          data={successData}
          metrics={metrics}
          theme={theme}
        />
        <Chart
          title="Takeover rate over time"
          testId="takeover-rate-chart"
          build={rateOptions}
          data={rateData}
          metrics={metrics}
          theme={theme}
        />
      </div>
    </div>
  );
}
