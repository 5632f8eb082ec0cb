// The review commands on a recorded session: what opening, frames, series, a takeover's detail and
// analytics answer, and how bad requests are refused (by the contract, and by the core for ids that
// do not exist).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { unpackFrames } from '../contract/review.ts';
import { parseCommand, ContractError } from '../contract/validate.ts';
import { openDatabase, type AimDatabase } from '../store/database.ts';
import { newSession, roadScene, sampleStep, tempDir } from '../store/test-support.ts';
import { ReviewService } from './review.ts';

/** Episodes 0 (steps 0–9, arrived) and 1 (10–19, still running), two takeovers, raw samples. */
function recorded(): { db: AimDatabase; id: number } {
  const db = openDatabase(path.join(tempDir(), 'aim.db'));
  const id = db.createSession(newSession());
  const recorder = db.recorder(id);
  recorder.scene({ episode: 0, seed: 100, scene: roadScene });
  recorder.scene({ episode: 1, seed: 101, scene: roadScene });
  for (let n = 0; n < 20; n++) {
    const step = sampleStep(n, n < 10 ? 0 : 1);
    // A NaN in the frame must survive the trip (frames use NaN for "none").
    step.frame[3] = n === 4 ? Number.NaN : step.frame[3];
    recorder.step(step);
  }
  recorder.episode({
    episode: 0,
    seed: 100,
    startStep: 0,
    steps: 10,
    success: true,
    return: 5,
    cost: 0,
    routeCompletion: 1,
    takeovers: 1,
    crash: false,
    outOfRoad: false,
  });
  const base = { handback: 'agreement', region: 'S', qAtRequest: null, thresholdAtRequest: null } as const;
  recorder.takeover({
    ...base,
    episode: 0,
    startStep: 0,
    endStep: 2,
    trigger: 'warmup',
    requestStep: null,
    reactionMs: null,
  });
  recorder.takeover({
    ...base,
    episode: 0,
    startStep: 3,
    endStep: 6,
    trigger: 'robot',
    requestStep: 3,
    reactionMs: 420,
    qAtRequest: 1.25,
    thresholdAtRequest: 1,
  });
  recorder.takeover({
    ...base,
    episode: 1,
    startStep: 12,
    endStep: 13,
    trigger: 'human',
    requestStep: null,
    reactionMs: null,
  });
  // Wheel samples from 1 s before the robot's takeover (step 3, 300.125 ms) to its end.
  recorder.inputSamples(
    Array.from({ length: 20 }, (_, i) => ({
      t: i * 40,
      device: 'test wheel',
      axes: [i / 20],
      buttons: [0],
      steer: i / 20,
      throttle: 0.5,
      brake: 0,
    })),
  );
  recorder.close();
  return { db, id };
}

