// A uPlot chart for review's still data (the inspector's traces, analytics): built when its data
// or options change, resized with its box. The live charts redraw from stores instead.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface UChartProps {
  title: string;
  testId: string;
  options: (width: number, height: number) => uPlot.Options;
  data: uPlot.AlignedData;
}

export function UChart({ title, testId, options, data }: UChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const plot = new uPlot(
      options(Math.max(160, host.clientWidth), Math.max(80, host.clientHeight - 24)),
      data,
      host,
    );
    const fit = () => {
      const legend = plot.root.querySelector<HTMLElement>('.u-legend');
      plot.setSize({
        width: Math.max(160, host.clientWidth),
        height: Math.max(80, host.clientHeight - (legend?.offsetHeight ?? 0) - 2),
      });
    };
    const observer = new ResizeObserver(fit);
    observer.observe(host);
    fit();
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [options, data]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-plot" ref={hostRef} data-testid={testId} />
    </figure>
  );
}

/** Axes styled like the live charts. */
export function axisStyle(colours: { axis: string; grid: string }) {
  return {
    stroke: colours.axis,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
    font: '11px system-ui, sans-serif',
  };
}
