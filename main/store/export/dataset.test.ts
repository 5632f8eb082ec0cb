// Dataset export: the HDF5 file read back with a real reader (h5wasm always; Debian's h5dump/h5ls too
// when installed), --only-takeovers, and the refusals and failures that must leave no file behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { CONTROL_MODES, modeCode, type TakeoverTrigger } from '../../contract/modes.ts';
import { DatabaseError, openDatabase, type AimDatabase } from '../database.ts';
import type { StepRecord, StepRow, TakeoverRecord } from '../records.ts';
import { listing, newSession, runOnTinyDisk, sampleStep, tempDir } from '../test-support.ts';
import { exportDataset } from './dataset.ts';
import { APP_VERSION } from './env-args.ts';
import { ExportError } from './errors.ts';

// Three episodes: 0 (steps 0–9, success), 1 (10–19, crash), 2 (20–24, still running at the end).
const EPISODE_OF = (step: number) => Math.floor(step / 10);
const SPANS: TakeoverRecord[] = [
  span(0, 0, 1, 'warmup', 'agreement'),
  {
    ...span(0, 4, 6, 'robot', 'agreement'),
    requestStep: 4,
    reactionMs: 310.5,
    qAtRequest: 2.5,
    thresholdAtRequest: 2,
  },
  span(1, 15, 19, 'human', 'episode-end'),
  { ...span(2, 22, 23, 'robot', 'agreement'), requestStep: 22, qAtRequest: 3, thresholdAtRequest: 2.25 },
];

function span(
  episode: number,
  startStep: number,
  endStep: number,
  trigger: TakeoverTrigger,
  handback: TakeoverRecord['handback'],
): TakeoverRecord {
  return {
    episode,
    startStep,
    endStep,
    trigger,
    handback,
    requestStep: null,
    reactionMs: null,
    qAtRequest: null,
    thresholdAtRequest: null,
    region: 'C',
  };
}

/** sampleStep's values, with the episodes and takeover spans above deciding who drove. */
function step(n: number): StepRecord {
  const base = sampleStep(n, EPISODE_OF(n));
  const during = SPANS.find((s) => n >= s.startStep && n <= s.endStep);
  const human = during ? [0.25, -0.5 + n / 64] : null;
  return {
    ...base,
    episodeStep: n % 10,
    done: n === 9 || n === 19,
    mode: during === undefined ? 'robot' : during.trigger === 'warmup' ? 'warmup' : 'human',
    human,
    applied: human ?? base.novice,
  };
}

function recordedSession(): { dir: string; db: AimDatabase; id: number } {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'aim.db'));
  const id = db.createSession(newSession());
  const recorder = db.recorder(id);
  for (let n = 0; n < 25; n++) recorder.step(step(n));
  for (const s of SPANS) recorder.takeover(s);
  const episode = { seed: 1, steps: 10, cost: 0, routeCompletion: 1, takeovers: 1, outOfRoad: false };
  recorder.episode({ ...episode, episode: 0, startStep: 0, success: true, return: 12.5, crash: false });
  recorder.episode({ ...episode, episode: 1, startStep: 10, success: false, return: -3, crash: true });
  recorder.close();
  return { dir, db, id };
}

/** Opens an HDF5 file read-only with h5wasm and hands it to `read`. */
async function readHdf5<T>(file: string, read: (f: InstanceType<typeof h5wasm.File>) => T): Promise<T> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'r');
  try {
    return read(f);
  } finally {
    f.close();
  }
}

type Node = ReturnType<InstanceType<typeof h5wasm.File>['get']>;

function dataset(f: InstanceType<typeof h5wasm.File>, at: string): InstanceType<typeof h5wasm.Dataset> {
  const node: Node = f.get(at);
  assert.ok(node instanceof h5wasm.Dataset, `${at} is a dataset`);
  return node;
}

function group(f: InstanceType<typeof h5wasm.File>, at: string): InstanceType<typeof h5wasm.Group> {
  const node: Node = f.get(at);
  assert.ok(node instanceof h5wasm.Group, `${at} is a group`);
  return node;
}