describe('review commands', () => {
  it('opens a session with its episodes, takeovers and help requests', () => {
    const { db, id } = recorded();
    const open = new ReviewService(db).open(id);
    assert.equal(open.session.id, id);
    assert.equal(open.session.operator, 'ada');
    assert.equal(open.decisionHz, 10);
    assert.deepEqual([open.firstStep, open.lastStep], [0, 19]);
    assert.deepEqual(
      open.episodes.map((e) => [e.episode, e.firstStep, e.lastStep, e.success, e.takeovers]),
      [
        [0, 0, 9, true, 1],
        [1, 10, 19, null, 1],
      ],
    );
    assert.deepEqual(
      open.takeovers.map((t) => t.trigger),
      ['warmup', 'robot', 'human'],
    );
    // The help request that started the robot's takeover.
    assert.deepEqual(open.helpRequests, [3]);
    db.close();
  });

  it('gives back the exact recorded frames of a range, NaN included', () => {
    const { db, id } = recorded();
    const packed = new ReviewService(db).frames(id, 3, 6);
    // Through JSON, as the WebSocket carries it.
    const frames = unpackFrames(JSON.parse(JSON.stringify(packed)));
    assert.deepEqual(packed.steps, [3, 4, 5, 6]);
    assert.equal(frames.length, 4);
    assert.deepEqual([...frames[0]], [...sampleStep(3).frame]);
    assert.ok(Number.isNaN(frames[1][3]));
    assert.deepEqual([...frames[3]], [...sampleStep(6).frame]);
    db.close();
  });

  it('gives the Q plot and trail their columns, null where Q was missing', () => {
    const { db, id } = recorded();
    const s = new ReviewService(db).series(id, 7, 9);
    assert.deepEqual(s.steps, [7, 8, 9]);
    assert.deepEqual(s.q, [7 / 8, null, 9 / 8]);
    assert.deepEqual(s.help, [0, 0, 1]);
    assert.deepEqual(s.x, [10.5, 12, 13.5]);
    db.close();
  });

  it('details a takeover: pre-roll steps, novice proposals and the raw samples on the steps clock', () => {
    const { db, id } = recorded();
    const service = new ReviewService(db);
    const robot = service.open(id).takeovers[1];
    const detail = service.takeover(id, robot.id);
    assert.equal(detail.takeover.reactionMs, 420);
    assert.equal(detail.takeover.qAtRequest, 1.25);
    assert.equal(detail.durationSeconds, 0.4);
    // 10 steps of pre-roll (clipped at step 0), the span, 5 after.
    assert.deepEqual(
      detail.steps.map((s) => s.step),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    assert.equal(detail.steps[3].ms, 0);
    assert.equal(detail.steps[0].ms, -300);
    assert.deepEqual(detail.steps[4].novice, sampleStep(4).novice);
    assert.equal(detail.device, 'test wheel');
    assert.equal(detail.samples.length, 20);
    assert.equal(detail.samples[0].ms, -300.125);
    db.close();
  });

  it('aggregates analytics: per episode, per minute, positions, reaction times, the expert curve', () => {
    const { db, id } = recorded();
    const a = new ReviewService(db).analytics(id);
    assert.deepEqual(
      a.perEpisode.map((e) => [e.episode, e.steps, e.takeovers, e.success]),
      [
        [0, 10, 1, true],
        [1, 10, 1, null],
      ],
    );
    assert.deepEqual(a.perMinute, [2]);
    assert.deepEqual(
      a.positions.map((p) => [p.x, p.seed, p.trigger]),
      [
        [4.5, 100, 'robot'],
        [18, 101, 'human'],
      ],
    );
    assert.deepEqual(a.reactionMs, [420]);
    // sampleStep's human steps are every third: 0, 3, 6, 9, 12, 15, 18.
    assert.deepEqual(a.expertCurve, [
      { step: 0, expertSteps: 1 },
      { step: 10, expertSteps: 4 },
      { step: 19, expertSteps: 7 },
    ]);
    assert.deepEqual(a.episodeEnds, [{ episode: 0, step: 9, success: true }]);
    db.close();
  });

  it('says clearly when a session, a takeover or a scene does not exist, and deletes', () => {
    const { db, id } = recorded();
    const service = new ReviewService(db);
    assert.throws(() => service.open(id + 1), { message: `Session ${id + 1} does not exist.` });
    assert.throws(() => service.takeover(id, 9999), /has no takeover 9999/);
    assert.throws(() => service.scene(id, 7), /no recorded scene for episode 7/);
    assert.equal(service.scene(id, 1).seed, 101);
    assert.deepEqual(service.delete(id), { deleted: id });
    assert.throws(() => service.delete(id), /does not exist/);
    db.close();
  });

  it('refuses malformed review requests before they reach the core', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['review.open', { sessionId: 'one' }, /sessionId/],
      ['review.open', { sessionId: 0 }, /sessionId/],
      ['review.open', { sessionId: 1, extra: true }, /extra/],
      ['review.frames', { sessionId: 1, from: 10, to: 5 }, /to must not be before from/],
      ['review.frames', { sessionId: 1, from: 0, to: 5000 }, /at most 1200 steps/],
      ['review.series', { sessionId: 1, from: -1, to: 5 }, /from/],
      ['review.takeover', { sessionId: 1, takeoverId: 1.5 }, /takeoverId/],
      ['sessions.delete', {}, /sessionId/],
    ];
    for (const [name, request, message] of bad) {
      assert.throws(
        () => parseCommand(name, request),
        (e: unknown) => {
          assert.ok(e instanceof ContractError);
          assert.match(e.message, message);
          return true;
        },
      );
    }
    assert.deepEqual(parseCommand('review.frames', { sessionId: 3, from: 0, to: 99 }).request, {
      sessionId: 3,
      from: 0,
      to: 99,
    });
  });
});
