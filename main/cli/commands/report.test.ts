import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TakeoverRow } from '../../store/records.ts';
import { blockType, takeoverTable, takeoverWindows } from './report.ts';

function takeover(
  id: number,
  startStep: number,
  length: number,
  region: string,
  trigger = 'robot',
): TakeoverRow {
  return {
    id,
    episode: 0,
    startStep,
    endStep: startStep + length - 1,
    trigger: trigger as TakeoverRow['trigger'],
    handback: 'agreement',
    requestStep: trigger === 'robot' ? startStep : null,
    reactionMs: null,
    qAtRequest: null,
    thresholdAtRequest: null,
    durationMs: null,
    region,
  };
}

test('help requests are counted per window and block type; warm-up takeovers are not requests', () => {
  const rows = [
    takeover(1, 0, 200, 'I0 (start)', 'warmup'),
    takeover(2, 250, 3, 'I0 (start)'),
    takeover(3, 900, 2, 'C1 (curve)'),
    takeover(4, 1500, 4, 'O2 (roundabout)'),
    takeover(5, 1600, 1, 'O2 (roundabout)'),
    takeover(6, 2999, 2, 'T3 (T-junction)'),
  ];
  const windows = takeoverWindows(rows, 3000, 1000);
  assert.deepEqual(
    windows.map((w) => [w.fromStep, w.toStep, w.helpRequests, w.takeoverSteps]),
    [
      [0, 999, { start: 1, curve: 1 }, { start: 3, curve: 2 }],
      [1000, 1999, { roundabout: 2 }, { roundabout: 5 }],
      [2000, 2999, { 'T-junction': 1 }, { 'T-junction': 2 }],
    ],
  );
  assert.equal(blockType('S4 (straight)'), 'straight');
  assert.equal(blockType(''), 'unknown');
});

test('the table lists straight road first and the share of requests on it', () => {
  const rows = [
    takeover(1, 10, 1, 'C1 (curve)'),
    takeover(2, 20, 1, 'I0 (start)'),
    takeover(3, 30, 1, 'S2 (straight)'),
    takeover(4, 40, 1, 'C1 (curve)'),
    takeover(5, 1200, 1, 'O2 (roundabout)'),
  ];
  const lines = takeoverTable(takeoverWindows(rows, 3000, 1000))
    .trim()
    .split('\n');
  const cells = lines.slice(1).map((l) => l.trim().split(/\s+/));
  assert.deepEqual(cells[0], [
    'steps',
    'start',
    'straight',
    'curve',
    'roundabout',
    'total',
    'on',
    'straight',
  ]);
  assert.deepEqual(cells[1], ['0–1000', '1', '1', '2', '0', '4', '50%']);
  assert.deepEqual(cells[2], ['1000–2000', '0', '0', '0', '1', '1', '0%']);
  assert.deepEqual(cells[3], ['2000–3000', '0', '0', '0', '0', '0', '–']);
});
