// Review end to end with the real core: a short toy session with the simulated expert is recorded at
// fast pace into a temporary database; then Chromium switches to review, finds it in the session
// browser, opens it (the chase camera, map and Q plot draw the recording), scrubs, plays, jumps to
// the next takeover and reads the inspector's traces, looks at the analytics, exports the takeovers
// as a dataset, and deletes a session after confirming. Screenshots go to test-results/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { SessionStatus } from '../../main/contract/api.ts';
import { sessionConfigSchema } from '../../main/contract/session-config.ts';
import { Workstation } from '../../main/session/workstation.ts';
import {
  chromiumSkipReason,
  launchChromium,
  openPage,
  screenshot,
  waitForCount,
  type PageGlobals,
} from './helpers/browser.ts';
import { serveBrowserMode, tempDir } from './helpers/browser-mode.ts';

const WAIT_MS = 120_000;

/** Records one finished session through the core, as the live view would start it. */
async function record(core: Workstation, config: Record<string, unknown>): Promise<number> {
  const ended = new Promise<SessionStatus>((resolve) => {
    const off = core.subscribe({
      event(name, payload) {
        const status = payload as SessionStatus;
        if (name === 'status' && ['finished', 'failed', 'interrupted'].includes(status.status)) {
          off();
          resolve(status);
        }
      },
      frame() {},
    });
  });
  // The previous session reports 'finished' a moment before the core lets go of it.
  let started: { sessionId: number } | null = null;
  for (let tries = 0; started === null; tries++) {
    try {
      started = await core.call('session.start', sessionConfigSchema.parse(config));
    } catch (error) {
      if (tries > 100 || !/still running/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const { sessionId } = started;
  const status = await ended;
  assert.equal(status.status, 'finished', status.message ?? 'the session finished');
  return sessionId;
}

async function replayStep(page: Page): Promise<number> {
  return Number(await page.getByTestId('replay-step').textContent());
}

async function waitForStep(page: Page, wanted: (step: number) => boolean, what: string): Promise<number> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const step = await replayStep(page);
    if (wanted(step)) return step;
    if (Date.now() > deadline) throw new Error(`replay cursor never ${what} (at step ${step})`);
    await page.waitForTimeout(50);
  }
}

test(
  'review: a recorded toy session — browse, open, scrub, play, next takeover, inspector traces, analytics, delete',
  { skip: chromiumSkipReason(), timeout: 900_000 },
  async (t) => {
    const tmp = tempDir('aim-browser-review-');
    t.after(() => tmp.remove());
    const core = Workstation.open({ dbPath: path.join(tmp.dir, 'aim.db'), host: 'browser' });
    t.after(() => core.close());
    // A short warm-up and a large δ, so the robot asks for help several times in 300 decisions.
    const base = { env: 'toy', pace: 'fast', warmup: 30, batchSize: 32, delta: 0.3, seed: 1 };
    const other = await record(core, { ...base, steps: 60, operator: 'e2e other' });
    const id = await record(core, { ...base, steps: 300, operator: 'e2e review' });
    const takeovers = core.database.takeovers(id).filter((x) => x.trigger !== 'warmup');
    assert.ok(takeovers.length > 0, 'the recorded session has a takeover after warm-up');

    const server = await serveBrowserMode(core);
    t.after(() => server.close());
    const browser = await launchChromium();
    t.after(() => browser.close());
    const { page, errors } = await openPage(browser, server.url, { width: 1600, height: 1000 });
    t.after(async () => {
      // What the page showed when a step timed out, for whoever reads the failure.
      if (!page.isClosed()) await screenshot(page, 'review-last');
    });

    // The switch is in the help overlay and works from the keyboard.
    await page.getByTestId('help-button').click();
    assert.match((await page.getByTestId('shortcut-review').textContent()) ?? '', /V.*live view and review/);
    await page.getByTestId('help-close').click();
    await page.keyboard.press('v');
    await page.getByTestId('session-browser').waitFor({ timeout: WAIT_MS });

    // The browser lists both, newest first; a filter narrows them; sorting by steps puts 300 first.
    const row = page.getByTestId(`session-row-${id}`);
    await row.waitFor({ timeout: WAIT_MS });
    assert.match((await row.textContent()) ?? '', /e2e review.*toy.*aim.*finished.*300/);
    await page.getByTestId('session-filter').fill('e2e other');
    await page.getByTestId(`session-row-${id}`).waitFor({ state: 'detached' });
    await page.getByTestId('session-filter').fill('');
    await page.getByTestId('sort-steps').click();
    const firstRow = await page.locator('.sessions-table tbody tr').first().getAttribute('data-testid');
    assert.equal(firstRow, `session-row-${id}`, 'sorted by steps, descending');

    // Open: the live views draw the recording.
    await page.getByTestId(`open-session-${id}`).click();
    await page.getByTestId('replay').waitFor({ timeout: WAIT_MS });
    await waitForCount(page, 'topDownDraws', 1, WAIT_MS);
    await waitForCount(page, 'plotPoints', 1, WAIT_MS);
    assert.equal(await replayStep(page), 0);

    // Scrub: a click at the middle of the bar seeks to the middle of the session, and the Q plot
    // fills with the recording's window before it.
    const bar = await page.getByTestId('scrubber').boundingBox();
    assert.ok(bar !== null);
    await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height / 2);
    const middle = await waitForStep(page, (s) => Math.abs(s - 150) <= 3, 'reached the middle');
    await waitForCount(page, 'plotPoints', 100, WAIT_MS);
    await waitForCount(page, 'chaseDraws', 1, WAIT_MS);
    await screenshot(page, 'review-scrubbed');

    // Play at 8× moves the cursor; pause stops it.
    await page.getByTestId('speed-select').selectOption('8');
    await page.getByTestId('play-button').click();
    const played = await waitForStep(page, (s) => s > middle + 10, 'moved while playing');
    await page.getByTestId('play-button').click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('[data-testid="play-button"]')
          ?.textContent?.trim() === 'Play',
      undefined,
      { timeout: WAIT_MS },
    );
    const paused = await replayStep(page);
    await page.waitForTimeout(500);
    assert.equal(await replayStep(page), paused, 'paused');
    assert.ok(played > middle);

    // One decision forward and back by keyboard.
    await page.keyboard.press('.');
    await waitForStep(page, (s) => s === paused + 1, 'stepped forward');
    await page.keyboard.press(',');
    await waitForStep(page, (s) => s === paused, 'stepped back');

    // Back to the start, then the next takeover: the cursor lands on its first step and the
    // inspector shows it with its traces (a simulated expert: applied against novice, no raw input).
    await page.mouse.click(bar.x + 1, bar.y + bar.height / 2);
    await waitForStep(page, (s) => s <= 2, 'went back to the start');
    await page.getByTestId('next-takeover').click();
    const first = takeovers[0];
    await waitForStep(page, (s) => s === first.startStep, `jumped to the takeover at ${first.startStep}`);
    const inspector = page.getByTestId('inspector');
    await page.waitForSelector(`[data-testid="inspector"][data-takeover="${first.id}"]`, {
      timeout: WAIT_MS,
    });
    await page.getByTestId('inspector-steer').locator('canvas').first().waitFor({ timeout: WAIT_MS });
    await page.getByTestId('inspector-pedals').locator('canvas').first().waitFor({ timeout: WAIT_MS });
    const decisions = Number(await inspector.getAttribute('data-decision-points'));
    assert.ok(
      decisions >= first.endStep - first.startStep + 1,
      `the traces hold the takeover's ${first.endStep - first.startStep + 1} decisions and its pre-roll (${decisions})`,
    );
    assert.equal(await inspector.getAttribute('data-raw-points'), '0');
    assert.match(
      (await page.getByTestId('inspector-note').textContent()) ?? '',
      /No raw device input was recorded/,
    );
    assert.match((await page.getByTestId('inspector-trigger').textContent()) ?? '', /robot asked for help/);
    // The traces are drawn: the steering chart's canvas is not blank.
    const inked = await page.evaluate(() => {
      type Canvas = {
        width: number;
        height: number;
        getContext(k: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } } | null;
      };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas | null } })
        .document;
      const canvas = doc.querySelector('[data-testid="inspector-steer"] canvas');
      const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!data) return 0;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 100, `the steering traces are drawn (${inked} pixels)`);
    await screenshot(page, 'review-takeover-inspector');
    if (takeovers.length > 1) {
      await page.keyboard.press('PageDown');
      await waitForStep(page, (s) => s === takeovers[1].startStep, 'jumped to the second takeover');
    }

    // Analytics: per episode, per minute, the heat map over the map, learning curves; side by side.
    await page.getByTestId('review-tab-analytics').click();
    await page.getByTestId(`analytics-${id}`).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('per-episode-chart').locator('canvas').first().waitFor();
    assert.equal(
      Number(await page.getByTestId('heatmap').getAttribute('data-points')),
      takeovers.length,
      'every takeover is on the heat map (the toy task has one map)',
    );
    await page.getByTestId('compare-select').selectOption(String(other));
    await page.getByTestId(`analytics-${other}`).waitFor({ timeout: WAIT_MS });
    await screenshot(page, 'review-analytics');

    // Export from the session's page: its takeovers as HDF5; a second export to the same file is
    // refused with the core's message until replacing is ticked.
    const out = path.join(tmp.dir, 'takeovers.hdf5');
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-kind-takeovers').check();
    await page.getByTestId('export-out').fill(out);
    await page.getByTestId('export-run').click();
    await page.waitForFunction(
      (file) =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('[data-testid="export-result"]')
          ?.textContent?.includes(file) === true,
      out,
      { timeout: WAIT_MS },
    );
    assert.ok(existsSync(out), 'the dataset was written');
    await page.getByTestId('export-run').click();
    await page.waitForSelector('[data-testid="export-result"][role="alert"]', { timeout: WAIT_MS });
    assert.match((await page.getByTestId('export-result').textContent()) ?? '', /exists/);
    await page.getByTestId('export-close').click();

    // Delete asks first; keeping it keeps it, confirming removes it.
    await page.getByTestId('review-tab-sessions').click();
    await page.getByTestId(`delete-session-${other}`).click();
    await page.getByTestId('confirm-delete').waitFor({ state: 'visible' });
    await page.getByTestId('confirm-cancel').click();
    assert.ok(await page.getByTestId(`session-row-${other}`).isVisible());
    await page.getByTestId(`delete-session-${other}`).click();
    await page.getByTestId('confirm-delete-button').click();
    await page.getByTestId(`session-row-${other}`).waitFor({ state: 'detached', timeout: WAIT_MS });
    assert.equal(core.database.getSession(other), undefined, 'deleted from the database');

    // Back to the live view with the same key.
    await page.keyboard.press('v');
    await page.getByTestId('hud').waitFor();
    assert.deepEqual(errors, [], 'no console errors in the page');
  },
);
