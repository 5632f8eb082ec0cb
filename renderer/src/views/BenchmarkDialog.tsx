// Benchmark results: opens a folder `aim benchmark` wrote (a path on the core's machine) and shows
// the paper's table and the learning curves (success and crash rate against expert-involved steps,
// the mean over seeds with a ± std band), computed by the contract's functions from the checked
// results, exactly as the command's own table.md and figures.
import { useState } from 'react';
import type { CoreClient } from '../../../main/contract/api.ts';
import {
  TABLE_HEADER,
  methodCurve,
  methodName,
  tableRows,
  type BenchmarkResponses,
  type CurveMetric,
} from '../../../main/contract/benchmark.ts';
import type { Method } from '../../../main/contract/session-config.ts';
import { useModal } from '../app/use-modal.ts';

type Opened = BenchmarkResponses['benchmark.open'];

export interface BenchmarkDialogProps {
  open: boolean;
  onClose: () => void;
  client: CoreClient;
}

const COLORS: Record<Method, string> = {
  aim: '#e0474c',
  bc: '#9a9a9a',
  'hg-dagger': '#3fb950',
  pvp: '#4c8fe0',
  'pvp-td3': '#3cc8d8',
  'ensemble-dagger': '#a779e0',
  'thrifty-dagger': '#f0963c',
  'thrifty-dagger-original': '#c08a6a',
};

const W = 460;
const H = 260;
const PAD = { left: 40, right: 12, top: 12, bottom: 30 };

/** One metric's curves: a band and a line per method, on [0, budget] × [0, 1]. */
export function CurveChart({ results, metric }: { results: Opened; metric: CurveMetric }) {
  const xMax = Math.max(
    results.config.budget,
    ...results.runs.flatMap((run) => run.evaluations.map((e) => e.expertSteps)),
  );
  const px = (x: number) => PAD.left + (x / xMax) * (W - PAD.left - PAD.right);
  const py = (y: number) => PAD.top + (1 - y) * (H - PAD.top - PAD.bottom);
  const label = metric === 'successRate' ? 'success rate' : 'crash rate';
  return (
    <figure className="benchmark-chart" data-testid={`benchmark-chart-${metric}`}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label} against expert-involved steps`}>
        {[0, 0.25, 0.5, 0.75, 1].map((y) => (
          <g key={y}>
            <line x1={PAD.left} x2={W - PAD.right} y1={py(y)} y2={py(y)} className="grid-line" />
            <text x={PAD.left - 4} y={py(y) + 4} textAnchor="end" className="axis-text">
              {y}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((f) => (
          <text key={f} x={px(f * xMax)} y={H - 10} textAnchor="middle" className="axis-text">
            {Math.round(f * xMax)}
          </text>
        ))}
        {results.config.methods.map((method) => {
          const curve = methodCurve(results, method, metric);
          if (curve.length === 0) return null;
          const band = [
            ...curve.map((p) => `${px(p.expertSteps)},${py(Math.min(1, p.mean + p.std))}`),
            ...curve.map((p) => `${px(p.expertSteps)},${py(Math.max(0, p.mean - p.std))}`).reverse(),
          ].join(' ');
          return (
            <g key={method} data-testid={`benchmark-curve-${method}`} data-points={curve.length}>
              <polygon points={band} fill={COLORS[method]} fillOpacity={0.18} />
              <polyline
                points={curve.map((p) => `${px(p.expertSteps)},${py(p.mean)}`).join(' ')}
                fill="none"
                stroke={COLORS[method]}
                strokeWidth={2}
              />
            </g>
          );
        })}
      </svg>
      <figcaption>
        Test {label} vs expert-involved steps ·{' '}
        {results.config.methods.map((method) => (
          <span key={method} className="legend-item" style={{ color: COLORS[method] }}>
            ■ {methodName(method)}{' '}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function BenchmarkDialog({ open, onClose, client }: BenchmarkDialogProps) {
  const modal = useModal(open, onClose);
  const [folder, setFolder] = useState('');
  const [results, setResults] = useState<Opened | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const openFolder = async () => {
    setBusy(true);
    setError(null);
    try {
      setResults(await client.call('benchmark.open', { folder: folder.trim() }));
    } catch (e) {
      setResults(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const config = results?.config;
  return (
    <dialog {...modal} className="benchmark" data-testid="benchmark-dialog">
      <h2>Benchmark results</h2>
      <form
        className="benchmark-open"
        onSubmit={(e) => {
          e.preventDefault();
          void openFolder();
        }}
      >
        <label>
          Results folder (aim benchmark --out)
          <input
            type="text"
            value={folder}
            onChange={(e) => setFolder(e.currentTarget.value)}
            placeholder="/path/to/results"
            data-testid="benchmark-folder-input"
          />
        </label>
        <button type="submit" disabled={busy || folder.trim() === ''} data-testid="benchmark-open">
          Open
        </button>
      </form>
      {error && (
        <p className="dialog-error" role="alert" data-testid="benchmark-error">
          {error}
        </p>
      )}
      {results && config && (
        <>
          <p className="muted" data-testid="benchmark-summary">
            {config.suite} suite · budget {config.budget} expert-involved steps · {config.seeds} seeds ·{' '}
            {results.runs.length} runs ({results.runs.filter((r) => r.status === 'failed').length} failed)
          </p>
          <table className="benchmark-table" data-testid="benchmark-table">
            <thead>
              <tr>
                {TABLE_HEADER.map((h) => (
                  <th key={h}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tableRows(results).map(({ method, cells }) => (
                <tr key={method} data-testid={`benchmark-row-${method}`}>
                  {cells.map((cell, i) => (
                    <td key={TABLE_HEADER[i]}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="benchmark-charts">
            <CurveChart results={results} metric="successRate" />
            <CurveChart results={results} metric="crashRate" />
          </div>
        </>
      )}
      <div className="buttons">
        <button type="button" onClick={onClose} data-testid="benchmark-close">
          Close
        </button>
      </div>
    </dialog>
  );
}
