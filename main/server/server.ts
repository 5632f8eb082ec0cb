// Browser mode: serves the built renderer over HTTP and the contract over a WebSocket at /ws.
//
// Inbound messages are JSON envelopes (contract/wire.ts) checked in two steps — the envelope, then the
// command or input sample (contract/validate.ts) — so nothing unvalidated reaches the core. Events
// from the core go to every client as JSON; frames go as binary messages holding a Float64Array's
// bytes. A client that stops reading loses frames rather than growing an unbounded queue, and one
// that stops reading altogether is disconnected.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { CoreEvents, CoreHandler, EventName } from '../contract/api.ts';
import { ContractError, parseCommand, parseHumanInput } from '../contract/validate.ts';
import { clientMessageSchema, type ServerMessage } from '../contract/wire.ts';
import { resolveStaticRoot, serveStatic } from './static.ts';

export interface ServerOptions {
  core: CoreHandler;
  /** Address to bind; loopback by default. Any other address requires a token. */
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** Shared secret the page URL carries as ?token=…; required off loopback, enforced when given. */
  token?: string;
  /** The built renderer (dist/renderer). */
  staticDir: string;
}

export interface RunningServer {
  /** The page to open, with ?token=… when a token is set. */
  url: string;
  port: number;
  /** Connected clients and frames skipped for slow clients since start (diagnostics, benchmarks). */
  stats(): { clients: number; droppedFrames: number };
  /** Closes every socket and the HTTP server. Does not close the core: its host owns it. */
  close(): Promise<void>;
}

/** The Content-Security-Policy of renderer/index.html, plus what only a header can say. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The page URL may carry the token: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Inbound messages are small (a call or an input sample); anything bigger is refused by ws. */
const MAX_INBOUND_BYTES = 256 * 1024;
/** Above this many unsent bytes a client skips frames until it catches up. */
export const FRAME_BACKLOG_LIMIT = 256 * 1024;
/** Above this many unsent bytes a client is not reading at all and is disconnected. */
export const HARD_BACKLOG_LIMIT = 16 * 1024 * 1024;
const HEARTBEAT_MS = 20_000;
const CLOSE_GRACE_MS = 1_000;
export const MIN_TOKEN_LENGTH = 16;

export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

/** A random token suitable for `token` (URL-safe, 32 characters). */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

function sameSecret(given: string, expected: string): boolean {
  // Hash both sides so the comparison is constant-time regardless of length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return os.hostname();
  return host.includes(':') ? `[${host}]` : host;
}

