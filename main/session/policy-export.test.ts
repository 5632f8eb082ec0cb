// Policy export and import on a real session (the toy road, the learner's real thread, full-size
// networks, a real SQLite file): the ONNX file run by a real ONNX runtime, the safetensors re-read
// byte for byte, the TF.js folder loaded back, export → import → evaluate against the session's
// own last evaluation, a new session starting from the export; and the bad input that must end in
// one clear error and leave nothing behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import ort from 'onnxruntime-node';
import type { CoreListener } from '../contract/api.ts';
import { sessionConfigSchema, type SessionConfigInput } from '../contract/session-config.ts';
import { decodeModel, loadWeightsInto, modelFromArtifacts, packModel } from '../learn/checkpoint.ts';
import { evaluatePolicy } from '../learn/evaluate.ts';
import { transpose } from '../learn/export/network.ts';
import { PolicyFolderError, readPolicyFolder, writePolicyFolder } from '../learn/export/policy-folder.ts';
import { decodeSafetensors, encodeSafetensors } from '../learn/export/safetensors.ts';
import { createActor } from '../learn/networks.ts';
import { openDatabase, type AimDatabase } from '../store/database.ts';
import type { ModelRow } from '../store/records.ts';
import { DatabaseError } from '../store/errors.ts';
import { ExportError } from '../store/export/errors.ts';
import { listing, newSession, runOnTinyDisk, tempDir } from '../store/test-support.ts';
import { exportPolicy } from './policy-export.ts';
import { loadPolicyFor, policyInfo } from './policy-import.ts';
import { prepareSession } from './prepare.ts';
import { saveActorCheckpoint } from './test-support.ts';

const quiet: CoreListener = { frame: () => undefined, event: () => undefined };

// 100 steps of the toy road with full-size networks: a fit, a few rounds, one evaluation at the end.
const SESSION: SessionConfigInput = {
  env: 'toy',
  pace: 'fast',
  steps: 100,
  warmup: 20,
  batchSize: 8,
  seed: 3,
  evalEvery: 1000,
  evalEpisodes: 2,
  aim: { cadenceEvery: 10, cadenceSteps: 2 },
};

async function runSession(db: AimDatabase, input: SessionConfigInput): Promise<number> {
  const session = await prepareSession(db, sessionConfigSchema.parse(input), 'cli', quiet);
  const end = await session.run();
  assert.equal(end.status, 'finished', end.message ?? '');
  return session.runner.sessionId;
}

/** A TF.js model's actions for `count` observations laid end to end. */
function actions(model: tf.LayersModel, obs: Float32Array, count: number): Float32Array {
  return tf.tidy(
    () =>
      (model.predict(tf.tensor2d(obs, [count, obs.length / count])) as tf.Tensor).dataSync() as Float32Array,
  );
}

