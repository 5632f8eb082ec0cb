// The error every export (datasets, policies, database backups) throws for things a user can cause: a target
// that exists, a folder that does not, a session with nothing to export, a write that failed. Hosts
// show `message` as is, so each is one sentence that names the file.

export type ExportErrorCode =
  /** The target exists and --force was not given. */
  | 'exists'
  /** The target cannot be written where it is (a folder, or its folder is missing). */
  | 'target'
  /** Nothing to export (no steps, no takeovers). */
  | 'empty'
  /** No such checkpoint to export, or one that cannot be exported (no checkpoint yet, a foreign format). */
  | 'checkpoint'
  /** Writing failed (disk full, I/O error, interrupted); the partial file was removed. */
  | 'write-failed';

export class ExportError extends Error {
  readonly code: ExportErrorCode;

  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportError';
    this.code = code;
  }
}
