// Browser mode for tests: make sure the renderer bundle is current, then serve it over a core (and
// open Chromium on it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { CoreHandler } from '../../../main/contract/api.ts';
import { startServer, type RunningServer } from '../../../main/server/index.ts';
import { Workstation } from '../../../main/session/workstation.ts';
import { launchChromium, openPage } from './browser.ts';
import { REPO_ROOT, RENDERER_DIST } from './paths.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds with scripts/build.ts when dist/renderer is missing or older than its sources. */
export function ensureRendererBuilt(): void {
  const bundle = path.join(RENDERER_DIST, 'app.js');
  const sources = Math.max(
    newestMtime(path.join(REPO_ROOT, 'renderer', 'src')),
    statSync(path.join(REPO_ROOT, 'renderer', 'index.html')).mtimeMs,
    newestMtime(path.join(REPO_ROOT, 'main', 'contract')),
  );
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.ts')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(bundle)) {
    throw new Error(
      `Building the renderer failed (node scripts/build.ts exited ${result.status}):\n${result.stderr || result.stdout}`,
    );
  }
}

/** Serves the built renderer over core on a free loopback port. */
export async function serveBrowserMode(
  core: CoreHandler,
  options: { token?: string } = {},
): Promise<RunningServer> {
  ensureRendererBuilt();
  return startServer({ core, port: 0, staticDir: RENDERER_DIST, ...options });
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A workstation core on a fresh database, served in browser mode, and Chromium on its page. Every
 * part is closed after the test; closeAll() closes them earlier, so the database can be read whole.
 */
export async function browserModeCore(
  t: TestContext,
  prefix: string,
  options: { webgl?: boolean; initScript?: () => void } = {},
) {
  const tmp = tempDir(prefix);
  t.after(() => tmp.remove());
  const dbPath = path.join(tmp.dir, 'aim.db');
  const core = Workstation.open({ dbPath, host: 'browser' });
  let coreClosed = false;
  t.after(async () => {
    if (!coreClosed) await core.close();
  });
  const server = await serveBrowserMode(core);
  t.after(() => server.close());
  const browser = await launchChromium({ webgl: options.webgl });
  t.after(() => browser.close());
  const { page, errors } = await openPage(browser, server.url, undefined, {
    initScript: options.initScript,
  });
  return {
    core,
    dbPath,
    page,
    errors,
    async closeAll(): Promise<void> {
      await browser.close();
      await server.close();
      await core.close();
      coreClosed = true;
    },
  };
}
