// Review's pure logic, run in Node: the scrubber's mapping, what a seek reads, takeover navigation,
// the playback clock, the session browser's sort and filter, the inspector's traces and the
// analytics aggregates (heat map, histogram, learning curves from the recording).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionListRow } from '../../main/contract/api.ts';
import type { ReviewAnalytics, ReviewTakeover, TakeoverDetail } from '../../main/contract/review.ts';
import {
  adjacentTakeover,
  advance,
  browseSessions,
  chunkOf,
  CHUNK_STEPS,
  formatClock,
  fractionOfStep,
  heatGrid,
  histogram,
  median,
  metricsFrom,
  seekWindow,
  stepAtFraction,
  stepSpeed,
  takeoverAt,
} from '../../renderer/src/views/review/review-logic.ts';
import { inspectorTraces, pedalOf } from '../../renderer/src/views/review/inspector-data.ts';

test('the scrubber maps steps to positions and back, clamped to the session', () => {
  const range = { first: 0, last: 999 };
  assert.equal(stepAtFraction(range, 0), 0);
  assert.equal(stepAtFraction(range, 1), 999);
  assert.equal(stepAtFraction(range, 0.5), 500);
  assert.equal(stepAtFraction(range, -0.2), 0);
  assert.equal(stepAtFraction(range, 7), 999);
  assert.equal(stepAtFraction(range, Number.NaN), 0);
  for (const step of [0, 1, 250, 998, 999])
    assert.equal(stepAtFraction(range, fractionOfStep(range, step)), step);
  // A session resumed after a crash may start later than 0.
  assert.equal(fractionOfStep({ first: 100, last: 300 }, 200), 0.5);
  assert.equal(fractionOfStep({ first: 5, last: 5 }, 5), 0.5);
});

test('a seek reads its chunk (and the next near its end) and the plot window before it', () => {
  const range = { first: 0, last: 1049 };
  assert.deepEqual(chunkOf(250), { index: 2, from: 200, to: 299 });
  assert.deepEqual(seekWindow(250, range, 300), { chunks: [2], seriesFrom: 0, seriesTo: 250 });
  assert.deepEqual(seekWindow(880, range, 300), { chunks: [8, 9], seriesFrom: 580, seriesTo: 880 });
  // The last chunk has no next one; a step beyond the end is clamped.
  assert.deepEqual(seekWindow(5000, range, 300), { chunks: [10], seriesFrom: 749, seriesTo: 1049 });
  assert.equal(CHUNK_STEPS, 100);
});

const takeover = (id: number, startStep: number, endStep: number, trigger: ReviewTakeover['trigger']) =>
  ({
    id,
    episode: 0,
    startStep,
    endStep,
    trigger,
    handback: 'agreement',
    requestStep: trigger === 'robot' ? startStep : null,
    reactionMs: null,
    qAtRequest: null,
    thresholdAtRequest: null,
    region: 'S',
  }) satisfies ReviewTakeover;

test('next and previous takeover skip warm-up and move from inside a span', () => {
  const list = [takeover(1, 0, 29, 'warmup'), takeover(2, 50, 60, 'robot'), takeover(3, 90, 95, 'human')];
  assert.equal(adjacentTakeover(list, 0, 1)?.id, 2);
  assert.equal(adjacentTakeover(list, 55, 1)?.id, 3);
  assert.equal(adjacentTakeover(list, 90, 1), null);
  assert.equal(adjacentTakeover(list, 55, -1)?.id, 2);
  assert.equal(adjacentTakeover(list, 50, -1), null);
  assert.equal(adjacentTakeover(list, 200, -1)?.id, 3);
  assert.equal(takeoverAt(list, 10)?.id, 1);
  assert.equal(takeoverAt(list, 61), null);
});

test('the playback clock keeps time at every speed, carrying fractions of a decision', () => {
  // 0.25× at 10 Hz: one decision every 400 ms of wall time, even in 16 ms frames.
  let carry = 0;
  let steps = 0;
  for (let frame = 0; frame < 100; frame++) {
    const r = advance(carry, 16, 0.25, 10);
    carry = r.carry;
    steps += r.steps;
  }
  assert.equal(steps, 4);
  assert.deepEqual(advance(0, 100, 8, 10), { steps: 8, carry: 0 });
  assert.equal(advance(0, -5, 1, 10).steps, 0);
  assert.equal(stepSpeed(1, 1), 2);
  assert.equal(stepSpeed(8, 1), 8);
  assert.equal(stepSpeed(0.25, -1), 0.25);
  assert.equal(stepSpeed(3, -1), 2);
  assert.equal(formatClock(754, 10), '1:15.4');
});

const row = (id: number, over: Partial<SessionListRow>): SessionListRow => ({
  id,
  startedAt: `2026-11-0${id}T10:00:00.000Z`,
  operator: '',
  env: 'toy',
  method: 'aim',
  status: 'finished',
  steps: 100,
  expertSteps: 10,
  takeovers: 1,
  successRate: null,
  ...over,
});