function attr(node: { attrs: Record<string, { value: unknown }> }, name: string): unknown {
  return node.attrs[name]?.value;
}

/** Row i of a [T, width] dataset's flat values. */
function row(values: ArrayLike<number>, i: number, width: number): number[] {
  return Array.from(values).slice(i * width, (i + 1) * width);
}

const nanFor = (v: number | null) => v ?? Number.NaN;

/** Checks every per-step dataset of a demo against the recorded steps it came from. */
function assertDemo(
  f: InstanceType<typeof h5wasm.File>,
  name: string,
  steps: StepRow[],
  nextObs: Float32Array,
): void {
  const T = steps.length;
  const at = (d: string) => dataset(f, `data/${name}/${d}`);
  assert.equal(attr(group(f, `data/${name}`), 'num_samples'), T);
  for (const [d, shape] of Object.entries({
    'obs/flat': [T, 259],
    'next_obs/flat': [T, 259],
    actions: [T, 2],
    novice_actions: [T, 2],
    human_actions: [T, 2],
    rewards: [T],
    costs: [T],
    dones: [T],
    interventions: [T],
    q_values: [T],
    thresholds: [T],
    help_requested: [T],
    mode: [T],
    session_step: [T],
  }))
    assert.deepEqual(at(d).shape, shape, `${name}/${d} shape`);
  assert.ok(at('obs/flat').value instanceof Float32Array);
  assert.ok(at('actions').value instanceof Float64Array);
  const obs = at('obs/flat').value as Float32Array;
  const next = at('next_obs/flat').value as Float32Array;
  steps.forEach((s, i) => {
    assert.deepEqual(row(obs, i, 259), Array.from(s.obs), `${name} obs ${i}`);
    const following = i + 1 < T ? steps[i + 1].obs : nextObs;
    assert.deepEqual(row(next, i, 259), Array.from(following), `${name} next_obs ${i}`);
  });
  const values = (d: string) => Array.from(at(d).value as ArrayLike<number>);
  assert.deepEqual(
    values('actions'),
    steps.flatMap((s) => s.applied),
  );
  assert.deepEqual(
    values('novice_actions'),
    steps.flatMap((s) => s.novice),
  );
  assert.deepEqual(
    values('human_actions'),
    steps.flatMap((s) => s.human ?? [Number.NaN, Number.NaN]),
  );
  assert.deepEqual(
    values('rewards'),
    steps.map((s) => s.reward),
  );
  assert.deepEqual(
    values('costs'),
    steps.map((s) => s.cost),
  );
  assert.deepEqual(
    values('dones'),
    steps.map((s) => (s.done ? 1 : 0)),
  );
  assert.deepEqual(
    values('interventions'),
    steps.map((s) => (s.mode === 'robot' ? 0 : 1)),
  );
  assert.deepEqual(
    values('q_values'),
    steps.map((s) => nanFor(s.q)),
  );
  assert.deepEqual(
    values('thresholds'),
    steps.map((s) => nanFor(s.threshold)),
  );
  assert.deepEqual(
    values('help_requested'),
    steps.map((s) => (s.helpRequested ? 1 : 0)),
  );
  assert.deepEqual(
    values('mode'),
    steps.map((s) => modeCode(s.mode)),
  );
  assert.deepEqual(
    values('session_step'),
    steps.map((s) => s.step),
  );
  assert.deepEqual(at('mode').attrs.names.value, [...CONTROL_MODES]);
}

function whichH5dump(): boolean {
  return spawnSync('h5dump', ['--version'], { encoding: 'utf8' }).status === 0;
}

