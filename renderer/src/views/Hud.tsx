// The heads-up strip: speed, the novice's and the applied action side by side (a grid session's by
// name), and the session's counters — takeovers, expert-involved steps, success so far, the latest
// evaluation, the training backend and how far the learner lags. Live numbers come from frames, the rest from the status.
import type { ReactNode } from 'react';
import type { AppInfo, SessionStatus } from '../../../main/contract/api.ts';
import type { Frame } from '../../../main/contract/frame.ts';
import { GRID_ACTION_NAMES } from '../../../main/contract/scene.ts';
import type { LiveStore } from '../state/live-store.ts';
import { LiveValue } from './LiveValue.tsx';
import { ActionBars } from './ActionBars.tsx';

export interface HudProps {
  store: LiveStore;
  status: SessionStatus;
  info: AppInfo | null;
  /** Success rate of the latest evaluation of the deterministic novice, or null before one. */
  evaluation: number | null;
}

export const formatRate = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);

/**
 * The latest evaluation's success rate, if the core reports it in the status (a field the learner's
 * side may add: evalSuccessRate). Until then, null.
 */
export function statusEvaluation(status: SessionStatus): number | null {
  const value = (status as SessionStatus & { evalSuccessRate?: unknown }).evalSuccessRate;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function Counter({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div className="counter" title={title}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

interface LiveCounter {
  label: string;
  testId: string;
  title?: string;
  read: (f: Frame) => string;
  /** What to show before the first frame. */
  fallback: (status: SessionStatus) => string;
}

const LIVE_COUNTERS: LiveCounter[] = [
  {
    label: 'Takeovers',
    testId: 'takeover-count',
    read: (f) => String(f.takeovers),
    fallback: (s) => String(s.takeovers),
  },
  {
    label: 'Expert-involved steps',
    testId: 'expert-steps',
    title: 'Decisions the expert drove: warm-up, help answered, takeovers',
    read: (f) => String(f.expertSteps),
    fallback: (s) => String(s.expertSteps),
  },
  { label: 'Step', testId: 'step-count', read: (f) => String(f.step), fallback: (s) => String(s.step) },
  {
    label: 'Episode',
    testId: 'episode-count',
    read: (f) => String(f.episode),
    fallback: (s) => String(s.episode),
  },
  {
    label: 'Learner lag',
    testId: 'learner-lag',
    title: 'Transitions the learner has not trained on yet (0 when it keeps up)',
    read: (f) => (Number.isFinite(f.learnerLag) ? String(f.learnerLag) : '—'),
    fallback: () => '—',
  },
];

/** A grid action index by name ('—' for none). */
function gridActionName(index: number): string {
  return GRID_ACTION_NAMES[index] ?? '—';
}

/** The grid's novice and applied actions by name, in place of the car's speed and pedal bars. */
const GRID_ACTIONS: LiveCounter[] = [
  {
    label: 'Novice',
    testId: 'novice-action',
    title: 'The action the novice proposes',
    read: (f) => gridActionName(f.novice[0]),
    fallback: () => '—',
  },
  {
    label: 'Applied',
    testId: 'applied-action',
    title: 'The action applied to the grid',
    read: (f) => gridActionName(f.applied[0]),
    fallback: () => '—',
  },
];

export function Hud({ store, status, info, evaluation }: HudProps) {
  const liveCounter = (c: LiveCounter) => (
    <Counter key={c.testId} label={c.label} title={c.title}>
      <LiveValue store={store} testId={c.testId} read={c.read} fallback={c.fallback(status)} />
    </Counter>
  );
  return (
    <section className="hud" aria-label="Heads-up display" data-testid="hud">
      {status.config?.env === 'grid' ? (
        <dl className="counters grid-actions" aria-label="Novice and applied actions">
          {GRID_ACTIONS.map((c) => liveCounter(c))}
        </dl>
      ) : (
        <>
          <div className="speed" title="Speed of the car">
            <LiveValue
              store={store}
              testId="speed"
              read={(f) => (f.egoSpeed * 3.6).toFixed(0)}
              fallback="—"
            />
            <span className="unit">km/h</span>
          </div>
          <ActionBars store={store} />
        </>
      )}
      <dl className="counters">
        {LIVE_COUNTERS.slice(0, 4).map((c) => liveCounter(c))}
        <Counter label="Success so far" title="Training episodes that reached the destination">
          <span data-testid="success-rate">{formatRate(status.successRate)}</span>
        </Counter>
        <Counter
          label="Evaluation"
          title="Success rate of the latest evaluation of the novice on held-out scenarios"
        >
          <span data-testid="eval-success">{formatRate(evaluation)}</span>
        </Counter>
        <Counter label="Backend" title="Where the learner's gradient steps run">
          <span data-testid="backend">{status.backend ?? info?.backend ?? '—'}</span>
        </Counter>
        {LIVE_COUNTERS.slice(4).map((c) => liveCounter(c))}
      </dl>
    </section>
  );
}
