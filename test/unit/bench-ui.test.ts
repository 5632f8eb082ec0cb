// aim bench ui's arithmetic: quantiles and the per-window summary of frame intervals and view draws.
// (The benchmark itself drives Chromium and prints JSON; measured numbers live in its output.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantile, summarise } from '../../main/cli/commands/bench-ui-summary.ts';

test('quantiles interpolate between sorted values', () => {
  assert.equal(quantile([3, 1, 2, 4], 0.5), 2.5);
  assert.equal(quantile([10], 0.95), 10);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.equal(quantile([0, 100], 0.95), 95);
});

test('a window summary: fps from frame intervals, p95 frame time, and each view’s share of it', () => {
  const frameIntervals = [...new Array(90).fill(16), ...new Array(10).fill(50)];
  const draws = {
    chase: new Array(100).fill(4),
    topdown: new Array(100).fill(1),
    qplot: new Array(10).fill(2),
    hud: [],
    metrics: [],
    frames: new Array(10).fill(0.1),
  };
  const s = summarise({ now: 0, frameIntervals, draws }, 1940);
  assert.equal(s.frames, 100);
  assert.equal(s.fps, 51.5);
  assert.equal(s.frameTimeMs.p50, 16);
  assert.equal(s.frameTimeMs.p95, 50);
  assert.equal(s.views.chase.msPerFrame, 4);
  assert.equal(s.views.chase.shareOfFrameTime, Number((400 / 1940).toFixed(4)));
  assert.equal(s.views.qplot.msPerFrame, 0.2);
  assert.equal(s.views.hud.meanMs, null);
  assert.equal(s.outsideViewsMsPerFrame, Number(((1940 - 400 - 100 - 20 - 1) / 100).toFixed(3)));
});
