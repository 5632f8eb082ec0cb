import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantile } from './quantile.ts';

// Expected values computed with numpy.quantile(x, q) (method='linear', the default).
const cases: Array<{ x: number[]; q: number; numpy: number }> = [
  { x: [1, 2, 3, 4], q: 0.5, numpy: 2.5 },
  { x: [1, 2, 3, 4], q: 0.95, numpy: 3.85 },
  { x: [7], q: 0.95, numpy: 7 },
  { x: [3, -1, 10, 2, 8], q: 0.9, numpy: 9.2 },
  { x: [0.1, 0.4, -0.3, 0.25, 0.05, 0.6, -0.2], q: 0.95, numpy: 0.54 },
  { x: [5, 1, 4, 2, 3, 9, 8, 7, 6, 10], q: 0.05, numpy: 1.45 },
  { x: [2, 2, 2, 2], q: 0.3, numpy: 2 },
  { x: [-4, 4], q: 0.25, numpy: -2 },
];

test('quantile matches numpy linear interpolation', () => {
  for (const { x, q, numpy } of cases) {
    assert.ok(
      Math.abs(quantile(x, q) - numpy) < 1e-12,
      `quantile(${JSON.stringify(x)}, ${q}) = ${quantile(x, q)}, numpy ${numpy}`,
    );
  }
});

test('quantile endpoints are the minimum and the maximum', () => {
  const x = [4, -2, 9, 0.5];
  assert.equal(quantile(x, 0), -2);
  assert.equal(quantile(x, 1), 9);
});

test('quantile rejects empty input and levels outside [0, 1]', () => {
  assert.throws(() => quantile([], 0.5), /empty/);
  assert.throws(() => quantile([1], 1.5), /must be in \[0, 1\]/);
  assert.throws(() => quantile([1], Number.NaN), /must be in \[0, 1\]/);
});

test('quantile does not reorder its input', () => {
  const x = [3, 1, 2];
  quantile(x, 0.5);
  assert.deepEqual(x, [3, 1, 2]);
});
