// `aim serve`: browser mode — the workstation's UI on a local web server over the same core.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Workstation } from '../../session/workstation.ts';
import { startServer } from '../../server/server.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { defaultDbPath, RENDERER_DIR } from '../paths.ts';

export const serveCommand = {
  name: 'serve',
  summary: 'serve the workstation UI to a browser (loopback only unless a token is given)',
  usage: 'aim serve [--port P] [--host ADDRESS --token SECRET] [--db FILE]',
  flags: {
    port: {
      type: 'integer',
      min: 0,
      max: 65_535,
      default: 8765,
      description: 'TCP port (0 picks a free one).',
    },
    host: {
      type: 'string',
      default: '127.0.0.1',
      placeholder: 'ADDRESS',
      description: 'Address to bind; anything but loopback requires --token.',
    },
    token: {
      type: 'string',
      placeholder: 'SECRET',
      description: 'Access token required from browsers (needed for non-loopback addresses).',
    },
    db: {
      type: 'string',
      placeholder: 'FILE',
      description: 'SQLite database (default $AIM_DB or .aim/aim-dev.db).',
    },
  },
  examples: ['aim serve --port 8765', 'aim serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"'],
} satisfies CommandSpec;

export async function runServe(argv: string[]): Promise<number> {
  const flags = parseFlags(serveCommand, argv);
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new UsageError(`the UI is not built (${RENDERER_DIR} is missing); run "npm run build" first`);
  }
  const dbPath = path.resolve(flags.db ?? defaultDbPath());
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const core = Workstation.open({ dbPath, host: 'browser' });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      core,
      host: flags.host,
      port: flags.port,
      token: flags.token,
      staticDir: RENDERER_DIR,
    });
  } catch (error) {
    await core.close();
    throw error;
  }
  process.stdout.write(
    `AIM Workstation (browser mode) at ${server.url}\nDatabase: ${dbPath}\nPress Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await core.close();
  process.stdout.write('Stopped.\n');
  return 0;
}
