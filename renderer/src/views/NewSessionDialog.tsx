// The new-session dialog: environment, method and preset, δ, warm-up, expert source, operator, seed,
// pace, batch size, backend, and (folded away) every other knob of the contract's schema. Fields come
// from session-form.ts, which reads them off the schema; the form is checked with the same schema
// before it is sent, and a refusal names the field.
import { useState, type FormEvent } from 'react';
import { useModal } from '../app/use-modal.ts';
import type { CoreClient } from '../../../main/contract/api.ts';
import { changeField, checkForm, fieldVisible, type FormField, type FormValues } from './session-form.ts';

export interface NewSessionDialogProps {
  open: boolean;
  fields: readonly FormField[];
  values: FormValues;
  onChange: (values: FormValues) => void;
  onClose: () => void;
  client: CoreClient;
  connected: boolean;
  onStarted: (sessionId: number, values: FormValues) => void;
  onError: (text: string) => void;
}

/** Devices a person could drive with: the keyboard and any gamepad or wheel the browser sees. */
function deviceNames(): string[] {
  const pads = typeof navigator !== 'undefined' && navigator.getGamepads ? [...navigator.getGamepads()] : [];
  return ['keyboard', ...pads.filter((p): p is Gamepad => p !== null).map((p) => p.id)];
}

function Field({
  field,
  value,
  disabled,
  onChange,
}: {
  field: FormField;
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  const common = {
    value,
    disabled,
    'data-testid': field.testId,
    onChange: (e: { currentTarget: { value: string } }) => onChange(e.currentTarget.value),
  };
  let control;
  if (field.control === 'select') {
    control = (
      <select {...common}>
        {(field.options ?? []).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (field.control === 'number') {
    control = (
      <input
        {...common}
        type="number"
        min={field.min}
        max={field.max}
        step={field.integer ? 1 : 'any'}
        placeholder={field.optional ? 'preset' : undefined}
      />
    );
  } else {
    const devices = field.key.endsWith('device');
    control = (
      <>
        <input
          {...common}
          type="text"
          maxLength={200}
          placeholder={field.key === 'operator' ? 'name' : field.optional ? 'default' : undefined}
          list={devices ? 'device-names' : undefined}
        />
        {devices && (
          <datalist id="device-names">
            {deviceNames().map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        )}
      </>
    );
  }
  return (
    <label>
      {field.label}
      {control}
    </label>
  );
}

export function NewSessionDialog({
  open,
  fields,
  values,
  onChange,
  onClose,
  client,
  connected,
  onStarted,
  onError,
}: NewSessionDialogProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const modal = useModal(open, onClose, () => setProblem(null));

  const set = (key: string) => (value: string) => onChange(changeField(values, key, value));

  async function start(event: FormEvent): Promise<void> {
    event.preventDefault();
    const checked = checkForm(fields, values);
    if (!checked.ok) {
      setProblem(checked.error);
      onError(checked.error ?? 'Cannot start.');
      return;
    }
    setBusy(true);
    try {
      const { sessionId } = await client.call('session.start', checked.config);
      setProblem(null);
      onStarted(sessionId, values);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      setProblem(text);
      onError(text);
    } finally {
      setBusy(false);
    }
  }

  const visible = fields.filter((f) => fieldVisible(f, values));
  const main = visible.filter((f) => !f.advanced);
  const advanced = visible.filter((f) => f.advanced);
  const disabled = busy || !connected;
  const field = (f: FormField) => (
    <Field key={f.key} field={f} value={values[f.key] ?? ''} disabled={disabled} onChange={set(f.key)} />
  );
  return (
    <dialog
      {...modal}
      className="new-session"
      aria-labelledby="new-session-title"
      data-testid="new-session-dialog"
    >
      <form onSubmit={(e) => void start(e)} noValidate>
        <h2 id="new-session-title">New session</h2>
        <div className="form-grid">{main.map(field)}</div>
        {advanced.length > 0 && (
          <details className="advanced">
            <summary>
              Advanced: run length, learner and evaluation, AIM knobs (blank = the preset’s value)
            </summary>
            <div className="form-grid">{advanced.map(field)}</div>
          </details>
        )}
        {problem !== null && (
          <p className="dialog-error" role="alert" data-testid="dialog-error">
            {problem}
          </p>
        )}
        <div className="buttons">
          <button type="button" onClick={onClose} data-testid="cancel-button">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={disabled} data-testid="start-button">
            Start
          </button>
        </div>
      </form>
    </dialog>
  );
}
