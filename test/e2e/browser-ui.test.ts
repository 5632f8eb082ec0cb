// The renderer in Chromium against a stand-in core (helpers/fake-core.ts), so UI behaviour is tested
// without waiting for the learner: views come alive (the chase camera through SwiftShader), keyboard
// takeover samples reach the core, the new-session dialog and session controls, validation
// messages, shortcuts and their help, remembered theme / pane sizes / view options, the chase pane
// without WebGL, losing and regaining the server, and token mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServer, generateToken, type RunningServer } from '../../main/server/index.ts';
import { FakeCore } from './helpers/fake-core.ts';
import {
  canvasColourCount,
  chromiumSkipReason,
  launchChromium,
  openPage,
  readHook,
  screenshot,
  startSession,
  waitForChaseColours,
  waitForCount,
  waitForMode,
  waitForText,
} from './helpers/browser.ts';
import { ensureRendererBuilt } from './helpers/browser-mode.ts';
import { RENDERER_DIST } from './helpers/paths.ts';
import { SHORTCUTS } from '../../renderer/src/app/shortcuts.ts';

const skip = chromiumSkipReason();
let browser: Browser;

before(async () => {
  if (skip) return;
  ensureRendererBuilt();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Everything the operator needs is on screen without scrolling. */
async function assertOnScreen(page: Page, viewport: { width: number; height: number }): Promise<void> {
  for (const id of [
    'mode-banner',
    'hud',
    'chase',
    'qplot',
    'topdown',
    'metrics',
    'new-session-button',
    'pause-button',
    'stop-button',
    'takeover-count',
    'step-count',
    'session-id',
    'message-line',
  ]) {
    const box = await page.getByTestId(id).boundingBox();
    assert.ok(
      box !== null &&
        box.x >= 0 &&
        box.y >= 0 &&
        box.y + box.height <= viewport.height &&
        box.x + box.width <= viewport.width,
      `${id} is on screen: ${JSON.stringify(box)}`,
    );
  }
}

async function serve(
  t: { after(fn: () => unknown): void },
  options: { token?: string; port?: number; core?: FakeCore } = {},
): Promise<{ core: FakeCore; server: RunningServer }> {
  const core = options.core ?? new FakeCore();
  const server = await startServer({
    core,
    port: options.port ?? 0,
    staticDir: RENDERER_DIST,
    token: options.token,
  });
  t.after(async () => {
    await server.close();
    core.close();
  });
  return { core, server };
}

test(
  'views come alive: banner, counters, Q plot and top-down view follow the session',
  { skip },
  async (t) => {
    const { core, server } = await serve(t);
    const { page, errors, context } = await openPage(browser, server.url);
    t.after(() => context.close());
    await page.getByTestId('new-session-button').waitFor();
    assert.equal(await page.getByTestId('mode-banner').getAttribute('data-mode'), 'idle');
    assert.equal(await page.getByTestId('session-id').textContent(), '—');
    assert.equal(await page.getByTestId('pause-button').isDisabled(), true);
    assert.equal(await page.getByTestId('stop-button').isDisabled(), true);

    await startSession(page, { 'warmup-input': '15', 'operator-input': 'ui test' });
    await waitForText(page, 'session-id', '1');
    assert.equal(
      await page.getByTestId('new-session-dialog').isVisible(),
      false,
      'the dialog closes on start',
    );
    // The first frame waits for the learner's thread to start TF.js: slow on a loaded machine.
    await waitForMode(page, ['warmup'], 120_000);
    assert.match((await page.getByTestId('mode-banner').textContent()) ?? '', /WARM-UP/);
    await waitForMode(page, ['robot']);
    assert.match((await page.getByTestId('mode-banner').textContent()) ?? '', /ROBOT/);
    await waitForCount(page, 'qPoints', 10);
    await waitForCount(page, 'topDownDraws', 10);
    // Warm-up points have no Q: the plot holds them but draws no Q value for them.
    assert.ok((await readHook(page, 'plotPoints')) > (await readHook(page, 'qPoints')));
    assert.ok(Number(await page.getByTestId('step-count').textContent()) >= 15);
    assert.equal(await page.getByTestId('new-session-button').isDisabled(), true);

    // The top-down canvas really drew something other than its background.
    const painted = await canvasColourCount(page, '[data-testid="topdown"] canvas');
    assert.ok(painted > 3, `top-down view shows ${painted} colours`);
    // So did the chase camera, through WebGL (SwiftShader here).
    await waitForCount(page, 'chaseDraws', 10);
    assert.equal(await readHook(page, 'chaseStatus'), 'running');
    assert.equal(await readHook(page, 'chaseThread'), 'worker', 'WebGL runs off the main thread');
    const chaseColours = await waitForChaseColours(page, 9);
    assert.ok(chaseColours > 8, `chase camera shows ${chaseColours} colours`);
    // The HUD's bars show the novice's and the applied action.
    assert.equal(await page.getByTestId('novice-throttle').getAttribute('data-value'), '0.50');
    assert.equal(await page.getByTestId('applied-steer').getAttribute('data-value'), '0.00');
    assert.deepEqual(
      core.calls.filter((c) => c === 'session.start'),
      ['session.start'],
    );
    await assertOnScreen(page, { width: 1280, height: 720 });
    assert.deepEqual(errors, []);
  },
);

test(
  'holding Space sends engaged samples with the arrow keys, and releasing sends engaged = false',
  { skip },
  async (t) => {
    const { core, server } = await serve(t);
    const { page, errors, context } = await openPage(browser, server.url);
    t.after(() => context.close());
    await startSession(page, { 'warmup-input': '10' });
    await waitForMode(page, ['robot']);

    await page.keyboard.down('Space');
    await page.keyboard.down('ArrowLeft');
    await waitForMode(page, ['human']);
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="human"]');
    assert.match((await page.getByTestId('mode-banner').textContent()) ?? '', /HUMAN.*You are driving/);
    assert.equal(await readHook(page, 'takeoverEngaged'), true);
    await page.waitForTimeout(500);
    await page.keyboard.up('ArrowLeft');
    await page.keyboard.down('ArrowDown');
    await page.waitForTimeout(300);
    await page.keyboard.up('ArrowDown');
    await page.keyboard.up('Space');
    await waitForMode(page, ['robot', 'help']);

    const engaged = core.inputs.filter((s) => s.engaged);
    assert.ok(engaged.length >= 10, `only ${engaged.length} engaged samples`);
    assert.ok(engaged.every((s) => s.source === 'keyboard' && s.discrete === null));
    assert.ok(
      engaged.some((s) => s.steer > 0.5),
      'ArrowLeft steers left (+steer)',
    );
    assert.ok(
      engaged.some((s) => s.throttle < -0.5),
      'ArrowDown brakes (−throttle)',
    );
    assert.ok(
      engaged.every((s, i) => i === 0 || s.t >= engaged[i - 1].t),
      'timestamps never go back',
    );
    const last = core.inputs.at(-1)!;
    assert.equal(last.engaged, false, 'the last sample releases the takeover');
    assert.ok(Number(await page.getByTestId('takeover-count').textContent()) >= 1);

    // Keys typed into the form are the form's: Space in the operator field does not take over, and
    // letters are not shortcuts there.
    const before = core.inputs.length;
    await page.getByTestId('stop-button').click();
    await waitForText(page, 'session-status', 'finished');
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('operator-input').fill('');
    await page.getByTestId('operator-input').click();
    await page.keyboard.down('Space');
    await page.keyboard.up('Space');
    await page.keyboard.type('tp');
    assert.equal(core.inputs.length, before);
    assert.equal(await page.getByTestId('operator-input').inputValue(), ' tp');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark', 'T typed in a field is text');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('new-session-dialog').isVisible(), false);
    assert.deepEqual(errors, []);
  },
);

test('pause, resume and stop drive the session and the banner', { skip }, async (t) => {
  const { server } = await serve(t);
  const { page, errors, context } = await openPage(browser, server.url);
  t.after(() => context.close());
  await startSession(page, { 'warmup-input': '10' });
  await waitForMode(page, ['robot']);
  await page.getByTestId('pause-button').click();
  await page.waitForSelector('[data-testid="mode-banner"][data-mode="paused"]');
  assert.match((await page.getByTestId('mode-banner').textContent()) ?? '', /PAUSED/);
  await page.getByTestId('resume-button').click();
  await page.waitForSelector('[data-testid="mode-banner"][data-mode="robot"]');
  await page.getByTestId('stop-button').click();
  await page.waitForSelector('[data-testid="mode-banner"][data-mode="finished"]');
  assert.equal(await page.getByTestId('new-session-button').isDisabled(), false);
  // A second session starts from a clean plot, with the form as it was left.
  await page.getByTestId('new-session-button').click();
  assert.equal(await page.getByTestId('warmup-input').inputValue(), '10');
  await startSession(page);
  await waitForText(page, 'session-id', '2');
  await waitForMode(page, ['robot']);
  assert.deepEqual(errors, []);
});

test('a form value the contract refuses is explained and never sent', { skip }, async (t) => {
  const { core, server } = await serve(t);
  const { page, context } = await openPage(browser, server.url);
  t.after(() => context.close());
  await startSession(page, { 'delta-input': '2' });
  await page.waitForSelector('[data-testid="message-line"].error');
  assert.match((await page.getByTestId('message-line').textContent()) ?? '', /Cannot start: delta/);
  assert.match((await page.getByTestId('dialog-error').textContent()) ?? '', /delta \(δ \(help rate\)\)/);
  assert.ok(!core.calls.includes('session.start'));
  // Fixed, the same dialog starts the session.
  await page.getByTestId('delta-input').fill('0.05');
  await page.getByTestId('start-button').click();
  await waitForText(page, 'session-status', 'running');
});

test('losing the server shows DISCONNECTED, and the page reconnects and catches up', { skip }, async (t) => {
  const core = new FakeCore();
  const first = await startServer({ core, port: 0, staticDir: RENDERER_DIST });
  const { page, errors, context } = await openPage(browser, first.url);
  t.after(() => context.close());
  await startSession(page, { 'warmup-input': '10' });
  await waitForMode(page, ['robot']);
  await first.close();
  await page.waitForSelector('[data-testid="mode-banner"][data-mode="disconnected"]');
  assert.match((await page.getByTestId('message-line').textContent()) ?? '', /Lost the connection/);
  const second = await serve(t, { core, port: first.port });
  assert.equal(second.server.port, first.port);
  await page.waitForSelector('[data-testid="mode-banner"][data-mode="robot"]', { timeout: 30_000 });
  const frames = await readHook(page, 'frames');
  await waitForCount(page, 'frames', frames + 5);
  await waitForText(page, 'session-status', 'running');
  // The browser logs the failed reconnection attempts itself; nothing else may be an error.
  assert.deepEqual(
    errors.filter((e) => !/WebSocket connection to .* failed/.test(e)),
    [],
  );
});

test(
  'with a token the page connects with it, and without it the UI stays on the connecting screen',
  { skip },
  async (t) => {
    const token = generateToken();
    const { server } = await serve(t, { token });
    const good = await openPage(browser, server.url);
    t.after(() => good.context.close());
    await good.page.getByTestId('new-session-button').waitFor();
    const bare = await openPage(browser, server.url.replace(/\?token=.*/, ''));
    t.after(() => bare.context.close());
    await bare.page.waitForSelector('[data-testid="connecting"]:has-text("Cannot reach the workstation")');
    assert.equal(await bare.page.getByTestId('new-session-button').count(), 0);
    const shownUrl = (await bare.page.getByTestId('connecting').textContent()) ?? '';
    assert.ok(!shownUrl.includes(token));
  },
);

test('readable at 1920×1080', { skip }, async (t) => {
  const { server } = await serve(t);
  const { page, errors, context } = await openPage(browser, server.url, { width: 1920, height: 1080 });
  t.after(() => context.close());
  await startSession(page, { 'warmup-input': '10' });
  await waitForCount(page, 'qPoints', 20);
  await waitForCount(page, 'chaseDraws', 10);
  await assertOnScreen(page, { width: 1920, height: 1080 });
  await screenshot(page, 'browser-ui-1920');
  assert.deepEqual(errors, []);
});

/** The first pane's share of a split, in percent, as its divider reports it. */
async function splitPercent(page: Page, id: string): Promise<number> {
  return Number(await page.getByTestId(`splitter-${id}`).getAttribute('aria-valuenow'));
}

test(
  'shortcuts drive every control and are listed in the help; theme, pane sizes and view options are remembered',
  { skip },
  async (t) => {
    const { server } = await serve(t);
    const { page, errors, context } = await openPage(browser, server.url);
    t.after(() => context.close());
    await page.getByTestId('new-session-button').waitFor();

    // ? lists every control's shortcut; Esc closes it.
    await page.keyboard.press('Shift+?');
    await page.getByTestId('help-overlay').waitFor({ state: 'visible' });
    const rows = await page.locator('[data-testid^="shortcut-"]').count();
    assert.equal(rows, SHORTCUTS.length, 'one row per control');
    assert.match((await page.getByTestId('help-overlay').textContent()) ?? '', /Space \(hold\).*Take over/);
    await page.keyboard.press('Escape');
    await page.getByTestId('help-overlay').waitFor({ state: 'hidden' });

    // N opens the dialog; F switches the next session's pace.
    await page.keyboard.press('f');
    assert.equal(await page.getByTestId('pace-fast').getAttribute('aria-checked'), 'true');
    await page.keyboard.press('f');
    assert.equal(await page.getByTestId('pace-realtime').getAttribute('aria-checked'), 'true');
    await page.keyboard.press('n');
    await page.getByTestId('new-session-dialog').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('pace-select').inputValue(), 'realtime');
    await page.getByTestId('warmup-input').fill('10');
    await page.getByTestId('start-button').click();
    await waitForMode(page, ['robot']);

    // P pauses and resumes; Shift+X stops (a plain X does not).
    await page.keyboard.press('p');
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="paused"]');
    await page.keyboard.press('p');
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="robot"]');
    await page.keyboard.press('x');
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('session-status').textContent(), 'running');

    // Map options, plot window and theme, by key.
    await page.keyboard.press('h');
    await page.keyboard.press('l');
    await page.keyboard.press('m');
    await page.keyboard.press(']');
    await page.keyboard.press('t');
    assert.equal(await page.getByTestId('toggle-heading-up').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('toggle-lidar').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('toggle-inset').getAttribute('aria-pressed'), 'false');
    assert.equal(await readHook(page, 'plotWindow'), 60);
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    await waitForCount(page, 'topDownDraws', (await readHook(page, 'topDownDraws')) + 5);
    await screenshot(page, 'browser-ui-light-heading-up');

    // Drag the main divider 200 px left and the map's divider 60 px down.
    const before = await splitPercent(page, 'main');
    const main = (await page.getByTestId('splitter-main').boundingBox())!;
    await page.mouse.move(main.x + main.width / 2, main.y + main.height / 2);
    await page.mouse.down();
    await page.mouse.move(main.x + main.width / 2 - 200, main.y + main.height / 2, { steps: 5 });
    await page.mouse.up();
    const after = await splitPercent(page, 'main');
    assert.ok(after < before - 10, `main split ${before} → ${after}`);
    const right = (await page.getByTestId('splitter-right').boundingBox())!;
    await page.mouse.move(right.x + right.width / 2, right.y + right.height / 2);
    await page.mouse.down();
    await page.mouse.move(right.x + right.width / 2, right.y + right.height / 2 + 60, { steps: 3 });
    await page.mouse.up();
    const rightAfter = await splitPercent(page, 'right');

    await page.keyboard.press('Shift+X');
    await waitForText(page, 'session-status', 'finished');

    // Everything above survives a reload.
    await page.reload();
    await page.getByTestId('new-session-button').waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    assert.equal(await splitPercent(page, 'main'), after);
    assert.equal(await splitPercent(page, 'right'), rightAfter);
    assert.equal(await page.getByTestId('toggle-heading-up').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('plot-window-select').inputValue(), '60');
    // R resets the panes; the divider also moves with the keyboard.
    await page.keyboard.press('r');
    assert.equal(await splitPercent(page, 'main'), before);
    await page.getByTestId('splitter-main').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await splitPercent(page, 'main'), before + 2);
    assert.deepEqual(errors, []);
  },
);

