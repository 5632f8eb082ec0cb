// `aim db backup FILE`: a consistent copy of the database, safe while the app is recording. Also the
// --db flag and the opening of an existing database that every data command shares.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type AimDatabase } from '../../store/database.ts';
import { backupDatabase } from '../../store/export/index.ts';
import { parseFlags, type CommandSpec } from '../args.ts';
import { defaultDbPath } from '../paths.ts';
import { commandGroup, positionals } from './groups.ts';

export const dbFlag = {
  type: 'string',
  placeholder: 'FILE',
  description: 'SQLite database (default $AIM_DB or .aim/aim-dev.db).',
} as const;

/** The database a data command works on; a missing file is an error, never silently created. */
export function databasePath(flag: string | undefined): string {
  const file = path.resolve(flag ?? defaultDbPath());
  if (!existsSync(file)) throw new Error(`there is no database at ${file} (pass --db FILE or set AIM_DB)`);
  return file;
}

/**
 * Opens an existing database. Writable opens mark sessions whose recording process died as
 * interrupted, as every start of the app does, so lists and summaries show them as they are.
 */
export function openExistingDatabase(
  flag: string | undefined,
  options: { readonly?: boolean } = {},
): AimDatabase {
  return openDatabase(databasePath(flag), { readonly: options.readonly === true });
}

export const dbBackupCommand = {
  name: 'db backup',
  summary: 'copy the database consistently, even while the app is recording (VACUUM INTO)',
  usage: 'aim db backup FILE [--db FILE] [--force] [--json]',
  flags: {
    db: dbFlag,
    force: { type: 'boolean', description: 'Replace FILE if it exists.' },
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim db backup ~/aim-backup.db', 'aim db backup backup.db --db lab.db --force'],
} satisfies CommandSpec;

export async function runDbBackup(argv: string[]): Promise<number> {
  const { values, flags: rest } = positionals(dbBackupCommand, argv, ['file']);
  const flags = parseFlags(dbBackupCommand, rest);
  const result = await backupDatabase(databasePath(flags.db), values[0], { force: flags.force });
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `Backed up ${result.source} to ${result.file}: ${result.sessions} sessions, ${result.steps} steps, ${megabytes(result.bytes)} in ${result.seconds.toFixed(2)} s\n`,
    );
  return 0;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

export const dbCommand = commandGroup('db', 'database upkeep: consistent backups', {
  backup: { spec: dbBackupCommand, run: runDbBackup },
});
