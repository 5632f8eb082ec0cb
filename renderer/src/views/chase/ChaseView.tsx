// The chase camera's pane: a three.js view from behind the car, as MetaDrive's main camera
// (chase-camera.ts), drawn on every animation frame from the last two decisions (interpolated). The
// drawing happens in a worker on an OffscreenCanvas, so WebGL — slow without a GPU — never holds up
// the page's main thread, where the person's takeover input is sampled; where a worker cannot
// draw, it happens on the page instead. Where WebGL cannot start at all, the pane says so in words
// and the rest of the workstation carries on.
import { useEffect, useRef, useState } from 'react';
import { encodeFrame } from '../../../../main/contract/frame.ts';
import type { LiveStore } from '../../state/live-store.ts';
import type { ThemeName } from '../../state/prefs.ts';
import { ChaseRenderer } from './chase-renderer.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { probes } from '../../test-hook.ts';
import { recordDraw, recordDrawAt } from '../../perf.ts';

export interface ChaseViewProps {
  store: LiveStore;
  theme: ThemeName;
}

/** What the pane tells a running chase camera, wherever it runs. */
interface ChaseSink {
  frame(data: Float64Array): void;
  scene(store: LiveStore): void;
  resize(width: number, height: number, dpr: number): void;
  theme(theme: ThemeName): void;
  dispose(): void;
}

interface PaneCallbacks {
  note(text: string): void;
  problem(text: string | null): void;
  /** The GPU came back after a lost context: start again on a fresh canvas. */
  restart(): void;
}

function newCanvas(host: HTMLElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Chase camera: the road from behind the car');
  host.prepend(canvas);
  return canvas;
}

const LOST =
  'The 3-D view lost its graphics context (the GPU was reset or is busy); it comes back on its own when the GPU recovers.';

/** Draws on the page's own animation frames (the fallback). */
function startOnPage(canvas: HTMLCanvasElement, theme: ThemeName, ui: PaneCallbacks): ChaseSink | null {
  const started = ChaseRenderer.start(canvas, theme, window.devicePixelRatio || 1);
  if ('error' in started) {
    ui.problem(started.error);
    probes.chaseStatus = () => 'unavailable';
    return null;
  }
  const chase = started;
  let raf = 0;
  let note = '';
  const draw = (now: number) => {
    raf = requestAnimationFrame(draw);
    const begin = performance.now();
    if (chase.frame(now) !== null) recordDraw('chase', begin);
    const text = chase.note();
    if (text !== note) ui.note((note = text));
  };
  raf = requestAnimationFrame(draw);
  const onLost = (event: Event) => {
    event.preventDefault();
    cancelAnimationFrame(raf);
    probes.chaseStatus = () => 'lost';
    ui.problem(LOST);
  };
  canvas.addEventListener('webglcontextlost', onLost);
  canvas.addEventListener('webglcontextrestored', ui.restart);
  probes.chaseStatus = () => 'running';
  probes.chaseThread = () => 'page';
  probes.glRenderer = () => chase.name;
  probes.chaseDraws = () => chase.draws;
  probes.chaseScale = () => chase.scale;
  probes.chaseColours = () => chase.sampleColours();
  return {
    frame: (data) => chase.pushFrame(data, performance.now()),
    scene: (store) => {
      chase.setScene(store.scene);
      if (store.latest === null) chase.reset();
    },
    resize: (w, h, dpr) => chase.resize(w, h, dpr),
    theme: (t) => chase.setTheme(t),
    dispose: () => {
      cancelAnimationFrame(raf);
      canvas.removeEventListener('webglcontextlost', onLost);
      canvas.removeEventListener('webglcontextrestored', ui.restart);
      chase.dispose();
    },
  };
}

/**
 * Draws in a worker on an OffscreenCanvas. If the worker cannot start or cannot draw there,
 * `fallback` is called (once) to draw on the page instead.
 */
