// The CoreClient over browser mode's WebSocket (main/server/): JSON envelopes for calls, input and
// events (contract/wire.ts), binary messages for frames. Reconnects with exponential backoff; after a
// reconnect it re-reads the session and replays it as status and scene events, so views catch up
// without knowing there was a gap.
import type {
  CommandName,
  CommandRequest,
  CommandResponse,
  CoreClient,
  CoreEvents,
  EventName,
  HumanInput,
} from '../../../main/contract/api.ts';
import type { ClientMessage } from '../../../main/contract/wire.ts';
import { EventListeners, isEventName, ListenerSet } from './listeners.ts';

export interface WebSocketClientOptions {
  url: string;
  /** First retry delay; doubles per failed attempt up to maxDelayMs, with ±25 % jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Told about each failed attempt before the first connection succeeds (for a "connecting" screen). */
  onWaiting?: (message: string) => void;
}

export interface WebSocketCoreClient extends CoreClient {
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class CoreCallError extends Error {
  override name = 'CoreCallError';
}

export function webSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

/** Resolves once the first connection is open; later drops are reported through onDisconnect. */
export function connectWebSocketClient(options: WebSocketClientOptions): Promise<WebSocketCoreClient> {
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5_000;
  const events = new EventListeners();
  const frames = new ListenerSet<[Float64Array]>();
  const disconnects = new ListenerSet<[string]>();
  const pending = new Map<number, Pending>();
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempts = 0;
  let everOpened = false;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let resolveFirst: (client: WebSocketCoreClient) => void = () => {};

  const displayUrl = options.url.replace(/token=[^&]*/, 'token=…');

  function failPending(reason: string): void {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new CoreCallError(reason));
    }
  }

  function scheduleRetry(): void {
    if (closed) return;
    const base = Math.min(maxDelay, initialDelay * 2 ** attempts);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    attempts++;
    retryTimer = setTimeout(open, delay);
  }

  function handleText(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      console.warn('The workstation sent a message that is not JSON; ignored.');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (m.type === 'result' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      if (p === undefined) return;
      pending.delete(m.id);
      if (m.ok === true) p.resolve(m.value);
      else p.reject(new CoreCallError(typeof m.error === 'string' ? m.error : 'The core refused the call.'));
    } else if (m.type === 'event' && isEventName(m.name)) {
      events.emit(m.name, m.payload as CoreEvents[EventName]);
    } else if (m.type === 'error') {
      console.warn(`The workstation refused a message: ${String(m.error)}`);
    }
  }

  function handleBinary(data: ArrayBuffer): void {
    if (data.byteLength % Float64Array.BYTES_PER_ELEMENT !== 0) return;
    frames.emit(new Float64Array(data));
  }

  async function resync(): Promise<void> {
    try {
      const current = await call('session.current', {});
      events.emit('status', current.status);
      if (current.scene !== null) events.emit('scene', current.scene);
    } catch {
      // The next status event will do.
    }
  }

  function open(): void {
    retryTimer = null;
    if (closed) return;
    const ws = new WebSocket(options.url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      attempts = 0;
      if (everOpened) void resync();
      else {
        everOpened = true;
        resolveFirst(client);
      }
    };
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') handleText(event.data);
      else if (event.data instanceof ArrayBuffer) handleBinary(event.data);
    };
    ws.onclose = (event: CloseEvent) => {
      if (socket === ws) socket = null;
      const why = event.reason ? `: ${event.reason}` : '';
      failPending(`Lost the connection to the workstation before it answered${why}.`);
      if (closed) return;
      if (opened)
        disconnects.emit(`Lost the connection to the workstation (code ${event.code}${why}); reconnecting…`);
      else if (!everOpened) options.onWaiting?.(`Cannot reach the workstation at ${displayUrl}; retrying…`);
      scheduleRetry();
    };
  }

  function call<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
    const ws = socket;
    if (ws === null || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(
        new CoreCallError('Not connected to the workstation; try again once it reconnects.'),
      );
    }
    const id = nextId++;
    const message: ClientMessage = { type: 'call', id, name, request };
    return new Promise<CommandResponse<K>>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      ws.send(JSON.stringify(message));
    });
  }

  const client: WebSocketCoreClient = {
    call,
    on: (name, listener) => events.on(name, listener),
    onFrame: (listener) => frames.add(listener),
    onDisconnect: (listener) => disconnects.add(listener),
    sendInput(sample: HumanInput): void {
      const ws = socket;
      if (ws === null || ws.readyState !== WebSocket.OPEN) return;
      const message: ClientMessage = { type: 'input', sample };
      ws.send(JSON.stringify(message));
    },
    close(): void {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket?.close(1000, 'client closed');
      failPending('The client was closed.');
    },
  };

  return new Promise<WebSocketCoreClient>((resolve) => {
    resolveFirst = resolve;
    open();
  });
}
