// The Electron workstation end to end, driven by Playwright's _electron: the hardened window loads the
// renderer from app://bundle, window.aim is the preload's bridge, a short session starts and stops
// through it with frames arriving on the core port, and quitting leaves the database closed cleanly.
// Runs wherever an Electron binary exists (and, on Linux, a display: use xvfb-run); skipped otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import type { SessionListRow, SessionStatus } from '../../main/contract/api.ts';
import type { PreloadBridge } from '../../main/contract/bridge.ts';
import { displayProblem, findElectronBinary } from '../../main/electron/launcher.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const distMain = path.join(root, 'dist', 'electron', 'main.cjs');
const binary = findElectronBinary(root);
const noDisplay = displayProblem();
const skip = !binary.ok
  ? 'no Electron binary on this machine'
  : noDisplay !== null
    ? `Electron cannot open a window: ${noDisplay} (run under xvfb-run)`
    : false;

/** What the page sees; declared here because the test's lib has no DOM. */
type PageWindow = {
  aim?: PreloadBridge;
  require?: unknown;
  process?: unknown;
  location: { href: string };
  __aimTest?: { frames(): number };
};
declare const window: PageWindow;

const shortSession = {
  env: 'toy',
  steps: 0,
  pace: 'realtime',
  warmup: 1000, // stopped well inside warm-up: this tests the host, not the learner
  batchSize: 32,
  backend: 'cpu',
  seed: 3,
  operator: 'e2e',
} as const;

async function launch(
  dbPath: string,
  userData: string,
): Promise<{ app: ElectronApplication; page: Page; errors: string[] }> {
  if (!binary.ok) throw new Error('unreachable');
  const app = await _electron.launch({
    executablePath: binary.path,
    args: [distMain, '--db', dbPath, `--user-data-dir=${userData}`],
    cwd: root,
    env: { ...process.env } as Record<string, string>,
  });
  const page = await app.firstWindow();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.waitForLoadState('domcontentloaded');
  return { app, page, errors };
}

test(
  'the Electron workstation: hardened window, bridge, a short session, clean quit',
  { skip, timeout: 120_000 },
  async () => {
    assert.ok(existsSync(distMain), `${distMain} is missing: run node scripts/build.ts first`);
    const dir = mkdtempSync(path.join(tmpdir(), 'aim-electron-e2e-'));
    const dbPath = path.join(dir, 'e2e.db');
    const userData = path.join(dir, 'user-data');
    const { app, page, errors } = await launch(dbPath, userData);
    let closed = false;
    try {
      // The page came from app://bundle, with the bridge and without Node.
      assert.match(page.url(), /^app:\/\/bundle\//);
      assert.equal(await page.evaluate(() => window.aim?.host), 'electron');
      assert.deepEqual(
        await page.evaluate(() => ({
          call: typeof window.aim?.call,
          sendInput: typeof window.aim?.sendInput,
          requestPort: typeof window.aim?.requestPort,
          keys: Object.keys(window.aim ?? {}).sort(),
          require: typeof window.require,
          process: typeof window.process,
        })),
        {
          call: 'function',
          sendInput: 'function',
          requestPort: 'function',
          keys: ['call', 'host', 'requestPort', 'sendInput'],
          require: 'undefined',
          process: 'undefined',
        },
      );

      // Hardened in practice: new windows and navigation away are denied, the bridge cannot be replaced.
      assert.equal(
        await page.evaluate(
          () =>
            (globalThis as unknown as { open(url: string): unknown }).open('https://example.com/') === null,
        ),
        true,
      );
      await app.evaluate(({ BrowserWindow }) => {
        const seen: boolean[] = [];
        (globalThis as { __aimNavigations?: boolean[] }).__aimNavigations = seen;
        BrowserWindow.getAllWindows()[0].webContents.once('will-navigate', (event) =>
          seen.push(event.defaultPrevented),
        );
      });
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      let navigations: boolean[] = [];
      while (navigations.length === 0) {
        navigations = await app.evaluate(
          () => (globalThis as { __aimNavigations?: boolean[] }).__aimNavigations ?? [],
        );
      }
      assert.deepEqual(navigations, [true], 'main.ts did not prevent the navigation');
      assert.match(await page.evaluate(() => window.location.href), /^app:\/\/bundle\//);
      assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1);
      assert.equal(
        await page.evaluate(() => {
          try {
            (window as { aim?: unknown }).aim = { host: 'forged' };
          } catch {
            // frozen by contextBridge
          }
          return window.aim?.host;
        }),
        'electron',
      );

      // The core answers through the bridge, and says which host and database it has.
      const info = await page.evaluate(() => window.aim!.call('app.info', {}));
      assert.equal(info.host, 'electron');
      assert.equal(info.dbPath, dbPath);

      // Refusals come back as one clear message.
      const refusals = await page.evaluate(async () => {
        const attempt = async (name: string, request: unknown) => {
          try {
            await window.aim!.call(name as 'app.info', request);
            return 'accepted';
          } catch (error) {
            return (error as Error).message;
          }
        };
        return [await attempt('fs.readFile', {}), await attempt('sessions.list', { limit: 'all' })];
      });
      assert.match(refusals[0], /unknown command "fs\.readFile"/);
      assert.match(refusals[1], /invalid arguments for sessions\.list/);

      // A short session: started from the page, frames arrive on the core port, stopped from the page.
      const started = await page.evaluate(
        (config) => window.aim!.call('session.start', config),
        shortSession,
      );
      assert.ok(Number.isInteger(started.sessionId));
      // The renderer's client took the port the preload handed it; its read-only probe counts frames.
      assert.equal(
        await page.evaluate(() => typeof window.__aimTest?.frames),
        'function',
        'the renderer did not install window.__aimTest',
      );
      await page.waitForFunction(() => (window.__aimTest?.frames() ?? 0) >= 5);
      const stopped = (await page.evaluate(() => window.aim!.call('session.stop', {}))) as SessionStatus;
      assert.equal(stopped.status, 'finished');
      assert.ok(stopped.step > 0);

      // A second session left running when the app quits is closed cleanly, not left "running".
      const second = await page.evaluate((config) => window.aim!.call('session.start', config), shortSession);
      await page.waitForFunction(
        async () => ((await window.aim!.call('session.current', {})).status.step ?? 0) > 2,
      );
      assert.deepEqual(errors, [], `the page logged errors: ${errors.join(' | ')}`);
      await app.close();
      closed = true;

      // Reopen the database in a fresh app: both sessions are there, none of them still "running".
      const again = await launch(dbPath, userData);
      try {
        const rows = (await again.page.evaluate(() =>
          window.aim!.call('sessions.list', {}),
        )) as SessionListRow[];
        const byId = new Map(rows.map((row) => [row.id, row]));
        assert.equal(byId.get(started.sessionId)?.status, 'finished');
        assert.ok(
          ['finished', 'interrupted'].includes(byId.get(second.sessionId)?.status ?? 'missing'),
          JSON.stringify(rows),
        );
      } finally {
        await again.app.close();
      }
    } finally {
      if (!closed) await app.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