describe('policy export of a trained session', () => {
  let dir: string;
  let db: AimDatabase;
  let sessionId: number;
  let folder: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-policy-'));
    db = openDatabase(path.join(dir, 'aim.db'));
    sessionId = await runSession(db, SESSION);
    folder = path.join(dir, 'policy');
    await exportPolicy(db, { sessionId, out: folder });
  });
  after(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the TF.js model, the safetensors with arch.json and the ONNX model, and says where it came from', () => {
    assert.deepEqual(listing(folder), [
      'arch.json',
      'model.json',
      'model.onnx',
      'model.safetensors',
      'weights.bin',
    ]);
    const arch = JSON.parse(fs.readFileSync(path.join(folder, 'arch.json'), 'utf8'));
    const actor = db.latestModel(sessionId, 'actor');
    assert.ok(actor);
    assert.equal(
      arch.network.pytorch,
      'nn.Sequential(nn.Linear(259, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 2), nn.Tanh())',
    );
    assert.deepEqual(
      arch.network.layers.map((l: { in: number; out: number; activation: string }) => [
        l.in,
        l.out,
        l.activation,
      ]),
      [
        [259, 256, 'relu'],
        [256, 256, 'relu'],
        [256, 2, 'tanh'],
      ],
    );
    assert.deepEqual([arch.observation.shape, arch.observation.low, arch.observation.high], [[259], 0, 1]);
    assert.deepEqual(arch.observation.layout.lidar, [19, 259]);
    assert.deepEqual(arch.action, {
      kind: 'box',
      shape: [2],
      low: -1,
      high: 1,
      names: ['steer', 'throttle'],
      description: arch.action.description,
    });
    assert.equal(arch.env.id, 'toy');
    assert.equal(arch.env.config.map, 'COT');
    assert.equal(arch.source.session.id, sessionId);
    assert.equal(arch.source.session.preset, 'reference');
    assert.equal(arch.source.session.config.seed, 3);
    assert.deepEqual(
      [arch.source.checkpoint.id, arch.source.checkpoint.step, arch.source.checkpoint.reason],
      [actor.id, 100, 'session-end'],
    );
    const last = db.evaluations(sessionId).at(-1);
    assert.ok(last, 'the session evaluated its final policy');
    const { id: _id, sessionId: _session, createdAt: _created, ...evaluation } = last;
    assert.deepEqual(arch.source.evaluation, evaluation);
    for (const name of ['model.json', 'weights.bin', 'model.safetensors', 'model.onnx'])
      assert.equal(arch.files[name].bytes, fs.statSync(path.join(folder, name)).size, name);
  });

  it('model.onnx run by onnxruntime-node gives the TF.js policy’s actions within 1e-5 on 100 recorded observations', async () => {
    const steps = db.steps(sessionId);
    assert.equal(steps.length, 100);
    const obs = new Float32Array(100 * 259);
    steps.forEach((s, i) => obs.set(s.obs, i * 259));
    // The TF.js policy: the checkpoint loaded into the session's own actor network.
    const row = db.latestModel(sessionId, 'actor');
    assert.ok(row);
    const actor = createActor(259, 2, [256, 256], 0);
    loadWeightsInto(actor, decodeModel(row.data, 'actor'), 'actor');
    const expected = actions(actor, obs, 100);
    actor.dispose();

    const session = await ort.InferenceSession.create(fs.readFileSync(path.join(folder, 'model.onnx')));
    assert.deepEqual([session.inputNames, session.outputNames], [['obs'], ['action']]);
    const out = await session.run({ obs: new ort.Tensor('float32', obs, [100, 259]) });
    const got = out.action.data as Float32Array;
    assert.deepEqual(out.action.dims, [100, 2]);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    assert.ok(worst <= 1e-5, `largest difference ${worst}`);
    // Not a constant policy: the observations lead to different actions.
    assert.ok(new Set(Array.from(expected, (v) => v.toFixed(3))).size > 10);
    await session.release();
  });

  it('model.json and weights.bin load in TF.js as the checkpoint’s actor, bit for bit', async () => {
    const { model: packed } = readPolicyFolder(folder);
    const row = db.latestModel(sessionId, 'actor');
    assert.ok(row);
    const stored = decodeModel(row.data, 'actor');
    assert.deepEqual(packed.weightSpecs, stored.weightSpecs);
    assert.equal(Buffer.compare(Buffer.from(packed.weightData), Buffer.from(stored.weightData)), 0);
    const model = await modelFromArtifacts(packed);
    const obs = db.steps(sessionId, 0, 9).flatMap((s) => Array.from(s.obs));
    const actor = createActor(259, 2, [256, 256], 0);
    loadWeightsInto(actor, stored, 'actor');
    assert.deepEqual(actions(model, Float32Array.from(obs), 10), actions(actor, Float32Array.from(obs), 10));
    model.dispose();
    actor.dispose();
  });

  it('model.safetensors re-reads byte-exact: each tensor the checkpoint’s weight in PyTorch layout', () => {
    const bytes = fs.readFileSync(path.join(folder, 'model.safetensors'));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0, 'tensor data starts 8-byte aligned');
    const contents = decodeSafetensors(bytes);
    assert.deepEqual(
      [...contents.tensors.keys()],
      ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias'],
    );
    const row = db.latestModel(sessionId, 'actor');
    assert.ok(row);
    const stored = decodeModel(row.data, 'actor');
    let offset = 0;
    const weights = stored.weightSpecs.map((spec) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(stored.weightData.slice(offset, offset + 4 * size));
      offset += 4 * size;
      return { spec, values };
    });
    const torchNames = ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias'];
    weights.forEach(({ spec, values }, i) => {
      const tensor = contents.tensors.get(torchNames[i]);
      assert.ok(tensor);
      const kernel = spec.shape.length === 2;
      const expected = kernel ? transpose(values, spec.shape[0], spec.shape[1]) : values;
      assert.deepEqual(tensor.shape, kernel ? [spec.shape[1], spec.shape[0]] : spec.shape);
      assert.equal(tensor.dtype, 'F32');
      assert.equal(Buffer.compare(Buffer.from(tensor.bytes), Buffer.from(expected.buffer)), 0, torchNames[i]);
    });
    // Written again from what was read, the file comes out the same, byte for byte.
    const again = encodeSafetensors(
      [...contents.tensors].map(([name, t]) => ({
        name,
        shape: t.shape,
        values: new Float32Array(new Uint8Array(t.bytes).buffer),
      })),
      contents.metadata,
    );
    assert.equal(Buffer.compare(Buffer.from(again), bytes), 0);
  });

  it('export → import → evaluate gives the session’s last evaluation on the same seeds', async () => {
    const last = db.evaluations(sessionId).at(-1);
    assert.ok(last, 'the session evaluated its final policy');
    const policy = loadPolicyFor(folder);
    assert.equal(policy.env, 'toy');
    const model = await modelFromArtifacts(policy.model);
    const result = evaluatePolicy((obs, count) => actions(model, obs, count), 'toy', {
      start: SESSION.evalSeedStart ?? 1000,
      count: last.episodes,
    });
    model.dispose();
    assert.equal(result.successRate, last.successRate);
    assert.equal(result.meanReturn, last.meanReturn);
    assert.equal(result.routeCompletion, last.routeCompletion);
    assert.equal(result.meanCost, last.meanCost);
    const info = policyInfo(policy);
    assert.deepEqual(
      [info.session, info.checkpoint?.step, info.successRate],
      [sessionId, 100, last.successRate],
    );
  });

  it('a new session’s novice starts as the exported policy', async () => {
    // Shorter than the warm-up: no fit happens, so every recorded novice action is the import's own.
    const id = await runSession(db, { ...SESSION, steps: 6, warmup: 10, seed: 5, initialPolicy: folder });
    assert.equal(db.getSession(id)?.config.initialPolicy, folder);
    const steps = db.steps(id);
    const obs = Float32Array.from(steps.flatMap((s) => Array.from(s.obs)));
    const model = await modelFromArtifacts(readPolicyFolder(folder).model);
    const expected = actions(model, obs, steps.length);
    model.dispose();
    steps.forEach((s, i) => {
      assert.ok(
        Math.abs(s.novice[0] - expected[2 * i]) < 1e-6 && Math.abs(s.novice[1] - expected[2 * i + 1]) < 1e-6,
        `step ${i}`,
      );
    });
  });
});

