// Teaching with a steering wheel, end to end: Chromium with a scripted G29 (navigator.getGamepads
// replaced by an init script, main/cli/scripted-wheel.ts) against the real core, simulator, learner
// and SQLite. The pedals read 0 until first pressed and the UI says so; the wheel is calibrated in
// the wizard (saved in the database); a person session starts; the person drives the warm-up, the
// robot asks for help (banner, border flash), the person takes over with the paddle, steers through
// a profile and hands back by agreement; the takeover row and ≥ 100 raw samples per second of it are
// in the database. Then the wheel is unplugged mid-takeover: the car brakes to a stop and the
// session pauses; plugged back in, resume continues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { POST_ROLL_MS, PRE_ROLL_MS } from '../../main/session/raw-input.ts';
import {
  chromiumSkipReason,
  readHook,
  screenshot,
  startSession,
  waitForCount,
  waitForText,
} from './helpers/browser.ts';
import { browserModeCore } from './helpers/browser-mode.ts';
import { G29_KEY, installScriptedWheel, setAxis, setWheel } from '../../main/cli/scripted-wheel.ts';

// Limits on waiting (the learner's first fit on a shared machine), never assertions about speed.
const FIRST_HELP_TIMEOUT_MS = 300_000;
const WAIT_MS = 60_000;
const MAX_ATTEMPTS = 4;

async function frame(page: Page) {
  return readHook(page, 'frame');
}

