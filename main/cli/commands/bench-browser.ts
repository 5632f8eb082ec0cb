// What the benchmarks that drive Chromium share: the --chromium flag, the checks that the UI is
// built and Chromium and playwright-core are there (each a one-line usage error), and filling the
// new-session dialog's fields by test id.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Playwright from 'playwright-core';
import { UsageError } from '../args.ts';
import { RENDERER_DIR } from '../paths.ts';

export const CHROMIUM_FLAG = {
  type: 'string',
  placeholder: 'PATH',
  description: 'Chromium executable (default $AIM_CHROMIUM or /usr/bin/chromium).',
} as const;

/** playwright-core and the Chromium to launch, or a UsageError saying what is missing. */
export async function browserBench(
  command: string,
  chromium: string | undefined,
): Promise<{ playwright: typeof Playwright; executablePath: string }> {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html')))
    throw new UsageError(`the UI is not built (${RENDERER_DIR} is missing); run "npm run build" first`);
  const executablePath = chromium ?? process.env.AIM_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new UsageError(`Chromium is not at ${executablePath}; install it or pass --chromium PATH`);
  try {
    return { playwright: await import('playwright-core'), executablePath };
  } catch {
    throw new UsageError(
      `${command} needs the playwright-core package (a development dependency): run "npm install"`,
    );
  }
}

/** Sets a dialog field: a select by its option value, anything else by typing. */
export async function fillField(page: Playwright.Page, testId: string, value: string): Promise<void> {
  const field = page.getByTestId(testId);
  if (testId.endsWith('-select')) await field.selectOption(value);
  else await field.fill(value);
}