describe('export dataset', () => {
  it('writes one demo per episode in the robomimic layout, with the recorded values', async () => {
    const { dir, db, id } = recordedSession();
    const out = path.join(dir, 'session.hdf5');
    // Chunks of 4 steps: every episode spans chunk boundaries.
    const result = await exportDataset(db, { sessionId: id, out, chunkSteps: 4 });
    assert.deepEqual(
      { ...result, bytes: 0 },
      {
        file: out,
        sessionId: id,
        content: 'episodes',
        demos: 3,
        samples: 25,
        interventions: 12,
        obsDim: 259,
        actionDim: 2,
        bytes: 0,
        sessionRunning: true,
      },
    );
    assert.equal(result.bytes, fs.statSync(out).size);
    const steps = db.steps(id);
    await readHdf5(out, (f) => {
      assert.deepEqual(f.keys().sort(), ['data', 'mask']);
      assert.equal(attr(f, 'format'), 'robomimic');
      assert.equal(attr(f, 'content'), 'episodes');
      assert.equal(attr(f, 'session_id'), id);
      const data = group(f, 'data');
      assert.deepEqual(data.keys(), ['demo_0', 'demo_1', 'demo_2']);
      assert.equal(attr(data, 'total'), 25);
      const envArgs = JSON.parse(attr(data, 'env_args') as string);
      assert.equal(envArgs.env_name, 'AIM-Workstation-toy');
      assert.equal(envArgs.type, 2);
      assert.equal(envArgs.env_kwargs.map, 'COT');
      assert.equal(envArgs.env_kwargs.horizon, 1500);
      assert.deepEqual(envArgs.observation.shape, [259]);
      assert.deepEqual(envArgs.observation.layout.lidar, [19, 259]);
      assert.equal(envArgs.session.id, id);
      assert.equal(envArgs.session.config.seed, 7);
      assert.equal(envArgs.session.app_version, '0.1.0-test');
      assert.equal(envArgs.app_version, APP_VERSION);
      assert.ok('interventions' in JSON.parse(attr(data, 'fields') as string));

      // An episode's last next_obs repeats its own observation: the state after it is not recorded.
      assertDemo(f, 'demo_0', steps.slice(0, 10), steps[9].obs);
      assertDemo(f, 'demo_1', steps.slice(10, 20), steps[19].obs);
      assertDemo(f, 'demo_2', steps.slice(20, 25), steps[24].obs);
      const demo0 = group(f, 'data/demo_0');
      assert.equal(attr(demo0, 'episode'), 0);
      assert.equal(attr(demo0, 'finished'), 1);
      assert.equal(attr(demo0, 'success'), 1);
      assert.equal(attr(demo0, 'return'), 12.5);
      assert.equal(attr(demo0, 'num_interventions'), 5);
      assert.equal(attr(demo0, 'terminal_next_obs'), 'repeated');
      assert.equal(attr(group(f, 'data/demo_1'), 'crash'), 1);
      const demo2 = group(f, 'data/demo_2');
      assert.equal(attr(demo2, 'finished'), 0);
      assert.equal(attr(demo2, 'success'), undefined, 'an unfinished episode has no outcome');
      assert.equal(attr(demo2, 'first_step'), 20);
      assert.equal(attr(demo2, 'last_step'), 24);
      assert.deepEqual(dataset(f, 'mask/success').value, ['demo_0']);
      assert.deepEqual(dataset(f, 'mask/failure').value, ['demo_1']);
    });
    db.close();
  });

  it('--only-takeovers makes each takeover span a demo, its last next_obs the step after it', async () => {
    const { dir, db, id } = recordedSession();
    const out = path.join(dir, 'takeovers.hdf5');
    const result = await exportDataset(db, { sessionId: id, out, onlyTakeovers: true, chunkSteps: 2 });
    assert.equal(result.content, 'takeovers');
    assert.equal(result.demos, 4);
    assert.equal(result.samples, 2 + 3 + 5 + 2);
    assert.equal(result.interventions, result.samples, 'every step of a span was driven by the expert');
    const steps = db.steps(id);
    const takeovers = db.takeovers(id);
    await readHdf5(out, (f) => {
      assert.equal(attr(f, 'content'), 'takeovers');
      assert.equal(attr(group(f, 'data'), 'total'), 12);
      assertDemo(f, 'demo_0', steps.slice(0, 2), steps[2].obs);
      assertDemo(f, 'demo_1', steps.slice(4, 7), steps[7].obs);
      // A span that ends with its episode has no following step of that episode.
      assertDemo(f, 'demo_2', steps.slice(15, 20), steps[19].obs);
      assertDemo(f, 'demo_3', steps.slice(22, 24), steps[24].obs);
      const demo1 = group(f, 'data/demo_1');
      assert.equal(attr(demo1, 'trigger'), 'robot');
      assert.equal(attr(demo1, 'handback'), 'agreement');
      assert.equal(attr(demo1, 'takeover_id'), takeovers[1].id);
      assert.equal(attr(demo1, 'request_step'), 4);
      assert.equal(attr(demo1, 'reaction_ms'), 310.5);
      assert.equal(attr(demo1, 'q_at_request'), 2.5);
      assert.equal(attr(demo1, 'threshold_at_request'), 2);
      assert.equal(attr(demo1, 'terminal_next_obs'), 'recorded');
      assert.equal(attr(group(f, 'data/demo_2'), 'terminal_next_obs'), 'repeated');
      assert.equal(attr(group(f, 'data/demo_2'), 'request_step'), undefined);
      assert.deepEqual(dataset(f, 'mask/warmup').value, ['demo_0']);
      assert.deepEqual(dataset(f, 'mask/robot').value, ['demo_1', 'demo_3']);
      assert.deepEqual(dataset(f, 'mask/human').value, ['demo_2']);
    });
    db.close();
  });

  it('reads back with h5dump and h5ls from hdf5-tools', async (t) => {
    if (!whichH5dump()) {
      t.skip('h5dump is not installed (Debian/Ubuntu: apt install hdf5-tools); h5wasm read the files above');
      return;
    }
    const { dir, db, id } = recordedSession();
    const out = path.join(dir, 'session.hdf5');
    await exportDataset(db, { sessionId: id, out });
    db.close();
    const ls = spawnSync('h5ls', ['-r', out], { encoding: 'utf8' });
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /^\/data\/demo_0\/obs\/flat\s+Dataset \{10\/Inf, 259\}$/m);
    assert.match(ls.stdout, /^\/data\/demo_2\/actions\s+Dataset \{5\/Inf, 2\}$/m);
    assert.match(ls.stdout, /^\/data\/demo_1\/interventions\s+Dataset \{10\/Inf\}$/m);
    assert.match(ls.stdout, /^\/mask\/success\s+Dataset \{1\}$/m);
    const dump = spawnSync(
      'h5dump',
      ['-a', '/data/total', '-a', '/data/demo_2/num_samples', '-d', '/data/demo_1/human_actions', out],
      { encoding: 'utf8' },
    );
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(
      dump.stdout,
      /ATTRIBUTE "total" \{\s+DATATYPE\s+H5T_STD_I32LE\s+DATASPACE\s+SCALAR\s+DATA \{\s+\(0\): 25/,
    );
    assert.match(
      dump.stdout,
      /ATTRIBUTE "num_samples" \{\s+DATATYPE\s+H5T_STD_I32LE\s+DATASPACE\s+SCALAR\s+DATA \{\s+\(0\): 5/,
    );
    // Episode 1: the robot drove steps 10–14 (NaN), the person 15–19.
    assert.match(dump.stdout, /H5T_IEEE_F64LE/);
    assert.match(dump.stdout, /\(4,0\): nan, nan,\s+\(5,0\): 0.25, -0.265625,/);
  });

  it('refuses an existing target unless forced, and then replaces it whole', async () => {
    const { dir, db, id } = recordedSession();
    const out = path.join(dir, 'taken.hdf5');
    fs.writeFileSync(out, 'keep me');
    await assert.rejects(exportDataset(db, { sessionId: id, out }), (error: unknown) => {
      assert.ok(error instanceof ExportError && error.code === 'exists');
      assert.equal(error.message, `${out} already exists; pass --force to replace it`);
      return true;
    });
    assert.equal(fs.readFileSync(out, 'utf8'), 'keep me');
    await exportDataset(db, { sessionId: id, out, force: true });
    await readHdf5(out, (f) => assert.equal(attr(group(f, 'data'), 'total'), 25));
    assert.deepEqual(
      listing(dir).filter((name) => name.endsWith('.partial')),
      [],
    );
    db.close();
  });

  it('removes the partial file when writing fails midway, and says so in one sentence', async () => {
    const { dir, db, id } = recordedSession();
    const out = path.join(dir, 'full.hdf5');
    const before = listing(dir);
    let chunks = 0;
    await assert.rejects(
      exportDataset(db, {
        sessionId: id,
        out,
        chunkSteps: 4,
        onProgress() {
          // The seam: the third chunk's write "fails" as a full disk does.
          if (++chunks === 3)
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof ExportError && error.code === 'write-failed');
        assert.equal(
          error.message,
          `Writing the dataset to ${out} failed (No space left on device); the partial file was removed`,
        );
        return true;
      },
    );
    assert.deepEqual(listing(dir), before, 'neither the target nor a temporary file is left');
    db.close();
  });

  it('stops on abort between chunks and leaves no file', async () => {
    const { dir, db, id } = recordedSession();
    const out = path.join(dir, 'stopped.hdf5');
    const before = listing(dir);
    const abort = new AbortController();
    await assert.rejects(
      exportDataset(db, {
        sessionId: id,
        out,
        chunkSteps: 2,
        signal: abort.signal,
        onProgress: () => abort.abort(new Error('interrupted')),
      }),
      /failed \(interrupted\); the partial file was removed/,
    );
    assert.deepEqual(listing(dir), before);
    db.close();
  });

  it('removes the partial file when the disk really fills up (a 128 KiB tmpfs)', (t) => {
    const dir = tempDir();
    const mountPoint = path.join(dir, 'tiny');
    fs.mkdirSync(mountPoint);
    const { db, id, dir: dbDir } = recordedSession();
    db.close();
    const here = path.dirname(fileURLToPath(import.meta.url));
    const run = runOnTinyDisk(
      mountPoint,
      '128k',
      `import fs from 'node:fs';
       import { openDatabase } from ${JSON.stringify(path.join(here, '..', 'database.ts'))};
       import { exportDataset } from ${JSON.stringify(path.join(here, 'dataset.ts'))};
       const db = openDatabase(${JSON.stringify(path.join(dbDir, 'aim.db'))}, { readonly: true });
       try {
         await exportDataset(db, { sessionId: ${id}, out: ${JSON.stringify(path.join(mountPoint, 'out.hdf5'))} });
         console.log(JSON.stringify({ ok: true }));
       } catch (error) {
         console.log(JSON.stringify({ code: error.code, message: error.message, left: fs.readdirSync(${JSON.stringify(mountPoint)}) }));
       }`,
    );
    if ('skip' in run) {
      t.skip(`${run.skip}; the seam test covers the clean-up`);
      return;
    }
    const { outcome } = run;
    assert.equal(outcome.code, 'write-failed', JSON.stringify(outcome));
    assert.equal(
      outcome.message,
      `Writing the dataset to ${path.join(mountPoint, 'out.hdf5')} failed (No space left on device); the partial file was removed`,
    );
    assert.deepEqual(outcome.left, []);
    assert.equal(run.stderr, '', 'HDF5 prints no error stack of its own');
  });

  it('says which session does not exist, and refuses a session with nothing to export', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'aim.db'));
    const out = path.join(dir, 'x.hdf5');
    await assert.rejects(exportDataset(db, { sessionId: 42, out }), (error: unknown) => {
      assert.ok(error instanceof DatabaseError && error.code === 'session');
      assert.equal(error.message, `Session 42 does not exist in ${db.path}`);
      return true;
    });
    const empty = db.createSession(newSession());
    await assert.rejects(
      exportDataset(db, { sessionId: empty, out }),
      /Session \d+ has no recorded steps to export/,
    );
    const recorder = db.recorder(empty);
    recorder.step(sampleStep(1));
    recorder.close();
    await assert.rejects(
      exportDataset(db, { sessionId: empty, out, onlyTakeovers: true }),
      (error: unknown) =>
        error instanceof ExportError &&
        error.code === 'empty' &&
        /has no takeovers to export/.test(error.message),
    );
    await assert.rejects(
      exportDataset(db, { sessionId: empty, out: path.join(dir, 'missing', 'x.hdf5') }),
      (error: unknown) =>
        error instanceof ExportError &&
        error.code === 'target' &&
        /folder .*missing does not exist/.test(error.message),
    );
    assert.equal(fs.existsSync(out), false);
    db.close();
  });
});
