// Regenerates docs/screenshot.png: the live view of a real driving session in browser mode (chase
// camera, top-down map, Q plot, HUD and learning curves), taken by Debian's Chromium with SwiftShader
// WebGL. Run: node scripts/readme-screenshot.ts (after npm run build). AIM_SHOT_SECONDS sets how long
// the session may drive, at most, before the picture (default 300).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Workstation } from '../main/session/workstation.ts';
import { startServer } from '../main/server/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'docs', 'screenshot.png');
const scratch = mkdtempSync(path.join(tmpdir(), 'aim-shot-'));
const core = Workstation.open({ dbPath: path.join(scratch, 'shot.db'), host: 'browser' });
const server = await startServer({ core, port: 0, staticDir: path.join(root, 'dist', 'renderer') });
const browser = await chromium.launch({
  executablePath: process.env.AIM_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
    '--enable-unsafe-swiftshader',
  ],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 810 } })).newPage();
  await page.goto(server.url);
  await page.click('[data-testid=new-session-button]');
  await page.selectOption('[data-testid=env-select]', 'driving');
  await page.fill('[data-testid=warmup-input]', '40');
  await page.fill('[data-testid=batch-size-input]', '32');
  await page.fill('[data-testid=seed-input]', '3');
  await page.fill('[data-testid=delta-input]', '0.1');
  await page.click('[data-testid=start-button]');
  // Warm-up, the initial fit and some gated driving: until the plot shows Q and a help request
  // (or AIM_SHOT_SECONDS pass), then a few seconds more so the request sits inside the window.
  const seconds = Number(process.env.AIM_SHOT_SECONDS ?? 300);
  type Hook = { __aimTest?: { qPoints(): number; helpMarks(): number } };
  await page
    .waitForFunction(
      () => {
        const hook = (globalThis as unknown as Hook).__aimTest;
        return hook !== undefined && hook.qPoints() >= 30 && hook.helpMarks() >= 1;
      },
      undefined,
      { timeout: seconds * 1000, polling: 250 },
    )
    .catch(() => console.warn(`no help request within ${seconds} s; taking the picture anyway`));
  await page.waitForTimeout(4000);
  mkdirSync(path.dirname(output), { recursive: true });
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await server.close();
  await core.close();
  rmSync(scratch, { recursive: true, force: true });
}
