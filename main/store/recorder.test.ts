// The batched recorder: what becomes visible when, what round-trips, and how failures surface.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { DatabaseError, openDatabase, type AimDatabase } from './database.ts';
import type { EpisodeRecord, InputSampleRecord, StepRecord, TakeoverRecord } from './records.ts';
import { gridScene, newSession, roadScene, sampleStep, tempDir } from './test-support.ts';

function setup(): { file: string; db: AimDatabase; id: number } {
  const file = path.join(tempDir(), 'aim.db');
  const db = openDatabase(file);
  return { file, db, id: db.createSession(newSession()) };
}

/** A second connection, as a review window or `aim sessions` in another process would have. */
function countSteps(file: string): number {
  const reader = new Database(file, { readonly: true });
  try {
    return reader.prepare('SELECT count(*) FROM steps').pluck().get() as number;
  } finally {
    reader.close();
  }
}

/** What steps() should give back for a record: actions as plain arrays. */
function expected(r: StepRecord): StepRecord {
  return {
    ...r,
    novice: Array.from(r.novice),
    applied: Array.from(r.applied),
    human: r.human === null ? null : Array.from(r.human),
  };
}

function isRecorderError(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === 'recorder';
}

describe('batching', () => {
  it('shows nothing to another connection before a flush, and everything after', () => {
    const { file, db, id } = setup();
    const recorder = db.recorder(id);
    for (let step = 0; step < 50; step++) recorder.step(sampleStep(step));
    assert.equal(countSteps(file), 0);
    recorder.flush();
    assert.equal(countSteps(file), 50);
    recorder.close();
    db.close();
  });

  it('flushes inline once maxQueued rows wait', () => {
    const { file, db, id } = setup();
    const recorder = db.recorder(id, { flushMs: Infinity, maxQueued: 10 });
    for (let step = 0; step < 25; step++) recorder.step(sampleStep(step));
    assert.equal(countSteps(file), 20);
    recorder.close();
    assert.equal(countSteps(file), 25);
    db.close();
  });

  it('flushes on its timer', async () => {
    const { file, db, id } = setup();
    const recorder = db.recorder(id, { flushMs: 5 });
    recorder.step(sampleStep(0));
    recorder.step(sampleStep(1));
    // Not a timing assertion: node fires timers in order of expiry, so the recorder's 5 ms timer,
    // armed first, has always run before this 50 ms one resolves.
    await sleep(50);
    assert.equal(countSteps(file), 2);
    recorder.close();
    db.close();
  });

  it('writes the session counters in the same transaction as the rows', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    recorder.step(sampleStep(0));
    recorder.progress({ steps: 1, episodes: 0, expertSteps: 1, takeovers: 0, successRate: null });
    assert.equal(db.getSession(id)?.steps, 0);
    recorder.flush();
    const session = db.getSession(id);
    assert.equal(session?.steps, 1);
    assert.equal(session?.expertSteps, 1);
    recorder.close();
    db.close();
  });

  it('is flushed by close() and by closing the database', () => {
    const { file, db, id } = setup();
    const recorder = db.recorder(id, { flushMs: Infinity });
    recorder.step(sampleStep(0));
    recorder.close();
    recorder.close();
    assert.equal(countSteps(file), 1);
    assert.throws(() => recorder.step(sampleStep(1)), isRecorderError);

    db.recorder(id, { flushMs: Infinity }).step(sampleStep(1));
    db.close();
    assert.equal(countSteps(file), 2);
  });

  it('is one per session', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    assert.throws(
      () => db.recorder(id),
      (e) => e instanceof DatabaseError && e.code === 'session',
    );
    assert.throws(
      () => db.recorder(id + 1),
      (e) => e instanceof DatabaseError && e.code === 'session',
    );
    recorder.close();
    db.recorder(id).close();
    db.close();
  });
});

