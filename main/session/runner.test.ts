// The session loop end to end on the real toy environment, real TF.js and a real SQLite file, with
// a small network and batch so it runs in seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HumanInput } from '../contract/api.ts';
import { decodeFrame } from '../contract/frame.ts';
import type { SessionRunner } from './runner.ts';
import { sessionHarness, untilPaused, type Harness } from './test-support.ts';

function harness(
  config: Record<string, unknown>,
  onFrame?: (runner: SessionRunner, step: number) => void,
  initialRounds = 10,
): Promise<Harness> {
  return sessionHarness({ config, onFrame, learner: { initialRounds } });
}

test('a fast session warms up, gates, records every step and ends on its budget', async () => {
  const h = await harness({ steps: 120 });
  const end = await h.runner.run();
  assert.equal(end.status, 'finished');
  assert.equal(end.steps, 120);
  const steps = h.db.steps(h.runner.sessionId);
  assert.equal(steps.length, 120, 'every decision is recorded');
  assert.ok(
    steps.slice(0, 30).every((s) => s.mode === 'warmup'),
    'the first 30 steps are warm-up',
  );
  assert.equal(steps[30].mode === 'warmup', false);
  assert.ok(steps.slice(30).every((s) => s.mode === 'robot' || s.mode === 'human'));
  assert.ok(
    steps.slice(30).every((s) => s.threshold !== null && s.q !== null),
    'after warm-up every step has Q and a threshold',
  );
  assert.ok(end.expertSteps >= 30, 'warm-up steps are expert-involved');
  assert.equal(end.expertSteps, steps.filter((s) => s.mode !== 'robot').length);
  // The warm-up takeover carries on past warm-up until the novice agrees with the expert.
  const warmup = h.db.takeovers(h.runner.sessionId).filter((t) => t.trigger === 'warmup');
  assert.equal(warmup.length, 1);
  assert.equal(warmup[0].startStep, 0);
  assert.ok(warmup[0].endStep >= 29);
  assert.ok(steps.slice(30, warmup[0].endStep + 1).every((s) => s.mode === 'human'));
  assert.ok(['agreement', 'episode-end'].includes(warmup[0].handback));
  // Frames decode and carry the same modes as the recorded steps.
  assert.equal(h.frames.length, 120);
  assert.equal(decodeFrame(h.frames[50]).mode, steps[50].mode);
  await h.finish();
});

test('robot-triggered takeovers start with a help request and end by agreement or episode end', async () => {
  const h = await harness({ steps: 300, delta: 0.3 });
  const end = await h.runner.run();
  const takeovers = h.db.takeovers(h.runner.sessionId).filter((t) => t.trigger === 'robot');
  assert.ok(takeovers.length > 0, 'δ = 0.3 asks for help often');
  assert.equal(end.takeovers, takeovers.length);
  const steps = h.db.steps(h.runner.sessionId);
  for (const takeover of takeovers) {
    const first = steps[takeover.startStep];
    assert.equal(first.helpRequested, true);
    assert.equal(takeover.requestStep, takeover.startStep);
    assert.ok(
      (takeover.qAtRequest ?? Number.NaN) > (takeover.thresholdAtRequest ?? Number.NaN),
      'help is asked only above the threshold',
    );
    assert.ok(['agreement', 'episode-end', 'session-end'].includes(takeover.handback));
    for (let step = takeover.startStep; step <= takeover.endStep; step++)
      assert.equal(steps[step].mode, 'human');
  }
  await h.finish();
});

test('a person holding the takeover control drives, and releasing hands back', async () => {
  const held: HumanInput = {
    t: 0,
    source: 'keyboard',
    steer: 0.5,
    throttle: -0.25,
    discrete: null,
    engaged: true,
  };
  const h = await harness({ steps: 80 }, (runner, step) => {
    if (step >= 40 && step < 50) runner.input(held);
    if (step === 50) runner.input({ ...held, engaged: false });
  });
  await h.runner.run();
  const human = h.db.takeovers(h.runner.sessionId).filter((t) => t.trigger === 'human');
  assert.equal(human.length, 1);
  assert.equal(human[0].handback, 'release');
  const steps = h.db.steps(h.runner.sessionId, human[0].startStep, human[0].endStep);
  assert.ok(steps.length >= 9);
  for (const step of steps) {
    assert.equal(step.mode, 'human');
    assert.deepEqual(Array.from(step.applied), [0.5, -0.25], 'the person’s action is applied');
  }
  await h.finish();
});

test('input that goes stale while a person drives brakes, ends the takeover as a fault and pauses', async () => {
  const held: HumanInput = { t: 0, source: 'keyboard', steer: 0, throttle: 1, discrete: null, engaged: true };
  const h = await harness({ steps: 0 }, (runner, step) => {
    if (step === 40) runner.input(held);
    // The sampler falls silent: the clock moves past the stale limit with no new sample.
    if (step === 45) h.clock.now += 1000;
  });
  const finished = h.runner.run();
  await untilPaused(h.runner);
  assert.match(h.runner.status().message ?? '', /input stopped arriving/);
  h.runner.stop();
  const end = await finished;
  assert.equal(end.status, 'finished');
  const [fault] = h.db.takeovers(h.runner.sessionId).filter((t) => t.trigger === 'human');
  assert.equal(fault.handback, 'fault');
  const braking = h.db.steps(h.runner.sessionId, fault.endStep, fault.endStep)[0];
  assert.deepEqual(Array.from(braking.applied), [0, -1]);
  await h.finish();
});

test('an asynchronous learner never holds the loop: the expert drives on while the fit runs, and lag shows', async () => {
  // A long initial fit (2000 BC rounds) on a loop that does not wait for it.
  const h = await harness({ steps: 200, learnerMode: 'async' }, undefined, 2000);
  const end = await h.runner.run();
  assert.equal(end.status, 'finished');
  const steps = h.db.steps(h.runner.sessionId);
  const frames = h.frames.map(decodeFrame);
  const firstQ = steps.findIndex((s) => s.q !== null);
  const pending = firstQ === -1 ? steps.slice(30) : steps.slice(30, firstQ);
  assert.ok(pending.length > 0, 'steps ran after warm-up before the fit came back');
  assert.ok(
    pending.every((s) => s.mode === 'human' && !s.helpRequested),
    'while the fit runs, the expert keeps driving and nobody asks for help',
  );
  assert.ok(
    frames.slice(30).some((f) => f.learnerLag > 0),
    'frames report the transitions not yet trained on',
  );
  assert.equal(frames[10].learnerLag >= 0, true);
  await h.finish();
});

test('in lockstep a run does not depend on timing: the same session twice records the same steps', async () => {
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const h = await harness({ steps: 150, delta: 0.2 });
    await h.runner.run();
    runs.push(h.db.steps(h.runner.sessionId).map((s) => [s.mode, s.q, s.threshold, ...s.applied]));
    await h.finish();
  }
  assert.ok(
    runs[0].some(([mode]) => mode === 'robot'),
    'the robot drove',
  );
  assert.deepEqual(runs[1], runs[0]);
});
