// The keyboard help (?): every control's shortcut, read from the same table the key handler uses,
// and the driving keys of the takeover.
import { useModal } from './use-modal.ts';
import { DRIVING_KEYS, SHORTCUTS } from './shortcuts.ts';

function KeyTable({
  caption,
  rows,
}: {
  caption: string;
  rows: ReadonlyArray<{ label: string; description: string; testId?: string }>;
}) {
  return (
    <table>
      <caption>{caption}</caption>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} data-testid={row.testId}>
            <th>
              <kbd>{row.label}</kbd>
            </th>
            <td>{row.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HelpOverlay({ open, onClose }: { open: boolean; onClose: () => void }) {
  const modal = useModal(open, onClose);

  return (
    <dialog
      {...modal}
      className="help-overlay"
      aria-labelledby="help-title"
      data-testid="help-overlay"
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself) closes it.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <h2 id="help-title">Keyboard shortcuts</h2>
      <div className="help-columns">
        <KeyTable caption="Workstation" rows={SHORTCUTS.map((s) => ({ ...s, testId: `shortcut-${s.id}` }))} />
        <KeyTable caption="Driving" rows={DRIVING_KEYS} />
      </div>
      <p className="muted">
        Shortcuts are ignored while typing in a field. Panes are resized by dragging the dividers (or with the
        arrow keys when a divider has focus); double-click a divider to reset it.
      </p>
      <div className="buttons">
        <button type="button" onClick={onClose} data-testid="help-close">
          Close
        </button>
      </div>
    </dialog>
  );
}
