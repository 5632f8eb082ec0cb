// `npm start`: builds dist/ when it is missing or stale, then opens the Electron workstation. Where no
// Electron binary can be had (offline installs, no display), it says so in one sentence and serves the
// same UI over the same core in browser mode on 127.0.0.1 instead. Ctrl-C stops either cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildStaleness,
  displayProblem,
  downloadElectron,
  exitCodeForSignal,
  findElectronBinary,
  parseStartArgs,
  START_USAGE,
  type StartOptions,
} from '../main/electron/launcher.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 8765;
const DOWNLOAD_TIMEOUT_MS = 60_000;
const DEV_DB = path.join(root, '.aim', 'aim-dev.db');

/** npm runs scripts in the project folder; a relative --db means the folder the user typed it in. */
const userCwd = process.env.INIT_CWD ?? process.cwd();

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rebuilds dist/ with scripts/build.ts when an output is missing or older than its sources. */
function ensureBuilt(): boolean {
  const { stale, reason } = buildStaleness(root);
  if (!stale) return true;
  console.log(`Building (${reason})…`);
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('The build failed (see above); fix it and run npm start again.');
    return false;
  }
  return true;
}

/** The Electron binary, downloading it once if the package has none; or why there is none. */
async function electronBinary(): Promise<{ path: string } | { reason: string }> {
  const found = findElectronBinary(root);
  if (found.ok) return { path: found.path };
  if (found.reason === 'the electron package is not installed')
    return { reason: 'the electron package is not installed (run npm install)' };
  console.log("Electron's binary is not installed; downloading it once (about 100 MB)…");
  const failure = await downloadElectron(root, DOWNLOAD_TIMEOUT_MS);
  if (failure !== null) return { reason: `Electron's binary is not installed and ${failure}` };
  const after = findElectronBinary(root);
  return after.ok
    ? { path: after.path }
    : { reason: `Electron's binary is still missing after the download (${after.reason})` };
}

/** Runs Electron on the project; resolves with its exit code. Ctrl-C reaches it and it quits cleanly. */
function runElectron(binary: string, options: StartOptions): Promise<number> {
  const args = [root];
  if (options.db !== null) args.push('--db', path.resolve(userCwd, options.db));
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would turn the binary into plain Node
  const child = spawn(binary, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`Electron could not be started: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) =>
      resolve(code ?? exitCodeForSignal(signal ?? 'SIGTERM', constants.signals)),
    );
  });
}

/** Browser mode: the real Workstation on a project-local database, served on 127.0.0.1. */
async function runBrowserMode(options: StartOptions): Promise<number> {
  const { Workstation } = await import('../main/session/workstation.ts');
  const { startServer, ServerConfigError } = await import('../main/server/index.ts');
  // The same default as the aim CLI: --db, else $AIM_DB, else .aim/aim-dev.db in the project folder.
  const dbPath =
    options.db !== null
      ? path.resolve(userCwd, options.db)
      : process.env.AIM_DB
        ? path.resolve(userCwd, process.env.AIM_DB)
        : DEV_DB;
  mkdirSync(path.dirname(dbPath), { recursive: true });

  let core;
  try {
    core = Workstation.open({ dbPath, host: 'browser' });
  } catch (error) {
    console.error(errorText(error));
    return 1;
  }

  const staticDir = path.join(root, 'dist', 'renderer');
  const wanted = options.port ?? DEFAULT_PORT;
  let server;
  try {
    try {
      server = await startServer({ core, host: '127.0.0.1', port: wanted, staticDir });
    } catch (error) {
      if (!(error instanceof ServerConfigError && /already in use/.test(error.message))) throw error;
      server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir });
      console.log(`Port ${wanted} is busy; using ${server.port} instead.`);
    }
  } catch (error) {
    console.error(errorText(error));
    await core.close();
    return 1;
  }

  console.log(`AIM Workstation (browser mode) is serving ${server.url}`);
  const shown = path.relative(process.cwd(), dbPath);
  console.log(
    `Database: ${shown.startsWith('..') || path.isAbsolute(shown) ? dbPath : shown}. Press Ctrl-C to stop.`,
  );

  const running = server;
  const workstation = core;
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C while the session is being recorded as finished: give up waiting.
        console.error('Stopping now without waiting for the database to flush.');
        resolve(exitCodeForSignal(signal, constants.signals));
        return;
      }
      stopping = true;
      console.log('Stopping…');
      void (async () => {
        let code = 0;
        try {
          await running.close();
        } catch (error) {
          console.error(`Closing the server failed: ${errorText(error)}`);
          code = 1;
        }
        try {
          await workstation.close();
        } catch (error) {
          console.error(`Closing the workstation failed: ${errorText(error)}`);
          code = 1;
        }
        if (code === 0) console.log('Stopped.');
        resolve(code);
      })();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

async function main(): Promise<number> {
  let options: StartOptions;
  try {
    options = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    console.error(errorText(error));
    return 2;
  }
  if (options.help) {
    console.log(START_USAGE);
    return 0;
  }
  if (!ensureBuilt()) return 1;

  if (!options.browser) {
    const binary = await electronBinary();
    const noDisplay = displayProblem();
    if ('path' in binary && noDisplay === null) return runElectron(binary.path, options);
    const why = 'reason' in binary ? binary.reason : `Electron cannot open a window because ${noDisplay}`;
    console.log(`${sentence(why)}; starting browser mode instead.`);
  }
  return runBrowserMode(options);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(errorText(error));
    process.exit(1);
  },
);
