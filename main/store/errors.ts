// The one error type the store throws for things a user (or a caller) can cause: a wrong file, a file
// from a newer build, a write to a read-only database, a recording that failed. Hosts show `message`
// as is, so every message is one sentence that names the file or the session.

export type DatabaseErrorCode =
  /** The file is not an SQLite database at all. */
  | 'not-sqlite'
  /** An SQLite database that belongs to another application. */
  | 'foreign'
  /** An AIM Workstation database from a newer build (higher schema version). */
  | 'newer'
  /** SQLite could not read the file (damaged, locked, unreadable). */
  | 'unreadable'
  /** A read-only open of a file that does not exist or holds no AIM data yet. */
  | 'missing'
  /** A read-only open of a database that needs a migration first. */
  | 'outdated'
  /** A write through a read-only handle. */
  | 'readonly'
  /** A session id that does not exist, or that is busy (being recorded). */
  | 'session'
  /** The batched recorder lost rows, or was used after close. */
  | 'recorder'
  /** A stored row that this build cannot decode (e.g. a config that no longer validates). */
  | 'invalid-row';

export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
    this.code = code;
  }
}
