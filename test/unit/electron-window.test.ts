// The hardened window's decisions without Electron: what app:// serves (and refuses), which requests
// and links are allowed, and the host's --db flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  contentType,
  resolveAppPath,
  serveAppRequest,
} from '../../main/electron/app-protocol.ts';
import {
  databasePath,
  externalLinkAllowed,
  hardenedWebPreferences,
  keepDisplayAwake,
  parseHostArgs,
  requestAllowed,
} from '../../main/electron/window-policy.ts';

function bundle(): { root: string; dispose(): void } {
  const base = mkdtempSync(path.join(tmpdir(), 'aim-app-protocol-'));
  const root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>AIM</title>');
  writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'road map.svg'), '<svg/>');
  writeFileSync(path.join(base, 'secret.txt'), 'outside the bundle');
  return { root, dispose: () => rmSync(base, { recursive: true, force: true }) };
}

test('app:// paths map inside the bundle; "/" is index.html', () => {
  const root = path.resolve('/srv/renderer');
  assert.deepEqual(resolveAppPath(root, 'app://bundle/'), { ok: true, file: path.join(root, 'index.html') });
  assert.deepEqual(resolveAppPath(root, 'app://bundle/app.js?v=1#x'), {
    ok: true,
    file: path.join(root, 'app.js'),
  });
  assert.deepEqual(resolveAppPath(root, 'app://bundle/assets/road%20map.svg'), {
    ok: true,
    file: path.join(root, 'assets', 'road map.svg'),
  });
});

test('app:// refuses traversal, other hosts, encoded tricks and malformed URLs', () => {
  const root = path.resolve('/srv/renderer');
  const refused: [string, number][] = [
    ['app://bundle/..%2Fsecret.txt', 403],
    ['app://bundle/assets/..%2F..%2Fsecret.txt', 403],
    ['app://bundle/..%5Csecret.txt', 400],
    ['app://bundle/a%00.js', 400],
    ['app://bundle/%E0%A4%A', 400],
    ['app://evil/index.html', 403],
    ['file:///etc/passwd', 403],
    ['not a url', 400],
  ];
  for (const [url, status] of refused) {
    const result = resolveAppPath(root, url);
    assert.equal(result.ok, false, url);
    if (!result.ok) assert.equal(result.status, status, url);
  }
  // Dot segments the URL parser already removes cannot climb above the root either.
  for (const url of [
    'app://bundle/../../secret.txt',
    'app://bundle/%2e%2e/secret.txt',
    'app://bundle/assets/%2E%2E/%2e%2E/secret.txt',
  ]) {
    const climbed = resolveAppPath(root, url);
    assert.ok(!climbed.ok || climbed.file.startsWith(root + path.sep), `${url} → ${JSON.stringify(climbed)}`);
  }
});