test('the session browser filters by words and sorts any column, missing values last', () => {
  const rows = [
    row(1, { operator: 'ada', successRate: 0.5, steps: 300 }),
    row(2, { operator: 'bo', env: 'driving', status: 'interrupted', steps: 50 }),
    row(3, { operator: 'ada', env: 'driving', successRate: 0.9, steps: 50 }),
  ];
  const ids = (q: Parameters<typeof browseSessions>[1]) => browseSessions(rows, q).map((r) => r.id);
  assert.deepEqual(ids({ sort: 'id', descending: true, filter: '' }), [3, 2, 1]);
  assert.deepEqual(ids({ sort: 'id', descending: false, filter: 'ADA driving' }), [3]);
  assert.deepEqual(ids({ sort: 'steps', descending: true, filter: '' }), [1, 2, 3]);
  assert.deepEqual(ids({ sort: 'successRate', descending: true, filter: '' }), [3, 1, 2]);
  assert.deepEqual(ids({ sort: 'successRate', descending: false, filter: '' }), [1, 3, 2]);
  assert.deepEqual(ids({ sort: 'status', descending: false, filter: '' }), [1, 3, 2]);
  assert.deepEqual(ids({ sort: 'id', descending: false, filter: 'nobody' }), []);
});

test('inspector traces put raw samples and decisions on one clock, with pre-roll', () => {
  const detail: TakeoverDetail = {
    takeover: takeover(7, 10, 11, 'robot'),
    durationSeconds: 0.2,
    preRollMs: 1000,
    steps: [
      { step: 9, ms: -100, mode: 1, q: 0.2, threshold: 1, novice: [0.1, 0.5], applied: [0.1, 0.5] },
      { step: 10, ms: 0, mode: 3, q: 1.2, threshold: 1, novice: [0.2, 0.4], applied: [-0.3, -1] },
    ],
    samples: [
      { ms: -150, steer: 0.05, throttle: 0.5, brake: 0 },
      { ms: -50, steer: -0.2, throttle: 0, brake: 0.75 },
    ],
    device: 'wheel',
  };
  const t = inspectorTraces(detail);
  assert.deepEqual(t.x, [-0.15, -0.1, -0.05, 0]);
  assert.deepEqual(t.rawSteer, [0.05, null, -0.2, null]);
  assert.deepEqual(t.rawPedal, [0.5, null, -0.75, null]);
  assert.deepEqual(t.noviceSteer, [null, 0.1, null, 0.2]);
  assert.deepEqual(t.appliedPedal, [null, 0.5, null, -1]);
  assert.equal(t.hasRaw, true);
  assert.equal(pedalOf({ throttle: 0.25, brake: 1 }), -0.75);
  // A simulated expert: no raw samples, the decisions alone.
  const simulated = inspectorTraces({ ...detail, samples: [], device: null });
  assert.equal(simulated.hasRaw, false);
  assert.equal(simulated.rawPoints, 0);
  assert.deepEqual(simulated.x, [-0.1, 0]);
});

test('analytics: heat map cells, reaction-time histogram, median', () => {
  const grid = heatGrid(
    [
      { x: 1, y: 1 },
      { x: 2, y: 3 },
      { x: 15, y: 1 },
      { x: 99, y: 99 },
    ],
    { minX: 0, minY: 0, maxX: 20, maxY: 10 },
    10,
  );
  assert.deepEqual([grid.columns, grid.rows, grid.max], [2, 1, 2]);
  assert.deepEqual(grid.counts, [2, 1]);
  assert.deepEqual(histogram([50, 120, 180, 410], 100), {
    from: [0, 100, 200, 300, 400],
    counts: [1, 2, 0, 0, 1],
  });
  assert.deepEqual(histogram([], 100), { from: [], counts: [] });
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(median([]), null);
});

test('learning curves from the recording count each episode at the expert steps when it ended', () => {
  const a: ReviewAnalytics = {
    sessionId: 1,
    decisionHz: 10,
    totalSteps: 40,
    perEpisode: [],
    perMinute: [],
    positions: [],
    reactionMs: [],
    expertCurve: [
      { step: 0, expertSteps: 1 },
      { step: 10, expertSteps: 11 },
      { step: 20, expertSteps: 12 },
      { step: 30, expertSteps: 15 },
      { step: 39, expertSteps: 15 },
    ],
    episodeEnds: [
      { episode: 0, step: 14, success: true },
      { episode: 1, step: 39, success: false },
    ],
    evaluations: [
      {
        step: 20,
        expertSteps: 12,
        episodes: 5,
        successRate: 0.6,
        meanReturn: 1,
        routeCompletion: 0.7,
        crashRate: 0,
        outOfRoadRate: 0,
        meanCost: 0,
      },
    ],
  };
  const m = metricsFrom(a);
  assert.deepEqual(
    m.episodes.map((e) => [e.episode, e.step, e.expertSteps, e.rolling]),
    [
      [0, 10, 11, 1],
      [1, 39, 15, 0.5],
    ],
  );
  assert.deepEqual(m.evaluations, [{ expertSteps: 12, step: 20, successRate: 0.6 }]);
  assert.ok(m.takeoverRate.length > 0, 'the takeover rate is sampled from the curve');
});
