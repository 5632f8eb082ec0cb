// The chase camera's worker: owns the OffscreenCanvas the page transferred, runs ChaseRenderer on
// its own animation frames, and reports back what the page shows and measures (draw counts, the
// resolution scale, the note, draw times, a colour sample for tests). Bundled as chase-worker.js.
import { ChaseRenderer } from './chase-renderer.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  requestAnimationFrame?: (callback: (now: number) => void) => number;
}

const scope = self as unknown as WorkerScope;
const post = (message: FromWorker) => scope.postMessage(message);
/** Animation frames where the worker has them (Chromium), else a 60 Hz timer. */
const nextFrame = (callback: (now: number) => void) =>
  scope.requestAnimationFrame
    ? scope.requestAnimationFrame(callback)
    : setTimeout(() => callback(performance.now()), 16);

const REPORT_MS = 250;
const SAMPLE_EVERY_DRAWS = 60;

let chase: ChaseRenderer | null = null;
let durations: number[] = [];
let ends: number[] = [];
let lastReport = 0;
let lastNote = '';
let sampledAt = -SAMPLE_EVERY_DRAWS;

function report(now: number, colours?: number): void {
  if (chase === null) return;
  const stats = chase.stats();
  post({
    type: 'stats',
    draws: stats.draws,
    scale: stats.scale,
    // Absolute times, so the page can place them on its own clock.
    drawEnds: ends.map((t) => performance.timeOrigin + t),
    durations,
    colours,
  });
  durations = [];
  ends = [];
  lastReport = now;
  if (stats.note !== lastNote) {
    lastNote = stats.note;
    post({ type: 'note', text: stats.note });
  }
}

function loop(now: number): void {
  nextFrame(loop);
  if (chase === null) return;
  const ms = chase.frame(now);
  let colours: number | undefined;
  if (ms !== null) {
    durations.push(ms);
    ends.push(performance.now());
    if (chase.draws - sampledAt >= SAMPLE_EVERY_DRAWS) {
      sampledAt = chase.draws;
      colours = chase.sampleColours();
    }
  }
  if (colours !== undefined || now - lastReport >= REPORT_MS) report(now, colours);
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      const started = ChaseRenderer.start(message.canvas, message.theme, message.dpr);
      if ('error' in started) {
        post({ type: 'unavailable', error: started.error });
        return;
      }
      chase = started;
      chase.resize(message.width, message.height, message.dpr);
      message.canvas.addEventListener('webglcontextlost', (e) => {
        e.preventDefault();
        post({ type: 'lost' });
      });
      message.canvas.addEventListener('webglcontextrestored', () => post({ type: 'restored' }));
      post({ type: 'ready', renderer: chase.name });
      nextFrame(loop);
      return;
    }
    case 'resize':
      chase?.resize(message.width, message.height, message.dpr);
      return;
    case 'theme':
      chase?.setTheme(message.theme);
      return;
    case 'scene':
      chase?.setScene(message.scene);
      if (message.reset) chase?.reset();
      return;
    case 'frame':
      chase?.pushFrame(message.data, performance.now());
      return;
    case 'sample':
      if (chase !== null) report(performance.now(), chase.sampleColours());
      return;
    case 'dispose':
      chase?.dispose();
      chase = null;
      return;
  }
});
