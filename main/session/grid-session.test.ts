// Grid sessions end to end: the real grid, the shortest-path expert, discrete AIM on the learner's
// thread and a real SQLite file — prepared as a host prepares them, resumed from their checkpoint,
// and taken over with the grid's keys (an action, or none to approve the agent's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CoreListener, HumanInput, SceneEvent } from '../contract/api.ts';
import { decodeFrame } from '../contract/frame.ts';
import { sessionConfigSchema } from '../contract/session-config.ts';
import { DONE, FORWARD, TOGGLE } from '../sim/grid/index.ts';
import { openDatabase } from '../store/database.ts';
import { gridTrainSeed } from './environments.ts';
import { prepareSession, resumeSession, STEPWISE_CHECKPOINT_EVERY } from './prepare.ts';
import { sessionHarness, untilPaused } from './test-support.ts';

const GRID = { env: 'grid', pace: 'fast', warmup: 20, delta: 0.1, batchSize: 8, seed: 3, evalEvery: 0 };

test('a grid session: expert warm-up carried over to agreement, discrete actions, the learner’s threshold, checkpoints every 100 steps, and a resume', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aim-grid-'));
  const db = openDatabase(path.join(dir, 'test.db'));
  const frames: Float64Array[] = [];
  const scenes: SceneEvent[] = [];
  const listener: CoreListener = {
    frame: (frame) => frames.push(frame),
    event: (name, payload) => {
      if (name === 'scene') scenes.push(payload as SceneEvent);
    },
  };
  try {
    const config = sessionConfigSchema.parse({ ...GRID, steps: 130 });
    const session = await prepareSession(db, config, 'cli', listener);
    assert.equal(session.config.aim.thresholdRecompute, 'everyTrainStep');
    const end = await session.run();
    assert.equal(end.status, 'finished', end.message ?? '');
    const id = session.runner.sessionId;
    const steps = db.steps(id);
    assert.equal(steps.length, 130);
    for (const step of steps) {
      assert.equal(step.novice.length, 1);
      assert.ok(Number.isInteger(step.applied[0]) && step.applied[0] >= 0 && step.applied[0] <= 6);
    }
    // Warm-up: the expert's action applied on every step.
    assert.ok(steps.slice(0, 20).every((s) => s.mode === 'warmup' && s.human !== null));
    // After warm-up the expert carries on until the novice first agrees; that step is still its own.
    const firstRobot = steps.findIndex((s) => s.mode === 'robot');
    assert.ok(firstRobot >= 20, 'the robot drives only after warm-up');
    if (firstRobot > 20) {
      const agreement = steps[firstRobot - 1];
      assert.equal(agreement.mode, 'human');
      assert.equal(agreement.novice[0], agreement.applied[0]);
    }
    for (const s of steps.filter((row) => row.mode === 'robot')) assert.deepEqual(s.applied, s.novice);
    // Each step after warm-up is gated on Q_c against the learner's fresh threshold.
    const decoded = frames.map((f) => decodeFrame(f));
    assert.ok(decoded.slice(25).every((f) => Number.isFinite(f.threshold) && Number.isFinite(f.q)));
    assert.equal(new Set(decoded.slice(25).map((f) => f.threshold)).size > 1, true, 'the threshold moves');
    assert.equal(scenes[0].scene.kind, 'grid');
    assert.equal(scenes[0].seed, gridTrainSeed(3, 0));
    assert.ok(decoded[0].actors.some((actor) => actor.kind === 'agent'));
    // Checkpoints: the initial fit, then update rounds at most every 100 steps, then the end.
    const actors = db.models(id).filter((m) => m.kind === 'actor');
    assert.deepEqual(
      actors.map((m) => (m.metrics as { reason: string }).reason),
      ['initial-fit', 'update-round', 'session-end'],
    );
    assert.ok(actors[1].step - actors[0].step >= STEPWISE_CHECKPOINT_EVERY);
    assert.ok(db.models(id).some((m) => m.kind === 'proxy-q' && m.step === actors[2].step));

    const resumed = await resumeSession(db, id, { steps: 140 }, 'cli', listener);
    const more = await resumed.run();
    assert.equal(more.status, 'finished', more.message ?? '');
    const all = db.steps(id);
    assert.equal(all.length, 140);
    // The gate resumes past warm-up with the saved threshold: no warm-up step after the resume.
    assert.ok(all.slice(130).every((s) => s.mode !== 'warmup' && s.threshold !== null));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('grid keyboard takeover: the person’s action is applied and recorded, none approves the agent’s, stale input waits with done', async () => {
  const keys = (discrete: number | null, engaged = true): HumanInput => ({
    t: 0,
    source: 'keyboard',
    steer: 0,
    throttle: 0,
    discrete,
    engaged,
  });
  const h = await sessionHarness({
    config: { ...GRID, steps: 45 },
    onFrame(runner, step) {
      if (step >= 22 && step < 25) runner.input(keys(TOGGLE));
      if (step >= 25 && step < 28) runner.input(keys(null));
      if (step === 28) runner.input(keys(FORWARD));
      if (step === 30) h.clock.now += 1000;
    },
  });
  const finished = h.runner.run();
  await untilPaused(h.runner);
  assert.match(h.runner.status().message ?? '', /input stopped arriving/);
  h.runner.stop();
  assert.equal((await finished).status, 'finished');
  const steps = h.db.steps(h.runner.sessionId);
  for (const s of steps.slice(22, 25)) {
    assert.equal(s.mode, 'human');
    assert.deepEqual([...s.applied], [TOGGLE]);
    assert.deepEqual([...(s.human ?? [])], [TOGGLE], 'the person’s action is the label');
  }
  for (const s of steps.slice(25, 28)) assert.deepEqual([...s.applied], [...s.novice], 'Space approves');
  assert.deepEqual([...steps[28].applied], [FORWARD]);
  assert.deepEqual([...steps[30].applied], [DONE], 'stale input: the agent waits');
  const fault = h.db.takeovers(h.runner.sessionId).find((t) => t.startStep <= 30 && t.endStep >= 30);
  assert.equal(fault?.handback, 'fault');
  await h.finish();
});

for (const method of ['pvp', 'hg-dagger'])
  test(`grid ${method}: the simulated human takes over wherever a_n ≠ a_e, and every step is expert-involved`, async () => {
    const h = await sessionHarness({ config: { ...GRID, method, steps: 40 } });
    const end = await h.runner.run();
    assert.equal(end.status, 'finished', end.message ?? '');
    assert.equal(end.expertSteps, 40, '§7: MiniGrid PVP and HG-DAgger count every step');
    const steps = h.db.steps(h.runner.sessionId);
    const takeovers = h.db.takeovers(h.runner.sessionId);
    await h.finish();
    assert.ok(
      steps.every((s) => s.mode === 'human' || s.mode === 'robot'),
      'no warm-up',
    );
    for (const s of steps.filter((row) => row.mode === 'human'))
      assert.notEqual(s.novice[0], s.applied[0], 'the expert steps in only where it would act otherwise');
    for (const s of steps.filter((row) => row.mode === 'robot')) assert.deepEqual(s.applied, s.novice);
    assert.ok(
      steps.some((s) => s.mode === 'human'),
      'the untrained novice strays, so the human steps in',
    );
    assert.ok(takeovers.every((t) => t.trigger === 'human'));
    assert.ok(
      steps.every((s) => s.q === null && s.threshold === null),
      'no critic, no threshold',
    );
  });
