// Sessions: their lifecycle, interrupted runs, deletion with everything that belongs to them,
// and the rows written outside the recorder (checkpoints, evaluations).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sessionConfigSchema } from '../contract/session-config.ts';
import { DatabaseError, openDatabase, processIsAlive, type AimDatabase } from './database.ts';
import type { EvaluationRecord, ModelRecord } from './records.ts';
import { gridScene, newSession, sampleStep, tempDir } from './test-support.ts';

// Above Linux's largest pid_max (2^22) and macOS's 99998: no process can have it.
const DEAD_PID = 2_147_483_646;

function open(): { file: string; db: AimDatabase } {
  const file = path.join(tempDir(), 'aim.db');
  return { file, db: openDatabase(file) };
}

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof DatabaseError && error.code === code;
}

describe('session lifecycle', () => {
  it('creates, pauses, counts and finishes a session, config read back typed', () => {
    const { db } = open();
    const config = sessionConfigSchema.parse({
      operator: 'grace',
      seed: 42,
      env: 'driving',
      pace: 'realtime',
      delta: 0.1,
    });
    const id = db.createSession(newSession({ config, backend: 'wasm', host: 'electron' }));

    const created = db.getSession(id);
    assert.ok(created);
    assert.deepEqual(created.config, config);
    assert.equal(created.status, 'running');
    assert.equal(created.endedAt, null);
    assert.match(created.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      [
        created.env,
        created.method,
        created.preset,
        created.seed,
        created.operator,
        created.backend,
        created.host,
        created.pid,
      ],
      ['driving', 'aim', 'reference', 42, 'grace', 'wasm', 'electron', process.pid],
    );

    db.setSessionStatus(id, 'paused', 'The wheel was unplugged');
    assert.equal(db.getSession(id)?.status, 'paused');
    assert.equal(db.getSession(id)?.message, 'The wheel was unplugged');
    db.setSessionStatus(id, 'running');
    assert.equal(db.getSession(id)?.message, null);

    db.updateSessionProgress(id, {
      steps: 100,
      episodes: 2,
      expertSteps: 30,
      takeovers: 3,
      successRate: 0.5,
    });
    assert.equal(db.getSession(id)?.expertSteps, 30);

    db.finishSession(id, {
      status: 'finished',
      message: null,
      steps: 120,
      episodes: 3,
      expertSteps: 31,
      takeovers: 4,
      successRate: 2 / 3,
    });
    const done = db.getSession(id);
    assert.equal(done?.status, 'finished');
    assert.equal(done?.steps, 120);
    assert.equal(done?.successRate, 2 / 3);
    assert.ok(done?.endedAt !== null && done?.endedAt !== undefined && done.endedAt >= done.startedAt);
    db.close();
  });

  it('keeps every backend name, the older ones and wasm-blas, in the row and in the config', () => {
    const { db } = open();
    for (const backend of ['tfjs-node', 'wasm-blas', 'wasm', 'cpu'] as const) {
      const config = sessionConfigSchema.parse({ env: 'toy', backend });
      const id = db.createSession(newSession({ config, backend, host: 'cli' }));
      const row = db.getSession(id);
      assert.deepEqual([row?.backend, row?.config.backend], [backend, backend]);
    }
    assert.throws(() => sessionConfigSchema.parse({ env: 'toy', backend: 'blas' }));
    db.close();
  });

  it('lists sessions newest first, up to a limit', () => {
    const { db } = open();
    const ids = [1, 2, 3].map((n) =>
      db.createSession(newSession({ config: sessionConfigSchema.parse({ operator: `op${n}` }) })),
    );
    const rows = db.listSessions(2);
    assert.deepEqual(
      rows.map((r) => r.id),
      [ids[2], ids[1]],
    );
    assert.deepEqual(rows[0], {
      id: ids[2],
      startedAt: rows[0].startedAt,
      operator: 'op3',
      env: 'toy',
      method: 'aim',
      status: 'running',
      steps: 0,
      expertSteps: 0,
      takeovers: 0,
      successRate: null,
    });
    assert.equal(db.listSessions().length, 3);
    db.close();
  });

  it('says which session does not exist', () => {
    const { db } = open();
    const progress = { steps: 0, episodes: 0, expertSteps: 0, takeovers: 0, successRate: null };
    assert.equal(db.getSession(99), undefined);
    assert.throws(() => db.updateSessionProgress(99, progress), isCode('session'));
    assert.throws(
      () => db.finishSession(99, { ...progress, status: 'failed', message: 'x' }),
      isCode('session'),
    );
    assert.throws(() => db.setSessionStatus(99, 'paused'), isCode('session'));
    db.close();
  });

  it('refuses to read a config this build cannot parse, but still lists the session', () => {
    const { file, db } = open();
    const id = db.createSession(newSession());
    const other = new Database(file);
    other.prepare('UPDATE sessions SET config_json = ? WHERE id = ?').run('{"env":"moon-buggy"}', id);
    other.close();
    assert.throws(() => db.getSession(id), isCode('invalid-row'));
    assert.deepEqual(
      db.listSessions().map((r) => r.id),
      [id],
    );
    db.close();
  });
});