function startInWorker(
  canvas: HTMLCanvasElement,
  size: { width: number; height: number },
  theme: ThemeName,
  ui: PaneCallbacks,
  fallback: () => void,
): ChaseSink {
  const worker = new Worker(new URL('./chase-worker.js', import.meta.url), { type: 'module' });
  const post = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  let draws = 0;
  let scale = 1;
  let colours = 0;
  let name: string | null = null;
  let failed = false;
  const fail = () => {
    if (failed) return;
    failed = true;
    worker.terminate();
    fallback();
  };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    fail();
  });
  worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    switch (message.type) {
      case 'ready':
        name = message.renderer;
        probes.chaseStatus = () => 'running';
        return;
      case 'unavailable':
        // WebGL may still work on the page (some browsers lack it in workers).
        fail();
        return;
      case 'stats': {
        draws = message.draws;
        scale = message.scale;
        if (message.colours !== undefined) colours = message.colours;
        const offset = performance.timeOrigin;
        message.durations.forEach((ms, i) => recordDrawAt('chase', message.drawEnds[i] - offset, ms));
        return;
      }
      case 'note':
        ui.note(message.text);
        return;
      case 'lost':
        probes.chaseStatus = () => 'lost';
        ui.problem(LOST);
        return;
      case 'restored':
        ui.restart();
        return;
    }
  });
  const offscreen = canvas.transferControlToOffscreen();
  post({ type: 'init', canvas: offscreen, ...size, dpr: window.devicePixelRatio || 1, theme }, [offscreen]);
  probes.chaseThread = () => 'worker';
  probes.glRenderer = () => name;
  probes.chaseDraws = () => draws;
  probes.chaseScale = () => scale;
  probes.chaseColours = () => {
    post({ type: 'sample' });
    return colours;
  };
  return {
    frame: (data) => post({ type: 'frame', data }, [data.buffer]),
    scene: (store) => post({ type: 'scene', scene: store.scene, reset: store.latest === null }),
    resize: (width, height, dpr) => post({ type: 'resize', width, height, dpr }),
    theme: (t) => post({ type: 'theme', theme: t }),
    dispose: () => {
      post({ type: 'dispose' });
      worker.terminate();
    },
  };
}

function canUseWorker(canvas: HTMLCanvasElement): boolean {
  return typeof Worker !== 'undefined' && typeof canvas.transferControlToOffscreen === 'function';
}

export function ChaseView({ store, theme }: ChaseViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const noteRef = useRef<HTMLDivElement>(null);
  const themeRef = useRef(theme);
  const sinkRef = useRef<ChaseSink | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Bumped when a lost context comes back: the effect starts over on a fresh canvas.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    themeRef.current = theme;
    sinkRef.current?.theme(theme);
  }, [theme]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let canvas = newCanvas(host);
    const ui: PaneCallbacks = {
      note: (text) => {
        const el = noteRef.current;
        if (!el) return;
        el.textContent = text;
        el.hidden = text === '';
      },
      problem: (text) => {
        if (!disposed) setProblem(text);
      },
      restart: () => {
        if (!disposed) setGeneration((g) => g + 1);
      },
    };
    setProblem(null);
    const size = () => ({ width: Math.max(1, host.clientWidth), height: Math.max(1, host.clientHeight) });
    // Brings a freshly started sink up to date with the store.
    const attach = (sink: ChaseSink | null) => {
      sinkRef.current = sink;
      if (sink === null) {
        canvas.remove();
        return;
      }
      const { width, height } = size();
      sink.resize(width, height, window.devicePixelRatio || 1);
      sink.scene(store);
      if (store.latest !== null) sink.frame(encodeFrame(store.latest.frame));
    };
    const onPage = () => {
      if (disposed) return;
      sinkRef.current = null;
      canvas.remove();
      canvas = newCanvas(host);
      attach(startOnPage(canvas, themeRef.current, ui));
    };
    if (canUseWorker(canvas)) {
      try {
        attach(startInWorker(canvas, size(), themeRef.current, ui, onPage));
      } catch {
        onPage();
      }
    } else onPage();

    const offFrames = store.subscribeFrames(() => {
      const latest = store.latest;
      if (latest !== null) sinkRef.current?.frame(encodeFrame(latest.frame));
    });
    const offScene = store.subscribeScene(() => sinkRef.current?.scene(store));
    const observer = new ResizeObserver(() => {
      const { width, height } = size();
      sinkRef.current?.resize(width, height, window.devicePixelRatio || 1);
    });
    observer.observe(host);

    return () => {
      disposed = true;
      offFrames();
      offScene();
      observer.disconnect();
      sinkRef.current?.dispose();
      sinkRef.current = null;
      canvas.remove();
      probes.chaseDraws = () => 0;
      probes.chaseStatus = () => 'starting';
      probes.chaseColours = () => 0;
      probes.glRenderer = () => null;
      probes.chaseScale = () => 1;
      probes.chaseThread = () => null;
    };
  }, [store, generation]);

  return (
    <div className="panel view-panel chase" data-testid="chase">
      <div className="view-canvas" ref={hostRef}>
        <div className="view-note" ref={noteRef} hidden data-testid="chase-note" />
        {problem !== null && (
          <div className="view-problem" role="alert" data-testid="chase-unavailable">
            {problem}
          </div>
        )}
      </div>
    </div>
  );
}