/** A session with a full-size actor checkpoint of random weights, without running one. */
async function sessionWithCheckpoint(
  db: AimDatabase,
  seed = 11,
): Promise<{ id: number; checkpointId: number }> {
  const id = db.createSession(newSession({ config: sessionConfigSchema.parse({ env: 'toy' }) }));
  return { id, checkpointId: await saveActorCheckpoint(db, id, { seed }) };
}

function refusal(code: string, message: RegExp | string) {
  return (error: unknown) => {
    assert.ok(error instanceof ExportError, String(error));
    assert.equal(error.code, code);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

describe('policy export and import: bad input', () => {
  it('refuses a folder that exists unless forced, and replaces only an earlier export', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'aim.db'));
    const { id } = await sessionWithCheckpoint(db);
    const out = path.join(dir, 'policy');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    await assert.rejects(
      exportPolicy(db, { sessionId: id, out }),
      refusal('exists', `${out} already exists; pass --force to replace it`),
    );
    await assert.rejects(
      exportPolicy(db, { sessionId: id, out, force: true }),
      refusal('target', /does not hold the policy; --force only replaces an earlier export/),
    );
    assert.deepEqual(listing(out), ['notes.txt']);

    const earlier = path.join(dir, 'earlier');
    await exportPolicy(db, { sessionId: id, out: earlier });
    const before = fs.readFileSync(path.join(earlier, 'arch.json'), 'utf8');
    await assert.rejects(
      exportPolicy(db, { sessionId: id, out: earlier }),
      refusal('exists', /already exists/),
    );
    assert.equal(fs.readFileSync(path.join(earlier, 'arch.json'), 'utf8'), before);
    const replaced = await exportPolicy(db, { sessionId: id, out: earlier, force: true });
    assert.equal(replaced.folder, earlier);
    readPolicyFolder(earlier);
    assert.deepEqual(
      listing(dir).filter((name) => name.includes('.partial')),
      [],
    );
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    await assert.rejects(
      exportPolicy(db, { sessionId: id, out: file, force: true }),
      refusal('target', /is a file/),
    );
    await assert.rejects(
      exportPolicy(db, { sessionId: id, out: path.join(dir, 'missing', 'p') }),
      refusal('target', /folder .*missing does not exist/),
    );
    db.close();
  });

  it('names the session that does not exist, and refuses a session with no checkpoint or a wrong checkpoint id', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'aim.db'));
    const out = path.join(dir, 'policy');
    await assert.rejects(exportPolicy(db, { sessionId: 42, out }), (error: unknown) => {
      assert.ok(error instanceof DatabaseError && error.code === 'session');
      assert.equal(error.message, `Session 42 does not exist in ${db.path}`);
      return true;
    });
    const empty = db.createSession(newSession());
    await assert.rejects(
      exportPolicy(db, { sessionId: empty, out }),
      refusal(
        'checkpoint',
        `Session ${empty} has no checkpoint to export (it ended before the first fit after warm-up)`,
      ),
    );
    const { id, checkpointId } = await sessionWithCheckpoint(db);
    await assert.rejects(
      exportPolicy(db, { sessionId: empty, out, checkpointId }),
      refusal(
        'checkpoint',
        `Session ${empty} has no actor checkpoint ${checkpointId}; it has no checkpoints`,
      ),
    );
    await assert.rejects(
      exportPolicy(db, { sessionId: id, out, checkpointId: checkpointId + 5 }),
      refusal(
        'checkpoint',
        `Session ${id} has no actor checkpoint ${checkpointId + 5}; its latest are ${checkpointId} (step 40)`,
      ),
    );
    const ensemble = db.createSession(newSession());
    await saveActorCheckpoint(db, ensemble, { seed: 1 });
    const second = await saveActorCheckpoint(db, ensemble, { seed: 2 });
    db.saveModel(ensemble, { ...(db.model(second) as ModelRow), kind: 'actor-2' });
    await assert.rejects(
      exportPolicy(db, { sessionId: ensemble, out }),
      refusal(
        'checkpoint',
        /is an ensemble of 2 actors \(method aim\); this build exports single-network policies only$/,
      ),
    );
    const chosen = await exportPolicy(db, { sessionId: id, out, checkpointId });
    assert.deepEqual(chosen.checkpoint, { id: checkpointId, step: 40, expertSteps: 30 });
    assert.deepEqual(
      listing(dir).filter((n) => n !== 'aim.db' && !n.startsWith('aim.db-')),
      ['policy'],
    );
    db.close();
  });

  it('reading a folder names the file that is missing, changed or from another export', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'aim.db'));
    const { id } = await sessionWithCheckpoint(db);
    const folderOf = async (name: string) => {
      const out = path.join(dir, name);
      await exportPolicy(db, { sessionId: id, out });
      return out;
    };
    const missing = await folderOf('missing');
    fs.rmSync(path.join(missing, 'model.onnx'));
    assert.throws(
      () => readPolicyFolder(missing),
      (error: unknown) => {
        assert.ok(error instanceof PolicyFolderError);
        assert.match(
          error.message,
          /^model\.onnx is missing from .*missing; an exported policy folder holds arch\.json, model\.json, weights\.bin, model\.safetensors, model\.onnx$/,
        );
        return true;
      },
    );
    const changed = await folderOf('changed');
    const onnx = fs.readFileSync(path.join(changed, 'model.onnx'));
    onnx[onnx.length - 3] ^= 0x40;
    fs.writeFileSync(path.join(changed, 'model.onnx'), onnx);
    assert.throws(
      () => readPolicyFolder(changed),
      /changed\/model\.onnx does not match arch\.json \(.*\): it was changed or comes from another export/,
    );

    // Files from the export of another checkpoint: a changed hash names the file; with arch.json
    // doctored to match them, the weights no longer agree across files, which names the file too.
    const mixed = await folderOf('mixed');
    const { id: otherId } = await sessionWithCheckpoint(db, 99);
    const other = path.join(dir, 'other');
    await exportPolicy(db, { sessionId: otherId, out: other });
    fs.copyFileSync(path.join(other, 'weights.bin'), path.join(mixed, 'weights.bin'));
    assert.throws(() => readPolicyFolder(mixed), /mixed\/weights\.bin does not match arch\.json/);
    const arch = JSON.parse(fs.readFileSync(path.join(mixed, 'arch.json'), 'utf8'));
    arch.files['weights.bin'] = JSON.parse(fs.readFileSync(path.join(other, 'arch.json'), 'utf8')).files[
      'weights.bin'
    ];
    fs.writeFileSync(path.join(mixed, 'arch.json'), JSON.stringify(arch));
    assert.throws(
      () => readPolicyFolder(mixed),
      /mixed\/model\.safetensors does not hold model\.json's weights for 0\.weight \(layer actor_dense1\)/,
    );
    assert.throws(
      () => readPolicyFolder(path.join(dir, 'nowhere')),
      /The policy folder .*nowhere does not exist/,
    );
    const notJson = await folderOf('bad-arch');
    fs.writeFileSync(path.join(notJson, 'arch.json'), '{');
    assert.throws(() => readPolicyFolder(notJson), /bad-arch\/arch\.json is not JSON/);
    db.close();
  });
});

