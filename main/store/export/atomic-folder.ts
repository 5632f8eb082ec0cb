// Writes a folder of files so that it either appears whole under its name or not at all, as
// atomic-file.ts does for one file: the files go into a hidden temporary folder beside the target,
// are synced, and the folder is renamed into place. A failure removes the temporary folder and says so.
// With force, an earlier folder is moved aside first and removed only once the new one is in place.
import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../codec.ts';
import { temporaryPathFor, writeFailed } from './atomic-file.ts';
import { ExportError } from './errors.ts';

export interface AtomicFolderOptions {
  /** Replace an existing target folder (only one `replaceable` accepts). */
  force?: boolean;
  /** What is written, for messages: "the policy". */
  what: string;
  /**
   * Whether an existing folder may be replaced under force. A mistyped --out must not delete a
   * folder of someone's own files, so only folders this kind of export wrote qualify.
   */
  replaceable(folder: string): boolean;
}

/** Refuses a target that cannot be written: an existing folder (unless forced and replaceable), a file, a missing parent. */
export function checkFolderTarget(target: string, options: AtomicFolderOptions): string {
  const folder = path.resolve(target);
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory())
    throw new ExportError('target', `${folder} is a file; give a folder name for ${options.what}`);
  if (stat && options.force !== true)
    throw new ExportError('exists', `${folder} already exists; pass --force to replace it`);
  if (stat && !options.replaceable(folder))
    throw new ExportError(
      'target',
      `${folder} exists and does not hold ${options.what}; --force only replaces an earlier export, so choose another folder`,
    );
  const parent = path.dirname(folder);
  if (!fs.statSync(parent, { throwIfNoEntry: false })?.isDirectory())
    throw new ExportError('target', `The folder ${parent} does not exist; create it first`);
  return folder;
}

/**
 * Runs `write(temporaryFolder)` and publishes the folder under `target`. Any failure, including one
 * thrown by `write`, leaves nothing behind and ends in an ExportError saying so.
 */
export async function writeFolderAtomically<T>(
  target: string,
  options: AtomicFolderOptions,
  write: (temporaryFolder: string) => T | Promise<T>,
): Promise<T> {
  const folder = checkFolderTarget(target, options);
  const temporary = temporaryPathFor(folder);
  try {
    fs.mkdirSync(temporary);
    const result = await write(temporary);
    for (const name of fs.readdirSync(temporary)) syncPath(path.join(temporary, name), 'r+');
    syncPath(temporary, 'r');
    publish(temporary, folder, options);
    return result;
  } catch (error) {
    throw writeFailed(error, options.what, folder, removePartial(temporary));
  }
}

function publish(temporary: string, folder: string, options: AtomicFolderOptions): void {
  const appeared = () =>
    new ExportError('exists', `${folder} appeared while ${options.what} was written; nothing was replaced`);
  if (!fs.existsSync(folder)) {
    // A folder with files that appeared since the check makes rename() fail rather than be replaced.
    try {
      fs.renameSync(temporary, folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw appeared();
      throw error;
    }
  } else {
    if (options.force !== true) throw appeared();
    const previous = `${temporary}.previous`;
    fs.renameSync(folder, previous);
    try {
      fs.renameSync(temporary, folder);
    } catch (error) {
      fs.renameSync(previous, folder);
      throw error;
    }
    fs.rmSync(previous, { recursive: true, force: true });
  }
  syncPath(path.dirname(folder), 'r');
}

// So the files and the new name survive a power cut; some platforms cannot open a folder, which is fine.
function syncPath(file: string, flags: 'r' | 'r+'): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, flags);
    fs.fsyncSync(fd);
  } catch (error) {
    if (flags === 'r+') throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function removePartial(temporary: string): string {
  if (!fs.existsSync(temporary)) return 'no partial folder was left';
  try {
    fs.rmSync(temporary, { recursive: true, force: true });
    return 'the partial folder was removed';
  } catch (error) {
    return `the partial folder ${temporary} could not be removed (${messageOf(error)})`;
  }
}