describe('interrupted sessions', () => {
  it('marks running and paused sessions of dead processes, never our own or ended ones', () => {
    const { db } = open();
    const ours = db.createSession(newSession());
    const alive = db.createSession(newSession({ pid: 1001 }));
    const deadRunning = db.createSession(newSession({ pid: 1002 }));
    const deadPaused = db.createSession(newSession({ pid: 1003 }));
    const deadFinished = db.createSession(newSession({ pid: 1004 }));
    db.setSessionStatus(deadPaused, 'paused');
    db.finishSession(deadFinished, {
      status: 'finished',
      message: null,
      steps: 1,
      episodes: 1,
      expertSteps: 0,
      takeovers: 0,
      successRate: 1,
    });

    const asked: number[] = [];
    const isAlive = (pid: number): boolean => {
      asked.push(pid);
      return pid === 1001;
    };
    const marked = db.markDeadSessionsInterrupted(isAlive);
    assert.equal(marked, 2);
    assert.ok(!asked.includes(process.pid), 'our own pid is not even asked about');
    const status = (id: number) => db.getSession(id)?.status;
    assert.deepEqual([ours, alive, deadRunning, deadPaused, deadFinished].map(status), [
      'running',
      'running',
      'interrupted',
      'interrupted',
      'finished',
    ]);
    assert.match(db.getSession(deadRunning)?.message ?? '', /pid 1002/);
    assert.equal(db.markDeadSessionsInterrupted(isAlive), 0, 'marking twice marks nothing new');
    db.close();
  });

  it('are marked when a writable database opens, with the real process check', () => {
    const { file, db } = open();
    const ours = db.createSession(newSession());
    const gone = db.createSession(newSession({ pid: DEAD_PID }));
    db.close();

    const reopened = openDatabase(file);
    assert.equal(reopened.getSession(ours)?.status, 'running');
    assert.equal(reopened.getSession(gone)?.status, 'interrupted');
    reopened.close();
  });

  it('processIsAlive answers for this process, for none, and for nonsense', () => {
    assert.equal(processIsAlive(process.pid), true);
    assert.equal(processIsAlive(DEAD_PID), false);
    assert.equal(processIsAlive(0), false);
    assert.equal(processIsAlive(-1), false);
  });
});

const TABLES = [
  'sessions',
  'steps',
  'scenes',
  'episodes',
  'takeovers',
  'input_samples',
  'models',
  'evaluations',
];

function countsFor(file: string, sessionId: number): Record<string, number> {
  const reader = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      TABLES.map((t) => [
        t,
        reader
          .prepare(`SELECT count(*) FROM ${t} WHERE ${t === 'sessions' ? 'id' : 'session_id'} = ?`)
          .pluck()
          .get(sessionId) as number,
      ]),
    );
  } finally {
    reader.close();
  }
}

const sampleModel: ModelRecord = {
  step: 10,
  expertSteps: 4,
  kind: 'actor',
  format: 'tfjs',
  data: new Uint8Array([1, 2, 3]),
  metrics: null,
};
const sampleEvaluation: EvaluationRecord = {
  step: 10,
  expertSteps: 4,
  episodes: 5,
  successRate: 0.8,
  meanReturn: 250.5,
  routeCompletion: 0.9,
  crashRate: 0.2,
  outOfRoadRate: 0,
  meanCost: 0.4,
};

