// The export commands as the UI's buttons call them: validated by the contract, answered by the
// Workstation core over its own database, and refused in one sentence when the request is wrong.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sessionConfigSchema } from '../contract/session-config.ts';
import { ContractError, parseCommand } from '../contract/validate.ts';
import { ExportError } from '../store/export/errors.ts';
import { newSession, sampleStep, tempDir } from '../store/test-support.ts';
import { saveActorCheckpoint } from './test-support.ts';
import { Workstation } from './workstation.ts';

describe('export commands', () => {
  it('refuses malformed requests before they reach the core', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['export.policy', { sessionId: 0, out: '/tmp/p' }, /sessionId: Too small/],
      ['export.policy', { sessionId: 1 }, /out: /],
      ['export.policy', { sessionId: 1, out: '' }, /out: Too small/],
      ['export.policy', { sessionId: 1, out: '/tmp/p', checkpointId: 1.5 }, /checkpointId/],
      ['export.policy', { sessionId: 1, out: '/tmp/p', overwrite: true }, /Unrecognized key/],
      ['export.dataset', { sessionId: 1, out: '/tmp/d.hdf5', onlyTakeovers: 'yes' }, /onlyTakeovers/],
      ['policy.inspect', { folder: 7 }, /folder/],
    ];
    for (const [name, request, message] of bad)
      assert.throws(
        () => parseCommand(name, request),
        (e: unknown) => e instanceof ContractError && message.test(e.message),
        `${name} ${JSON.stringify(request)}`,
      );
    assert.deepEqual(parseCommand('export.policy', { sessionId: 3, out: '/tmp/p' }).request, {
      sessionId: 3,
      out: '/tmp/p',
      force: false,
    });
  });

  it('export a policy and a dataset, and inspect the policy folder, through the core', async () => {
    const dir = tempDir();
    const core = Workstation.open({ dbPath: path.join(dir, 'aim.db'), host: 'cli' });
    try {
      const db = core.database;
      const id = db.createSession(newSession({ config: sessionConfigSchema.parse({ env: 'toy' }) }));
      const recorder = db.recorder(id);
      for (let n = 0; n < 12; n++) recorder.step(sampleStep(n));
      recorder.close();
      const checkpoint = await saveActorCheckpoint(db, id, {
        seed: 5,
        step: 12,
        expertSteps: 4,
        metrics: { reason: 'session-end', evaluation: { successRate: 0.5 } },
      });

      const folder = path.join(dir, 'policy');
      const call = <K extends Parameters<typeof parseCommand>[0] & string>(name: K, request: unknown) => {
        const parsed = parseCommand(name, request);
        return core.call(parsed.name as never, parsed.request as never) as Promise<Record<string, unknown>>;
      };
      const exported = await call('export.policy', { sessionId: id, out: folder });
      assert.deepEqual(exported.checkpoint, { id: checkpoint, step: 12, expertSteps: 4 });
      assert.equal(
        exported.bytes,
        Object.values(exported.files as object).reduce((a, b) => a + b, 0),
      );
      const info = await call('policy.inspect', { folder });
      assert.deepEqual(
        [info.env, info.session, info.checkpoint, info.successRate, info.observationShape],
        ['toy', id, { id: checkpoint, step: 12 }, 0.5, [259]],
      );
      assert.match(String(info.network), /^nn\.Sequential\(nn\.Linear\(259, 256\), nn\.ReLU\(\)/);
      await assert.rejects(
        call('export.policy', { sessionId: id, out: folder }),
        (e: unknown) => e instanceof ExportError && e.code === 'exists',
      );

      const file = path.join(dir, 'steps.hdf5');
      const dataset = await call('export.dataset', { sessionId: id, out: file });
      assert.deepEqual([dataset.samples, dataset.demos, dataset.bytes], [12, 1, fs.statSync(file).size]);
    } finally {
      await core.close();
    }
  });
});
