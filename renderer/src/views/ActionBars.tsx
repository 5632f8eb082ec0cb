// Steering and throttle/brake of the novice's action and of the action applied to the car, side by
// side, as centred bars with their numbers. Written straight into the DOM on the animation frame
// after each decision, never through React state.
import { useEffect, useRef } from 'react';
import type { Frame } from '../../../main/contract/frame.ts';
import type { LiveStore } from '../state/live-store.ts';
import { recordDraw } from '../perf.ts';

type Channel = 'novice-steer' | 'novice-throttle' | 'applied-steer' | 'applied-throttle';

const CHANNELS: Array<{ id: Channel; read: (f: Frame) => number }> = [
  { id: 'novice-steer', read: (f) => f.novice[0] },
  { id: 'novice-throttle', read: (f) => f.novice[1] },
  { id: 'applied-steer', read: (f) => f.applied[0] },
  { id: 'applied-throttle', read: (f) => f.applied[1] },
];

/** The bar's scale: steering left (+) grows leftwards; throttle (+) rightwards, brake (−) leftwards. */
export function barScale(channel: Channel, value: number): number {
  if (!Number.isFinite(value)) return 0;
  const v = Math.max(-1, Math.min(1, value));
  return channel.endsWith('steer') ? -v : v;
}

function Bar({ id, label }: { id: Channel; label: string }) {
  return (
    <div className="action-bar" data-testid={id} data-value="">
      <span className="bar-label">{label}</span>
      <span className="bar-track" aria-hidden="true">
        <span className="bar-fill" />
      </span>
      <span className="bar-value">—</span>
    </div>
  );
}

export function ActionBars({ store }: { store: LiveStore }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const parts = CHANNELS.map(({ id, read }) => {
      const el = root.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
      return {
        id,
        read,
        el,
        fill: el.querySelector<HTMLElement>('.bar-fill')!,
        text: el.querySelector<HTMLElement>('.bar-value')!,
        last: Number.NaN,
      };
    });
    let raf = 0;
    const write = () => {
      raf = 0;
      const started = performance.now();
      const frame = store.latest?.frame ?? null;
      for (const part of parts) {
        const value = frame === null ? Number.NaN : part.read(frame);
        if (Object.is(value, part.last)) continue;
        part.last = value;
        const finite = Number.isFinite(value);
        part.fill.style.transform = `scaleX(${barScale(part.id, value)})`;
        part.el.dataset.value = finite ? value.toFixed(2) : '';
        part.el.dataset.sign = !finite || value === 0 ? 'zero' : value > 0 ? 'pos' : 'neg';
        part.text.textContent = finite ? value.toFixed(2) : '—';
      }
      recordDraw('hud', started);
    };
    write();
    const off = store.subscribeFrames(() => {
      if (raf === 0) raf = requestAnimationFrame(write);
    });
    return () => {
      off();
      cancelAnimationFrame(raf);
    };
  }, [store]);

  return (
    <div className="action-bars" ref={ref} role="group" aria-label="Novice and applied actions">
      <span />
      <span className="muted bars-head">Steer (left +)</span>
      <span className="muted bars-head">Throttle / brake</span>
      <span className="muted bars-row">Novice</span>
      <Bar id="novice-steer" label="steer" />
      <Bar id="novice-throttle" label="throttle" />
      <span className="muted bars-row">Applied</span>
      <Bar id="applied-steer" label="steer" />
      <Bar id="applied-throttle" label="throttle" />
    </div>
  );
}
