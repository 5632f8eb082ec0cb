// Decisions of the hardened window that do not need Electron to be made: which requests the window's
// session may make, which links may leave the app (to the system browser), and the host's own flags.
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './channels.ts';

/**
 * The workstation window's webPreferences (Electron security checklist): context isolation, the
 * renderer sandbox, no Node anywhere in the page, web security on, no webviews, no drag-and-drop
 * navigation; background throttling off, because the teaching window must keep drawing and sampling
 * input when it is not focused.
 */
export function hardenedWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    backgroundThrottling: false,
  } as const;
}

/**
 * Links the page may open in the system browser (https only, exact host). Everything else is denied;
 * the app itself never navigates away from app://bundle.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['arxiv.org', 'github.com'];

export function externalLinkAllowed(url: string, hosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    hosts.includes(parsed.hostname)
  );
}

/**
 * Requests the window's session lets through: the app's own origin, in-page data and blobs, and the
 * DevTools front end. No http(s), ws(s) or file: the page has nothing to fetch from anywhere else.
 */
export function requestAllowed(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  switch (parsed.protocol) {
    case `${APP_SCHEME}:`:
      return parsed.host === APP_HOST;
    case 'data:':
    case 'blob:':
    case 'devtools:':
      return true;
    default:
      return false;
  }
}

export interface HostArgs {
  /** --db FILE, resolved against the working directory; null for the userData default. */
  db: string | null;
}

/**
 * The Electron host's own flags among everything on its command line (Electron's and Chromium's
 * switches, Playwright's, the app path): only --db FILE / --db=FILE is ours. Throws one sentence when
 * --db has no value.
 */
export function parseHostArgs(argv: readonly string[], cwd: string): HostArgs {
  let db: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === '--db') {
      value = argv[i + 1];
      i += 1;
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new Error('--db needs a file name, as in --db sessions.db.');
    } else if (arg.startsWith('--db=')) {
      value = arg.slice('--db='.length);
      if (value === '') throw new Error('--db needs a file name, as in --db=sessions.db.');
    } else {
      continue;
    }
    db = path.resolve(cwd, value);
  }
  return { db };
}

/** The database path of the Electron host: --db if given, else userData/aim.db. */
export function databasePath(args: HostArgs, userData: string): string {
  return args.db ?? path.join(userData, 'aim.db');
}

/** Whether the display should be kept awake: while a session runs in real time a person is driving. */
export function keepDisplayAwake(status: { status: string; config: { pace: string } | null }): boolean {
  return status.status === 'running' && status.config?.pace === 'realtime';
}
