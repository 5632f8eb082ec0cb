// `aim export policy`: a session's novice as a policy folder (TF.js, safetensors + arch.json, ONNX).
import { exportPolicy } from '../../session/policy-export.ts';
import { parseFlags, UsageError, type CommandSpec } from '../args.ts';
import { dbFlag, megabytes, openExistingDatabase } from './db.ts';

export const exportPolicyCommand = {
  name: 'export policy',
  summary:
    "write a session's policy as a folder: TF.js model.json + weights, model.safetensors with arch.json, model.onnx",
  usage: 'aim export policy --session ID --out DIR [--checkpoint N] [--force] [--db FILE] [--json]',
  flags: {
    session: {
      type: 'integer',
      min: 1,
      placeholder: 'ID',
      description: 'The session whose novice to export (see aim sessions list).',
    },
    checkpoint: {
      type: 'integer',
      min: 1,
      placeholder: 'N',
      description:
        "The actor checkpoint's id (aim sessions show ID --json lists them); the latest by default.",
    },
    out: { type: 'string', placeholder: 'DIR', description: 'The folder to create.' },
    force: { type: 'boolean', description: 'Replace DIR if it holds an earlier policy export.' },
    db: dbFlag,
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim export policy --session 3 --out policy3', 'aim eval --policy policy3'],
} satisfies CommandSpec;

export async function runExportPolicy(argv: string[]): Promise<number> {
  const flags = parseFlags(exportPolicyCommand, argv);
  if (flags.session === undefined) throw new UsageError('--session ID is required (see aim sessions list)');
  if (flags.out === undefined) throw new UsageError('--out DIR is required');
  const db = openExistingDatabase(flags.db, { readonly: true });
  try {
    const result = await exportPolicy(db, {
      sessionId: flags.session,
      checkpointId: flags.checkpoint,
      out: flags.out,
      force: flags.force,
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `Exported checkpoint ${result.checkpoint.id} (step ${result.checkpoint.step}) of session ${result.sessionId} to ${result.folder}: ${Object.keys(result.files).join(', ')} (${megabytes(result.bytes)})\n`,
      );
    return 0;
  } finally {
    db.close();
  }
}