test('app:// serves files with their type and the security headers; misses are 404', async () => {
  const { root, dispose } = bundle();
  try {
    const index = await serveAppRequest(root, 'GET', 'app://bundle/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
    assert.equal(index.headers['X-Content-Type-Options'], 'nosniff');
    assert.equal(Buffer.from(index.body as Uint8Array).toString(), '<!doctype html><title>AIM</title>');

    const script = await serveAppRequest(root, 'GET', 'app://bundle/app.js');
    assert.equal(script.headers['Content-Type'], 'text/javascript; charset=utf-8');

    const head = await serveAppRequest(root, 'HEAD', 'app://bundle/app.js');
    assert.equal(head.status, 200);
    assert.equal(head.body, null);

    assert.equal((await serveAppRequest(root, 'GET', 'app://bundle/missing.js')).status, 404);
    assert.equal((await serveAppRequest(root, 'GET', 'app://bundle/assets')).status, 404); // a folder is not a file
    const escaped = await serveAppRequest(root, 'GET', 'app://bundle/..%2Fsecret.txt');
    assert.equal(escaped.status, 403);
    assert.notEqual(String(escaped.body), 'outside the bundle');
    assert.equal((await serveAppRequest(root, 'POST', 'app://bundle/')).status, 405);
    const refused = await serveAppRequest(root, 'GET', 'app://bundle/..%2Fsecret.txt');
    assert.equal(refused.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  } finally {
    dispose();
  }
});

test('the CSP allows only the app’s own scripts and connections, and no frames or plugins', () => {
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  assert.match(CONTENT_SECURITY_POLICY, /connect-src 'self'(;|$)/);
  assert.match(CONTENT_SECURITY_POLICY, /object-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|\*/);
  assert.equal(contentType('x.wasm'), 'application/wasm');
  assert.equal(contentType('x.unknown'), 'application/octet-stream');
});

test('requests: the app origin, data and blobs pass; the network and files do not', () => {
  for (const url of [
    'app://bundle/app.js',
    'data:image/png;base64,AA==',
    'blob:app://bundle/1234',
    'devtools://devtools/bundled/inspector.html',
  ]) {
    assert.equal(requestAllowed(url), true, url);
  }
  for (const url of [
    'app://elsewhere/x',
    'https://example.com/',
    'http://127.0.0.1:8765/',
    'ws://127.0.0.1:8765/ws',
    'file:///etc/passwd',
    'ftp://x/',
    'nonsense',
  ]) {
    assert.equal(requestAllowed(url), false, url);
  }
});

test('external links: https to an allow-listed host only', () => {
  assert.equal(externalLinkAllowed('https://arxiv.org/abs/1234.5678'), true);
  assert.equal(externalLinkAllowed('https://github.com/some/repo'), true);
  for (const url of [
    'http://arxiv.org/abs/1',
    'https://arxiv.org.evil.example/',
    'https://evil.example/?https://arxiv.org',
    'https://user:pw@github.com/',
    'https://github.com:8443/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'app://bundle/index.html',
    'not a url',
  ]) {
    assert.equal(externalLinkAllowed(url), false, url);
  }
  assert.equal(externalLinkAllowed('https://docs.example.org/x', ['docs.example.org']), true);
});

test('host flags: --db FILE or --db=FILE among Electron and Playwright switches', () => {
  const cwd = path.resolve('/home/lab');
  assert.deepEqual(parseHostArgs(['.', '--inspect=0', '--remote-debugging-port=0'], cwd), { db: null });
  assert.deepEqual(parseHostArgs(['dist/electron/main.cjs', '--db', 'runs/a.db'], cwd), {
    db: path.join(cwd, 'runs/a.db'),
  });
  assert.deepEqual(parseHostArgs(['--db=/tmp/b.db', '--user-data-dir=/tmp/u'], cwd), {
    db: path.resolve('/tmp/b.db'),
  });
  assert.throws(() => parseHostArgs(['--db'], cwd), /--db needs a file name/);
  assert.throws(() => parseHostArgs(['--db', '--no-sandbox'], cwd), /--db needs a file name/);
  assert.throws(() => parseHostArgs(['--db='], cwd), /--db needs a file name/);
  assert.equal(
    databasePath({ db: null }, '/home/lab/.config/aim-workstation'),
    path.join('/home/lab/.config/aim-workstation', 'aim.db'),
  );
  assert.equal(databasePath({ db: '/data/x.db' }, '/ignored'), '/data/x.db');
});

test('display stays awake only while a real-time session runs', () => {
  assert.equal(keepDisplayAwake({ status: 'running', config: { pace: 'realtime' } }), true);
  assert.equal(keepDisplayAwake({ status: 'running', config: { pace: 'fast' } }), false);
  assert.equal(keepDisplayAwake({ status: 'paused', config: { pace: 'realtime' } }), false);
  assert.equal(keepDisplayAwake({ status: 'idle', config: null }), false);
});

test('the window is hardened: isolation, sandbox, no Node, web security; no background throttling', () => {
  const prefs = hardenedWebPreferences('/app/dist/electron/preload.cjs');
  assert.equal(prefs.preload, '/app/dist/electron/preload.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.backgroundThrottling, false);
});
