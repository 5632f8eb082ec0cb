// Session counters: live ones from frames, the rest from the session status.
import type { AppInfo, SessionStatus } from '../../../main/contract/api.ts';
import type { LiveStore } from '../state/live-store.ts';
import { LiveValue } from './LiveValue.tsx';

export interface CountersProps {
  store: LiveStore;
  status: SessionStatus;
  info: AppInfo | null;
}

const formatRate = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);

export function Counters({ store, status, info }: CountersProps) {
  return (
    <dl className="counters">
      <div>
        <dt>Step</dt>
        <dd>
          <LiveValue
            store={store}
            testId="step-count"
            read={(f) => String(f.step)}
            fallback={String(status.step)}
          />
        </dd>
      </div>
      <div>
        <dt>Episode</dt>
        <dd>
          <LiveValue
            store={store}
            testId="episode-count"
            read={(f) => String(f.episode)}
            fallback={String(status.episode)}
          />
        </dd>
      </div>
      <div>
        <dt>Takeovers</dt>
        <dd>
          <LiveValue
            store={store}
            testId="takeover-count"
            read={(f) => String(f.takeovers)}
            fallback={String(status.takeovers)}
          />
        </dd>
      </div>
      <div>
        <dt>Expert-involved steps</dt>
        <dd>
          <LiveValue
            store={store}
            testId="expert-steps"
            read={(f) => String(f.expertSteps)}
            fallback={String(status.expertSteps)}
          />
        </dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd>
          <LiveValue
            store={store}
            testId="speed"
            read={(f) => `${(f.egoSpeed * 3.6).toFixed(0)} km/h`}
            fallback="—"
          />
        </dd>
      </div>
      <div>
        <dt>Learner lag</dt>
        <dd>
          <LiveValue
            store={store}
            testId="learner-lag"
            read={(f) => (Number.isFinite(f.learnerLag) ? String(f.learnerLag) : '—')}
            fallback="—"
          />
        </dd>
      </div>
      <div>
        <dt>Success so far</dt>
        <dd data-testid="success-rate">{formatRate(status.successRate)}</dd>
      </div>
      <div>
        <dt>Backend</dt>
        <dd data-testid="backend">{status.backend ?? info?.backend ?? '—'}</dd>
      </div>
    </dl>
  );
}
