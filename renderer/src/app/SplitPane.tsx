// Two panes side by side (row) or stacked (column) with a divider to drag. The split is remembered
// per pane id (localStorage), can be moved with the keyboard when the divider has focus, and goes
// back to its default when `epoch` changes (the Reset layout shortcut).
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { clampFraction, fractionBounds, loadPref, parseNumberIn, savePref } from '../state/prefs.ts';

export interface SplitPaneProps {
  id: string;
  direction: 'row' | 'column';
  /** The first pane's share by default. */
  initial: number;
  /** Neither pane gets smaller than this (px). */
  minPx?: number;
  epoch: number;
  label: string;
  children: [ReactNode, ReactNode];
}

const parseFraction = parseNumberIn(0.02, 0.98);
const KEY_STEP = 0.02;

export function SplitPane({ id, direction, initial, minPx = 140, epoch, label, children }: SplitPaneProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [fraction, setFraction] = useState(() => loadPref(`layout.${id}`, parseFraction, initial));
  const firstEpoch = useRef(epoch);

  useEffect(() => {
    if (epoch === firstEpoch.current) return;
    firstEpoch.current = epoch;
    setFraction(initial);
    savePref(`layout.${id}`, initial);
  }, [epoch, id, initial]);

  const size = () => {
    const rect = ref.current?.getBoundingClientRect();
    return rect
      ? {
          start: direction === 'row' ? rect.left : rect.top,
          length: direction === 'row' ? rect.width : rect.height,
        }
      : null;
  };

  const clamp = (value: number) => {
    const s = size();
    const [min, max] = fractionBounds(s?.length ?? 0, minPx);
    return clampFraction(value, min, max);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const divider = event.currentTarget;
    divider.setPointerCapture(event.pointerId);
    let latest = fraction;
    const move = (e: globalThis.PointerEvent) => {
      const s = size();
      if (!s || s.length <= 0) return;
      latest = clamp(((direction === 'row' ? e.clientX : e.clientY) - s.start) / s.length);
      setFraction(latest);
    };
    const up = () => {
      divider.removeEventListener('pointermove', move);
      divider.removeEventListener('pointerup', up);
      divider.removeEventListener('pointercancel', up);
      savePref(`layout.${id}`, latest);
    };
    divider.addEventListener('pointermove', move);
    divider.addEventListener('pointerup', up);
    divider.addEventListener('pointercancel', up);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const less = direction === 'row' ? 'ArrowLeft' : 'ArrowUp';
    const more = direction === 'row' ? 'ArrowRight' : 'ArrowDown';
    let next: number | null = null;
    if (event.key === less) next = fraction - KEY_STEP;
    else if (event.key === more) next = fraction + KEY_STEP;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = 1;
    if (next === null) return;
    event.preventDefault();
    const value = clamp(next);
    setFraction(value);
    savePref(`layout.${id}`, value);
  };

  const template = `minmax(0, ${fraction}fr) var(--splitter) minmax(0, ${1 - fraction}fr)`;
  return (
    <div
      ref={ref}
      className={`split split-${direction}`}
      data-testid={`split-${id}`}
      style={direction === 'row' ? { gridTemplateColumns: template } : { gridTemplateRows: template }}
    >
      <div className="split-pane">{children[0]}</div>
      <div
        className="splitter"
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-orientation={direction === 'row' ? 'vertical' : 'horizontal'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        data-testid={`splitter-${id}`}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
        onDoubleClick={() => {
          setFraction(initial);
          savePref(`layout.${id}`, initial);
        }}
      />
      <div className="split-pane">{children[1]}</div>
    </div>
  );
}
