// Launching Debian's Chromium with playwright-core for browser end-to-end tests. Where Chromium is
// missing the tests are skipped with a reason, unless AIM_REQUIRE_BROWSER=1 (CI), where they fail.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths.ts';

export const CHROMIUM_PATH = process.env.AIM_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  // The chase camera is WebGL: without a GPU, Chromium only offers SwiftShader when asked to
  // (its automatic software fallback is gone; ecosystem.md §6).
  '--enable-unsafe-swiftshader',
];

/** Without WebGL at all, to see the chase camera say so instead of crashing. */
const NO_WEBGL_ARGS = [
  ...CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-swiftshader'),
  '--disable-3d-apis',
];

export function browserRequired(): boolean {
  return process.env.AIM_REQUIRE_BROWSER === '1';
}

/**
 * For node:test's `skip` option: a reason when Chromium is missing and not required, else false
 * (when it is required and missing, the test runs and launchChromium fails with a clear message).
 */
export function chromiumSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH) || browserRequired()) return false;
  return `Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium, or set AIM_CHROMIUM; AIM_REQUIRE_BROWSER=1 makes this a failure)`;
}

export async function launchChromium(options: { webgl?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `AIM_REQUIRE_BROWSER=1 but Chromium is missing at ${CHROMIUM_PATH}; install Debian's chromium package or set AIM_CHROMIUM.`,
    );
  }
  const args = options.webgl === false ? NO_WEBGL_ARGS : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** console.error messages and uncaught page errors, for a test to assert there were none. */
  errors: string[];
}

/** A fresh context and page at url, collecting console errors and page errors. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 720 },
  options: { initScript?: () => void } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  // Runs in the page before its own scripts: a way to take a browser feature away.
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error: Error) => errors.push(`page error: ${error.message}`));
  await page.goto(url);
  return { context, page, errors };
}

/** Saves a PNG under test-results/ (gitignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** What the renderer's read-only window.__aimTest probe answers (renderer/src/test-hook.ts). */
export interface TestHook {
  qPoints(): number;
  plotPoints(): number;
  helpMarks(): number;
  plotWindow(): number;
  frames(): number;
  mode(): string | null;
  takeoverEngaged(): boolean;
  topDownDraws(): number;
  chaseDraws(): number;
  gridAgent(): { x: number; y: number; dir: number } | null;
  chaseStatus(): 'starting' | 'running' | 'unavailable' | 'lost';
  chaseColours(): number;
  glRenderer(): string | null;
  chaseScale(): number;
  chaseThread(): 'worker' | 'page' | null;
  bannerShown(): Record<string, number>;
  inputSent(): number;
  helpAlerts(): number;
  frame(): {
    step: number;
    mode: string;
    novice: [number, number];
    applied: [number, number];
    egoSpeed: number;
    helpRequested: boolean;
  } | null;
}
export type CountProbe =
  | 'qPoints'
  | 'plotPoints'
  | 'frames'
  | 'topDownDraws'
  | 'chaseDraws'
  | 'helpMarks'
  | 'inputSent'
  | 'helpAlerts';

// The page's CSP forbids eval, so probes are read by functions Playwright sends, not by strings.
type HookWindow = { __aimTest?: TestHook };

/** Waits until a counting probe reaches at least min. */
export async function waitForCount(
  page: Page,
  probe: CountProbe,
  min: number,
  timeoutMs = 60_000,
): Promise<void> {
  await page.waitForFunction(
    ([name, least]) => {
      const hook = (globalThis as unknown as HookWindow).__aimTest;
      return hook !== undefined && hook[name]() >= least;
    },
    [probe, min] as const,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** Waits until the latest frame's control mode is one of modes. */
export async function waitForMode(page: Page, modes: readonly string[], timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const mode = (globalThis as unknown as HookWindow).__aimTest?.mode();
      return mode !== undefined && mode !== null && wanted.includes(mode);
    },
    [...modes],
    { timeout: timeoutMs, polling: 50 },
  );
}

/** Reads one probe. */
export async function readHook<K extends keyof TestHook>(
  page: Page,
  probe: K,
): Promise<ReturnType<TestHook[K]>> {
  return page.evaluate((name) => {
    const hook = (globalThis as unknown as HookWindow).__aimTest;
    if (hook === undefined) throw new Error('window.__aimTest is not installed');
    return hook[name]() as ReturnType<TestHook[K]>;
  }, probe);
}

/**
 * The little of the DOM that functions run in the page use. Test files are type-checked without the
 * DOM library (they run in Node), so page-side code names what it touches through this type.
 */
export interface PageGlobals {
  document: {
    querySelector(selector: string): { textContent: string | null } | null;
  };
}

/** Waits until the element with data-testid has exactly this text (trimmed). */
export async function waitForText(
  page: Page,
  testId: string,
  text: string,
  timeoutMs = 60_000,
): Promise<void> {
  await page.waitForFunction(
    ([id, wanted]) =>
      (globalThis as unknown as PageGlobals).document
        .querySelector(`[data-testid="${id}"]`)
        ?.textContent?.trim() === wanted,
    [testId, text] as const,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** How many distinct colours a sample of a canvas's pixels holds (1 = blank). */
export async function canvasColourCount(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    type Canvas = {
      width: number;
      height: number;
      getContext(
        kind: '2d',
      ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    };
    const canvas = (
      globalThis as unknown as { document: { querySelector(s: string): Canvas | null } }
    ).document.querySelector(sel);
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    if (!data) return 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97)
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  }, selector);
}

/**
 * Opens the new-session dialog, fills the given fields (by data-testid: selects are chosen, inputs
 * filled) and presses Start. The dialog stays open when the form is refused.
 */
export async function startSession(page: Page, fields: Record<string, string> = {}): Promise<void> {
  const dialog = page.getByTestId('new-session-dialog');
  if (!(await dialog.isVisible())) await page.getByTestId('new-session-button').click();
  await dialog.waitFor({ state: 'visible' });
  for (const [testId, value] of Object.entries(fields)) {
    const field = page.getByTestId(testId);
    if (testId.endsWith('-select')) await field.selectOption(value);
    else await field.fill(value);
  }
  await page.getByTestId('start-button').click();
}

/** Waits until the banner has shown a mode or state at least once since the page loaded. */
export async function waitForBannerShown(page: Page, key: string, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    (wanted) => ((globalThis as unknown as HookWindow).__aimTest?.bannerShown()[wanted] ?? 0) > 0,
    key,
    { timeout: timeoutMs, polling: 50 },
  );
}

/**
 * Waits until the chase camera's latest pixel sample holds at least min distinct colours (each poll
 * asks the worker for a fresh sample), and returns the count.
 */
export async function waitForChaseColours(page: Page, min: number, timeoutMs = 60_000): Promise<number> {
  await page.waitForFunction(
    (least) => ((globalThis as unknown as HookWindow).__aimTest?.chaseColours() ?? 0) >= least,
    min,
    { timeout: timeoutMs, polling: 250 },
  );
  return readHook(page, 'chaseColours');
}
