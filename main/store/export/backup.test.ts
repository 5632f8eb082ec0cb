// Database backups: a readable, complete copy; refusals that leave everything as it was.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseError, openDatabase } from '../database.ts';
import { fingerprint, listing, newSession, sampleStep, tempDir } from '../test-support.ts';
import { backupDatabase } from './backup.ts';
import { ExportError } from './errors.ts';

function recorded(): { dir: string; file: string; id: number } {
  const dir = tempDir();
  const file = path.join(dir, 'aim.db');
  const db = openDatabase(file);
  const id = db.createSession(newSession());
  const recorder = db.recorder(id);
  for (let n = 0; n < 30; n++) recorder.step(sampleStep(n));
  recorder.close();
  db.close();
  return { dir, file, id };
}

describe('backupDatabase', () => {
  it('writes a copy that opens as an AIM database with every row', async () => {
    const { dir, file, id } = recorded();
    const copy = path.join(dir, 'copy.db');
    const result = await backupDatabase(file, copy);
    assert.equal(result.file, copy);
    assert.equal(result.sessions, 1);
    assert.equal(result.steps, 30);
    assert.equal(result.bytes, fs.statSync(copy).size);
    const db = openDatabase(copy, { readonly: true });
    assert.deepEqual(
      db.steps(id).map((s) => s.step),
      Array.from({ length: 30 }, (_, n) => n),
    );
    assert.deepEqual(db.steps(id, 7, 7)[0].obs, sampleStep(7).obs);
    db.close();
  });

  it('does not change the database it copies', async () => {
    const { dir, file } = recorded();
    const before = fingerprint(file);
    await backupDatabase(file, path.join(dir, 'copy.db'));
    assert.deepEqual(fingerprint(file), before);
  });

  it('refuses an existing target unless forced, and files that are not AIM databases', async () => {
    const { dir, file } = recorded();
    const copy = path.join(dir, 'copy.db');
    fs.writeFileSync(copy, 'keep');
    await assert.rejects(
      backupDatabase(file, copy),
      (e: unknown) => e instanceof ExportError && e.code === 'exists',
    );
    assert.equal(fs.readFileSync(copy, 'utf8'), 'keep');
    await backupDatabase(file, copy, { force: true });
    const reopened = new Database(copy, { readonly: true });
    assert.equal(reopened.pragma('quick_check', { simple: true }), 'ok');
    reopened.close();

    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database at all, just some notes that are long enough to have a header');
    await assert.rejects(
      backupDatabase(text, path.join(dir, 'x.db')),
      (e: unknown) => e instanceof DatabaseError && e.code === 'not-sqlite',
    );
    await assert.rejects(backupDatabase(file, file, { force: true }), /cannot be backed up onto itself/);
    assert.deepEqual(
      listing(dir).filter((name) => name.endsWith('.partial') || name === 'x.db'),
      [],
    );
  });
});
