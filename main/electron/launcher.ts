// What `npm start` and the Electron end-to-end test need to know before anything launches: where the
// Electron binary is (without triggering the electron package's own download), how to try the
// download once, why it failed, whether a display exists, and whether dist/ is older than its sources.
// Runs under plain Node; never imports electron.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { ok: true; path: string; version: string } | { ok: false; reason: string };

/** The electron package's folder, as the project resolves it, or null when it is not installed. */
export function electronPackageDir(root: string): string | null {
  try {
    const require = createRequire(path.join(root, 'package.json'));
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The Electron executable the electron package points to (its path.txt, or ELECTRON_OVERRIDE_DIST_PATH),
 * if it exists. Reads the files instead of require('electron'), which starts a download when the
 * binary is missing.
 */
export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const dir = electronPackageDir(root);
  if (dir === null) return { ok: false, reason: 'the electron package is not installed' };
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary: string | null = null;
  if (override) binary = path.join(override, relative ?? defaultExecutable());
  else if (relative !== null) binary = path.join(dir, 'dist', relative);
  if (binary === null) return { ok: false, reason: "Electron's binary is not installed" };
  if (!existsSync(binary)) return { ok: false, reason: `Electron's binary is missing (${binary})` };
  return { ok: true, path: binary, version };
}

function defaultExecutable(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** One short reason for a failed download, from the installer's output. */
export function explainDownloadFailure(output: string, timedOut: boolean): string {
  if (timedOut) return 'the download timed out';
  if (
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|ECONNRESET|ETIMEDOUT|fetch failed|getaddrinfo|socket hang up/i.test(
      output,
    )
  ) {
    return 'could not be downloaded (offline?)';
  }
  if (/checksum/i.test(output)) return 'the download failed its checksum';
  const first = output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('at '));
  return first ? `could not be downloaded (${first.slice(0, 160)})` : 'could not be downloaded';
}

/**
 * Runs the electron package's installer once (it downloads the binary for this platform, honouring
 * ELECTRON_MIRROR and the cache). Resolves with null on success, or the reason it failed.
 */
export function downloadElectron(root: string, timeoutMs: number): Promise<string | null> {
  const dir = electronPackageDir(root);
  if (dir === null) return Promise.resolve('the electron package is not installed');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'install.js')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timedOut = false;
    const collect = (chunk: Buffer) => {
      if (output.length < 20_000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(`could not run the installer (${error.message})`);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && !timedOut ? null : explainDownloadFailure(output, timedOut));
    });
  });
}

/** Why Electron cannot open a window here (no display on Linux), or null. */
export function displayProblem(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

/** What scripts/build.ts writes, relative to the project root. */
export const BUILD_OUTPUTS = [
  'dist/electron/main.cjs',
  'dist/electron/preload.cjs',
  'dist/renderer/index.html',
  'dist/renderer/app.js',
];
/** What the build reads: the folders are walked for sources, tests excluded. */
export const BUILD_INPUTS = ['main', 'renderer', 'scripts/build.ts', 'package.json', 'package-lock.json'];

const SOURCE_FILE = /\.(ts|tsx|js|mjs|cjs|css|html|json|svg|png|wasm)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

function newestMtime(entry: string): { mtime: number; file: string } | null {
  let info;
  try {
    info = statSync(entry);
  } catch {
    return null;
  }
  if (info.isFile()) return { mtime: info.mtimeMs, file: entry };
  if (!info.isDirectory()) return null;
  let newest: { mtime: number; file: string } | null = null;
  for (const name of readdirSync(entry)) {
    if (SKIPPED_DIRS.has(name)) continue;
    const child = path.join(entry, name);
    let childInfo;
    try {
      childInfo = statSync(child);
    } catch {
      continue;
    }
    if (childInfo.isFile() && (!SOURCE_FILE.test(name) || /\.test\.tsx?$/.test(name))) continue;
    const found = newestMtime(child);
    if (found && (newest === null || found.mtime > newest.mtime)) newest = found;
  }
  return newest;
}

/** Whether dist/ must be rebuilt: an output is missing, or a source is newer than the oldest output. */
export function buildStaleness(root: string): { stale: boolean; reason: string } {
  let oldest = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const file = path.join(root, output);
    if (!existsSync(file)) return { stale: true, reason: `${output} is missing` };
    oldest = Math.min(oldest, statSync(file).mtimeMs);
  }
  for (const input of BUILD_INPUTS) {
    const newest = newestMtime(path.join(root, input));
    if (newest && newest.mtime > oldest)
      return { stale: true, reason: `${path.relative(root, newest.file)} changed since the last build` };
  }
  return { stale: false, reason: 'dist/ is up to date' };
}

/** Options of `npm start`. */
export interface StartOptions {
  browser: boolean;
  port: number | null;
  db: string | null;
  help: boolean;
}

export const START_USAGE = `Usage: npm start [-- options]

Opens the AIM Workstation in Electron; where no Electron binary can be had, serves it in browser mode.

Options:
  --browser      serve browser mode on 127.0.0.1 even if Electron is available
  --port P       browser-mode port (default: $AIM_PORT or 8765; a free one if that is busy)
  --db FILE      the SQLite database (default: Electron's userData/aim.db; in browser mode
                 $AIM_DB, else .aim/aim-dev.db in the project folder)
  --help         show this help`;

function parsePort(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65_535) {
    throw new Error(`${what} must be a port number from 1 to 65535, not ${JSON.stringify(value ?? '')}.`);
  }
  return Number(value);
}

/** Parses `npm start` flags; throws one sentence for an unknown flag or a bad value. */
export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartOptions {
  const options: StartOptions = { browser: false, port: null, db: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--browser':
        options.browser = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--port':
        options.port = parsePort(value(), '--port');
        break;
      case '--db': {
        const file = value();
        if (file === undefined || file === '' || file.startsWith('--'))
          throw new Error('--db needs a file name, as in --db sessions.db.');
        options.db = file;
        break;
      }
      default:
        throw new Error(`Unknown option ${JSON.stringify(arg)}; run npm start -- --help for the options.`);
    }
  }
  if (options.port === null && env.AIM_PORT !== undefined && env.AIM_PORT !== '')
    options.port = parsePort(env.AIM_PORT, 'AIM_PORT');
  return options;
}

/** Exit code for a child that ended by a signal, as shells report it. */
export function exitCodeForSignal(signal: NodeJS.Signals, signals: Record<string, number>): number {
  return 128 + (signals[signal] ?? 1);
}
