// Sessions as a host prepares them, on the real toy environment, the learner's real thread and a
// real SQLite file: the resolved configuration, checkpoints and evaluations in the store, resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CoreListener } from '../contract/api.ts';
import { sessionConfigSchema, type SessionConfigInput } from '../contract/session-config.ts';
import { CHECKPOINT_FORMAT, encodeModel, packModel } from '../learn/checkpoint.ts';
import { createActor } from '../learn/networks.ts';
import { openDatabase, type AimDatabase } from '../store/database.ts';
import { prepareSession, resumeSession } from './prepare.ts';

const quiet: CoreListener = { frame: () => undefined, event: () => undefined };

// Full-size networks on small batches: a fit and a few rounds take seconds.
const SMALL: SessionConfigInput = {
  env: 'toy',
  pace: 'fast',
  warmup: 30,
  batchSize: 8,
  seed: 2,
  evalEpisodes: 1,
  aim: { cadenceEvery: 10, cadenceSteps: 2 },
};

function withDb(run: (db: AimDatabase) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aim-prepare-'));
    const db = openDatabase(path.join(dir, 'test.db'));
    try {
      await run(db);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function train(db: AimDatabase, input: SessionConfigInput): Promise<number> {
  const session = await prepareSession(db, sessionConfigSchema.parse({ ...SMALL, ...input }), 'cli', quiet);
  const end = await session.run();
  assert.equal(end.status, 'finished', end.message ?? '');
  return session.runner.sessionId;
}

/** Everything a refused resume must leave as it was. */
function snapshot(db: AimDatabase, id: number): string {
  return JSON.stringify({
    session: db.getSession(id) ?? null,
    steps: db.steps(id).length,
    models: db.models(id).length,
    evaluations: db.evaluations(id).length,
    episodes: db.episodes(id).length,
  });
}

test(
  'a session records its resolved configuration, a checkpoint per round and at the end, and its evaluations',
  withDb(async (db) => {
    const id = await train(db, { steps: 150, evalEvery: 40 });
    const session = db.getSession(id);
    assert.ok(session);
    assert.deepEqual(session.config.aim, {
      warmupMode: 'expertDrive',
      cadenceEvery: 10,
      cadenceSteps: 2,
      refireWhileIdle: false,
      maskScale: 1,
      td: false,
      gamma: 0.99,
      tau: 0.005,
      thresholdRecompute: 'episodeEnd',
    });
    assert.equal(session.config.learnerMode, 'lockstep');
    const actors = db.models(id).filter((m) => m.kind === 'actor');
    assert.ok(actors.length >= 2, 'the fit and the end at least');
    assert.equal(db.models(id).filter((m) => m.kind === 'proxy-q').length, actors.length);
    assert.equal(db.models(id).filter((m) => m.kind === 'proxy-q-target').length, 0, 'no TD term');
    assert.deepEqual(
      actors.map((m) => m.metrics?.reason),
      ['initial-fit', ...Array(actors.length - 2).fill('update-round'), 'session-end'],
    );
    const first = actors[0];
    assert.equal(first.format, CHECKPOINT_FORMAT);
    assert.equal(first.step, 30, 'the fit is on the 30 warm-up steps');
    const metrics = first.metrics as Record<string, unknown>;
    assert.equal(typeof metrics.epsilon, 'number');
    assert.equal(typeof metrics.threshold, 'number');
    assert.equal(metrics.learnerMode, 'lockstep');
    const evaluations = db.evaluations(id);
    assert.ok(evaluations.length >= 1);
    for (const e of evaluations.slice(0, -1)) assert.equal(e.expertSteps % 40, 0);
    assert.equal(evaluations.at(-1)?.step, 150, 'a last evaluation at the end');
    assert.deepEqual(
      actors.at(-1)?.metrics?.evaluation,
      evaluations.at(-1) && { ...stripRow(evaluations.at(-1)) },
    );
  }),
);

function stripRow<T extends { id: number; sessionId: number; createdAt: string }>(row: T | undefined) {
  const { id: _id, sessionId: _session, createdAt: _created, ...record } = row as T;
  return record;
}

test(
  'an interrupted session resumed without a new budget runs on to its own',
  withDb(async (db) => {
    let stopAt: (() => void) | null = null;
    let frames = 0;
    // One frame per decision: stop the run part-way, as an interrupted host would.
    const stopping: CoreListener = {
      frame: () => {
        if (++frames >= 70) stopAt?.();
      },
      event: () => undefined,
    };
    const first = await prepareSession(
      db,
      sessionConfigSchema.parse({ ...SMALL, steps: 120 }),
      'cli',
      stopping,
    );
    stopAt = () => first.runner.stop('interrupted');
    const interrupted = await first.run();
    assert.equal(interrupted.status, 'interrupted');
    const id = first.runner.sessionId;
    const done = db.steps(id).length;
    assert.ok(done < 120, `stopped early, at ${done}`);
    const end = await (await resumeSession(db, id, {}, 'cli', quiet)).run();
    assert.equal(end.status, 'finished');
    assert.equal(db.steps(id).length, 120);
    await assert.rejects(resumeSession(db, id, {}, 'cli', quiet), /already has 120 steps, its whole budget/);
  }),
);

test(
  'the paper preset: a human-gated warm-up counted as expert-involved, and a target network saved',
  withDb(async (db) => {
    const id = await train(db, { steps: 60, preset: 'paper', aim: { cadenceEvery: 10, cadenceSteps: 2 } });
    const steps = db.steps(id);
    const session = db.getSession(id);
    assert.equal(session?.config.aim.td, true);
    assert.equal(session?.config.aim.warmupMode, 'humanGatedPVP');
    const involved = steps.filter((s) => s.step < 30 || s.mode !== 'robot').length;
    assert.equal(session?.expertSteps, involved);
    assert.ok(db.models(id).some((m) => m.kind === 'proxy-q-target'));
  }),
);

test(
  'a resumed session continues its steps, episodes and checkpoints from where it ended',
  withDb(async (db) => {
    const id = await train(db, { steps: 80 });
    const before = db.models(id).length;
    const episodes = db.episodes(id).length;
    const session = await resumeSession(db, id, { steps: 140 }, 'cli', quiet);
    assert.equal(session.runner.status().step, 80);
    const end = await session.run();
    assert.equal(end.status, 'finished');
    assert.equal(end.steps, 140);
    const steps = db.steps(id);
    assert.deepEqual(
      steps.map((s) => s.step),
      Array.from({ length: 140 }, (_, i) => i),
    );
    assert.ok(
      steps.slice(80).every((s) => s.mode !== 'warmup'),
      'no second warm-up',
    );
    assert.ok(steps[80].episode > steps[79].episode, 'a new episode starts where the session resumed');
    assert.ok(db.models(id).length > before);
    assert.ok(db.episodes(id).length >= episodes);
    assert.equal(db.getSession(id)?.config.steps, 140);
    assert.equal(db.getSession(id)?.status, 'finished');
  }),
);

test(
  'a resume that cannot continue says why in one sentence and leaves the database as it was',
  withDb(async (db) => {
    const trained = await train(db, { steps: 40 });
    const warmupOnly = await train(db, { steps: 20 });
    const cases: Array<[number, number, RegExp]> = [
      [99, 100, /session 99 does not exist/],
      [warmupOnly, 100, /has no checkpoint \(it ended before the fit after warm-up\)/],
      [trained, 40, /already has 40 steps; give --steps more than that/],
    ];
    for (const [id, steps, message] of cases) {
      const state = snapshot(db, id);
      await assert.rejects(resumeSession(db, id, { steps }, 'cli', quiet), message);
      assert.equal(snapshot(db, id), state);
    }
    // A checkpoint for another environment's observation size.
    const foreign = createActor(12, 2, [256, 256], 1);
    db.saveModel(trained, {
      step: 40,
      expertSteps: 40,
      kind: 'actor',
      format: CHECKPOINT_FORMAT,
      data: encodeModel(await packModel(foreign)),
      metrics: db.models(trained).at(-1)?.metrics ?? null,
    });
    foreign.dispose();
    const state = snapshot(db, trained);
    await assert.rejects(
      resumeSession(db, trained, { steps: 100 }, 'cli', quiet),
      /the actor of checkpoint \d+ of session \d+ has weights of shapes \[12,256\].*needs \[259,256\]/,
    );
    assert.equal(snapshot(db, trained), state);
  }),
);
