// Export from a session's page: the trained novice as a policy folder (TF.js, safetensors + arch.json,
// ONNX) or the session's steps as an HDF5 dataset (all of them, or the takeovers only). The target
// is a path on the machine the core runs on; an existing target is refused unless replacing is
// ticked, and the core's one-sentence error is shown as it is.
import { useState } from 'react';
import type { CoreClient } from '../../../../main/contract/api.ts';
import { useModal } from '../../app/use-modal.ts';

export type ExportKind = 'policy' | 'dataset' | 'takeovers';

export interface ExportDialogProps {
  client: CoreClient;
  sessionId: number;
  open: boolean;
  onClose: () => void;
}

const KINDS: Array<{ kind: ExportKind; label: string }> = [
  { kind: 'policy', label: 'Policy folder (TF.js, safetensors, ONNX)' },
  { kind: 'dataset', label: 'Dataset, every step (HDF5, robomimic layout)' },
  { kind: 'takeovers', label: 'Dataset, takeovers only (HDF5)' },
];

/** A target next to the database's folder, named after the session and what it holds. */
export function suggestedTarget(sessionId: number, kind: ExportKind): string {
  if (kind === 'policy') return `aim-session-${sessionId}-policy`;
  return `aim-session-${sessionId}-${kind === 'takeovers' ? 'takeovers' : 'steps'}.hdf5`;
}

export function ExportDialog({ client, sessionId, open, onClose }: ExportDialogProps) {
  const modal = useModal(open, onClose);
  const [kind, setKind] = useState<ExportKind>('policy');
  const [out, setOut] = useState('');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const target = out.trim() === '' ? suggestedTarget(sessionId, kind) : out.trim();

  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      if (kind === 'policy') {
        const r = await client.call('export.policy', { sessionId, out: target, force });
        setResult({
          ok: true,
          text: `Exported checkpoint ${r.checkpoint.id} (step ${r.checkpoint.step}) to ${r.folder}: ${Object.keys(r.files).join(', ')}.`,
        });
      } else {
        const r = await client.call('export.dataset', {
          sessionId,
          out: target,
          onlyTakeovers: kind === 'takeovers',
          force,
        });
        setResult({
          ok: true,
          text: `Wrote ${r.demos} demos, ${r.samples} steps (${r.interventions} under intervention) to ${r.file}${r.sessionRunning ? ' — the session was still recording' : ''}.`,
        });
      }
    } catch (error) {
      setResult({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog {...modal} className="export-dialog" aria-labelledby="export-title" data-testid="export-dialog">
      <h2 id="export-title">Export session {sessionId}</h2>
      <fieldset>
        <legend>What</legend>
        {KINDS.map((k) => (
          <label key={k.kind} className="radio-row">
            <input
              type="radio"
              name="export-kind"
              checked={kind === k.kind}
              onChange={() => setKind(k.kind)}
              data-testid={`export-kind-${k.kind}`}
            />
            {k.label}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Where (on the machine the core runs on; relative to its working folder)</span>
        <input
          type="text"
          value={out}
          placeholder={suggestedTarget(sessionId, kind)}
          onChange={(e) => setOut(e.currentTarget.value)}
          data-testid="export-out"
        />
      </label>
      <label className="radio-row">
        <input
          type="checkbox"
          checked={force}
          onChange={(e) => setForce(e.currentTarget.checked)}
          data-testid="export-force"
        />
        Replace it if it exists
      </label>
      {result !== null && (
        <p
          className={result.ok ? 'export-result' : 'error-text'}
          role={result.ok ? 'status' : 'alert'}
          data-testid="export-result"
        >
          {result.text}
        </p>
      )}
      <div className="buttons">
        <button type="button" onClick={onClose} data-testid="export-close">
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void run()}
          data-testid="export-run"
        >
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </dialog>
  );
}