describe('policy import: the environment must fit', () => {
  it('refuses a policy whose observation or action specification differs from the environment’s', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'aim.db'));
    const { id } = await sessionWithCheckpoint(db);
    const good = path.join(dir, 'good');
    await exportPolicy(db, { sessionId: id, out: good });
    const { arch } = readPolicyFolder(good);
    db.close();
    const description = { ...arch, appVersion: 'test' };

    const wide = path.join(dir, 'wide');
    fs.mkdirSync(wide);
    const actor = createActor(260, 2, [8], 1);
    writePolicyFolder(wide, await packModel(actor), {
      ...description,
      observation: { ...arch.observation, shape: [260] },
    });
    actor.dispose();
    assert.throws(
      () => loadPolicyFor(wide, 'toy'),
      /^PolicyFolderError: The policy in .*wide \(trained in toy\) observes \[260\], but environment toy gives observations of shape \[259\]$/,
    );

    const braver = path.join(dir, 'braver');
    fs.mkdirSync(braver);
    const actor2 = createActor(259, 2, [8], 1);
    writePolicyFolder(braver, await packModel(actor2), {
      ...description,
      action: { ...arch.action, low: -2 } as typeof arch.action,
    });
    actor2.dispose();
    assert.throws(
      () => loadPolicyFor(braver),
      /braver \(trained in toy\) acts in \{"box":\[2\],"low":-2,"high":1\}, but environment toy takes/,
    );
    // The driving task has the same spaces: a toy policy may be evaluated there.
    assert.equal(loadPolicyFor(good, 'driving').env, 'driving');
  });
});

