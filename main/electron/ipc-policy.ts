// What the Electron IPC handlers decide, as plain functions over plain objects: who may talk to the
// core, what they may send, and how the core's events and frames are streamed to a window's port.
// ipc.ts adapts Electron's events to these shapes; the unit tests drive them without an Electron binary.
import type { CoreHandler, CoreListener, EventName, CoreEvents } from '../contract/api.ts';
import type { PortMessage } from '../contract/bridge.ts';
import { ContractError, parseCommand, parseHumanInput } from '../contract/validate.ts';
import { APP_HOST, APP_SCHEME, type CallReply } from './channels.ts';

/** The facts about an IPC message's sender that the check needs, read from Electron's event. */
export interface SenderInfo {
  /** id of the webContents the message came from. */
  webContentsId: number;
  /** event.senderFrame, or null when Electron no longer has it (disposed, navigated away). */
  frame: { url: string; isMainFrame: boolean } | null;
  /**
   * The webContents' own URL. Used only when the main frame reports an empty URL, which Electron does
   * for a frame that has not committed yet and which Playwright-driven runs have shown
   * (microsoft/vscode#147301); it must then be our origin too.
   */
  pageUrl: string;
}

/** The sender was not our window's main frame on our app:// origin. */
export class SenderRefused extends Error {
  override name = 'SenderRefused';
}

/** True for URLs on the renderer's own origin, app://bundle/… */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // WHATWG URL gives a custom scheme the opaque origin "null", so compare scheme and host instead.
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Why a sender may not use the core, or null when it may. */
export function senderProblem(sender: SenderInfo, windowIds: ReadonlySet<number>): string | null {
  if (!windowIds.has(sender.webContentsId))
    return `webContents ${sender.webContentsId} is not a workstation window`;
  if (sender.frame === null) return 'the sending frame is gone (disposed or navigated away)';
  if (!sender.frame.isMainFrame) return 'the sender is a subframe, not the window’s main frame';
  const url = sender.frame.url === '' ? sender.pageUrl : sender.frame.url;
  if (!isAppUrl(url))
    return `the sender's URL ${JSON.stringify(url)} is not on the ${APP_SCHEME}://${APP_HOST} origin`;
  return null;
}

