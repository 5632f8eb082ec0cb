// Decides whether a file may be opened as an AIM Workstation database, without changing it.
//
// Opening a file writable is not harmless even if we then refuse it: switching to WAL rewrites the
// header, and closing a writer checkpoints. So every verdict here comes from reading only: first
// the 100-byte header through plain fs, then, if the header cannot decide, a read-only SQLite
// connection. The header alone refuses non-SQLite files, other applications' ids and (through the
// user_version mirror, see schema.ts) newer AIM databases, which leaves not even a -shm file behind.
// A read-only connection on a WAL-mode file may create empty -wal/-shm files next to it (SQLite
// needs them to read); the database file itself is never written.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { messageOf } from './codec.ts';
import { DatabaseError } from './errors.ts';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema.ts';

export type Inspection =
  /** No file: a writable open creates one. */
  | { kind: 'missing' }
  /** A 0-byte file, or an SQLite file with no schema and no application id: ours to claim. */
  | { kind: 'fresh' }
  /** An AIM database at `version` (0 if our id is set but no migration has committed). */
  | { kind: 'aim'; version: number };

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;
// Offsets in the SQLite file header (sqlite.org/fileformat.html §1.3); both are big-endian u32.
const USER_VERSION_OFFSET = 60;
const APPLICATION_ID_OFFSET = 68;

/** Throws DatabaseError for a file this build must not open; otherwise says what it is. */
export function inspectDatabaseFile(file: string): Inspection {
  const stat = statOrUndefined(file);
  if (stat === undefined) return { kind: 'missing' };
  if (!stat.isFile())
    throw new DatabaseError('not-sqlite', `${file} is not an AIM Workstation database (not a regular file)`);
  if (stat.size === 0) return { kind: 'fresh' };

  const header = readHeader(file);
  if (header.length < HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw notSqlite(file);
  }
  const headerAppId = header.readUInt32BE(APPLICATION_ID_OFFSET);
  if (headerAppId !== 0 && headerAppId !== APPLICATION_ID) throw foreign(file);
  // The header can lag behind changes still sitting in a -wal file, but only towards older: a version
  // it shows was committed, so refusing on it is always right. Passing on it is not final: the
  // read-only connection below sees the WAL and reads schema_migrations itself.
  const headerVersion = header.readUInt32BE(USER_VERSION_OFFSET);
  if (headerAppId === APPLICATION_ID && headerVersion > SCHEMA_VERSION) throw newer(file, headerVersion);

  return inspectWithSqlite(file);
}

function inspectWithSqlite(file: string): Inspection {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
    if (appId === APPLICATION_ID) {
      const version = appliedVersion(db);
      if (version > SCHEMA_VERSION) throw newer(file, version);
      return { kind: 'aim', version };
    }
    if (appId === 0 && objects === 0) return { kind: 'fresh' };
    throw foreign(file);
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(
      'unreadable',
      `${file} could not be read as an SQLite database (${messageOf(error)}); it was left untouched`,
      { cause: error },
    );
  } finally {
    db?.close();
  }
}

/** The newest applied migration; 0 before the first one. Works on read-only and writable handles. */
export function appliedVersion(db: Database.Database): number {
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (hasTable === undefined) return 0;
  return db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number;
}

export function newer(file: string, version: number): DatabaseError {
  return new DatabaseError(
    'newer',
    `${file} was written by a newer AIM Workstation (schema v${version}; this build reads up to v${SCHEMA_VERSION}); it was left untouched`,
  );
}

function notSqlite(file: string): DatabaseError {
  return new DatabaseError('not-sqlite', `${file} is not an AIM Workstation database (not an SQLite file)`);
}

function foreign(file: string): DatabaseError {
  return new DatabaseError(
    'foreign',
    `${file} is not an AIM Workstation database (an SQLite database of another application); it was left untouched`,
  );
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw new DatabaseError('unreadable', `${file} could not be read (${messageOf(error)})`, {
      cause: error,
    });
  }
}

function readHeader(file: string): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const header = Buffer.alloc(HEADER_BYTES);
    const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
    return header.subarray(0, read);
  } catch (error) {
    throw new DatabaseError('unreadable', `${file} could not be read (${messageOf(error)})`, {
      cause: error,
    });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
