// What `npm start` decides before launching: where Electron's binary is, why a download failed,
// whether there is a display, whether dist/ is stale, and its own flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILD_OUTPUTS,
  buildStaleness,
  displayProblem,
  explainDownloadFailure,
  exitCodeForSignal,
  findElectronBinary,
  parseStartArgs,
} from '../../main/electron/launcher.ts';

function project(): { root: string; dispose(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'aim-launcher-'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fixture', version: '0.0.0' }));
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

function fakeElectron(root: string, options: { pathTxt?: string; binary?: boolean }): string {
  const dir = path.join(root, 'node_modules', 'electron');
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'electron', version: '45.4.1', main: 'index.js' }),
  );
  if (options.pathTxt !== undefined) writeFileSync(path.join(dir, 'path.txt'), options.pathTxt);
  if (options.binary)
    writeFileSync(path.join(dir, 'dist', options.pathTxt ?? 'electron'), '#!/bin/sh\n', { mode: 0o755 });
  return dir;
}

test('electron binary: no package, no path.txt, missing file, present file, override', () => {
  const { root, dispose } = project();
  try {
    assert.deepEqual(findElectronBinary(root, {}), {
      ok: false,
      reason: 'the electron package is not installed',
    });
    const dir = fakeElectron(root, {});
    assert.deepEqual(findElectronBinary(root, {}), {
      ok: false,
      reason: "Electron's binary is not installed",
    });
    writeFileSync(path.join(dir, 'path.txt'), 'electron');
    const missing = findElectronBinary(root, {});
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.reason, /Electron's binary is missing/);
    writeFileSync(path.join(dir, 'dist', 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(findElectronBinary(root, {}), {
      ok: true,
      path: path.join(dir, 'dist', 'electron'),
      version: '45.4.1',
    });

    const elsewhere = path.join(root, 'custom-dist');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'electron'), '');
    assert.deepEqual(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: elsewhere }), {
      ok: true,
      path: path.join(elsewhere, 'electron'),
      version: '45.4.1',
    });
  } finally {
    dispose();
  }
});

test('download failures explained in a few words', () => {
  assert.equal(
    explainDownloadFailure('RequestError: getaddrinfo ENOTFOUND github.com\n    at foo', false),
    'could not be downloaded (offline?)',
  );
  assert.equal(
    explainDownloadFailure('TypeError: fetch failed', false),
    'could not be downloaded (offline?)',
  );
  assert.equal(explainDownloadFailure('', true), 'the download timed out');
  assert.equal(
    explainDownloadFailure('Error: Generated checksum for "electron.zip" did not match', false),
    'the download failed its checksum',
  );
  assert.equal(
    explainDownloadFailure('Error: HTTP 404\n    at x', false),
    'could not be downloaded (Error: HTTP 404)',
  );
  assert.equal(explainDownloadFailure('', false), 'could not be downloaded');
});

test('display: needed on Linux only', () => {
  assert.match(displayProblem('linux', {}) ?? '', /no display/);
  assert.equal(displayProblem('linux', { DISPLAY: ':99' }), null);
  assert.equal(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' }), null);
  assert.equal(displayProblem('darwin', {}), null);
  assert.equal(displayProblem('win32', {}), null);
});

test('build staleness: missing output, newer source, newer test files ignored, up to date', () => {
  const { root, dispose } = project();
  try {
    mkdirSync(path.join(root, 'main', 'session'), { recursive: true });
    mkdirSync(path.join(root, 'renderer', 'src'), { recursive: true });
    mkdirSync(path.join(root, 'scripts'), { recursive: true });
    const old = new Date('2026-01-01T00:00:00Z');
    const built = new Date('2026-01-02T00:00:00Z');
    const later = new Date('2026-01-03T00:00:00Z');
    const touch = (rel: string, when: Date) => {
      const file = path.join(root, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'x');
      utimesSync(file, when, when);
    };
    touch('main/session/loop.ts', old);
    touch('renderer/src/main.tsx', old);
    touch('scripts/build.ts', old);
    utimesSync(path.join(root, 'package.json'), old, old);
    assert.deepEqual(buildStaleness(root), { stale: true, reason: `${BUILD_OUTPUTS[0]} is missing` });
    for (const output of BUILD_OUTPUTS) touch(output, built);
    assert.deepEqual(buildStaleness(root), { stale: false, reason: 'dist/ is up to date' });
    touch('main/session/loop.test.ts', later);
    touch('main/session/notes.md', later);
    assert.equal(buildStaleness(root).stale, false);
    touch('renderer/src/main.tsx', later);
    assert.deepEqual(buildStaleness(root), {
      stale: true,
      reason: `${path.join('renderer', 'src', 'main.tsx')} changed since the last build`,
    });
  } finally {
    dispose();
  }
});

test('npm start flags', () => {
  assert.deepEqual(parseStartArgs([], {}), { browser: false, port: null, db: null, help: false });
  assert.deepEqual(parseStartArgs(['--browser', '--port', '9000', '--db', 'x.db'], {}), {
    browser: true,
    port: 9000,
    db: 'x.db',
    help: false,
  });
  assert.deepEqual(parseStartArgs(['--port=9001'], {}), {
    browser: false,
    port: 9001,
    db: null,
    help: false,
  });
  assert.equal(parseStartArgs([], { AIM_PORT: '9100' }).port, 9100);
  assert.equal(parseStartArgs(['--port', '9200'], { AIM_PORT: '9100' }).port, 9200);
  assert.equal(parseStartArgs(['--help'], {}).help, true);
  assert.throws(
    () => parseStartArgs(['--port', 'http'], {}),
    /--port must be a port number from 1 to 65535, not "http"/,
  );
  assert.throws(() => parseStartArgs(['--port', '70000'], {}), /--port must be a port number/);
  assert.throws(() => parseStartArgs(['--port'], {}), /--port must be a port number/);
  assert.throws(() => parseStartArgs([], { AIM_PORT: 'x' }), /AIM_PORT must be a port number/);
  assert.throws(() => parseStartArgs(['--db'], {}), /--db needs a file name/);
  assert.throws(() => parseStartArgs(['--electron'], {}), /Unknown option "--electron"/);
  assert.throws(() => parseStartArgs(['serve'], {}), /Unknown option "serve"/);
});

test('exit code of a child killed by a signal', () => {
  assert.equal(exitCodeForSignal('SIGINT', { SIGINT: 2, SIGTERM: 15 }), 130);
  assert.equal(exitCodeForSignal('SIGTERM', { SIGINT: 2, SIGTERM: 15 }), 143);
});
