// A consistent copy of the database while the app may be writing to it. VACUUM INTO reads the whole
// database inside one read transaction, so the copy is a snapshot of a single moment (WAL lets the
// writer go on meanwhile), and it comes out compacted. SQLite's online backup API (db.backup()) was
// the other candidate; it restarts from the first page whenever another connection writes, which a
// session recording every 250 ms would do again and again.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { messageOf } from '../codec.ts';
import { DatabaseError } from '../errors.ts';
import { inspectDatabaseFile } from '../inspect.ts';
import { writeAtomically } from './atomic-file.ts';

export interface BackupOptions {
  /** Replace an existing backup file. */
  force?: boolean;
}

export interface BackupResult {
  source: string;
  file: string;
  bytes: number;
  sessions: number;
  steps: number;
  seconds: number;
}

/** Copies an AIM Workstation database to `target`; the copy is checked before it takes its name. */
export async function backupDatabase(
  source: string,
  target: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const started = performance.now();
  const from = path.resolve(source);
  const file = path.resolve(target);
  const inspection = inspectDatabaseFile(from);
  if (inspection.kind !== 'aim')
    throw new DatabaseError('missing', `${from} holds no AIM Workstation database to back up`);
  if (from === file) throw new DatabaseError('unreadable', `${from} cannot be backed up onto itself`);
  const counts = await writeAtomically(file, { force: options.force, what: 'the backup' }, (temporary) => {
    snapshot(from, temporary);
    return verify(temporary);
  });
  return {
    source: from,
    file,
    bytes: fs.statSync(file).size,
    ...counts,
    seconds: (performance.now() - started) / 1000,
  };
}

function snapshot(from: string, temporary: string): void {
  let db: Database.Database | undefined;
  try {
    // Read-only: a backup never changes the database it copies (not even a checkpoint).
    db = new Database(from, { readonly: true, fileMustExist: true });
    db.prepare('VACUUM INTO ?').run(temporary);
  } catch (error) {
    throw new Error(`SQLite: ${messageOf(error)}`, { cause: error });
  } finally {
    db?.close();
  }
}

/** Opens the copy as SQLite would on a restore; a damaged copy fails here, before it is published. */
function verify(temporary: string): { sessions: number; steps: number } {
  const db = new Database(temporary, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed SQLite's quick_check (${String(check)})`);
    return {
      sessions: db.prepare('SELECT count(*) FROM sessions').pluck().get() as number,
      steps: db.prepare('SELECT count(*) FROM steps').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}
