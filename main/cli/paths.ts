// Where the command line finds the project's files and its development database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The built renderer that browser mode serves. */
export const RENDERER_DIR = path.join(PROJECT_ROOT, 'dist', 'renderer');

/** The development database: $AIM_DB, else .aim/aim-dev.db in the project folder. */
export function defaultDbPath(): string {
  return process.env.AIM_DB || path.join(PROJECT_ROOT, '.aim', 'aim-dev.db');
}