async function waitForFrame(
  page: Page,
  what: string,
  accept: (f: NonNullable<Awaited<ReturnType<typeof frame>>>) => boolean,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = await frame(page);
    if (f !== null && accept(f)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last frame ${JSON.stringify(f)}`);
    // Each look runs on the page's main thread, where the 200 Hz sampler's timer runs too.
    await page.waitForTimeout(50);
  }
}

/** Holds an axis at a value long enough to be sampled, for one calibration step. */
async function hold(page: Page, axis: number, values: number[], ms = 250): Promise<void> {
  for (const value of values) {
    await setAxis(page, axis, value);
    await page.waitForTimeout(ms);
  }
}

async function calibrate(page: Page): Promise<void> {
  await page.getByTestId('calibrate-button').click();
  await page.getByTestId('calibration-dialog').waitFor({ state: 'visible' });
  await page.getByTestId('calibration-gain-select').selectOption('1.5');
  // No dead zones: the scripted wheel matches the novice's action exactly to agree with it.
  await page.getByTestId('calibration-pedal-deadzone').fill('0');
  await page.getByTestId('calibration-start').click();
  const step = page.getByTestId('calibration-step');
  const problem = async () =>
    (await page.getByTestId('calibration-message').count()) > 0
      ? await page.getByTestId('calibration-message').textContent()
      : null;
  const next = async (expected: string) => {
    assert.equal(await step.getAttribute('data-step'), expected, `${await problem()}`);
    await page.getByTestId('calibration-continue').click();
  };
  await hold(page, 0, [0, 0]);
  await next('centre');
  await hold(page, 0, [-0.5, -1]);
  await next('left');
  await hold(page, 0, [0.5, 1]);
  await next('right');
  await setAxis(page, 0, 0);
  await hold(page, 2, [1, 0, -1, 0, 1]);
  await next('throttle');
  await hold(page, 3, [1, 0, -1, 0, 1]);
  await next('brake');
  assert.equal(await step.getAttribute('data-step'), 'clutch');
  await page.getByTestId('calibration-skip').click();
  await page.waitForSelector('[data-testid="calibration-step"][data-step="done"]');
  await waitForText(page, 'calibration-step', 'Calibrated and saved.');
  await page.getByTestId('calibration-cancel').click();
}

test(
  'a G29 (scripted): calibrate, answer a help request with the paddle, hand back by agreement; unplugged mid-takeover the car stops and the session pauses',
  { skip: chromiumSkipReason(), timeout: 900_000 },
  async (t) => {
    // No WebGL: the chase camera's software rendering would compete with the 200 Hz sampler for the
    // CPU, and drawing is not what this test is about (aim bench input measures with it on).
    const { core, dbPath, page, errors, closeAll } = await browserModeCore(t, 'aim-browser-wheel-', {
      webgl: false,
      initScript: installScriptedWheel,
    });
    // The map and the plots redraw on the page's main thread, where the sampler's timer runs; on a
    // shared two-core machine their draws delay its polls. They are not what this test is about.
    await page.addStyleTag({
      content:
        '[data-testid="topdown"] canvas, .qplot-panel canvas, [data-testid="metrics"] canvas { display: none; }',
    });

    // The wheel is found, its untouched pedals are pointed out, force feedback says why it is off.
    await waitForText(page, 'device-status', 'Logitech G29 · not calibrated');
    await page.getByTestId('pending-pedals').waitFor();
    assert.match(
      (await page.getByTestId('pending-pedals').textContent()) ?? '',
      /Press each pedal once.*throttle/,
    );
    const ff = page.getByTestId('ff-status');
    await ff.waitFor();
    const reason = await ff.getAttribute('data-reason');
    assert.match(
      (await ff.textContent()) ?? '',
      reason === 'no-addon' ? /add-on not built/ : /no force-feedback device/,
      `force feedback without a wheel device (${reason})`,
    );

    await calibrate(page);
    await waitForText(page, 'device-status', 'Logitech G29 · calibrated');
    assert.equal(await page.getByTestId('pending-pedals').count(), 0, 'pedals moved: no more notice');
    const saved = core.database.calibration(G29_KEY, '');
    assert.ok(saved?.record.calibrated);
    assert.equal(saved.record.gain, 1.5);
    assert.deepEqual([saved.record.steer.left, saved.record.steer.right], [-1, 1]);
    assert.deepEqual([saved.record.throttle?.index, saved.record.brake?.index], [2, 3]);
    await setWheel(page, { gain: 1.5, program: 'warmup' });

    // A person session: the person drives the warm-up.
    await startSession(page, {
      'env-select': 'toy',
      'expert-select': 'person',
      'pace-select': 'realtime',
      'warmup-input': '10',
      'batch-size-input': '32',
      'delta-input': '0.3',
      'operator-input': 'e2e wheel',
      'seed-input': '1',
      // Shared test machines stall for longer than a wheel ever would; the limit itself is unit-tested.
      'expert-stale-input-ms-input': '2000',
    });
    await waitForText(page, 'session-status', 'running', WAIT_MS);
    await waitForFrame(page, 'a warm-up step', (f) => f.mode === 'warmup');
    await waitForFrame(page, 'the end of warm-up', (f) => f.step >= 10);
    // Let go: the wheel rests where the car steers (as force feedback holds it), pedals up.
    await setWheel(page, { program: 'follow' });

    // The robot asks for help: the banner and a flash of the border; the novice keeps driving. The
    // person takes over with the paddle, steers a profile, then agrees with the novice. An episode
    // that ends mid-takeover (the toy road is short) ends it otherwise: answer the next request.
    const sessionId = Number(await page.getByTestId('session-id').textContent());
    const answeredByAgreement = () =>
      core.database.takeovers(sessionId).find((r) => r.trigger === 'robot' && r.handback === 'agreement');
    let sentRate = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && answeredByAgreement() === undefined; attempt++) {
      await waitForCount(page, 'helpAlerts', attempt, FIRST_HELP_TIMEOUT_MS).catch(async (error: Error) => {
        throw new Error(
          `${error.message}; status ${await page.getByTestId('session-status').textContent()}, message "${await page.getByTestId('message-line').textContent()}", frame ${JSON.stringify(await frame(page))}`,
        );
      });
      await waitForFrame(page, 'the help request on the frames', (f) => f.mode === 'help');
      if (attempt === 1) await screenshot(page, 'wheel-help-requested');
      await page.waitForTimeout(400);
      await setWheel(page, { program: 'takeover' });
      await waitForFrame(page, 'the person driving', (f) => f.mode === 'human');
      const sentBefore = { n: await readHook(page, 'inputSent'), at: Date.now() };
      await page.waitForTimeout(2000);
      await setWheel(page, { program: 'agree' });
      await waitForFrame(page, 'hand-back', (f) => f.mode === 'robot' || f.mode === 'help', WAIT_MS);
      sentRate = `the page sent ${(((await readHook(page, 'inputSent')) - sentBefore.n) / ((Date.now() - sentBefore.at) / 1000)).toFixed(0)} samples/s meanwhile`;
      await setWheel(page, { program: 'follow' });
      // The recorder writes takeover rows in batches (every 250 ms).
      await page.waitForTimeout(600);
    }

    // Taking over on one's own initiative, then the wheel is unplugged mid-takeover.
    await page.waitForTimeout(500);
    await setWheel(page, { program: 'drive' });
    await waitForFrame(page, 'the person driving', (f) => f.mode === 'human');
    await page.waitForTimeout(1500);
    await setWheel(page, { connected: false });
    await waitForText(page, 'session-status', 'paused', WAIT_MS);
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="paused"]');
    assert.match(
      (await page.getByTestId('message-line').textContent()) ?? '',
      /disconnected.*braked to a stop/,
    );
    const stopped = await frame(page);
    assert.ok(stopped !== null && stopped.egoSpeed < 0.5, `the car stopped: ${JSON.stringify(stopped)}`);
    assert.deepEqual(stopped.applied, [0, -1], 'braking');
    await waitForText(page, 'device-status', 'No wheel or gamepad');
    await screenshot(page, 'wheel-unplugged');

    // Plugged back in and resumed: the session continues, the person's request still standing.
    await setWheel(page, { connected: true, program: 'follow' });
    await waitForText(page, 'device-status', 'Logitech G29 · calibrated');
    await page.getByTestId('resume-button').click();
    await waitForText(page, 'session-status', 'running', WAIT_MS);
    const resumedAt = (await frame(page))?.step ?? 0;
    await waitForFrame(page, 'decisions after resume', (f) => f.step > resumedAt + 5);
    await page.getByTestId('stop-button').click();
    await waitForText(page, 'session-status', 'finished', WAIT_MS);
    assert.ok((await readHook(page, 'inputSent')) > 1000, 'the wheel was sampled and sent throughout');
    assert.deepEqual(errors, [], 'no console errors in the page');
    await closeAll();

    // What the database holds.
    const { openDatabase } = await import('../../main/store/database.ts');
    const db = openDatabase(dbPath, { readonly: true });
    t.after(() => db.close());
    const [session] = db.listSessions(1);
    const takeovers = db.takeovers(session.id);
    const answered = takeovers.find((row) => row.trigger === 'robot' && row.handback === 'agreement');
    assert.ok(answered, `a robot-triggered takeover handed back by agreement: ${JSON.stringify(takeovers)}`);
    assert.ok(answered.reactionMs !== null && answered.reactionMs > 0, 'reaction time measured');
    assert.ok(answered.durationMs !== null && answered.durationMs > 0, 'duration measured');
    assert.ok(
      answered.endStep - answered.startStep >= 10,
      `the person drove through the profile before agreeing: ${JSON.stringify(answered)}`,
    );
    const steps = db.steps(session.id, answered.startStep, answered.endStep);
    const from = steps[0].wallMs;
    const to = steps[steps.length - 1].wallMs;
    // The takeover recorded at the device's rate, with its 1 s before and after. The rate is what
    // the issue asks of the takeover itself; the rolls only need to be there (the help request's
    // banner, flash and screenshot fall into the pre-roll and slow the page's sampling on a loaded
    // machine, which a person's wheel would not feel on a workstation).
    const during = db.inputSamples(session.id, from - PRE_ROLL_MS, to + POST_ROLL_MS);
    const takeoverSamples = db.inputSamples(session.id, from, to);
    const perSecond = takeoverSamples.length / ((to - from) / 1000);
    const gaps = takeoverSamples.slice(1).map((sample, i) => sample.t - takeoverSamples[i].t);
    const stalls = gaps.filter((gap) => gap > 50);
    const rate = `${perSecond.toFixed(0)} raw samples per second of takeover over ${((to - from) / 1000).toFixed(1)} s (${sentRate}; ${stalls.length} gaps over 50 ms, longest ${Math.max(...gaps).toFixed(0)} ms, median ${gaps.sort((a, b) => a - b)[gaps.length >> 1]?.toFixed(1)} ms; ${during.length} samples with the rolls; ${answered.endStep - answered.startStep + 1} steps)`;
    t.diagnostic(rate);
    assert.ok(perSecond >= 100, rate);
    assert.ok(during.every((s) => s.profile === 'logitech-g29' && s.axes.length === 6));
    assert.ok(
      during.some((s) => s.buttons[4] === 1),
      'the paddle is in the raw samples',
    );
    assert.ok(db.inputSamples(session.id, from - PRE_ROLL_MS, from).length > 50, 'a pre-roll before it');
    assert.ok(db.inputSamples(session.id, to, to + POST_ROLL_MS).length > 50, 'a post-roll after it');
    const fault = takeovers.find((row) => row.handback === 'fault');
    assert.ok(fault, 'the unplugged takeover ended as a fault');
    // The paddle went down on the person's initiative, or to answer a request that came first.
    assert.ok(['human', 'robot'].includes(fault.trigger), fault.trigger);
    const warmup = takeovers.find((row) => row.trigger === 'warmup');
    assert.equal(warmup?.startStep, 0, 'the person drove the warm-up');
  },
);

test(
  'a wheel unplugged mid-calibration stops the wizard, keeps nothing half-made, and a new calibration works once it is back',
  { skip: chromiumSkipReason(), timeout: 300_000 },
  async (t) => {
    const { core, page, errors } = await browserModeCore(t, 'aim-browser-wheel-calibration-', {
      webgl: false,
      initScript: installScriptedWheel,
    });
    await waitForText(page, 'device-status', 'Logitech G29 · not calibrated');

    await page.getByTestId('calibrate-button').click();
    await page.getByTestId('calibration-start').click();
    await hold(page, 0, [0, 0]);
    await page.getByTestId('calibration-continue').click();
    await page.waitForSelector('[data-testid="calibration-step"][data-step="left"]');
    await hold(page, 0, [-0.5]);
    await setWheel(page, { connected: false });
    await page.waitForSelector('[data-testid="calibration-step"][data-step="aborted"]');
    assert.match(
      (await page.getByTestId('calibration-message').textContent()) ?? '',
      /Calibration stopped: the device was disconnected\. The previous calibration stays\./,
    );
    assert.equal(await page.getByTestId('calibration-continue').count(), 0, 'nothing left to continue');
    await waitForText(page, 'device-status', 'No wheel or gamepad');
    assert.equal(core.database.calibration(G29_KEY, ''), undefined, 'no half-made calibration saved');
    await screenshot(page, 'wheel-unplugged-calibration');

    await setWheel(page, { connected: true });
    await waitForText(page, 'device-status', 'Logitech G29 · not calibrated');
    await page.getByTestId('calibration-cancel').click();
    await calibrate(page);
    await waitForText(page, 'device-status', 'Logitech G29 · calibrated');
    assert.ok(core.database.calibration(G29_KEY, '')?.record.calibrated, 'the second calibration saved');
    assert.deepEqual(errors, [], 'no console errors in the page');
  },
);