function fill(db: AimDatabase, id: number): void {
  const recorder = db.recorder(id);
  for (let step = 0; step < 5; step++) recorder.step(sampleStep(step));
  recorder.scene({ episode: 0, seed: 1, scene: gridScene });
  recorder.episode({
    episode: 0,
    seed: 1,
    startStep: 0,
    steps: 5,
    success: true,
    return: 1,
    cost: 0,
    routeCompletion: 1,
    takeovers: 1,
    crash: false,
    outOfRoad: false,
  });
  recorder.takeover({
    episode: 0,
    startStep: 1,
    endStep: 2,
    trigger: 'robot',
    handback: 'agreement',
    requestStep: 1,
    reactionMs: null,
    qAtRequest: 1,
    thresholdAtRequest: 0.5,
    region: 'S',
  });
  recorder.inputSamples([
    { t: 0, device: 'keyboard', axes: [0], buttons: [1], steer: 0, throttle: 1, brake: 0 },
  ]);
  recorder.close();
  db.saveModel(id, sampleModel);
  db.saveEvaluation(id, sampleEvaluation);
}

describe('deleting a session', () => {
  it('deletes every row that belongs to it and nothing else', () => {
    const { file, db } = open();
    const doomed = db.createSession(newSession());
    const kept = db.createSession(newSession());
    fill(db, doomed);
    fill(db, kept);
    const full = Object.fromEntries(TABLES.map((t) => [t, t === 'steps' ? 5 : 1]));
    assert.deepEqual(countsFor(file, doomed), full);

    assert.equal(db.deleteSession(doomed), true);
    assert.deepEqual(countsFor(file, doomed), Object.fromEntries(TABLES.map((t) => [t, 0])));
    assert.deepEqual(countsFor(file, kept), full);
    assert.equal(db.deleteSession(doomed), false);
    db.close();
  });

  it('is refused while the session is being recorded', () => {
    const { db } = open();
    const id = db.createSession(newSession());
    const recorder = db.recorder(id);
    assert.throws(() => db.deleteSession(id), isCode('session'));
    recorder.close();
    assert.equal(db.deleteSession(id), true);
    db.close();
  });

  it('never hands out a deleted id again', () => {
    const { db } = open();
    const first = db.createSession(newSession());
    db.deleteSession(first);
    assert.ok(db.createSession(newSession()) > first);
    db.close();
  });
});

describe('checkpoints and evaluations', () => {
  it('keep the bytes and metrics of each checkpoint, newest per kind on request', () => {
    const { db } = open();
    const id = db.createSession(newSession());
    const pool = new Uint8Array([9, 9, 10, 20, 30, 9]);
    const first = db.saveModel(id, {
      ...sampleModel,
      data: pool.subarray(2, 5),
      metrics: { loss: 0.25, lr: 1e-4 },
    });
    const second = db.saveModel(id, { ...sampleModel, step: 20, data: new Uint8Array([7]) });
    const q = db.saveModel(id, { ...sampleModel, kind: 'proxy-q', data: new Uint8Array([8, 8]) });

    assert.deepEqual(db.latestModel(id, 'actor'), { ...db.model(second) });
    const latest = db.latestModel(id, 'actor');
    assert.equal(latest?.id, second);
    assert.deepEqual(latest?.data, new Uint8Array([7]));
    assert.equal(db.latestModel(id, 'proxy-q')?.id, q);
    assert.equal(db.latestModel(id, 'critic'), undefined);

    const firstRow = db.model(first);
    assert.deepEqual(firstRow?.data, new Uint8Array([10, 20, 30]));
    assert.deepEqual(firstRow?.metrics, { loss: 0.25, lr: 1e-4 });
    assert.equal(firstRow?.sessionId, id);

    const infos = db.models(id);
    assert.deepEqual(
      infos.map((m) => [m.id, m.kind, m.step, m.bytes]),
      [
        [first, 'actor', 10, 3],
        [second, 'actor', 20, 1],
        [q, 'proxy-q', 10, 2],
      ],
    );
    assert.ok(infos.every((m) => !('data' in m)));
    assert.throws(() => db.saveModel(id + 100, sampleModel), isCode('session'));
    db.close();
  });

  it('keep evaluations in step order', () => {
    const { db } = open();
    const id = db.createSession(newSession());
    db.saveEvaluation(id, { ...sampleEvaluation, step: 20 });
    const earlier = db.saveEvaluation(id, sampleEvaluation);
    const rows = db.evaluations(id);
    assert.deepEqual(
      rows.map((r) => r.step),
      [10, 20],
    );
    const { id: rowId, sessionId, createdAt, ...values } = rows[0];
    assert.deepEqual([rowId, sessionId], [earlier, id]);
    assert.match(createdAt, /Z$/);
    assert.deepEqual(values, sampleEvaluation);
    assert.throws(() => db.saveEvaluation(id + 100, sampleEvaluation), isCode('session'));
    db.close();
  });
});
