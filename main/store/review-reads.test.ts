// Reads for long sessions: episode spans (where to read in chunks) and one scene at a time.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from './database.ts';
import { gridScene, newSession, roadScene, sampleStep, tempDir } from './test-support.ts';

describe('review reads', () => {
  it('gives each episode its recorded step range, an unfinished last episode included', () => {
    const db = openDatabase(path.join(tempDir(), 'aim.db'));
    const id = db.createSession(newSession());
    const other = db.createSession(newSession());
    const recorder = db.recorder(id);
    // Episodes 0 (0–9), 1 (10–16) and 2 (17–20, no episode row yet); step 14 lost.
    for (let n = 0; n <= 20; n++) if (n !== 14) recorder.step(sampleStep(n, n < 10 ? 0 : n < 17 ? 1 : 2));
    recorder.close();
    const otherRecorder = db.recorder(other);
    otherRecorder.step(sampleStep(0, 5));
    otherRecorder.close();
    assert.deepEqual(db.episodeSpans(id), [
      { episode: 0, firstStep: 0, lastStep: 9, steps: 10 },
      { episode: 1, firstStep: 10, lastStep: 16, steps: 6 },
      { episode: 2, firstStep: 17, lastStep: 20, steps: 4 },
    ]);
    assert.deepEqual(db.episodeSpans(999), []);
    db.close();
  });

  it('reads one episode scene without the others', () => {
    const db = openDatabase(path.join(tempDir(), 'aim.db'));
    const id = db.createSession(newSession());
    const recorder = db.recorder(id);
    recorder.scene({ episode: 0, seed: 100, scene: roadScene });
    recorder.scene({ episode: 1, seed: 101, scene: gridScene });
    recorder.close();
    assert.deepEqual(db.scene(id, 1), { episode: 1, seed: 101, scene: gridScene });
    assert.deepEqual(db.scene(id, 0), { episode: 0, seed: 100, scene: roadScene });
    assert.equal(db.scene(id, 2), undefined);
    db.close();
  });
});
