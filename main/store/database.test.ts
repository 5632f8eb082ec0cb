// Opening, validating and migrating database files; above all, refusing files that are not ours
// (or are ours from a newer build) without changing a byte of them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { APPLICATION_ID, DatabaseError, openDatabase, SCHEMA_VERSION } from './database.ts';
import { fingerprint, listing, newSession, tempDir } from './test-support.ts';

const TABLES = [
  'calibrations',
  'episodes',
  'evaluations',
  'input_samples',
  'models',
  'scenes',
  'schema_migrations',
  'sessions',
  'steps',
  'takeovers',
];

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

/** Runs SQL on a file with a plain connection, as another program (or a newer build) would. */
function raw(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

function refusal(code: string, message?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof DatabaseError, `expected a DatabaseError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  };
}

/** Opens `file` expecting a refusal, and checks the file (and, if asked, its folder) did not change. */
function assertRefusedUntouched(
  file: string,
  code: string,
  options: { message?: string; sameFolder?: boolean } = {},
): void {
  const before = fingerprint(file);
  const folderBefore = listing(path.dirname(file));
  assert.throws(() => openDatabase(file), refusal(code, options.message));
  assert.throws(() => openDatabase(file, { readonly: true }), refusal(code, options.message));
  assert.deepEqual(fingerprint(file), before);
  if (options.sameFolder === true) assert.deepEqual(listing(path.dirname(file)), folderBefore);
}

describe('a fresh database', () => {
  it('is created with the newest schema, our application id and WAL, folders included', () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'aim.db');
    const db = openDatabase(file);
    assert.equal(db.path, path.resolve(file));
    assert.equal(db.readonly, false);
    db.close();

    assert.equal(SCHEMA_VERSION, 2);
    assert.deepEqual(tables(file), TABLES);
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('application_id', { simple: true }), APPLICATION_ID);
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(check.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(check.prepare('SELECT version FROM schema_migrations').pluck().all(), [1, 2]);
    check.close();

    // The id sits in the header too, where `file(1)` and our own inspection read it.
    const header = fs.readFileSync(file).subarray(0, 100);
    assert.equal(header.readUInt32BE(68), 0x41494d57);
  });

  it('reopens idempotently, keeping its data and one row per migration', () => {
    const file = path.join(tempDir(), 'aim.db');
    const first = openDatabase(file);
    const id = first.createSession(newSession());
    first.close();
    for (let i = 0; i < 3; i++) openDatabase(file).close();

    const db = openDatabase(file);
    assert.equal(
      db.getSession(id)?.status,
      'running',
      'our own process is alive, so its session is not interrupted',
    );
    db.close();
    const check = new Database(file, { readonly: true });
    assert.equal(check.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), SCHEMA_VERSION);
    check.close();
  });

  it('claims a 0-byte file', () => {
    const file = path.join(tempDir(), 'empty.db');
    fs.writeFileSync(file, '');
    openDatabase(file).close();
    assert.deepEqual(tables(file), TABLES);
  });

  it('claims an SQLite file with no schema and no application id', () => {
    const file = path.join(tempDir(), 'blank.db');
    raw(file, 'CREATE TABLE scratch (a); DROP TABLE scratch;');
    assert.ok(fs.statSync(file).size > 0);
    openDatabase(file).close();
    assert.deepEqual(tables(file), TABLES);
  });
});

describe('refusals leave the file byte-for-byte untouched', () => {
  it('refuses a database whose schema_migrations names a newer version', () => {
    const file = path.join(tempDir(), 'future.db');
    openDatabase(file).close();
    const next = SCHEMA_VERSION + 1;
    // Only the table, not the header's user_version: the read-only connection must catch it.
    raw(
      file,
      `INSERT INTO schema_migrations (version, applied_at) VALUES (${next}, '2030-01-01T00:00:00.000Z')`,
    );
    assertRefusedUntouched(file, 'newer', {
      message: `${file} was written by a newer AIM Workstation (schema v${next}; this build reads up to v${SCHEMA_VERSION}); it was left untouched`,
    });
  });

  it('refuses a newer database from its header alone, creating no files beside it', () => {
    const file = path.join(tempDir(), 'future.db');
    openDatabase(file).close();
    raw(
      file,
      `INSERT INTO schema_migrations (version, applied_at) VALUES (${SCHEMA_VERSION + 1}, '2030-01-01T00:00:00.000Z'); PRAGMA user_version = ${SCHEMA_VERSION + 1};`,
    );
    assertRefusedUntouched(file, 'newer', { sameFolder: true });
  });

  it("refuses another application's SQLite database", () => {
    const file = path.join(tempDir(), 'other.sqlite');
    raw(file, "CREATE TABLE foo (a TEXT); INSERT INTO foo VALUES ('bar');");
    assertRefusedUntouched(file, 'foreign', {
      message: `${file} is not an AIM Workstation database (an SQLite database of another application); it was left untouched`,
      sameFolder: true,
    });
  });

  it('refuses an SQLite database carrying another application id, even with no tables', () => {
    const file = path.join(tempDir(), 'other.sqlite');
    raw(file, 'PRAGMA application_id = 0x12345678;');
    assertRefusedUntouched(file, 'foreign', { sameFolder: true });
  });

  it('refuses a text file', () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(10));
    assertRefusedUntouched(file, 'not-sqlite', {
      message: `${file} is not an AIM Workstation database (not an SQLite file)`,
      sameFolder: true,
    });
  });

  it('refuses a file too short to hold an SQLite header', () => {
    const file = path.join(tempDir(), 'short.db');
    fs.writeFileSync(file, 'SQLite format 3\0');
    assertRefusedUntouched(file, 'not-sqlite', { sameFolder: true });
  });

  it('refuses a folder', () => {
    const dir = tempDir();
    assert.throws(() => openDatabase(dir), refusal('not-sqlite'));
  });
});

describe('read-only opens', () => {
  it('read what is there, refuse writes and change nothing', () => {
    const file = path.join(tempDir(), 'aim.db');
    const writer = openDatabase(file);
    const id = writer.createSession(newSession());
    writer.close();
    const before = fingerprint(file);

    const db = openDatabase(file, { readonly: true });
    assert.equal(db.readonly, true);
    assert.equal(db.getSession(id)?.config.operator, 'ada');
    assert.throws(() => db.createSession(newSession()), refusal('readonly'));
    assert.throws(() => db.recorder(id), refusal('readonly'));
    assert.throws(() => db.markDeadSessionsInterrupted(), refusal('readonly'));
    db.close();
    assert.deepEqual(fingerprint(file), before);
  });

  it('refuse a missing file without creating it', () => {
    const file = path.join(tempDir(), 'missing.db');
    assert.throws(() => openDatabase(file, { readonly: true }), refusal('missing', `${file} does not exist`));
    assert.equal(fs.existsSync(file), false);
  });

  it('refuse an empty file, which holds nothing to read', () => {
    const file = path.join(tempDir(), 'empty.db');
    fs.writeFileSync(file, '');
    assert.throws(() => openDatabase(file, { readonly: true }), refusal('missing'));
    assert.equal(fs.statSync(file).size, 0);
  });
});

describe('DatabaseError', () => {
  it('is an Error with a name and a code', () => {
    const error = new DatabaseError('foreign', 'x is not ours');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'DatabaseError');
    assert.equal(error.code, 'foreign');
  });
});
