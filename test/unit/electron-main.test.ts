// main/electron/main.ts bundled exactly as scripts/build.ts bundles it, and run under plain Node
// against a simulated `electron` module: lifecycle, the privileged app:// scheme and what it serves,
// the hardened window and session, IPC calls with sender checks, the core port streaming a real
// session, and a quit that closes the Workstation before exit. The Electron binary itself is covered
// by test/e2e/electron.test.ts where one exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import type { CallReply } from '../../main/electron/channels.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

type Listener = (...args: unknown[]) => unknown;

/** Electron-style event: preventDefault() sets defaultPrevented. */
function electronEvent<T extends object>(
  extra: T,
): T & { preventDefault(): void; defaultPrevented: boolean } {
  const event = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

class FakePortMain extends EventEmitter {
  sent: unknown[] = [];
  started = false;
  closed = false;
  postMessage(message: unknown): void {
    if (this.closed) throw new Error('port closed');
    this.sent.push(message);
    this.emit('sent', message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
}

class FakeIpc {
  handlers = new Map<string, Listener>();
  listeners = new Map<string, Listener[]>();
  handle(channel: string, handler: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  off(channel: string, listener: Listener): this {
    this.listeners.set(
      channel,
      (this.listeners.get(channel) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
}

/** A simulated electron module with just what main.ts touches, recording what it was asked. */
function fakeElectron(userData: string) {
  const app = new EventEmitter() as EventEmitter & Record<string, unknown>;
  let ready = false;
  let resolveReady!: () => void;
  const whenReady = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const record = {
    privileged: [] as unknown[],
    protocolHandlers: new Map<string, (request: { method: string; url: string }) => Promise<Response>>(),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    devicePermission: null as null | Listener,
    beforeRequest: null as null | Listener,
    windows: [] as FakeWindow[],
    exitCode: null as number | null,
    quitCount: 0,
    quitted: null as null | (() => void),
    errorBoxes: [] as string[],
    opened: [] as string[],
    channels: [] as { port1: FakePortMain; port2: FakePortMain }[],
  };
  const quitted = new Promise<void>((resolve) => {
    record.quitted = resolve;
  });
  Object.assign(app, {
    requestSingleInstanceLock: () => true,
    whenReady: () => whenReady,
    isReady: () => ready,
    getPath: (name: string) => {
      assert.equal(name, 'userData');
      return userData;
    },
    getVersion: () => '45.4.1',
    quit() {
      record.quitCount += 1;
      const event = electronEvent({});
      app.emit('before-quit', event);
      if (!event.defaultPrevented) {
        app.emit('will-quit', electronEvent({}));
        record.quitted?.();
      }
    },
    exit(code: number) {
      record.exitCode = code;
      record.quitted?.();
    },
  });

  let nextId = 1;
  class FakeWebContents extends EventEmitter {
    id = nextId++;
    ipc = new FakeIpc();
    url = '';
    posted: { channel: string; message: unknown; ports: FakePortMain[] }[] = [];
    openHandler: ((details: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.openHandler = handler;
    }
    getURL(): string {
      return this.url;
    }
    postMessage(channel: string, message: unknown, ports: FakePortMain[] = []): void {
      this.posted.push({ channel, message, ports });
    }
  }
  class FakeWindow extends EventEmitter {
    static getAllWindows = () => record.windows.filter((w) => !w.destroyed);
    options: Record<string, unknown>;
    webContents = new FakeWebContents();
    destroyed = false;
    visible = false;
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      record.windows.push(this);
      app.emit('web-contents-created', electronEvent({}), this.webContents);
    }
    async loadURL(url: string): Promise<void> {
      this.webContents.url = url;
      this.emit('ready-to-show');
    }
    show(): void {
      this.visible = true;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    close(): void {
      this.destroyed = true;
      this.emit('closed');
      if (FakeWindow.getAllWindows().length === 0) app.emit('window-all-closed');
    }
  }
  const session = {
    defaultSession: Object.assign(new EventEmitter(), {
      setPermissionRequestHandler: (handler: Listener) => (record.permissionRequest = handler),
      setPermissionCheckHandler: (handler: Listener) => (record.permissionCheck = handler),
      setDevicePermissionHandler: (handler: Listener) => (record.devicePermission = handler),
      webRequest: { onBeforeRequest: (handler: Listener) => (record.beforeRequest = handler) },
      protocol: {
        handle: (scheme: string, handler: (request: { method: string; url: string }) => Promise<Response>) =>
          record.protocolHandlers.set(scheme, handler),
      },
    }),
  };
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    MessageChannelMain: class {
      port1 = new FakePortMain();
      port2 = new FakePortMain();
      constructor() {
        record.channels.push(this);
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        assert.equal(ready, false, 'schemes must be registered before the app is ready');
        record.privileged.push(...schemes);
      },
    },
    session,
    dialog: { showErrorBox: (_title: string, message: string) => record.errorBoxes.push(message) },
    shell: { openExternal: async (url: string) => void record.opened.push(url) },
    powerSaveBlocker: { start: () => 1, stop: () => undefined },
  };
  return {
    electron,
    record,
    quitted,
    makeReady() {
      ready = true;
      resolveReady();
    },
  };
}

type FakeWindowT = ReturnType<typeof fakeElectron>['record']['windows'][number];

function ipcEvent(win: FakeWindowT, url = 'app://bundle/index.html', isMainFrame = true) {
  return {
    sender: win.webContents,
    senderFrame: { url, parent: isMainFrame ? null : {}, isDestroyed: () => false },
  };
}

function nextMessage(port: FakePortMain, matches: (message: unknown) => boolean): Promise<unknown> {
  const seen = port.sent.find(matches);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const on = (message: unknown) => {
      if (!matches(message)) return;
      port.off('sent', on);
      resolve(message);
    };
    port.on('sent', on);
  });
}

test('main.ts under a simulated Electron: window, app://, IPC, a session on the port, clean quit', async () => {
  // Bundle beside dist/ so the externals (better-sqlite3, @tensorflow/*) resolve from node_modules.
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  const out = mkdtempSync(path.join(root, 'dist', '.electron-main-test-'));
  const work = mkdtempSync(path.join(root, 'dist', '.electron-main-data-'));
  try {
    await build({
      absWorkingDir: root,
      // The learner's worker thread is bundled beside main.cjs, where the core looks for it.
      entryPoints: { main: 'main/electron/main.ts', 'learner-worker': 'main/learn/learner-worker.ts' },
      outdir: path.join(out, 'electron'),
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      target: ['node22'],
      format: 'cjs',
      logLevel: 'warning',
      logOverride: { 'empty-import-meta': 'silent' },
      external: ['electron', 'better-sqlite3', '@tensorflow/*'],
    });
    mkdirSync(path.join(out, 'renderer'));
    writeFileSync(path.join(out, 'renderer', 'index.html'), '<!doctype html><title>AIM</title>');
    writeFileSync(path.join(work, 'outside.txt'), 'secret');
    const mainFile = path.join(out, 'electron', 'main.cjs');
    const dbPath = path.join(work, 'aim-test.db');

    // require('electron') from the bundle gets the simulation.
    const fake = fakeElectron(path.join(work, 'user-data'));
    const req = createRequire(mainFile);
    const electronId = req.resolve('electron');
    const stub = new Module(electronId);
    stub.exports = fake.electron;
    stub.loaded = true;
    req.cache[electronId] = stub;
    const savedArgv = process.argv;
    process.argv = [process.execPath, mainFile, '--db', dbPath];
    try {
      req(mainFile);
    } finally {
      process.argv = savedArgv;
    }
    const { record } = fake;

    // Before ready: app:// registered as a standard, secure scheme; no window yet.
    assert.deepEqual(record.privileged, [
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    assert.equal(record.windows.length, 0);
    fake.makeReady();
    while (record.windows.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const [win] = record.windows;

    // The window: hardened preferences, loaded from app://bundle, shown when ready.
    const prefs = win.options.webPreferences as Record<string, unknown>;
    assert.equal(prefs.preload, path.join(out, 'electron', 'preload.cjs'));
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.backgroundThrottling, false);
    assert.equal(win.webContents.url, 'app://bundle/index.html');
    assert.equal(win.visible, true);

    // The session: every permission denied, the network refused, app:// served with the CSP.
    const decisions: boolean[] = [];
    record.permissionRequest?.(win.webContents, 'media', (granted: boolean) => decisions.push(granted));
    assert.deepEqual(decisions, [false]);
    assert.equal(record.permissionCheck?.(win.webContents, 'hid'), false);
    assert.equal(record.devicePermission?.({}), false);
    const requests: unknown[] = [];
    record.beforeRequest?.({ url: 'https://example.com/x.js' }, (r: unknown) => requests.push(r));
    record.beforeRequest?.({ url: 'app://bundle/app.js' }, (r: unknown) => requests.push(r));
    assert.deepEqual(requests, [{ cancel: true }, { cancel: false }]);
    const serve = record.protocolHandlers.get('app');
    assert.ok(serve, 'app:// has a handler');
    const page = await serve({ method: 'GET', url: 'app://bundle/index.html' });
    assert.equal(page.status, 200);
    assert.equal(await page.text(), '<!doctype html><title>AIM</title>');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const escape = await serve({
      method: 'GET',
      url: `app://bundle/..%2F..%2F${path.basename(work)}%2Foutside.txt`,
    });
    assert.equal(escape.status, 403);

    // Navigation and new windows are denied; allow-listed links go to the system browser.
    const navigation = electronEvent({ url: 'https://example.com/' });
    win.webContents.emit('will-navigate', navigation);
    assert.equal(navigation.defaultPrevented, true);
    assert.deepEqual(win.webContents.openHandler?.({ url: 'https://evil.example/' }), { action: 'deny' });
    assert.deepEqual(win.webContents.openHandler?.({ url: 'https://arxiv.org/abs/1' }), { action: 'deny' });
    assert.deepEqual(record.opened, ['https://arxiv.org/abs/1']);

    // IPC: the main frame on app://bundle is served; others are refused.
    const call = win.webContents.ipc.handlers.get('aim:call');
    assert.ok(call, 'aim:call is handled on the window’s own ipc');
    const info = (await call(ipcEvent(win), 'app.info', {})) as CallReply;
    assert.equal(info.ok, true);
    if (info.ok)
      assert.deepEqual(
        [(info.value as { host: string }).host, (info.value as { dbPath: string }).dbPath],
        ['electron', dbPath],
      );
    const forged = (await call(ipcEvent(win, 'https://evil.example/'), 'app.info', {})) as CallReply;
    assert.equal(forged.ok, false);
    const sub = (await call(ipcEvent(win, 'app://bundle/index.html', false), 'app.info', {})) as CallReply;
    assert.equal(sub.ok, false);

    // The core port: main keeps port1 and hands port2 to the page.
    const [onPort] = win.webContents.ipc.listeners.get('aim:port') ?? [];
    onPort(ipcEvent(win));
    const handed = win.webContents.posted.at(-1);
    assert.equal(handed?.channel, 'aim:port');
    assert.equal(handed?.ports.length, 1);

    // A short fast session (within warm-up): frames and its end arrive on the port; input from the page is accepted.
    const started = (await call(ipcEvent(win), 'session.start', {
      env: 'toy',
      steps: 20,
      pace: 'fast',
      warmup: 100, // ends inside warm-up: this tests the host, not the learner
      batchSize: 16,
      backend: 'cpu',
      seed: 1,
    })) as CallReply;
    assert.equal(started.ok, true, JSON.stringify(started));
    const [onInput] = win.webContents.ipc.listeners.get('aim:input') ?? [];
    onInput(ipcEvent(win), { t: 1, source: 'keyboard', steer: 0, throttle: 0, engaged: false });
    const channel = record.channels.at(-1);
    assert.ok(channel && handed?.ports[0] === channel.port2, 'the page got port2 of the channel');
    const port1 = channel.port1;
    assert.equal(port1.started, true);
    await nextMessage(
      port1,
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        (m as { type?: string; name?: string; payload?: { status?: string } }).name === 'status' &&
        (m as { payload: { status: string } }).payload.status === 'finished',
    );
    assert.ok(
      port1.sent.some((m) => m instanceof Float64Array),
      'frames reached the port',
    );
    const list = (await call(ipcEvent(win), 'sessions.list', {})) as CallReply;
    assert.equal(list.ok, true);
    if (list.ok) assert.equal((list.value as unknown[]).length, 1);

    // Quit: the core closes (the port is told why), then the app quits; the database is intact.
    (fake.electron.app.quit as () => void)();
    await fake.quitted;
    assert.equal(record.exitCode, null, record.errorBoxes.join(' | '));
    assert.ok(record.quitCount >= 2, 'quit was deferred until the core closed, then repeated');
    assert.deepEqual(port1.sent.at(-1), { type: 'closed', reason: 'the workstation is shutting down' });
    const db = new Database(dbPath, { readonly: true });
    try {
      const sessions = db.prepare('select status from sessions').all() as { status: string }[];
      assert.deepEqual(sessions, [{ status: 'finished' }]);
    } finally {
      db.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});
