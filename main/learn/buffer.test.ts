import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayBuffer, type Transition } from './buffer.ts';
import { Rng } from '../sim/random.ts';

/** A transition whose every field encodes its index i, so a gathered batch shows where it came from. */
function transition(i: number): Transition {
  return {
    obs: [i, i + 0.5, -i],
    nextObs: [i + 1, i + 1.5, -i - 1],
    noviceAction: [i / 100, -i / 100],
    appliedAction: [-i / 100, i / 100],
    intervention: i % 2 === 0,
    interventionStart: i % 4 === 0,
    done: i % 3 === 0,
    success: i % 5 === 4,
  };
}

function filled(count: number, capacity = 100): ReplayBuffer {
  const buffer = new ReplayBuffer(capacity, 3, 2);
  for (let i = 0; i < count; i++) buffer.add(transition(i));
  return buffer;
}

test('gather copies every field of the chosen slots, next observation included', () => {
  const batch = filled(10).gather([7, 2, 7]);
  assert.equal(batch.size, 3);
  assert.deepEqual(Array.from(batch.obs), [7, 7.5, -7, 2, 2.5, -2, 7, 7.5, -7]);
  assert.deepEqual(Array.from(batch.nextObs.subarray(0, 3)), [8, 8.5, -8]);
  assert.deepEqual(Array.from(batch.noviceAction.subarray(2, 4)), [0.02, -0.02].map(Math.fround));
  assert.deepEqual(Array.from(batch.appliedAction.subarray(0, 2)), [-0.07, 0.07].map(Math.fround));
  assert.deepEqual(Array.from(batch.intervention), [0, 1, 0]);
  assert.deepEqual(Array.from(batch.done), [0, 0, 0]);
  assert.deepEqual(Array.from(filled(10).gather([3, 6]).done), [1, 1]);
  assert.deepEqual(Array.from(filled(10).gather([4, 2, 9]).success), [1, 0, 1]);
});

test('the slots of goal-reaching transitions, and of the rest, as held after wrap-around', () => {
  assert.deepEqual(Array.from(filled(10).slotsBySuccess(true)), [4, 9]);
  assert.deepEqual(Array.from(filled(6).slotsBySuccess(false)), [0, 1, 2, 3, 5]);
  // Capacity 5, 12 added: slots hold transitions 10, 11, 7, 8, 9; only 9 reached the goal.
  assert.deepEqual(Array.from(filled(12, 5).slotsBySuccess(true)), [4]);
});

test('sampling is uniform with replacement over the held slots', () => {
  const buffer = filled(8);
  const counts = new Array(8).fill(0);
  const draws = 80_000;
  for (const i of buffer.sampleIndices(draws, new Rng(1))) counts[i]++;
  for (const c of counts) assert.ok(Math.abs(c / draws - 1 / 8) < 0.01, `share ${c / draws}`);
  const few = buffer.sampleIndices(20, new Rng(2));
  assert.ok(new Set(few).size < 20, 'with replacement, 20 draws from 8 repeat');
});

test('sampling from a pool draws only the pool’s slots, and the same seed draws the same batch', () => {
  const buffer = filled(50);
  const pool = Int32Array.from([3, 9, 27]);
  const drawn = buffer.sampleIndices(300, new Rng(4), pool);
  assert.ok(drawn.every((i) => [3, 9, 27].includes(i)));
  assert.equal(new Set(drawn).size, 3);
  assert.deepEqual(buffer.sampleIndices(16, new Rng(5)), buffer.sampleIndices(16, new Rng(5)));
});

test('a full buffer overwrites its oldest slots and keeps counting what was added', () => {
  const buffer = filled(13, 10);
  assert.equal(buffer.size, 10);
  assert.equal(buffer.totalAdded, 13);
  // Slots 0..2 now hold transitions 10..12.
  assert.deepEqual(Array.from(buffer.gather([0, 2, 3]).obs.filter((_, k) => k % 3 === 0)), [10, 12, 3]);
  assert.deepEqual(Array.from(buffer.firstIndices(8, 12)), [8, 9, 0, 1]);
  assert.ok(buffer.sampleIndices(1000, new Rng(6)).every((i) => i >= 0 && i < 10));
});

test('an empty buffer, an index outside it and a wrong-sized observation are refused', () => {
  const empty = new ReplayBuffer(4, 3, 2);
  assert.throws(() => empty.sampleIndices(1, new Rng(1)), /empty buffer/);
  assert.throws(() => filled(2).gather([2]), /outside 0\.\.1/);
  assert.throws(() => empty.add({ ...transition(0), obs: [1, 2] }), /2 values, buffer holds 3/);
});
