// The Electron host: app lifecycle, the core (a Workstation on userData/aim.db or --db FILE), one
// hardened window whose renderer is served from app://bundle, and the IPC bridge of ipc.ts.
// Bundled to dist/electron/main.cjs (CommonJS: no top-level await here).
import {
  app,
  BrowserWindow,
  dialog,
  powerSaveBlocker,
  protocol,
  session,
  shell,
  type WebContents,
} from 'electron';
import path from 'node:path';
import { Workstation } from '../session/workstation.ts';
import type { SessionStatus } from '../contract/api.ts';
import { APP_ENTRY_URL, APP_SCHEME } from './channels.ts';
import { serveAppRequest } from './app-protocol.ts';
import { attachIpc } from './ipc.ts';
import { PortHub } from './ipc-policy.ts';
import {
  databasePath,
  externalLinkAllowed,
  hardenedWebPreferences,
  keepDisplayAwake,
  parseHostArgs,
  requestAllowed,
} from './window-policy.ts';

const PRODUCT = 'AIM Workstation';
/** dist/electron/main.cjs sits beside preload.cjs; the renderer bundle is dist/renderer. */
const PRELOAD = path.join(__dirname, 'preload.cjs');
const RENDERER_ROOT = path.join(__dirname, '..', 'renderer');
/** How long shutdown waits for the core to flush before quitting anyway. */
const CLOSE_LIMIT_MS = 15_000;

// Must happen before the app is ready: app:// is a standard, secure origin the page can fetch from.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

let core: Workstation | null = null;
let hub: PortHub | null = null;
let mainWindow: BrowserWindow | null = null;
let shutdown: 'running' | 'closing' | 'closed' = 'running';
let displayBlocker: number | null = null;

function fail(title: string, message: string, code: number): void {
  console.error(message);
  if (app.isReady()) dialog.showErrorBox(title, message);
  app.exit(code);
}

/** Locks the session down: nothing is fetched from outside app://, no permission is ever granted. */
function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url) }));
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const answer = await serveAppRequest(RENDERER_ROOT, request.method, request.url);
    return new Response(answer.body as ConstructorParameters<typeof Response>[0], {
      status: answer.status,
      headers: answer.headers,
    });
  });
}

/** Every webContents (ours, and any a bug or a page might create): no navigation, no new windows, no webviews. */
function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    if (externalLinkAllowed(event.url)) void shell.openExternal(event.url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (externalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function createWindow(workstation: Workstation, ports: PortHub): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: PRODUCT,
    show: false,
    backgroundColor: '#14161a',
    webPreferences: hardenedWebPreferences(PRELOAD),
  });
  const detach = attachIpc(win.webContents, workstation, ports);
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', (_event, code, description, url) => {
    console.error(`${PRODUCT}: the window could not load ${url} (${description}, ${code}).`);
    if (!win.isVisible()) win.show();
  });
  win.on('closed', () => {
    detach();
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Keeps the display on while a person may be driving (a real-time session is running). */
function watchDisplaySleep(workstation: Workstation): void {
  workstation.subscribe({
    event(name, payload) {
      if (name !== 'status') return;
      const awake = keepDisplayAwake(payload as SessionStatus);
      if (awake && displayBlocker === null) displayBlocker = powerSaveBlocker.start('prevent-display-sleep');
      if (!awake && displayBlocker !== null) {
        powerSaveBlocker.stop(displayBlocker);
        displayBlocker = null;
      }
    },
    frame() {},
  });
}

async function closeCore(): Promise<void> {
  hub?.closeAll('the workstation is shutting down');
  const closing = core?.close() ?? Promise.resolve();
  core = null;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CLOSE_LIMIT_MS);
  });
  try {
    const outcome = await Promise.race([closing.then(() => 'closed' as const), limit]);
    if (outcome === 'late')
      console.error(
        `${PRODUCT}: the core did not finish closing within ${CLOSE_LIMIT_MS / 1000} s; quitting anyway.`,
      );
  } catch (error) {
    console.error(
      `${PRODUCT}: closing the core failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function start(): void {
  let args;
  try {
    args = parseHostArgs(process.argv.slice(1), process.cwd());
  } catch (error) {
    fail(PRODUCT, error instanceof Error ? error.message : String(error), 2);
    return;
  }

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  // Quit cleanly: the core records the running session as interrupted and flushes the database first.
  app.on('before-quit', (event) => {
    if (shutdown === 'closed') return;
    event.preventDefault();
    if (shutdown === 'closing') return;
    shutdown = 'closing';
    void closeCore().finally(() => {
      shutdown = 'closed';
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('second-instance', () => {
    if (mainWindow === null || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app
    .whenReady()
    .then(() => {
      hardenSession();
      const dbPath = databasePath(args, app.getPath('userData'));
      try {
        // The core records its own version (package.json, bundled); app.getVersion() would say Electron's
        // version when the app is started as `electron dist/electron/main.cjs`.
        core = Workstation.open({ dbPath, host: 'electron' });
      } catch (error) {
        fail(
          `${PRODUCT} cannot open its database`,
          error instanceof Error ? error.message : String(error),
          1,
        );
        return;
      }
      hub = new PortHub(core);
      watchDisplaySleep(core);
      const workstation = core;
      const ports = hub;
      mainWindow = createWindow(workstation, ports);
      app.on('activate', () => {
        // macOS: clicking the dock icon with no window open brings one back.
        if (shutdown === 'running' && BrowserWindow.getAllWindows().length === 0)
          mainWindow = createWindow(workstation, ports);
      });
    })
    .catch((error: unknown) =>
      fail(
        PRODUCT,
        `${PRODUCT} could not start: ${error instanceof Error ? error.message : String(error)}`,
        1,
      ),
    );
}

if (app.requestSingleInstanceLock()) start();
else {
  console.error(`${PRODUCT} is already running; switched to its window.`);
  app.quit();
}
