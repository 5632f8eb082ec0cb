// `aim export dataset`: a session's demonstrations as HDF5 in the robomimic layout.
import { exportDataset } from '../../store/export/index.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { createProgress, type ProgressReporter } from '../progress.ts';
import { megabytes, openExistingDatabase, dbFlag } from './db.ts';

export const exportDatasetCommand = {
  name: 'export dataset',
  summary: 'write a session as an HDF5 dataset in the robomimic layout (with interventions, Q and threshold)',
  usage: 'aim export dataset --session ID --out FILE.hdf5 [--only-takeovers] [--force] [--db FILE] [--json]',
  flags: {
    session: {
      type: 'integer',
      min: 1,
      placeholder: 'ID',
      description: 'The session to export (see aim sessions list).',
    },
    out: { type: 'string', placeholder: 'FILE', description: 'The HDF5 file to write.' },
    'only-takeovers': {
      type: 'boolean',
      description:
        'One demo per takeover span (the steps the expert or a person drove) instead of one per episode.',
    },
    force: { type: 'boolean', description: 'Replace FILE if it exists.' },
    db: dbFlag,
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: [
    'aim export dataset --session 3 --out session3.hdf5',
    'aim export dataset --session 3 --only-takeovers --out takeovers3.hdf5',
  ],
} satisfies CommandSpec;

export async function runExportDataset(argv: string[]): Promise<number> {
  const flags = parseFlags(exportDatasetCommand, argv);
  if (flags.session === undefined) throw new UsageError('--session ID is required (see aim sessions list)');
  if (flags.out === undefined) throw new UsageError('--out FILE is required');
  const db = openExistingDatabase(flags.db, { readonly: true });
  // Ctrl-C between chunks removes the partial file instead of leaving it behind.
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let progress: ProgressReporter | undefined;
  try {
    const result = await exportDataset(db, {
      sessionId: flags.session,
      out: flags.out,
      onlyTakeovers: flags['only-takeovers'],
      force: flags.force,
      signal: abort.signal,
      onProgress: process.stderr.isTTY
        ? (p) => {
            progress ??= createProgress('export', p.totalSteps);
            progress.update(p.steps, `${p.demos} demos`);
          }
        : undefined,
    });
    progress?.finish('');
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const what = result.content === 'takeovers' ? 'takeover spans' : 'episodes';
      process.stdout.write(
        `Exported session ${result.sessionId} to ${result.file}: ${result.demos} demos (${what}), ${result.samples} samples, ${result.interventions} driven by the expert or a person, ${megabytes(result.bytes)}\n`,
      );
      if (result.sessionRunning)
        process.stdout.write(
          `Session ${result.sessionId} is still being recorded; the file holds the steps recorded so far.\n`,
        );
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    db.close();
  }
}
