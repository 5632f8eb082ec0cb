// Schema v2 (teleoperation) applied to a database written by a v1 build: rows survive, the new
// columns read as "not measured", and calibrations can be saved per device and operator.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { APPLICATION_ID, DatabaseError, openDatabase, SCHEMA_VERSION } from './database.ts';
import { MIGRATIONS } from './schema.ts';
import { G29_CALIBRATION, tempDir } from './test-support.ts';

/** A database exactly as a v1 build left it, with one session, a takeover and two raw samples. */
function v1Database(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0].sql);
  db.exec(`
    INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2026-01-01T00:00:00.000Z');
    INSERT INTO sessions (started_at, status, env, method, preset, seed, operator, backend, app_version,
      host, pid, config_json)
      VALUES ('2026-01-01T00:00:00.000Z', 'finished', 'toy', 'aim', 'reference', 1, 'ada', 'cpu', '0.1.0',
        'cli', 1, '{}');
    INSERT INTO takeovers (session_id, episode, start_step, end_step, "trigger", handback, request_step,
      reaction_ms, q_at_request, threshold_at_request, region)
      VALUES (1, 0, 40, 52, 'robot', 'agreement', 40, 830.5, 2.5, 1.25, 'S');
    INSERT INTO input_samples (session_id, t, device, axes, buttons, steer, throttle, brake)
      VALUES (1, 10.5, 'G29', x'000000000000f03f', x'', 0.5, 0.25, 0),
             (1, 15.5, 'G29', x'000000000000e03f', x'', 0.25, 0.25, 0);
  `);
  db.pragma('user_version = 1');
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.close();
}

const record = G29_CALIBRATION;

describe('schema v2', () => {
  it('migrates a v1 database, keeping its rows', () => {
    const file = path.join(tempDir(), 'v1.db');
    v1Database(file);
    const db = openDatabase(file);
    assert.equal(SCHEMA_VERSION, 2);
    const [takeover] = db.takeovers(1);
    assert.equal(takeover.trigger, 'robot');
    assert.equal(takeover.reactionMs, 830.5);
    assert.equal(takeover.durationMs, null, 'v1 did not measure durations');
    const samples = db.inputSamples(1);
    assert.deepEqual(
      samples.map((s) => [s.t, s.device, s.profile, s.steer, Array.from(s.axes)]),
      [
        [10.5, 'G29', '', 0.5, [1]],
        [15.5, 'G29', '', 0.25, [0.5]],
      ],
    );
    assert.equal(db.calibration('046d:c24f', 'ada'), undefined);
    db.close();
    const check = new Database(file, { readonly: true });
    assert.deepEqual(check.prepare('SELECT version FROM schema_migrations').pluck().all(), [1, 2]);
    assert.equal(check.pragma('user_version', { simple: true }), 2);
    check.close();
  });

  it('keeps one calibration per device and operator, falling back to the newest for the device', () => {
    const db = openDatabase(path.join(tempDir(), 'cal.db'));
    db.saveCalibration({ deviceKey: record.deviceKey, operator: 'ada', record });
    const bob = db.saveCalibration({
      deviceKey: record.deviceKey,
      operator: 'bob',
      record: { ...record, gain: 1 },
    });
    assert.equal(db.calibration(record.deviceKey, 'ada')?.record.gain, 1.5);
    assert.equal(db.calibration(record.deviceKey, 'bob')?.record.gain, 1);
    assert.equal(db.calibration(record.deviceKey, 'carol')?.operator, bob.operator, 'newest for the device');
    // Saving again replaces the operator's row.
    db.saveCalibration({ deviceKey: record.deviceKey, operator: 'ada', record: { ...record, gain: 2 } });
    assert.equal(db.calibration(record.deviceKey, 'ada')?.record.gain, 2);
    assert.equal(db.calibration('044f:b66e', 'ada'), undefined);
    assert.throws(
      () => db.saveCalibration({ deviceKey: 'x', operator: '', record: { ...record, gain: -1 } }),
      /gain/,
    );
    db.close();
    const readonly = openDatabase(db.path, { readonly: true });
    assert.throws(
      () => readonly.saveCalibration({ deviceKey: record.deviceKey, operator: 'ada', record }),
      DatabaseError,
    );
    readonly.close();
  });
});
