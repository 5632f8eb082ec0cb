// The session browser: every recorded session with its date, operator, environment, method, status,
// steps, expert-involved steps, takeovers and final success rate; sorted by any column, filtered by
// words, opened for replay, or deleted after a confirmation that names what will be lost.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CoreClient, SessionListRow } from '../../../../main/contract/api.ts';
import { useModal } from '../../app/use-modal.ts';
import { formatRate } from '../Hud.tsx';
import { browseSessions, type BrowserQuery, type SortKey } from './review-logic.ts';

export interface SessionBrowserProps {
  client: CoreClient;
  /** The session being recorded now, which cannot be deleted. */
  liveSessionId: number | null;
  openId: number | null;
  onOpen: (id: number) => void;
  onDeleted: (id: number) => void;
  onError: (text: string) => void;
}

const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: 'id', label: 'ID', numeric: true },
  { key: 'startedAt', label: 'Date' },
  { key: 'operator', label: 'Operator' },
  { key: 'env', label: 'Environment' },
  { key: 'method', label: 'Method' },
  { key: 'status', label: 'Status' },
  { key: 'steps', label: 'Steps', numeric: true },
  { key: 'expertSteps', label: 'Expert-involved', numeric: true },
  { key: 'takeovers', label: 'Takeovers', numeric: true },
  { key: 'successRate', label: 'Final success', numeric: true },
];

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function cell(row: SessionListRow, key: SortKey): string {
  if (key === 'startedAt') return formatDate(row.startedAt);
  if (key === 'successRate') return formatRate(row.successRate);
  if (key === 'operator') return row.operator || '—';
  return String(row[key]);
}

function ConfirmDelete({
  row,
  onCancel,
  onConfirm,
}: {
  row: SessionListRow | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const modal = useModal(row !== null, onCancel);
  return (
    <dialog
      {...modal}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      data-testid="confirm-delete"
    >
      {row !== null && (
        <>
          <h2 id="confirm-title">Delete session {row.id}?</h2>
          <p>
            Its {row.steps} recorded steps, {row.takeovers} takeovers, raw input, checkpoints and evaluations
            are removed from the database for good. Exported files are not touched.
          </p>
          <div className="buttons">
            <button type="button" onClick={onCancel} data-testid="confirm-cancel">
              Keep it
            </button>
            <button type="button" className="danger" onClick={onConfirm} data-testid="confirm-delete-button">
              Delete session {row.id}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

export function SessionBrowser({
  client,
  liveSessionId,
  openId,
  onOpen,
  onDeleted,
  onError,
}: SessionBrowserProps) {
  const [rows, setRows] = useState<SessionListRow[] | null>(null);
  const [query, setQuery] = useState<BrowserQuery>({ sort: 'id', descending: true, filter: '' });
  const [deleting, setDeleting] = useState<SessionListRow | null>(null);

  const refresh = useCallback(() => {
    client.call('sessions.list', { limit: 10_000 }).then(setRows, (e: Error) => onError(e.message));
  }, [client, onError]);
  useEffect(refresh, [refresh]);

  const shown = useMemo(() => (rows === null ? [] : browseSessions(rows, query)), [rows, query]);

  const sortBy = (key: SortKey) =>
    setQuery((q) => ({ ...q, sort: key, descending: q.sort === key ? !q.descending : key !== 'operator' }));

  const confirmDelete = () => {
    const row = deleting;
    setDeleting(null);
    if (row === null) return;
    client.call('sessions.delete', { sessionId: row.id }).then(
      () => {
        onDeleted(row.id);
        refresh();
      },
      (e: Error) => onError(e.message),
    );
  };

  return (
    <div className="panel session-browser" data-testid="session-browser">
      <div className="panel-title with-tools">
        <span>Recorded sessions</span>
        <input
          type="search"
          placeholder="Filter: operator, environment, status…"
          value={query.filter}
          onChange={(e) => {
            const filter = e.currentTarget.value;
            setQuery((q) => ({ ...q, filter }));
          }}
          data-testid="session-filter"
          aria-label="Filter the sessions"
        />
        <button type="button" className="chip" onClick={refresh} data-testid="sessions-refresh">
          Refresh
        </button>
      </div>
      <div className="table-scroll">
        <table className="sessions-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={query.sort === c.key ? (query.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button type="button" onClick={() => sortBy(c.key)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    {query.sort === c.key ? (query.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr
                key={row.id}
                className={row.id === openId ? 'selected' : undefined}
                data-testid={`session-row-${row.id}`}
                onDoubleClick={() => onOpen(row.id)}
              >
                {COLUMNS.map((c) => (
                  <td key={c.key} className={c.numeric ? 'num' : undefined}>
                    {c.key === 'status' ? (
                      <span className={`session-status status-${row.status}`}>{row.status}</span>
                    ) : (
                      cell(row, c.key)
                    )}
                  </td>
                ))}
                <td className="row-actions">
                  <button type="button" onClick={() => onOpen(row.id)} data-testid={`open-session-${row.id}`}>
                    Open
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={row.id === liveSessionId}
                    title={
                      row.id === liveSessionId ? 'This session is being recorded' : `Delete session ${row.id}`
                    }
                    onClick={() => setDeleting(row)}
                    data-testid={`delete-session-${row.id}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows !== null && shown.length === 0 && (
          <p className="muted empty-note" data-testid="sessions-empty">
            {rows.length === 0
              ? 'No recorded sessions yet: start one in the live view.'
              : 'No session matches the filter.'}
          </p>
        )}
      </div>
      <ConfirmDelete row={deleting} onCancel={() => setDeleting(null)} onConfirm={confirmDelete} />
    </div>
  );
}
