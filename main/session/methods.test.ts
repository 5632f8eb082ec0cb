// Expert-involved steps as aim-algorithm.md §7 counts them per method, on real sessions (the toy
// scenario, the learner's real thread, a real SQLite file): AIM counts its warm-up and its takeover
// steps; the human-gated methods count every step (the human watches constantly); offline BC
// counts its demonstrations. The learners train on the cadence their method has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LearnerUpdate } from '../learn/async-learner.ts';
import { sessionHarness } from './test-support.ts';

async function run(method: string, steps: number, extra: Record<string, unknown> = {}) {
  const updates: LearnerUpdate[] = [];
  const h = await sessionHarness({
    config: { method, steps, ...extra },
    hooks: { updated: (update) => updates.push(update) },
  });
  const end = await h.runner.run();
  const recorded = h.db.steps(h.runner.sessionId);
  const takeovers = h.db.takeovers(h.runner.sessionId);
  await h.finish();
  assert.equal(end.status, 'finished', end.message ?? '');
  return { end, recorded, takeovers, updates };
}

test('AIM: warm-up steps plus the takeover steps after it', async () => {
  const { end, recorded } = await run('aim', 90);
  const afterWarmup = recorded.slice(30).filter((s) => s.mode !== 'robot').length;
  assert.equal(end.expertSteps, 30 + afterWarmup);
  assert.ok(end.expertSteps < 90, 'robot-driven steps after warm-up cost nothing');
});

test('HG-DAgger: every step, with BC every 25 env steps on the takeover steps', async () => {
  const { end, recorded, takeovers, updates } = await run('hg-dagger', 80);
  assert.equal(end.expertSteps, 80);
  assert.ok(
    recorded.some((s) => s.mode === 'human'),
    'the untrained novice strays, so the human steps in',
  );
  assert.ok(
    recorded.every((s) => s.q === null && s.threshold === null),
    'no proxy Q, no threshold',
  );
  assert.ok(takeovers.length > 0 && takeovers.every((t) => t.trigger === 'human'));
  const rounds = updates.filter((u) => u.kind === 'round');
  assert.deepEqual(
    rounds.map((u) => u.at.step),
    [25, 50, 75],
  );
  assert.ok(rounds.every((u) => u.kind === 'round' && u.report.bcSteps > 0 && u.report.qSteps === 0));
});

test("PVP: every step, the human stepping in where the expert's density is low", async () => {
  const { end, recorded, takeovers } = await run('pvp', 60, { pvpFreeLevel: 0.9 });
  assert.equal(end.expertSteps, 60);
  assert.ok(recorded.some((s) => s.mode === 'human'));
  assert.ok(takeovers.every((t) => t.trigger === 'human'));
});

test('PVP-TD3: every step, trained after every step once the expert has stepped in', async () => {
  const { end, recorded, updates } = await run('pvp-td3', 30);
  assert.equal(end.expertSteps, 30);
  assert.ok(recorded.some((s) => s.mode === 'human'));
  assert.ok(updates.some((u) => u.kind === 'round' && u.report.qSteps === 5));
});

test('offline BC: every step is a demonstration', async () => {
  const { end, recorded, updates } = await run('bc', 40);
  assert.equal(end.expertSteps, 40);
  assert.ok(recorded.every((s) => s.mode === 'warmup'));
  assert.equal(updates.filter((u) => u.kind === 'round').length, 0, 'BC trains only for its evaluations');
});

test('Thrifty-DAgger: the expert-labelled steps only; five members, asked by their disagreement', async () => {
  const { end, recorded, updates } = await run('thrifty-dagger', 90);
  assert.equal(end.expertSteps, recorded.filter((s) => s.mode !== 'robot').length);
  assert.ok(recorded.slice(0, 30).every((s) => s.mode === 'warmup'));
  const fit = updates.find((u) => u.kind === 'fit');
  assert.ok(fit, 'the initial fit after warm-up');
  assert.equal(fit.weights.members.length, 4, 'the other four members travel with the first');
  assert.ok(
    recorded.slice(31).every((s) => s.threshold !== null && s.q !== null),
    'novelty and β_H are recorded',
  );
});

test('original Thrifty-DAgger: the expert-labelled steps only; its risk critic travels to the loop', async () => {
  const { end, recorded, updates } = await run('thrifty-dagger-original', 90);
  assert.equal(end.expertSteps, recorded.filter((s) => s.mode !== 'robot').length);
  assert.ok(recorded.slice(0, 30).every((s) => s.mode === 'warmup'));
  const fit = updates.find((u) => u.kind === 'fit');
  assert.ok(fit?.weights.proxyQ && fit.weights.proxyQTarget, 'Q_risk and its target after the first fit');
  assert.equal(fit.weights.members.length, 4);
  assert.ok(
    recorded.slice(31).every((s) => s.threshold !== null && s.q !== null),
    'novelty and β_H are recorded',
  );
});
