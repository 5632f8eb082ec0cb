// A small line-chart writer for result curves: axes with round ticks and labels, one polyline (and
// dots) per series, an optional shaded band around a series (a spread over seeds, say), dashed
// reference lines and a legend. Plain SVG text, no dependencies.

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  /** Drawn dashed without dots (reference lines such as the expert's level). */
  dashed?: boolean;
  /** A shaded band [x, low, high] drawn beneath the line, e.g. min–max or ±1 std over seeds. */
  band?: ReadonlyArray<readonly [number, number, number]>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Fixed y range (rates: [0, 1]); otherwise fitted to the data. */
  yRange?: readonly [number, number];
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 24, top: 40, bottom: 52 };

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toFixed(10)));
  return ticks;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function lineChartSvg(chart: LineChart): string {
  const width = chart.width ?? 640;
  const height = chart.height ?? 400;
  const points = chart.series.flatMap((s) => [
    ...s.points,
    ...(s.band ?? []).flatMap(([x, lo, hi]) => [[x, lo] as const, [x, hi] as const]),
  ]);
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const xTicks = niceTicks(Math.min(0, ...xs), Math.max(1, ...xs));
  const [y0, y1] = chart.yRange ?? [Math.min(0, ...ys), Math.max(...ys, 1e-9)];
  const yTicks = niceTicks(y0, y1);
  const xMin = xTicks[0];
  const xMax = Math.max(xTicks[xTicks.length - 1], ...xs);
  const yMin = Math.min(y0, yTicks[0]);
  const yMax = Math.max(y1, yTicks[yTicks.length - 1]);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const py = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(chart.title)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(
      `<line x1="${f(px(t))}" y1="${MARGIN.top}" x2="${f(px(t))}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`,
      `<text x="${f(px(t))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of yTicks) {
    out.push(
      `<line x1="${MARGIN.left}" y1="${f(py(t))}" x2="${MARGIN.left + plotW}" y2="${f(py(t))}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${t}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`,
  );
  // Bands first, so every line stays on top of every band.
  for (const series of chart.series) {
    if (!series.band || series.band.length === 0) continue;
    const upper = series.band.map(([x, , hi]) => `${f(px(x))},${f(py(hi))}`);
    const lower = series.band.map(([x, lo]) => `${f(px(x))},${f(py(lo))}`).reverse();
    out.push(
      `<polygon points="${[...upper, ...lower].join(' ')}" fill="${series.color}" fill-opacity="0.18" stroke="none"/>`,
    );
  }
  chart.series.forEach((series) => {
    const path = series.points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    if (!series.dashed)
      for (const [x, y] of series.points)
        out.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${series.color}"/>`);
  });
  // The legend on a translucent card above the curves, which stay faintly visible beneath it.
  const legendWidth = 36 + 7 * Math.max(...chart.series.map((s) => s.name.length));
  out.push(
    `<rect x="${MARGIN.left + 4}" y="${MARGIN.top + 2}" width="${legendWidth}" height="${chart.series.length * 16 + 6}" fill="white" fill-opacity="0.8"/>`,
  );
  chart.series.forEach((series, i) => {
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    const ly = MARGIN.top + 14 + i * 16;
    out.push(
      `<line x1="${MARGIN.left + 10}" y1="${ly - 4}" x2="${MARGIN.left + 30}" y2="${ly - 4}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${MARGIN.left + 36}" y="${ly}">${escape(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