/** Runs in the page: canvases can no longer be handed to a worker. */
function withoutOffscreenCanvas(): void {
  const canvas = (globalThis as unknown as { HTMLCanvasElement: { prototype: object } }).HTMLCanvasElement;
  Object.defineProperty(canvas.prototype, 'transferControlToOffscreen', { value: undefined });
}

test(
  'without workers the chase camera draws on the page; without WebGL it says so and the rest carries on',
  { skip },
  async (t) => {
    // No OffscreenCanvas in workers: the camera draws on the page's own animation frames.
    const { server } = await serve(t);
    const onPage = await openPage(browser, server.url, undefined, {
      initScript: withoutOffscreenCanvas,
    });
    t.after(() => onPage.context.close());
    await startSession(onPage.page, { 'warmup-input': '10' });
    await waitForCount(onPage.page, 'chaseDraws', 10);
    assert.equal(await readHook(onPage.page, 'chaseThread'), 'page');
    assert.ok((await waitForChaseColours(onPage.page, 9)) > 8);
    await onPage.page.getByTestId('stop-button').click();
    assert.deepEqual(onPage.errors, []);

    // No WebGL at all (the page's is switched off, and no worker can be given the canvas).
    const noGl = await launchChromium({ webgl: false });
    t.after(() => noGl.close());
    const { page, errors, context } = await openPage(noGl, server.url, undefined, {
      initScript: withoutOffscreenCanvas,
    });
    t.after(() => context.close());
    await page.getByTestId('chase-unavailable').waitFor();
    assert.match((await page.getByTestId('chase-unavailable').textContent()) ?? '', /WebGL/);
    assert.equal(await readHook(page, 'chaseStatus'), 'unavailable');
    await startSession(page, { 'warmup-input': '10' });
    await waitForMode(page, ['robot']);
    await waitForCount(page, 'topDownDraws', 10);
    await waitForCount(page, 'qPoints', 5);
    assert.equal(await readHook(page, 'chaseDraws'), 0);
    assert.deepEqual(errors, []);
  },
);
