import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChartSvg, niceTicks } from './svg-chart.ts';

test('ticks are round values covering the range', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 2500), [0, 500, 1000, 1500, 2000, 2500]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

/** The numbers of an attribute such as points="x,y x,y" as pairs. */
function pairs(text: string): number[][] {
  return text
    .trim()
    .split(' ')
    .map((p) => p.split(',').map(Number));
}

test('several series, a band beneath its line, a dashed reference, axis labels and a legend', () => {
  const svg = lineChartSvg({
    title: 'success & crash <runs>',
    xLabel: 'expert-involved steps',
    yLabel: 'rate',
    yRange: [0, 1],
    series: [
      {
        name: 'AIM',
        color: '#1f77b4',
        points: [
          [0, 0.1],
          [1000, 0.5],
          [2000, 0.8],
        ],
        band: [
          [0, 0, 0.2],
          [1000, 0.4, 0.6],
          [2000, 0.7, 0.9],
        ],
      },
      { name: 'BC', color: '#ff7f0e', points: [[1000, 0.3]] },
      {
        name: 'expert',
        color: '#555',
        dashed: true,
        points: [
          [0, 1],
          [2000, 1],
        ],
      },
    ],
  });
  assert.match(svg, /^<svg [^>]*width="640" height="400"/);
  assert.match(svg, /success &amp; crash &lt;runs&gt;/, 'text is escaped');
  assert.match(svg, />expert-involved steps</);
  assert.match(svg, />rate</);
  for (const name of ['AIM', 'BC', 'expert']) assert.match(svg, new RegExp(`>${name}</text>`));
  assert.equal((svg.match(/<polyline /g) ?? []).length, 3);
  assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 2, 'the dashed line and its legend entry');
  // Dots for the solid series only: 3 + 1.
  assert.equal((svg.match(/<circle /g) ?? []).length, 4);
  const polygon = /<polygon points="([^"]+)" fill="#1f77b4"/.exec(svg);
  assert.ok(polygon, 'the band is drawn in its series colour');
  assert.ok(svg.indexOf('<polygon') < svg.indexOf('<polyline'), 'bands lie beneath the lines');
  const band = pairs(polygon[1]);
  assert.equal(band.length, 6, 'upper edge out, lower edge back');
  const line = pairs(/<polyline points="([^"]+)" fill="none" stroke="#1f77b4"/.exec(svg)?.[1] ?? '');
  // In SVG y grows downwards: the high edge above the line, the low edge below it, at every x.
  for (let i = 0; i < 3; i++) {
    assert.equal(band[i][0], line[i][0]);
    assert.ok(band[i][1] < line[i][1] && band[5 - i][1] > line[i][1]);
  }
});

test('without a fixed range the y axis covers the bands as well as the lines', () => {
  const svg = lineChartSvg({
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      {
        name: 's',
        color: '#000',
        points: [
          [0, 1],
          [10, 2],
        ],
        band: [
          [0, 0, 5],
          [10, 1, 3],
        ],
      },
    ],
  });
  const yLabels = [...svg.matchAll(/text-anchor="end">([\d.]+)</g)].map((m) => Number(m[1]));
  assert.ok(Math.max(...yLabels) >= 5, `y ticks ${yLabels.join(',')} reach the top of the band`);
});
