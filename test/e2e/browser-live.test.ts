// The live view end to end with the real core: Chromium (SwiftShader WebGL) starts a driving
// session with traffic and the simulated expert through the new-session dialog, sees all three views
// update (the chase camera's draw counter climbs and its pixels are not one colour), waits for the
// robot to ask for help and finds the request in the Q plot and on the banner, pauses, resumes and
// stops. Screenshots of the live view go to test-results/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Workstation } from '../../main/session/workstation.ts';
import {
  canvasColourCount,
  chromiumSkipReason,
  launchChromium,
  openPage,
  readHook,
  screenshot,
  startSession,
  waitForBannerShown,
  waitForChaseColours,
  waitForCount,
  waitForText,
} from './helpers/browser.ts';
import { serveBrowserMode, tempDir } from './helpers/browser-mode.ts';

// Generous: the learner's first fit runs when warm-up ends, and shared CI machines are slow. These
// are limits on waiting, never assertions about speed.
const FIRST_HELP_TIMEOUT_MS = 360_000;
const WAIT_MS = 120_000;

test(
  'browser mode, live view: a driving session with the simulated expert — three views, a help request, pause, resume, stop',
  { skip: chromiumSkipReason(), timeout: 900_000 },
  async (t) => {
    const tmp = tempDir('aim-browser-live-');
    t.after(() => tmp.remove());
    const core = Workstation.open({ dbPath: path.join(tmp.dir, 'aim.db'), host: 'browser' });
    let coreClosed = false;
    t.after(async () => {
      if (!coreClosed) await core.close();
    });
    const server = await serveBrowserMode(core);
    t.after(() => server.close());
    const browser = await launchChromium();
    t.after(() => browser.close());

    const { page, errors } = await openPage(browser, server.url, { width: 1920, height: 1080 });
    // A short warm-up and small batches, so the proxy Q exists soon; δ large, so the gate asks often.
    await startSession(page, {
      'env-select': 'driving',
      'expert-select': 'scripted',
      'pace-select': 'realtime',
      'warmup-input': '30',
      'batch-size-input': '32',
      'delta-input': '0.3',
      'operator-input': 'e2e live',
      'seed-input': '1',
    });
    await waitForText(page, 'session-status', 'running', WAIT_MS);

    // All three views update: counters climb while frames arrive.
    await waitForCount(page, 'frames', 5, WAIT_MS);
    await waitForCount(page, 'chaseDraws', 20, WAIT_MS);
    await waitForCount(page, 'topDownDraws', 20, WAIT_MS);
    assert.equal(await readHook(page, 'chaseStatus'), 'running');
    const renderer = await readHook(page, 'glRenderer');
    assert.ok(renderer !== null && renderer.length > 0, 'WebGL reports a renderer');
    const chaseColours = await waitForChaseColours(page, 9, WAIT_MS);
    assert.ok(chaseColours > 8, `the chase camera drew the road, not one colour (${chaseColours} colours)`);
    const mapColours = await canvasColourCount(page, '[data-testid="topdown"] canvas');
    assert.ok(mapColours > 3, `the map drew the road (${mapColours} colours)`);
    await waitForCount(page, 'plotPoints', 10, WAIT_MS);
    await screenshot(page, 'live-driving-warmup');
    const draws = await readHook(page, 'chaseDraws');
    await waitForCount(page, 'chaseDraws', draws + 10, WAIT_MS);

    // The proxy Q appears after warm-up, then the robot asks for help: a marker in the plot, and the
    // banner says so (in words and colour).
    await waitForCount(page, 'qPoints', 3, FIRST_HELP_TIMEOUT_MS);
    await waitForCount(page, 'helpMarks', 1, FIRST_HELP_TIMEOUT_MS);
    await waitForBannerShown(page, 'help', WAIT_MS);
    await screenshot(page, 'live-driving-help');
    assert.ok(
      Number(await page.getByTestId('expert-steps').textContent()) >= 30,
      'warm-up steps count as expert-involved',
    );
    assert.notEqual(await page.getByTestId('backend').textContent(), '—', 'the training backend is shown');

    // Pause: the banner says PAUSED and frames stop; resume: they flow again.
    await page.getByTestId('pause-button').click();
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="paused"]', { timeout: WAIT_MS });
    assert.match((await page.getByTestId('mode-banner').textContent()) ?? '', /PAUSED/);
    const pausedAt = await readHook(page, 'frames');
    await page.waitForTimeout(1000);
    assert.ok((await readHook(page, 'frames')) <= pausedAt + 1, 'no decisions while paused');
    await page.getByTestId('resume-button').click();
    await waitForText(page, 'session-status', 'running', WAIT_MS);
    await waitForCount(page, 'frames', pausedAt + 5, WAIT_MS);
    await screenshot(page, 'live-driving-resumed');

    await page.getByTestId('stop-button').click();
    await waitForText(page, 'session-status', 'finished', WAIT_MS);
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="finished"]');
    assert.deepEqual(errors, [], 'no console errors in the page');

    await browser.close();
    await server.close();
    await core.close();
    coreClosed = true;
  },
);
