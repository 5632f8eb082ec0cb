// A grid session in browser mode with the real core: Chromium starts it through the new-session
// dialog, the grid takes the chase camera's place and follows the agent, the Q plot receives points
// once the proxy Q starts, and a held arrow key takes over with a turn that lands in SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
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

// Limits on waiting, never assertions about speed: the proxy Q's first round follows warm-up. The
// session runs at fast pace (lockstep), so the novice has learned to agree with the expert, and the
// robot drives, after the same steps however loaded the machine is.
const FIRST_Q_TIMEOUT_MS = 240_000;
const WAIT_MS = 120_000;

function personTakeovers(dbPath: string, sessionId: number): Array<{ start: number; end: number }> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT start_step AS start, end_step AS end FROM takeovers WHERE session_id = ? AND "trigger" = 'human' ORDER BY id`,
      )
      .all(sessionId) as Array<{ start: number; end: number }>;
  } finally {
    db.close();
  }
}

test(
  'browser mode: a grid session shows the grid, the Q plot fills, and an arrow key turns the agent',
  { skip: chromiumSkipReason(), timeout: 600_000 },
  async (t) => {
    const { dbPath, page, errors, closeAll } = await browserModeCore(t, 'aim-browser-grid-');
    // Choosing the grid in the dialog brings its preset's warm-up, δ and batch instead of driving's.
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('env-select').selectOption('grid');
    assert.deepEqual(
      await Promise.all(
        ['warmup-input', 'delta-input', 'batch-size-input'].map((id) => page.getByTestId(id).inputValue()),
      ),
      ['400', '0.1', '200'],
    );
    await startSession(page, {
      'env-select': 'grid',
      'pace-select': 'fast',
      'warmup-input': '20',
      'batch-size-input': '16',
      'delta-input': '0.1',
      'operator-input': 'e2e',
    });
    await waitForText(page, 'session-status', 'running', WAIT_MS);
    const sessionId = Number(await page.getByTestId('session-id').textContent());

    // The grid replaces the driving views.
    await page.getByTestId('grid-view').waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.equal(await page.getByTestId('topdown').count(), 0, 'no road map in a grid session');
    assert.equal(await page.getByTestId('chase').count(), 0, 'no chase camera in a grid session');
    assert.equal(await page.getByTestId('toggle-lidar').count(), 0, 'no road-map options over the grid');
    assert.match((await page.getByTestId('takeover-hint').textContent()) ?? '', /T toggle a door/);
    await waitForCount(page, 'topDownDraws', 3, WAIT_MS);
    const agent = await readHook(page, 'gridAgent');
    assert.ok(
      agent !== null && agent.x > 0 && agent.y > 0,
      `the agent is drawn in the grid: ${JSON.stringify(agent)}`,
    );
    // The banner names the grid's keys, and the HUD its actions, not a car's controls.
    assert.doesNotMatch((await page.getByTestId('mode-banner').textContent()) ?? '', /steer|throttle/);
    assert.equal(await page.getByTestId('speed').count(), 0);
    assert.match(
      (await page.getByTestId('applied-action').textContent()) ?? '',
      /^(left|right|forward|pickup|drop|toggle|done)$/,
    );
    await waitForCount(page, 'qPoints', 5, FIRST_Q_TIMEOUT_MS);
    const before = await readHook(page, 'qPoints');
    await waitForCount(page, 'qPoints', before + 5, WAIT_MS);
    await screenshot(page, 'browser-grid');

    // A held ← is the person's takeover: held until a decision has been the person's, however long a
    // decision takes. If the expert already holds control when it goes down, the steps join the
    // expert's takeover instead; try again until one is the person's own.
    for (let attempt = 1; attempt <= 4 && personTakeovers(dbPath, sessionId).length === 0; attempt++) {
      await waitForMode(page, ['robot'], WAIT_MS);
      await page.keyboard.down('ArrowLeft');
      await waitForMode(page, ['human'], WAIT_MS);
      await page.keyboard.up('ArrowLeft');
      await waitForCount(page, 'frames', (await readHook(page, 'frames')) + 5, WAIT_MS);
    }

    await page.getByTestId('stop-button').click();
    await waitForText(page, 'session-status', 'finished', WAIT_MS);
    assert.deepEqual(errors, [], 'no console errors in the page');
    await closeAll();

    const person = personTakeovers(dbPath, sessionId);
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      assert.ok(person.length >= 1, 'the key press was recorded as the person’s takeover');
      const turned = db
        .prepare(
          `SELECT COUNT(*) AS n FROM steps WHERE session_id = ? AND step BETWEEN ? AND ? AND applied_0 = 0 AND human_0 = 0`,
        )
        .get(sessionId, person[0].start, person[0].end) as { n: number };
      assert.ok(turned.n >= 1, 'the person’s left turn was applied and recorded');
    } finally {
      db.close();
    }
  },
);
