// The grid view's pure logic in Node: the agent's 7×7 window for each direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewWindow } from '../../renderer/src/views/topdown/grid-window.ts';

test('the view window: 7 cells ahead of the agent (itself included) and 3 to each side, for all four directions', () => {
  const q = Math.PI / 2;
  assert.deepEqual(viewWindow(10, 10, 0), [10, 7, 17, 14]);
  assert.deepEqual(viewWindow(10, 10, q), [7, 10, 14, 17]);
  assert.deepEqual(viewWindow(10, 10, 2 * q), [4, 7, 11, 14]);
  assert.deepEqual(viewWindow(10, 10, 3 * q), [7, 4, 14, 11]);
  assert.deepEqual(viewWindow(10, 10, -q), viewWindow(10, 10, 3 * q), 'a heading of −π/2 is direction 3');
});
