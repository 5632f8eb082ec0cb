// Writes a file so that the target either appears whole or not at all: the content goes to a
// temporary file next to the target (same folder, so the final rename stays on one file system),
// is synced, and only then takes the target's name. A failure removes the temporary file and says so.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../codec.ts';
import { ExportError } from './errors.ts';

export interface AtomicWriteOptions {
  /** Replace an existing target. Without it an existing target is refused before anything is written. */
  force?: boolean;
  /** What is written, for messages: "the dataset", "the backup". */
  what: string;
}

/** Refuses a target that cannot be written: an existing file (unless force), a folder, a missing folder. */
export function checkTarget(target: string, options: AtomicWriteOptions): string {
  const file = path.resolve(target);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory())
    throw new ExportError('target', `${file} is a folder; give a file name for ${options.what}`);
  if (stat !== undefined && options.force !== true)
    throw new ExportError('exists', `${file} already exists; pass --force to replace it`);
  const folder = path.dirname(file);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new ExportError('target', `The folder ${folder} does not exist; create it first`);
  return file;
}

/** A hidden name beside the target that no other writer picks. */
export function temporaryPathFor(file: string): string {
  const suffix = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${suffix}.partial`);
}

/**
 * Runs `write(temporaryPath)` and publishes the result under `target`. Any failure, including one
 * thrown by `write`, leaves no file behind and ends in an ExportError saying so.
 */
export async function writeAtomically<T>(
  target: string,
  options: AtomicWriteOptions,
  write: (temporaryPath: string) => T | Promise<T>,
): Promise<T> {
  const file = checkTarget(target, options);
  const temporary = temporaryPathFor(file);
  try {
    const result = await write(temporary);
    syncFile(temporary);
    publish(temporary, file, options);
    return result;
  } catch (error) {
    throw writeFailed(error, options.what, file, removePartial(temporary));
  }
}

/** What a failed write throws: its reason and what became of the partial output, in one sentence. */
export function writeFailed(error: unknown, what: string, target: string, removal: string): ExportError {
  if (error instanceof ExportError && error.code === 'exists') return error;
  return new ExportError(
    'write-failed',
    `Writing ${what} to ${target} failed (${reasonOf(error)}); ${removal}`,
    {
      cause: error,
    },
  );
}

/** Moves the finished file into place; without force, never over a file that appeared meanwhile. */
function publish(temporary: string, file: string, options: AtomicWriteOptions): void {
  if (options.force === true) {
    fs.renameSync(temporary, file);
  } else {
    try {
      // link() fails with EEXIST instead of replacing, which closes the window between the check
      // before writing and now; the temporary name is then dropped.
      fs.linkSync(temporary, file);
      fs.unlinkSync(temporary);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new ExportError(
          'exists',
          `${file} appeared while ${options.what} was written; nothing was replaced`,
        );
      // File systems without hard links (FAT, some network shares): check, then rename.
      if (fs.existsSync(file))
        throw new ExportError(
          'exists',
          `${file} appeared while ${options.what} was written; nothing was replaced`,
        );
      fs.renameSync(temporary, file);
    }
  }
  syncFolder(path.dirname(file));
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// So the new name survives a power cut; some platforms (Windows) cannot open a folder, which is fine.
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Truncated before it is unlinked: a library that failed mid-write may still hold the file open, and
 * on a full disk the space must come back now, not when that handle is closed.
 */
function removePartial(temporary: string): string {
  if (!fs.existsSync(temporary)) return 'no partial file was left';
  try {
    fs.truncateSync(temporary, 0);
  } catch {
    // unlinking is what matters
  }
  try {
    fs.rmSync(temporary, { force: true });
    return 'the partial file was removed';
  } catch (error) {
    return `the partial file ${temporary} could not be removed (${messageOf(error)})`;
  }
}

/** A short reason: HDF5's error stacks and errno names reduced to what a person can act on. */
export function reasonOf(error: unknown): string {
  const message = messageOf(error);
  const errno = /error message = '([^']+)'/.exec(message);
  if (errno) return errno[1];
  if (message.startsWith('HDF5-DIAG')) {
    // The deepest frame of an HDF5 error stack names the cause: "#007: … in H5F__close(): can't close file".
    const frames = [...message.matchAll(/#\d+: .* in \w+\(\): (.+)$/gm)];
    if (frames.length > 0) return `HDF5: ${frames[frames.length - 1][1].trim()}`;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return 'No space left on device';
  const firstLine = message.split('\n').find((line) => line.trim() !== '') ?? message;
  return firstLine.trim().replace(/\.$/, '');
}
