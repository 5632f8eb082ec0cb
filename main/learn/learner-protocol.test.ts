// Transitions cross to the learner's thread packed end to end; every flag, the success reward
// included, must arrive as it left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transition } from './buffer.ts';
import { packTransitions, unpackTransition } from './learner-protocol.ts';

test('packing keeps each transition’s values and its four flags', () => {
  const flags = (k: number) => ({
    intervention: (k & 1) !== 0,
    interventionStart: (k & 2) !== 0,
    done: (k & 4) !== 0,
    success: (k & 8) !== 0,
  });
  const transitions: Transition[] = Array.from({ length: 16 }, (_, k) => ({
    obs: [k, -k, 0.5],
    nextObs: [k + 1, -k - 1, 0.25],
    noviceAction: [k / 16, 0],
    appliedAction: [0, -k / 16],
    ...flags(k),
  }));
  const block = packTransitions(transitions, 3, 2);
  transitions.forEach((t, k) => {
    const back = unpackTransition(block, k);
    assert.deepEqual(Array.from(back.obs), t.obs);
    assert.deepEqual(Array.from(back.nextObs), t.nextObs);
    assert.deepEqual(Array.from(back.noviceAction), t.noviceAction);
    assert.deepEqual(Array.from(back.appliedAction), t.appliedAction);
    assert.deepEqual(
      {
        intervention: back.intervention,
        interventionStart: back.interventionStart,
        done: back.done,
        success: back.success,
      },
      flags(k),
    );
  });
});