function rejectUpgrade(socket: Socket, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface Client {
  ws: WebSocket;
  alive: boolean;
  droppedFrames: number;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  const token = options.token;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ServerConfigError(`The access token must be at least ${MIN_TOKEN_LENGTH} characters long.`);
  }
  if (!loopback && token === undefined) {
    throw new ServerConfigError(
      `Binding browser mode to ${host}, which is not a loopback address, requires an access token.`,
    );
  }
  const root = resolveStaticRoot(options.staticDir);
  const core = options.core;
  const clients = new Set<Client>();
  let droppedFrames = 0;

  /** On loopback, refuse Host names that are not loopback: a DNS-rebinding page cannot pose as us. */
  function hostAllowed(req: IncomingMessage): boolean {
    if (!loopback) return true;
    const header = req.headers.host;
    return header !== undefined && isLoopbackHost(hostnameOf(header));
  }

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Misdirected request.\n');
      return;
    }
    serveStatic(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  // Browsers keep idle connections open; let close() end them promptly.
  http.keepAliveTimeout = 5_000;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INBOUND_BYTES,
    perMessageDeflate: false,
  });

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request');
      return;
    }
    if (url.pathname !== '/ws') {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (!hostAllowed(req)) {
      rejectUpgrade(socket, 421, 'Misdirected Request');
      return;
    }
    // A page from another origin must not drive the core through the user's browser.
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let originHost: string | null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (originHost === null || originHost !== req.headers.host) {
        rejectUpgrade(socket, 403, 'Forbidden');
        return;
      }
    }
    if (token !== undefined && !sameSecret(url.searchParams.get('token') ?? '', token)) {
      rejectUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function send(client: Client, message: ServerMessage): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount > HARD_BACKLOG_LIMIT) {
      client.ws.terminate();
      return;
    }
    client.ws.send(JSON.stringify(message));
  }

  function accept(ws: WebSocket): void {
    const client: Client = { ws, alive: true, droppedFrames: 0 };
    clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => clients.delete(client));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        handleMessage(client, data, isBinary);
      } catch {
        // handleMessage answers every fault itself; this only guards the server against surprises.
      }
    });
  }

  function handleMessage(client: Client, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      send(client, { type: 'error', error: 'binary messages are not accepted from clients' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawText(data));
    } catch {
      send(client, { type: 'error', error: 'message is not valid JSON' });
      return;
    }
    const envelope = clientMessageSchema.safeParse(parsed);
    if (!envelope.success) {
      // Answer per id when the sender gave one, so its pending call does not hang.
      const id = idOf(parsed);
      const error = 'message is not a valid call or input envelope';
      if (id !== null) send(client, { type: 'result', id, ok: false, error });
      else if (!isInputLike(parsed)) send(client, { type: 'error', error });
      return;
    }
    const message = envelope.data;
    if (message.type === 'input') {
      let sample;
      try {
        sample = parseHumanInput(message.sample);
      } catch {
        return; // Input is a stream: a bad sample is dropped, the next one counts.
      }
      core.input(sample);
      return;
    }
    const { id } = message;
    let command;
    try {
      command = parseCommand(message.name, message.request);
    } catch (error) {
      send(client, { type: 'result', id, ok: false, error: errorText(error) });
      return;
    }
    let pending: Promise<unknown>;
    try {
      pending = core.call(command.name, command.request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => send(client, { type: 'result', id, ok: true, value }),
      (error: unknown) => send(client, { type: 'result', id, ok: false, error: errorText(error) }),
    );
  }

  function broadcastEvent<K extends EventName>(name: K, payload: CoreEvents[K]): void {
    if (clients.size === 0) return;
    const text = JSON.stringify({ type: 'event', name, payload });
    for (const client of clients) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.ws.bufferedAmount > HARD_BACKLOG_LIMIT) client.ws.terminate();
      else client.ws.send(text);
    }
  }

  function broadcastFrame(frame: Float64Array): void {
    if (clients.size === 0) return;
    // One copy per frame, shared by every client: the core may reuse its array after this returns.
    const bytes = Buffer.from(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    for (const client of clients) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.ws.bufferedAmount > FRAME_BACKLOG_LIMIT) {
        client.droppedFrames++;
        droppedFrames++;
        if (client.ws.bufferedAmount > HARD_BACKLOG_LIMIT) client.ws.terminate();
        continue;
      }
      client.ws.send(bytes, { binary: true });
    }
  }

  const unsubscribe = core.subscribe({
    event(name, payload) {
      try {
        broadcastEvent(name, payload);
      } catch {
        // Never let a transport fault propagate into the core's loop.
      }
    },
    frame(frame) {
      try {
        broadcastFrame(frame);
      } catch {
        // As above.
      }
    },
  });

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      try {
        client.ws.ping();
      } catch {
        client.ws.terminate();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(heartbeat);
    unsubscribe();
    wss.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ServerConfigError(`Port ${options.port} on ${host} is already in use.`);
    if (code === 'EADDRNOTAVAIL')
      throw new ServerConfigError(`Cannot bind to ${host}: no such address on this machine.`);
    if (code === 'EACCES')
      throw new ServerConfigError(`Not allowed to bind to port ${options.port} on ${host}.`);
    throw error;
  }
  http.on('error', () => {
    // After listen succeeded, socket-level errors are per connection; keep serving.
  });

  const port = (http.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}/${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= (async () => {
      unsubscribe();
      clearInterval(heartbeat);
      await Promise.all(
        [...clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              const ws = client.ws;
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
              ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              ws.close(1001, 'server closing');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    })();
    return closing;
  }

  return { url, port, close, stats: () => ({ clients: clients.size, droppedFrames }) };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function idOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

function isInputLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'input';
}

function errorText(error: unknown): string {
  if (error instanceof ContractError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