describe('policy export: a disk that fills up', () => {
  it('removes the partial folder when the disk really fills up (a 256 KiB tmpfs), and says so', async (t) => {
    const dir = tempDir();
    const mountPoint = path.join(dir, 'tiny');
    fs.mkdirSync(mountPoint);
    const db = openDatabase(path.join(dir, 'aim.db'));
    const { id } = await sessionWithCheckpoint(db);
    db.close();
    const here = path.dirname(fileURLToPath(import.meta.url));
    const out = path.join(mountPoint, 'policy');
    // The full-size actor's weights take about 520 KiB in each of three files: the second one fills the disk.
    const run = runOnTinyDisk(
      mountPoint,
      '256k',
      `import fs from 'node:fs';
       import { openDatabase } from ${JSON.stringify(path.join(here, '..', 'store', 'database.ts'))};
       import { exportPolicy } from ${JSON.stringify(path.join(here, 'policy-export.ts'))};
       const db = openDatabase(${JSON.stringify(path.join(dir, 'aim.db'))}, { readonly: true });
       try {
         await exportPolicy(db, { sessionId: ${id}, out: ${JSON.stringify(out)} });
         console.log(JSON.stringify({ ok: true }));
       } catch (error) {
         console.log(JSON.stringify({ code: error.code, message: error.message, left: fs.readdirSync(${JSON.stringify(mountPoint)}) }));
       }`,
    );
    if ('skip' in run) {
      t.skip(run.skip);
      return;
    }
    assert.equal(run.outcome.code, 'write-failed', JSON.stringify(run.outcome));
    assert.equal(
      run.outcome.message,
      `Writing the policy to ${out} failed (No space left on device); the partial folder was removed`,
    );
    assert.deepEqual(run.outcome.left, []);
  });
});
