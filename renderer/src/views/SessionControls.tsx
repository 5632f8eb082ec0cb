// A compact new-session form and the Start / Pause / Resume / Stop buttons. Options come from the
// contract's own lists, and the form is checked with the contract's schema before it is sent.
import { useState, type FormEvent } from 'react';
import type { CoreClient, SessionStatus } from '../../../main/contract/api.ts';
import {
  BACKENDS,
  ENV_IDS,
  PACES,
  sessionConfigSchema,
  type SessionConfigInput,
} from '../../../main/contract/session-config.ts';

export interface SessionControlsProps {
  client: CoreClient;
  status: SessionStatus;
  connected: boolean;
  onStatus: (status: SessionStatus) => void;
  onError: (text: string) => void;
  onStarted: (sessionId: number) => void;
}

const ENV_LABELS: Record<string, string> = { toy: 'Toy road', driving: 'Driving', grid: 'Grid rooms' };

interface FormState {
  env: string;
  seed: string;
  warmup: string;
  delta: string;
  pace: string;
  operator: string;
  batchSize: string;
  backend: string;
}

const DEFAULTS: FormState = {
  env: ENV_IDS[0],
  seed: '0',
  warmup: '200',
  delta: '0.05',
  pace: 'realtime',
  operator: '',
  batchSize: String(sessionConfigSchema.shape.batchSize.parse(undefined)),
  backend: 'auto',
};

function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'form'}: ${i.message}`).join('; ');
}

export function SessionControls({
  client,
  status,
  connected,
  onStatus,
  onError,
  onStarted,
}: SessionControlsProps) {
  const [form, setForm] = useState<FormState>(DEFAULTS);
  const [busy, setBusy] = useState(false);
  const active = status.status === 'running' || status.status === 'paused';

  const set = (field: keyof FormState) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setForm((f) => ({ ...f, [field]: value }));
  };

  async function run<T>(action: () => Promise<T>, after: (value: T) => void): Promise<void> {
    setBusy(true);
    try {
      after(await action());
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  function start(event: FormEvent): void {
    event.preventDefault();
    const input: SessionConfigInput = {
      env: form.env as SessionConfigInput['env'],
      pace: form.pace as SessionConfigInput['pace'],
      seed: Number(form.seed),
      warmup: Number(form.warmup),
      delta: Number(form.delta),
      operator: form.operator.trim(),
      batchSize: Number(form.batchSize),
      backend: form.backend as SessionConfigInput['backend'],
    };
    const checked = sessionConfigSchema.safeParse(input);
    if (!checked.success) {
      onError(`Cannot start: ${describeIssues(checked.error)}.`);
      return;
    }
    void run(
      () => client.call('session.start', input),
      ({ sessionId }) => onStarted(sessionId),
    );
  }

  const disabledForm = active || busy || !connected;
  return (
    <form className="panel session-controls" onSubmit={start} aria-label="New session" noValidate>
      <div className="panel-title">Session</div>
      <div className="form-grid">
        <label>
          Environment
          <select value={form.env} onChange={set('env')} disabled={disabledForm} data-testid="env-select">
            {ENV_IDS.map((id) => (
              <option key={id} value={id}>
                {ENV_LABELS[id] ?? id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pace
          <select value={form.pace} onChange={set('pace')} disabled={disabledForm} data-testid="pace-select">
            {PACES.map((p) => (
              <option key={p} value={p}>
                {p === 'realtime' ? 'Real time' : 'As fast as possible'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Seed
          <input
            type="number"
            min={0}
            step={1}
            value={form.seed}
            onChange={set('seed')}
            disabled={disabledForm}
            data-testid="seed-input"
          />
        </label>
        <label>
          Warm-up steps
          <input
            type="number"
            min={0}
            step={1}
            value={form.warmup}
            onChange={set('warmup')}
            disabled={disabledForm}
            data-testid="warmup-input"
          />
        </label>
        <label>
          δ (help rate)
          <input
            type="number"
            min={0.001}
            max={0.999}
            step="any"
            value={form.delta}
            onChange={set('delta')}
            disabled={disabledForm}
            data-testid="delta-input"
          />
        </label>
        <label>
          Operator
          <input
            type="text"
            maxLength={200}
            value={form.operator}
            onChange={set('operator')}
            disabled={disabledForm}
            placeholder="name"
            data-testid="operator-input"
          />
        </label>
        <label>
          Batch size
          <input
            type="number"
            min={1}
            step={1}
            value={form.batchSize}
            onChange={set('batchSize')}
            disabled={disabledForm}
            data-testid="batch-size-input"
          />
        </label>
        <label>
          Backend
          <select
            value={form.backend}
            onChange={set('backend')}
            disabled={disabledForm}
            data-testid="backend-select"
          >
            {BACKENDS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="buttons">
        <button type="submit" className="primary" disabled={disabledForm} data-testid="start-button">
          Start
        </button>
        {status.status === 'paused' ? (
          <button
            type="button"
            disabled={busy || !connected}
            data-testid="resume-button"
            onClick={() => void run(() => client.call('session.resume', {}), onStatus)}
          >
            Resume
          </button>
        ) : (
          <button
            type="button"
            disabled={status.status !== 'running' || busy || !connected}
            data-testid="pause-button"
            onClick={() => void run(() => client.call('session.pause', {}), onStatus)}
          >
            Pause
          </button>
        )}
        <button
          type="button"
          className="danger"
          disabled={!active || busy || !connected}
          data-testid="stop-button"
          onClick={() => void run(() => client.call('session.stop', {}), onStatus)}
        >
          Stop
        </button>
      </div>
    </form>
  );
}
