// The data commands as a user runs them: `aim sessions`, `aim export dataset` and `aim db backup`
// through the real binary, on a session recorded by `aim train` (the real session runner).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import h5wasm from 'h5wasm/node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'aim.mjs');

function aim(...args: string[]) {
  // stdin is not a terminal here, as in CI and scripts.
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(path.join(tmpdir(), 'aim-cli-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = path.join(dir, 'aim.db');
let sessionId = 0;

before(() => {
  const train = aim(
    ...'train --env toy --steps 60 --warmup 20 --batch-size 16 --seed 1 --json'.split(' '),
    '--db',
    db,
  );
  assert.equal(train.code, 0, train.stderr);
  sessionId = JSON.parse(train.stdout.trim().split('\n').pop() as string).sessionId;
});

/** `aim export dataset` on the trained session, with more arguments. */
function exportSession(...args: string[]) {
  return aim('export', 'dataset', '--session', String(sessionId), '--db', db, ...args);
}

function sqlite<T>(file: string, read: (s: Database.Database) => T): T {
  const s = new Database(file, { readonly: true });
  try {
    return read(s);
  } finally {
    s.close();
  }
}

describe('aim sessions', () => {
  it('lists sessions as a table and as JSON', () => {
    const table = aim('sessions', 'list', '--db', db);
    assert.equal(table.code, 0, table.stderr);
    const [header, first] = table.stdout.trim().split('\n');
    assert.match(
      header,
      /^ID\s+STARTED\s+STATUS\s+ENV\s+METHOD\s+OPERATOR\s+STEPS\s+EXPERT\s+TAKEOVERS\s+SUCCESS$/,
    );
    assert.match(first, new RegExp(`^${sessionId}\\s+\\S+ \\S+\\s+finished\\s+toy\\s+aim\\s+—\\s+60\\s+`));
    const json = aim('sessions', 'list', '--json', '--limit', '5', '--db', db);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, sessionId);
    assert.equal(rows[0].status, 'finished');
    assert.equal(rows[0].steps, 60);
  });

  it('shows a session: configuration, counts, episodes, takeovers and evaluations', () => {
    const text = aim('sessions', 'show', String(sessionId), '--db', db);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^Session ${sessionId} · finished · toy · aim \\(reference\\)`));
    assert.match(text.stdout, /backend (wasm|cpu|tfjs-node)/);
    assert.match(text.stdout, /steps 60, episodes \d+, expert-involved \d+/);
    assert.match(text.stdout, /config: seed 1, steps 60, warmup 20/);
    assert.match(text.stdout, /^Takeovers: \d+ \(.*warmup 1/m);
    assert.match(text.stdout, /^Episodes: \d+ finished/m);
    assert.match(text.stdout, /^Evaluations: \d+/m);

    const json = JSON.parse(aim('sessions', 'show', String(sessionId), '--json', '--db', db).stdout);
    assert.equal(json.session.id, sessionId);
    assert.equal(json.session.config.seed, 1);
    const stored = sqlite(db, (s) =>
      s.prepare('SELECT count(*) AS n FROM takeovers WHERE session_id = ?').get(sessionId),
    ) as {
      n: number;
    };
    assert.equal(json.takeovers.spans.length, stored.n);
    assert.equal(json.takeovers.summary.byTrigger.warmup, 1);
    assert.equal(json.takeovers.summary.count, json.session.takeovers);
    assert.ok(
      Array.isArray(json.episodes) && Array.isArray(json.evaluations) && Array.isArray(json.checkpoints),
    );
  });

  it('ends bad ids and missing sessions or databases in one line', () => {
    const cases: Array<[string[], number, RegExp]> = [
      [
        ['sessions', 'show', '999', '--db', db],
        1,
        /session 999 does not exist in .*aim\.db \(see aim sessions list\)/,
      ],
      [['sessions', 'show', 'abc', '--db', db], 2, /a session id is a positive whole number; got "abc"/],
      [['sessions', 'show', '--db', db], 2, /aim sessions show needs ID/],
      [['sessions', 'delete', '999', '--yes', '--db', db], 1, /session 999 does not exist/],
      [['sessions', 'list', '--db', path.join(dir, 'nope.db')], 1, /there is no database at .*nope\.db/],
      [['sessions', 'rename'], 2, /unknown sub-command "rename"; choose list, show, delete/],
      [
        ['export', 'dataset', '--session', '999', '--out', path.join(dir, 'x.hdf5'), '--db', db],
        1,
        /Session 999 does not exist/,
      ],
      [['export', 'dataset', '--out', path.join(dir, 'x.hdf5'), '--db', db], 2, /--session ID is required/],
      [['export', 'dataset', '--session', String(sessionId), '--db', db], 2, /--out FILE is required/],
      [['db', 'backup', '--db', db], 2, /aim db backup needs FILE/],
    ];
    for (const [args, code, message] of cases) {
      const result = aim(...args);
      assert.equal(result.code, code, `aim ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, `aim ${args.join(' ')}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, `aim ${args.join(' ')}: one line`);
    }
    assert.equal(existsSync(path.join(dir, 'nope.db')), false, 'a missing database is not created');
    assert.equal(existsSync(path.join(dir, 'x.hdf5')), false);
  });

  it('every sub-command documents its flags', () => {
    for (const [args, flags] of [
      [
        ['sessions', 'list', '--help'],
        ['--limit', '--json', '--db'],
      ],
      [
        ['sessions', 'delete', '--help'],
        ['--yes', '--db'],
      ],
      [
        ['export', 'dataset', '--help'],
        ['--session', '--out', '--only-takeovers', '--force', '--db'],
      ],
      [
        ['db', 'backup', '--help'],
        ['--db', '--force'],
      ],
    ] as const) {
      const help = aim(...args);
      assert.equal(help.code, 0);
      for (const flag of flags) assert.ok(help.stdout.includes(flag), `${args.join(' ')} mentions ${flag}`);
    }
    assert.match(aim('export', '--help').stdout, /dataset/);
  });
});

describe('aim export dataset', () => {
  it('writes the recorded session as HDF5 that reads back with the recorded values', async () => {
    const out = path.join(dir, 'session.hdf5');
    const result = exportSession('--out', out, '--json');
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    const recorded = sqlite(db, (s) => ({
      steps: s.prepare('SELECT count(*) AS n FROM steps WHERE session_id = ?').get(sessionId) as {
        n: number;
      },
      expert: s
        .prepare("SELECT count(*) AS n FROM steps WHERE session_id = ? AND mode != 'robot'")
        .get(sessionId) as {
        n: number;
      },
      episodes: s
        .prepare('SELECT count(DISTINCT episode) AS n FROM steps WHERE session_id = ?')
        .get(sessionId) as {
        n: number;
      },
      applied: s
        .prepare(
          'SELECT applied_0 AS a, applied_1 AS b FROM steps WHERE session_id = ? AND episode = 0 ORDER BY step',
        )
        .all(sessionId) as { a: number; b: number }[],
    }));
    assert.equal(summary.samples, recorded.steps.n);
    assert.equal(summary.interventions, recorded.expert.n);
    assert.equal(summary.demos, recorded.episodes.n);
    await h5wasm.ready;
    const f = new h5wasm.File(out, 'r');
    try {
      const data = f.get('data') as InstanceType<typeof h5wasm.Group>;
      assert.equal(data.attrs.total.value, recorded.steps.n);
      assert.equal(JSON.parse(data.attrs.env_args.value as string).session.id, sessionId);
      const actions = f.get('data/demo_0/actions') as InstanceType<typeof h5wasm.Dataset>;
      assert.deepEqual(actions.shape, [recorded.applied.length, 2]);
      assert.deepEqual(
        Array.from(actions.value as Float64Array),
        recorded.applied.flatMap((r) => [r.a, r.b]),
      );
      const interventions = f.get('data/demo_0/interventions') as InstanceType<typeof h5wasm.Dataset>;
      assert.deepEqual(
        Array.from(interventions.value as Uint8Array).slice(0, 20),
        Array(20).fill(1),
        'warm-up',
      );
    } finally {
      f.close();
    }

    const again = exportSession('--out', out);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `aim export: ${out} already exists; pass --force to replace it\n`);
    const forced = exportSession('--out', out, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(
      forced.stdout,
      /^Exported session \d+ to .*session\.hdf5: \d+ demos \(episodes\), 60 samples/,
    );

    const spans = exportSession(
      '--only-takeovers',
      '--out',
      path.join(dir, 'spans.hdf5'),
      '--db',
      db,
      '--json',
    );
    assert.equal(spans.code, 0, spans.stderr);
    const takeoverRows = sqlite(db, (s) =>
      s.prepare('SELECT start_step AS a, end_step AS b FROM takeovers WHERE session_id = ?').all(sessionId),
    ) as {
      a: number;
      b: number;
    }[];
    const spanSummary = JSON.parse(spans.stdout);
    assert.equal(spanSummary.content, 'takeovers');
    assert.equal(spanSummary.demos, takeoverRows.length);
    assert.equal(
      spanSummary.samples,
      takeoverRows.reduce((n, t) => n + t.b - t.a + 1, 0),
    );
  });
});

describe('aim sessions delete', () => {
  it('refuses without --yes when input is not a terminal, asks on a terminal, deletes with --yes', (t) => {
    const refused = aim('sessions', 'delete', String(sessionId), '--db', db);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      new RegExp(`not deleting session ${sessionId} .* without confirmation: pass --yes`),
    );
    assert.equal(JSON.parse(aim('sessions', 'list', '--json', '--db', db).stdout).length, 1);

    // On a terminal (script(1) gives the command a pseudo-terminal) it asks, and "n" keeps the session.
    const command = [process.execPath, bin, 'sessions', 'delete', String(sessionId), '--db', db]
      .map((a) => `'${a}'`)
      .join(' ');
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], {
      input: 'n\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (tty.error || !/\[y\/N\]/.test(tty.stdout)) {
      t.diagnostic(
        `script(1) could not provide a terminal here (${tty.error ?? tty.stdout.trim()}); prompt not exercised`,
      );
    } else {
      assert.match(tty.stdout, new RegExp(`Delete session ${sessionId} \\(toy, finished, 60 steps`));
      assert.match(tty.stdout, new RegExp(`Kept session ${sessionId}\\.`));
      assert.equal(tty.status, 1);
      assert.equal(JSON.parse(aim('sessions', 'list', '--json', '--db', db).stdout).length, 1);
    }

    const deleted = aim('sessions', 'delete', String(sessionId), '--yes', '--db', db);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`^Deleted session ${sessionId} \\(toy, finished, 60 steps`));
    assert.deepEqual(JSON.parse(aim('sessions', 'list', '--json', '--db', db).stdout), []);
    const left = sqlite(db, (s) =>
      s.prepare('SELECT count(*) AS n FROM steps WHERE session_id = ?').get(sessionId),
    ) as { n: number };
    assert.equal(left.n, 0, 'the steps went with the session');
  });
});

describe('aim db backup', () => {
  /** A second process recording steps without pause, as the app does during a session. */
  function startWriter(file: string): Promise<ChildProcess> {
    const script = path.join(dir, 'writer.mjs');
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(path.join(root, 'main', 'store', 'database.ts'))};
       import { newSession, sampleStep } from ${JSON.stringify(path.join(root, 'main', 'store', 'test-support.ts'))};
       const db = openDatabase(process.argv[2]);
       const id = db.createSession(newSession());
       // Flushed by its timer only, between bursts, when the counter matches the rows queued.
       const recorder = db.recorder(id, { flushMs: 5, maxQueued: 1e6 });
       let step = 0;
       function burst() {
         for (let i = 0; i < 40; i++) {
           recorder.step(sampleStep(step++));
           // The session's counter is written in the same transaction as the rows it counts.
           recorder.progress({ steps: step, episodes: 0, expertSteps: 0, takeovers: 0, successRate: null });
         }
         if (step === 400) console.log('writing');
         setTimeout(burst, 2);
       }
       burst();`,
    );
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the writer exited early (${code})`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('writing')) resolve(child);
      });
    });
  }

  it('copies a database consistently while another process writes to it', async () => {
    const file = path.join(dir, 'busy.db');
    const writer = await startWriter(file);
    try {
      for (let i = 0; i < 3; i++) {
        const copy = path.join(dir, `backup-${i}.db`);
        const result = aim('db', 'backup', copy, '--db', file, '--json');
        assert.equal(result.code, 0, result.stderr);
        const summary = JSON.parse(result.stdout);
        const seen = sqlite(copy, (s) => ({
          check: s.pragma('quick_check', { simple: true }),
          counter: (s.prepare('SELECT steps FROM sessions').get() as { steps: number }).steps,
          rows: (s.prepare('SELECT count(*) AS n FROM steps').get() as { n: number }).n,
          maxStep: (s.prepare('SELECT max(step) AS m FROM steps').get() as { m: number }).m,
          appId: s.pragma('application_id', { simple: true }),
        }));
        assert.equal(seen.check, 'ok');
        assert.equal(seen.appId, 0x41494d57);
        assert.ok(seen.rows >= 400, `the copy holds the rows written so far (${seen.rows})`);
        assert.equal(seen.counter, seen.rows, 'the session counter agrees with its rows: one moment in time');
        assert.equal(seen.maxStep, seen.rows - 1, 'no row is missing');
        assert.equal(summary.steps, seen.rows);
        assert.equal(summary.sessions, 1);
      }
    } finally {
      writer.removeAllListeners('exit');
      writer.kill();
    }
  });

  it('refuses an existing backup file unless --force, and never writes over the database itself', () => {
    const copy = path.join(dir, 'taken.db');
    writeFileSync(copy, 'not a backup');
    const refused = aim('db', 'backup', copy, '--db', db);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `aim db: ${copy} already exists; pass --force to replace it\n`);
    assert.equal(readFileSync(copy, 'utf8'), 'not a backup');
    const forced = aim('db', 'backup', copy, '--db', db, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^Backed up .*aim\.db to .*taken\.db: \d+ sessions, \d+ steps/);
    assert.equal(
      sqlite(copy, (s) => s.pragma('quick_check', { simple: true })),
      'ok',
    );
    const self = aim('db', 'backup', db, '--db', db, '--force');
    assert.equal(self.code, 1);
    assert.match(self.stderr, /cannot be backed up onto itself/);
  });
});
