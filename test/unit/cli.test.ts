// The `aim` command as a user runs it: a real process, real flags, a real SQLite file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../main/store/schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'aim.mjs');

function aim(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'aim-cli-'));
}

test('aim --help lists the commands, and every command documents its flags', () => {
  const overview = aim('--help');
  assert.equal(overview.code, 0);
  assert.match(overview.stdout, /train/);
  assert.match(overview.stdout, /serve/);
  const train = aim('train', '--help');
  assert.equal(train.code, 0);
  for (const flag of [
    '--env',
    '--method',
    '--steps',
    '--seed',
    '--db',
    '--json',
    '--warmup',
    '--delta',
    '--backend',
  ]) {
    assert.ok(train.stdout.includes(flag), `train --help mentions ${flag}`);
  }
  assert.match(aim('serve', '--help').stdout, /--token/);
});

test('unknown commands, flags and values end with one clear line and a non-zero exit', () => {
  const cases: Array<[string[], RegExp]> = [
    [['fly'], /unknown command "fly"/],
    [['train', '--speed', '3'], /Unknown option '--speed'/],
    [['train', '--env', 'moon'], /--env must be one of toy, driving, grid; got "moon"/],
    [['train', '--steps', 'many'], /--steps needs a whole number; got "many"/],
    [['train', '--delta', '1'], /--delta must be less than 1; got 1/],
    [['train', '--delta', '0'], /--delta must be greater than 0; got 0/],
    [['train', '--warmup', '3'], /--warmup must be at least 10; got 3/],
    [['serve', '--host', '0.0.0.0', '--port', '0'], /token/i],
  ];
  for (const [args, message] of cases) {
    const result = aim(...args);
    assert.notEqual(result.code, 0, `aim ${args.join(' ')} must fail`);
    assert.match(result.stderr, message, `aim ${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('aim train --json runs a session, prints a JSON summary last and records it', () => {
  const dir = tempDir();
  const db = path.join(dir, 'train.db');
  const result = aim(
    'train',
    '--env',
    'toy',
    '--steps',
    '60',
    '--warmup',
    '20',
    '--batch-size',
    '16',
    '--seed',
    '1',
    '--db',
    db,
    '--json',
  );
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]);
  assert.equal(summary.status, 'finished');
  assert.equal(summary.steps, 60);
  assert.ok(summary.expertSteps >= 20);
  assert.ok(['tfjs-node', 'wasm-blas', 'wasm', 'cpu'].includes(summary.backend));
  assert.equal(typeof summary.wallSeconds, 'number');
  const sqlite = new Database(db, { readonly: true });
  const session = sqlite.prepare('select * from sessions where id = ?').get(summary.sessionId) as Record<
    string,
    unknown
  >;
  assert.equal(session.status, 'finished');
  assert.equal(session.backend, summary.backend);
  assert.equal(
    (
      sqlite.prepare('select count(*) n from steps where session_id = ?').get(summary.sessionId) as {
        n: number;
      }
    ).n,
    60,
  );
  assert.ok(
    (sqlite.prepare("select count(*) n from takeovers where trigger = 'warmup'").get() as { n: number }).n >=
      1,
  );
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a database from a newer schema is refused by the CLI and left byte-for-byte untouched', () => {
  const dir = tempDir();
  const file = path.join(dir, 'newer.db');
  assert.equal(
    aim('train', '--steps', '1', '--warmup', '10', '--db', file, '--json', '--batch-size', '4').code,
    0,
  );
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = DELETE');
  sqlite
    .prepare('insert into schema_migrations (version, applied_at) values (?, ?)')
    .run(SCHEMA_VERSION + 1, new Date().toISOString());
  sqlite.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  sqlite.close();
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  const mtime = statSync(file).mtimeMs;
  const result = aim('train', '--steps', '5', '--db', file);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /newer AIM Workstation/);
  assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), hash);
  assert.equal(statSync(file).mtimeMs, mtime);
  rmSync(dir, { recursive: true, force: true });
});
