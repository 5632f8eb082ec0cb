// Browser mode end to end, with the real core: Debian's Chromium drives the served UI, starts a toy
// session, sees the Q plot receive points, holds Space to take over with an arrow key, releases,
// stops, and then finds that takeover and its steps in the SQLite file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import {
  chromiumSkipReason,
  readHook,
  screenshot,
  startSession,
  waitForCount,
  waitForMode,
  waitForText,
} from './helpers/browser.ts';
import { browserModeCore } from './helpers/browser-mode.ts';

// Generous: the learner's first fit runs when warm-up ends, and CI machines are slow. These are
// limits on waiting, never assertions about speed.
const FIRST_Q_TIMEOUT_MS = 240_000;
const WAIT_MS = 120_000;

interface TakeoverRow {
  id: number;
  session_id: number;
  start_step: number;
  end_step: number;
  trigger: string;
  handback: string;
}

interface StepRow {
  step: number;
  mode: string;
  human_0: number | null;
  human_1: number | null;
}

function humanTakeovers(dbPath: string): TakeoverRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT id, session_id, start_step, end_step, "trigger", handback FROM takeovers WHERE "trigger" = 'human' ORDER BY id`,
      )
      .all() as TakeoverRow[];
  } finally {
    db.close();
  }
}

/** Holds Space (and an arrow) for about 1.5 s while the robot drives, then releases. */
async function takeOver(page: Page, screenshotName: string | null): Promise<void> {
  await waitForMode(page, ['robot'], WAIT_MS);
  await page.keyboard.down('Space');
  await page.keyboard.down('ArrowLeft');
  // The banner follows the core's frames, so seeing HUMAN means the core took the input.
  await page
    .waitForSelector('[data-testid="mode-banner"][data-mode="human"]', { timeout: WAIT_MS })
    .catch(async (error: Error) => {
      // Say what the page showed instead (a pause for stale input names itself in the message line).
      const banner = await page.getByTestId('mode-banner').getAttribute('data-mode');
      const message = await page.getByTestId('message-line').textContent();
      const engaged = await readHook(page, 'takeoverEngaged');
      throw new Error(
        `${error.message}\nThe banner shows ${banner}; takeover held: ${engaged}; message line: ${message}`,
      );
    });
  await page.keyboard.down('ArrowUp');
  await page.waitForTimeout(1500);
  if (screenshotName !== null) await screenshot(page, screenshotName);
  await page.keyboard.up('ArrowUp');
  await page.keyboard.up('ArrowLeft');
  await page.keyboard.up('Space');
  assert.equal(await readHook(page, 'takeoverEngaged'), false);
}

test(
  'browser mode: start a session, take over with the keyboard, find the takeover in SQLite',
  { skip: chromiumSkipReason(), timeout: 600_000 },
  async (t) => {
    const { dbPath, page, errors, closeAll } = await browserModeCore(t, 'aim-browser-e2e-');
    await startSession(page, {
      'env-select': 'toy',
      'pace-select': 'realtime',
      'warmup-input': '30',
      'batch-size-input': '32',
      'delta-input': '0.02',
      'operator-input': 'e2e',
    });

    await waitForText(page, 'session-status', 'running', WAIT_MS);
    const sessionId = Number(await page.getByTestId('session-id').textContent());
    assert.ok(Number.isInteger(sessionId) && sessionId > 0, `session id shown: ${sessionId}`);
    await waitForCount(page, 'qPoints', 5, FIRST_Q_TIMEOUT_MS);
    assert.ok((await readHook(page, 'topDownDraws')) > 0, 'the top-down view drew the scene');

    // The gate may ask for help at the very moment Space goes down; that takeover is then the
    // robot's. Try again until one is the person's own (almost always the first time).
    let found: TakeoverRow[] = [];
    for (let attempt = 1; attempt <= 4 && found.length === 0; attempt++) {
      await takeOver(page, attempt === 1 ? 'browser-takeover' : null);
      // The takeover row is written when control comes back; wait for the robot again.
      await waitForMode(page, ['robot'], WAIT_MS);
      await waitForCount(page, 'frames', (await readHook(page, 'frames')) + 3, WAIT_MS);
      found = humanTakeovers(dbPath);
    }

    await page.getByTestId('stop-button').click();
    await waitForText(page, 'session-status', 'finished', WAIT_MS);
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="finished"]');
    assert.deepEqual(errors, [], 'no console errors in the page');

    await closeAll();

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const takeovers = db
        .prepare(
          `SELECT id, session_id, start_step, end_step, "trigger", handback FROM takeovers WHERE session_id = ? AND "trigger" = 'human' ORDER BY id`,
        )
        .all(sessionId) as TakeoverRow[];
      assert.ok(takeovers.length >= 1, 'a takeover triggered by the person was recorded');
      const takeover = takeovers[0];
      assert.ok(takeover.end_step >= takeover.start_step);
      assert.ok(
        ['release', 'episode-end'].includes(takeover.handback),
        `hand-back reason ${takeover.handback}`,
      );
      const steps = db
        .prepare(
          'SELECT step, mode, human_0, human_1 FROM steps WHERE session_id = ? AND step BETWEEN ? AND ? ORDER BY step',
        )
        .all(sessionId, takeover.start_step, takeover.end_step) as StepRow[];
      assert.equal(
        steps.length,
        takeover.end_step - takeover.start_step + 1,
        'every step of the span is recorded',
      );
      for (const step of steps) {
        assert.equal(step.mode, 'human', `step ${step.step} is the person's`);
        assert.notEqual(step.human_0, null, `step ${step.step} has the person's steering`);
        assert.notEqual(step.human_1, null, `step ${step.step} has the person's throttle`);
      }
      // ArrowLeft is +steer (left): some step of the span carries it.
      assert.ok(
        steps.some((s) => (s.human_0 ?? 0) > 0),
        'the held arrow key reached the recorded steering',
      );
      const session = db
        .prepare('SELECT status, operator, host FROM sessions WHERE id = ?')
        .get(sessionId) as { status: string; operator: string; host: string };
      assert.deepEqual(session, { status: 'finished', operator: 'e2e', host: 'browser' });
    } finally {
      db.close();
    }
  },
);