describe('a crash', () => {
  it('loses only the unflushed batch, and the session reads as interrupted', () => {
    const file = path.join(tempDir(), 'aim.db');
    // A real second process that dies mid-session: no close(), no exit handlers, no final flush.
    const script = `
      const { openDatabase } = await import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'database.ts')).href)});
      const { newSession, sampleStep } = await import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'test-support.ts')).href)});
      const db = openDatabase(${JSON.stringify(file)});
      const recorder = db.recorder(db.createSession(newSession()), { flushMs: Infinity });
      for (let step = 0; step < 15; step++) {
        recorder.step(sampleStep(step));
        if (step === 9) recorder.flush();
      }
      process.exit(3);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 3, child.stderr);

    const db = openDatabase(file);
    const [session] = db.listSessions();
    assert.equal(session.status, 'interrupted');
    assert.deepEqual(
      db.steps(session.id).map((r) => r.step),
      Array.from({ length: 10 }, (_, i) => i),
    );
    db.close();
  });
});

describe('round trips', () => {
  it('keeps every field of a step, blobs included', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    const records = Array.from({ length: 30 }, (_, step) => sampleStep(step, Math.floor(step / 10)));
    for (const r of records) recorder.step(r);
    recorder.close();
    assert.deepEqual(db.steps(id), records.map(expected));
    db.close();
  });

  it('copies typed arrays that are windows into larger, reused buffers', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    const obsPool = new Float32Array(16).fill(9);
    const framePool = new Float64Array(16).fill(9);
    const r = { ...sampleStep(0), obs: obsPool.subarray(3, 7), frame: framePool.subarray(5, 8) };
    r.obs.set([1, 2, 3, 4]);
    r.frame.set([0.1, 0.2, 0.3]);
    recorder.step(r);
    obsPool.fill(-1); // the loop reuses its buffers before the flush
    framePool.fill(-1);
    recorder.close();
    const [row] = db.steps(id);
    assert.deepEqual(row.obs, new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(row.frame, new Float64Array([0.1, 0.2, 0.3]));
    db.close();
  });

  it('keeps one-component actions, and records a NaN Q as missing', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    recorder.step({ ...sampleStep(0), novice: [3], applied: [5], human: [5], q: NaN, threshold: Infinity });
    recorder.close();
    const [row] = db.steps(id);
    assert.deepEqual(
      [row.novice, row.applied, row.human, row.q, row.threshold],
      [[3], [5], [5], null, Infinity],
    );
    db.close();
  });

  it('reads a step range, both ends inclusive', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    for (let step = 0; step < 40; step++) recorder.step(sampleStep(step));
    recorder.close();
    assert.deepEqual(
      db.steps(id, 10, 20).map((r) => r.step),
      Array.from({ length: 11 }, (_, i) => 10 + i),
    );
    assert.deepEqual(
      db.steps(id, 35).map((r) => r.step),
      [35, 36, 37, 38, 39],
    );
    db.close();
  });

  it('keeps takeovers, episodes, scenes and input samples', () => {
    const { db, id } = setup();
    const recorder = db.recorder(id);
    const takeovers: TakeoverRecord[] = [
      {
        episode: 0,
        startStep: 4,
        endStep: 9,
        trigger: 'robot',
        handback: 'agreement',
        requestStep: 3,
        reactionMs: 412.5,
        qAtRequest: 0.75,
        thresholdAtRequest: 0.5,
        region: 'C',
        durationMs: 612.25,
      },
      {
        episode: 1,
        startStep: 20,
        endStep: 21,
        trigger: 'human',
        handback: 'release',
        requestStep: null,
        reactionMs: null,
        qAtRequest: null,
        thresholdAtRequest: null,
        region: '',
        durationMs: null,
      },
    ];
    const episodes: EpisodeRecord[] = [
      {
        episode: 0,
        seed: 100,
        startStep: 0,
        steps: 15,
        success: true,
        return: 123.5,
        cost: 0,
        routeCompletion: 1,
        takeovers: 1,
        crash: false,
        outOfRoad: false,
      },
      {
        episode: 1,
        seed: 101,
        startStep: 15,
        steps: 9,
        success: false,
        return: -3.25,
        cost: 2,
        routeCompletion: 0.375,
        takeovers: 1,
        crash: true,
        outOfRoad: true,
      },
    ];
    const samples: InputSampleRecord[] = [
      {
        t: 1000.125,
        device: 'Logitech G920 (046d:c262)',
        profile: 'logitech-g920',
        axes: [0.1, -1, 1, 0.3333333333333333],
        buttons: [0, 1, 0.5],
        steer: 0.1,
        throttle: 0.75,
        brake: 0,
      },
      {
        t: 1004.125,
        device: 'keyboard',
        profile: '',
        axes: [],
        buttons: [],
        steer: -1,
        throttle: 0,
        brake: 1,
      },
    ];
    recorder.scene({ episode: 0, seed: 100, scene: roadScene });
    recorder.scene({ episode: 1, seed: 101, scene: gridScene });
    for (const t of takeovers) recorder.takeover(t);
    for (const e of episodes) recorder.episode(e);
    recorder.inputSamples(samples);
    recorder.close();

    assert.deepEqual(
      db.takeovers(id).map(({ id: _, ...t }) => t),
      takeovers,
    );
    assert.deepEqual(db.episodes(id), episodes);
    assert.deepEqual(db.scenes(id), [
      { episode: 0, seed: 100, scene: roadScene },
      { episode: 1, seed: 101, scene: gridScene },
    ]);
    assert.deepEqual(
      db.inputSamples(id),
      samples.map((s) => ({ ...s, axes: Float64Array.from(s.axes), buttons: Float64Array.from(s.buttons) })),
    );
    assert.deepEqual(
      db.inputSamples(id, 1001, 2000).map((s) => s.device),
      ['keyboard'],
    );
    db.close();
  });
});

describe('failures', () => {
  it('rejects a bad record at the call, queueing none of it', () => {
    const { file, db, id } = setup();
    const recorder = db.recorder(id);
    assert.throws(() => recorder.step({ ...sampleStep(0), novice: [1, 2, 3] }), RangeError);
    assert.throws(() => recorder.step({ ...sampleStep(0), reward: NaN }), RangeError);
    assert.throws(() => recorder.step({ ...sampleStep(0), step: 1.5 }), RangeError);
    assert.throws(
      () => recorder.step({ ...sampleStep(0), obs: [1, 2] as unknown as Float32Array }),
      TypeError,
    );
    const good = { t: 1, device: 'pad', axes: [0], buttons: [0], steer: 0, throttle: 0, brake: 0 };
    assert.throws(() => recorder.inputSamples([good, { ...good, steer: NaN }]), RangeError);
    recorder.close();
    assert.equal(countSteps(file), 0);
    assert.deepEqual(db.inputSamples(id), []);
    db.close();
  });

  it('loses a failed batch as a whole and keeps saying so', () => {
    const { file, db, id } = setup();
    const recorder = db.recorder(id);
    recorder.step(sampleStep(0));
    recorder.flush();
    recorder.step(sampleStep(1));
    recorder.step(sampleStep(1)); // the same primary key twice: the transaction must roll back
    assert.throws(() => recorder.flush(), isRecorderError);
    assert.equal(countSteps(file), 1);
    assert.throws(() => recorder.step(sampleStep(2)), isRecorderError);
    assert.throws(() => recorder.close(), isRecorderError);
    // Closed despite the failure: the session can get a new recorder.
    db.recorder(id).close();
    db.close();
  });

  it('reports a failed timer flush to onError instead of crashing the process', async () => {
    const { db, id } = setup();
    const errors: DatabaseError[] = [];
    const recorder = db.recorder(id, { flushMs: 5, onError: (error) => errors.push(error) });
    recorder.step(sampleStep(0));
    recorder.step(sampleStep(0));
    await sleep(50); // see 'flushes on its timer' for why this is not a timing assertion
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /^Recording session \d+ failed and the last 2 rows were not saved/);
    assert.throws(
      () => recorder.step(sampleStep(1)),
      (e) => e === errors[0],
    );
    assert.throws(
      () => recorder.close(),
      (e) => e === errors[0],
    );
    db.close();
  });
});