export function checkSender(sender: SenderInfo, windowIds: ReadonlySet<number>): void {
  const problem = senderProblem(sender, windowIds);
  if (problem !== null) throw new SenderRefused(`IPC refused: ${problem}.`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One command from the renderer: the sender is checked, the name and arguments validated, the core
 * called. Never throws: every refusal and failure comes back as { ok: false, error } with one clear
 * message, which the preload turns into a rejected promise.
 */
export async function handleCall(
  core: Pick<CoreHandler, 'call'>,
  sender: SenderInfo,
  windowIds: ReadonlySet<number>,
  name: unknown,
  request: unknown,
): Promise<CallReply> {
  try {
    checkSender(sender, windowIds);
    const parsed = parseCommand(name, request);
    const value = await core.call(parsed.name, parsed.request);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: message(error) };
  }
}

/** One human-input sample. Returns why it was refused (for the log), or null when the core took it. */
export function handleInput(
  core: Pick<CoreHandler, 'input'>,
  sender: SenderInfo,
  windowIds: ReadonlySet<number>,
  sample: unknown,
): string | null {
  try {
    checkSender(sender, windowIds);
    core.input(parseHumanInput(sample));
    return null;
  } catch (error) {
    if (error instanceof SenderRefused || error instanceof ContractError) return error.message;
    return `input failed: ${message(error)}`;
  }
}

/**
 * Logs refusals of a high-rate stream (input arrives at the device rate) without flooding: the first
 * one, then every `every`-th with the count.
 */
export function createRefusalLog(log: (line: string) => void, every = 100): (problem: string) => void {
  let count = 0;
  return (problem) => {
    count += 1;
    if (count === 1 || count % every === 0)
      log(count === 1 ? problem : `${problem} (${count} refusals so far)`);
  };
}

/** The part of Electron's MessagePortMain the stream uses. */
export interface PortLike {
  postMessage(message: PortMessage): void;
  start(): void;
  close(): void;
  on(event: 'close', listener: () => void): unknown;
}

export interface CoreStream {
  /** Tells the page why, then stops streaming and closes the port. */
  close(reason: string): void;
  readonly closed: boolean;
}

/** A clock the stream paces frames by; tests pass a manual one. */
export interface StreamClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const realClock: StreamClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export interface StreamOptions {
  /**
   * At most one frame per this many milliseconds reaches the page; when frames come faster (a session
   * at fast pace), the latest one is sent at the next slot and older ones are dropped, since the page
   * draws only the latest. Real-time sessions (10 Hz) are never thinned. 0 sends every frame.
   */
  minFrameIntervalMs?: number;
  clock?: StreamClock;
  /** Called once when the stream ends, whichever side ended it. */
  onEnd?: () => void;
}

/** The page draws at display rate; more frames than this per second are never shown. */
export const DEFAULT_MIN_FRAME_INTERVAL_MS = 1000 / 60;

/**
 * Streams the core's events and frames to one port: frames as Float64Array copies, events as
 * { type: 'event', name, payload }, in the order the core emitted them. Stops by itself when the
 * page's end closes (reload, window gone).
 */
export function streamCore(
  core: Pick<CoreHandler, 'subscribe'>,
  port: PortLike,
  options: StreamOptions = {},
): CoreStream {
  const interval = options.minFrameIntervalMs ?? DEFAULT_MIN_FRAME_INTERVAL_MS;
  const clock = options.clock ?? realClock;
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  let lastFrameAt = -Infinity;
  let pending: Float64Array | null = null;
  let timer: unknown = null;

  const end = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    unsubscribe = null;
    if (timer !== null) clock.clearTimer(timer);
    timer = null;
    pending = null;
    options.onEnd?.();
  };
  const post = (msg: PortMessage) => {
    if (closed) return;
    try {
      port.postMessage(msg);
    } catch {
      // The page's end went away between two messages: stop quietly, as its close event would.
      end();
    }
  };
  const flushFrame = () => {
    if (timer !== null) clock.clearTimer(timer);
    timer = null;
    if (pending === null) return;
    const frame = pending;
    pending = null;
    lastFrameAt = clock.now();
    post(frame);
  };
  const listener: CoreListener = {
    event<K extends EventName>(name: K, payload: CoreEvents[K]) {
      flushFrame(); // keep the core's order: a frame emitted before this event goes first
      post({ type: 'event', name, payload });
    },
    frame(frame: Float64Array) {
      if (closed) return;
      // A copy: the core may reuse its buffer, and ArrayBuffer transfer across processes is unreliable.
      pending = new Float64Array(frame);
      const wait = lastFrameAt + interval - clock.now();
      if (wait <= 0) flushFrame();
      else if (timer === null) timer = clock.setTimer(flushFrame, wait);
    },
  };
  port.on('close', end);
  port.start();
  unsubscribe = core.subscribe(listener);
  if (closed) unsubscribe();
  return {
    close(reason: string) {
      if (closed) return;
      flushFrame();
      post({ type: 'closed', reason });
      end();
      port.close();
    },
    get closed() {
      return closed;
    },
  };
}

/**
 * The open core ports, per window. A page normally holds one; a reload asks for a fresh one while the
 * old one's close event may still be on its way, so a few are allowed and the oldest is closed beyond.
 */
export class PortHub {
  readonly #core: Pick<CoreHandler, 'subscribe'>;
  readonly #maxPerWindow: number;
  readonly #options: Omit<StreamOptions, 'onEnd'>;
  readonly #streams = new Map<number, CoreStream[]>();

  constructor(
    core: Pick<CoreHandler, 'subscribe'>,
    options: Omit<StreamOptions, 'onEnd'> & { maxPerWindow?: number } = {},
  ) {
    this.#core = core;
    this.#maxPerWindow = options.maxPerWindow ?? 4;
    this.#options = options;
  }

  open(windowId: number, port: PortLike): CoreStream {
    const list = this.#streams.get(windowId) ?? [];
    this.#streams.set(windowId, list);
    while (list.length >= this.#maxPerWindow) list.shift()?.close('a newer port replaced this one');
    let stream: CoreStream | null = null;
    const opened = streamCore(this.#core, port, {
      ...this.#options,
      onEnd: () => {
        const at = stream === null ? -1 : list.indexOf(stream);
        if (at >= 0) list.splice(at, 1);
      },
    });
    stream = opened;
    if (!opened.closed) list.push(opened);
    return opened;
  }

  count(windowId?: number): number {
    if (windowId !== undefined) return this.#streams.get(windowId)?.length ?? 0;
    let n = 0;
    for (const list of this.#streams.values()) n += list.length;
    return n;
  }

  closeWindow(windowId: number, reason: string): void {
    for (const stream of [...(this.#streams.get(windowId) ?? [])]) stream.close(reason);
    this.#streams.delete(windowId);
  }

  closeAll(reason: string): void {
    for (const id of [...this.#streams.keys()]) this.closeWindow(id, reason);
  }
}
