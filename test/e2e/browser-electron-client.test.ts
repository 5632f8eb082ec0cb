// The renderer's Electron client, exercised in Chromium where no Electron binary exists: an init
// script installs a window.aim shaped exactly like contract/bridge.ts's PreloadBridge (calls and
// input go to Node through exposed functions, validated as main's IPC handlers do), and the core
// port is a real MessageChannel whose far end this test feeds with frames and events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_PORT_MESSAGE } from '../../main/contract/bridge.ts';
import { parseCommand, parseHumanInput } from '../../main/contract/validate.ts';
import { FakeCore } from './helpers/fake-core.ts';
import {
  chromiumSkipReason,
  launchChromium,
  readHook,
  startSession,
  waitForCount,
  waitForMode,
  waitForText,
} from './helpers/browser.ts';
import { serveBrowserMode } from './helpers/browser-mode.ts';

/** What this test keeps on the page's window (type-checked without the DOM library). */
interface Port {
  postMessage(message: unknown): void;
}
type TestWindow = {
  __aimPort?: Port;
  __aimPortRequests?: number;
  __aimNodeCall?: (name: string, request: unknown) => Promise<unknown>;
  __aimNodeInput?: (sample: unknown) => Promise<void>;
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
  MessageChannel: new () => { port1: Port; port2: unknown };
};

test(
  'inside Electron the renderer uses window.aim and the core port, not the WebSocket',
  { skip: chromiumSkipReason() },
  async (t) => {
    const core = new FakeCore();
    t.after(() => core.close());
    // The server only serves the files here; the page must never open its WebSocket.
    const server = await serveBrowserMode(core);
    t.after(() => server.close());
    const browser = await launchChromium();
    t.after(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    await context.exposeFunction('__aimNodeCall', async (name: unknown, request: unknown) => {
      const command = parseCommand(name, request);
      return core.call(command.name, command.request);
    });
    await context.exposeFunction('__aimNodeInput', (sample: unknown) => {
      core.input(parseHumanInput(sample));
    });
    await context.addInitScript((tag: string) => {
      const w = globalThis as unknown as TestWindow;
      // Bindings are looked up on use: they may be installed after this script runs.
      w.__aimPortRequests = 0;
      const bridge = {
        host: 'electron',
        call: (name: string, request: unknown) => w.__aimNodeCall!(name, request),
        sendInput: (sample: unknown) => {
          void w.__aimNodeInput!(sample);
        },
        requestPort: () => {
          const channel = new w.MessageChannel();
          w.__aimPort = channel.port1;
          w.__aimPortRequests = (w.__aimPortRequests ?? 0) + 1;
          w.postMessage(tag, '*', [channel.port2]);
        },
      };
      Object.defineProperty(w, 'aim', { value: Object.freeze(bridge) });
    }, CORE_PORT_MESSAGE);

    // Forward the core's output into the port, as main's MessagePort hub does.
    let forwarding = Promise.resolve();
    const forward = (message: unknown, isFrame: boolean) => {
      forwarding = forwarding
        .then(() =>
          page.evaluate(
            ([payload, frame]) => {
              const port = (globalThis as unknown as TestWindow).__aimPort;
              port?.postMessage(frame ? new Float64Array(payload as number[]) : payload);
            },
            [message, isFrame] as const,
          ),
        )
        .then(
          () => {},
          () => {},
        );
    };
    const unsubscribe = core.subscribe({
      frame: (frame) => forward(Array.from(frame), true),
      event: (name, payload) => forward({ type: 'event', name, payload }, false),
    });
    t.after(unsubscribe);

    await page.goto(server.url);
    await page.getByTestId('new-session-button').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as TestWindow).__aimPortRequests), 1);
    assert.match((await page.locator('.brand').textContent()) ?? '', /browser/); // app.info answered through window.aim

    await startSession(page, { 'warmup-input': '10' });
    await waitForText(page, 'session-status', 'running');
    await waitForCount(page, 'qPoints', 5);
    await waitForMode(page, ['robot']);
    await page.keyboard.down('Space');
    await page.keyboard.down('ArrowRight');
    await waitForMode(page, ['human']);
    await page.waitForTimeout(300);
    await page.keyboard.up('ArrowRight');
    await page.keyboard.up('Space');
    assert.ok(
      core.inputs.some((s) => s.engaged && s.steer < 0),
      'ArrowRight arrived as −steer through window.aim',
    );
    assert.equal(core.inputs.at(-1)?.engaged, false);

    // A refused call comes back as a readable message.
    await page.getByTestId('stop-button').click();
    await waitForText(page, 'session-status', 'finished');
    await startSession(page, { 'delta-input': '0.5', 'seed-input': '3' });
    await waitForText(page, 'session-status', 'running');

    // Main says the core closed: the UI shows it.
    await page.evaluate(() =>
      (globalThis as unknown as TestWindow).__aimPort?.postMessage({
        type: 'closed',
        reason: 'The workstation is shutting down.',
      }),
    );
    await page.waitForSelector('[data-testid="mode-banner"][data-mode="disconnected"]');
    assert.match((await page.getByTestId('message-line').textContent()) ?? '', /shutting down/);
    assert.ok((await readHook(page, 'frames')) > 0);
    assert.deepEqual(sockets, [], 'no WebSocket was opened');
    assert.deepEqual(errors, []);
    await context.close();
  },
);
