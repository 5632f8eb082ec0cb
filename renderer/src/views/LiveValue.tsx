// A number that changes every frame, written straight into the DOM on the next animation frame
// instead of re-rendering React 10–60 times a second.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Frame } from '../../../main/contract/frame.ts';
import type { LiveStore } from '../state/live-store.ts';

export interface LiveValueProps {
  store: LiveStore;
  /** Text from the latest frame. */
  read: (frame: Frame) => string;
  /** Text when there is no frame (before the first, after a new session starts). */
  fallback: string;
  testId?: string;
}

export function LiveValue({ store, read, fallback, testId }: LiveValueProps) {
  const ref = useRef<HTMLSpanElement>(null);
  const readRef = useRef(read);
  const fallbackRef = useRef(fallback);

  const write = () => {
    const el = ref.current;
    if (!el) return;
    const latest = store.latest;
    const text = latest === null ? fallbackRef.current : readRef.current(latest.frame);
    if (el.textContent !== text) el.textContent = text;
  };

  useLayoutEffect(() => {
    readRef.current = read;
    fallbackRef.current = fallback;
    write();
  });

  useEffect(() => {
    let raf = 0;
    const off = store.subscribeFrames(() => {
      if (raf === 0)
        raf = requestAnimationFrame(() => {
          raf = 0;
          write();
        });
    });
    return () => {
      off();
      cancelAnimationFrame(raf);
    };
    // write() reads only refs and the store, so subscribing once per store is enough.
  }, [store]);

  return <span ref={ref} className="live-value" data-testid={testId} />;
}
