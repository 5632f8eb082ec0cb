// Browser-mode server over real sockets: calls, validation, frames, tokens, static files.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type {
  CommandName,
  CoreEvents,
  CoreHandler,
  CoreListener,
  EventName,
  HumanInput,
  ParsedRequest,
  SessionStatus,
} from '../contract/api.ts';
import { IDLE_STATUS } from '../contract/status.ts';
import {
  startServer,
  generateToken,
  isLoopbackHost,
  ServerConfigError,
  type RunningServer,
} from './server.ts';
import { resolveRequestPath, StaticRootError } from './static.ts';

/** A core that records what reached it and lets the test push events and frames. */
class RecordingCore implements CoreHandler {
  calls: Array<{ name: CommandName; request: unknown }> = [];
  inputs: HumanInput[] = [];
  listeners = new Set<CoreListener>();

  async call<K extends CommandName>(name: K, request: ParsedRequest<K>): Promise<never> {
    this.calls.push({ name, request });
    if (name === 'session.pause') throw new Error('No session is running.');
    return { name, request } as never;
  }
  input(sample: HumanInput): void {
    this.inputs.push(sample);
  }
  subscribe(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit<K extends EventName>(name: K, payload: CoreEvents[K]): void {
    for (const l of this.listeners) l.event(name, payload);
  }
  frame(frame: Float64Array): void {
    for (const l of this.listeners) l.frame(frame);
  }
}

let staticDir: string;
let outsideFile: string;

before(() => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'aim-server-test-'));
  staticDir = path.join(base, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>AIM</title>');
  writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1);');
  writeFileSync(path.join(staticDir, 'app.css'), 'body{}');
  writeFileSync(path.join(staticDir, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(staticDir, '.env'), 'SECRET=1');
  outsideFile = path.join(base, 'secret.txt');
  writeFileSync(outsideFile, 'do not serve');
});

after(() => {
  rmSync(path.dirname(staticDir), { recursive: true, force: true });
});

/** A server on a free loopback port over a RecordingCore, closed when the test ends. */
async function harness(t: TestContext): Promise<{ core: RecordingCore; server: RunningServer }> {
  const core = new RecordingCore();
  const server = await startServer({ core, port: 0, staticDir });
  t.after(() => server.close());
  return { core, server };
}

/** An open ws client that collects what it receives. */
async function connectClient(server: RunningServer, query = '', headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
  ws.binaryType = 'arraybuffer';
  const texts: unknown[] = [];
  const binaries: ArrayBuffer[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) binaries.push(data as ArrayBuffer);
    else texts.push(JSON.parse(Buffer.from(data as ArrayBuffer).toString('utf8')));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (predicate: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (predicate() ? resolve() : waiters.push(check));
      check();
    });
  return {
    ws,
    texts,
    binaries,
    /** The first text message matching predicate, waiting for it. */
    async text(predicate: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      let found: Record<string, unknown> | undefined;
      await next(
        () =>
          (found = texts.find((m) => predicate(m as Record<string, unknown>)) as
            Record<string, unknown> | undefined) !== undefined,
      );
      return found!;
    },
    async binary(count: number): Promise<void> {
      await next(() => binaries.length >= count);
    },
    async close(): Promise<void> {
      if (ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}

function upgradeStatus(port: number, target: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${target}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(String(error))) reject(error);
    });
  });
}

function get(port: number, target: string, method = 'GET', headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends a raw request line (no URL normalisation by a client library). */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

test('a valid call reaches the core with parsed arguments and answers by id', async (t) => {
  const h = await harness(t);
  const client = await connectClient(h.server);
  client.ws.send(JSON.stringify({ type: 'call', id: 7, name: 'sessions.list', request: {} }));
  const reply = await client.text((m) => m.type === 'result' && m.id === 7);
  assert.equal(reply.ok, true);
  // The default from the schema was applied before the core saw the request.
  assert.deepEqual(reply.value, { name: 'sessions.list', request: { limit: 200 } });
  assert.deepEqual(h.core.calls, [{ name: 'sessions.list', request: { limit: 200 } }]);
  await client.close();
});

test('a core error comes back as an error result for that id', async (t) => {
  const h = await harness(t);
  const client = await connectClient(h.server);
  client.ws.send(JSON.stringify({ type: 'call', id: 3, name: 'session.pause', request: {} }));
  const reply = await client.text((m) => m.id === 3);
  assert.deepEqual(reply, { type: 'result', id: 3, ok: false, error: 'No session is running.' });
  await client.close();
});

test('an unknown command is answered with an error and never reaches the core', async (t) => {
  const h = await harness(t);
  const client = await connectClient(h.server);
  client.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'session.selfDestruct', request: {} }));
  const reply = await client.text((m) => m.id === 1);
  assert.equal(reply.ok, false);
  assert.match(String(reply.error), /unknown command "session\.selfDestruct"/);
  assert.equal(h.core.calls.length, 0);
  await client.close();
});

test('bad arguments are answered with an error naming the field and never reach the core', async (t) => {
  const h = await harness(t);
  const client = await connectClient(h.server);
  client.ws.send(
    JSON.stringify({ type: 'call', id: 2, name: 'session.start', request: { seed: -4, pace: 'warp' } }),
  );
  client.ws.send(JSON.stringify({ type: 'call', id: 4, name: 'session.pause', request: { extra: true } }));
  const seed = await client.text((m) => m.id === 2);
  assert.equal(seed.ok, false);
  assert.match(String(seed.error), /invalid arguments for session\.start/);
  assert.match(String(seed.error), /seed/);
  assert.match(String(seed.error), /pace/);
  const extra = await client.text((m) => m.id === 4);
  assert.equal(extra.ok, false);
  assert.equal(h.core.calls.length, 0);
  await client.close();
});

test('malformed messages get an error reply, do not reach the core, and the connection keeps working', async (t) => {
  const h = await harness(t);
  const client = await connectClient(h.server);
  client.ws.send('{"type": "call", "id": 1, ');
  const notJson = await client.text((m) => m.type === 'error');
  assert.match(String(notJson.error), /not valid JSON/);
  client.ws.send(JSON.stringify({ type: 'call', id: 9, name: 42 }));
  const badEnvelope = await client.text((m) => m.id === 9);
  assert.equal(badEnvelope.ok, false);
  client.ws.send(JSON.stringify(['call']));
  await client.text((m) => m.type === 'error' && /envelope/.test(String(m.error)));
  client.ws.send(Buffer.from([1, 2, 3]));
  await client.text((m) => m.type === 'error' && /binary/.test(String(m.error)));
  // Bad input samples are dropped silently; a good one arrives.
  client.ws.send(
    JSON.stringify({
      type: 'input',
      sample: { t: 1, source: 'keyboard', steer: 5, throttle: 0, engaged: true },
    }),
  );
  client.ws.send(JSON.stringify({ type: 'input', sample: 'left' }));
  client.ws.send(JSON.stringify({ type: 'input' }));
  client.ws.send(
    JSON.stringify({
      type: 'input',
      sample: { t: 2, source: 'keyboard', steer: 0.5, throttle: -1, engaged: true },
    }),
  );
  client.ws.send(JSON.stringify({ type: 'call', id: 10, name: 'app.info', request: {} }));
  const ok = await client.text((m) => m.id === 10);
  assert.equal(ok.ok, true);
  assert.equal(h.core.calls.length, 1);
  assert.deepEqual(h.core.inputs, [
    { t: 2, source: 'keyboard', steer: 0.5, throttle: -1, discrete: null, engaged: true },
  ]);
  await client.close();
});

test('an oversized message closes that connection only', async (t) => {
  const h = await harness(t);
  const big = await connectClient(h.server);
  const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
  big.ws.send('x'.repeat(1024 * 1024));
  assert.equal(await closed, 1009);
  const other = await connectClient(h.server);
  other.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info', request: {} }));
  assert.equal((await other.text((m) => m.id === 1)).ok, true);
  await other.close();
});

test('frames are delivered as binary Float64Array bytes and events as JSON to every client', async (t) => {
  const h = await harness(t);
  const a = await connectClient(h.server);
  const b = await connectClient(h.server);
  const frame = new Float64Array([1, 2.5, -3, Number.NaN, 1e300]);
  h.core.frame(frame);
  frame.fill(0); // the core may reuse its array: what was sent must not change
  h.core.emit('status', { ...IDLE_STATUS, step: 12 });
  for (const c of [a, b]) {
    await c.binary(1);
    const got = new Float64Array(c.binaries[0]);
    assert.equal(got.length, 5);
    assert.deepEqual([...got.slice(0, 3)], [1, 2.5, -3]);
    assert.ok(Number.isNaN(got[3]));
    assert.equal(got[4], 1e300);
    const event = await c.text((m) => m.type === 'event');
    assert.equal(event.name, 'status');
    assert.equal((event.payload as SessionStatus).step, 12);
  }
  await a.close();
  await b.close();
});

test('a frame sent from a view into a larger buffer carries only the view', async (t) => {
  const h = await harness(t);
  const c = await connectClient(h.server);
  const backing = new Float64Array([9, 9, 4, 5, 6, 9]);
  h.core.frame(backing.subarray(2, 5));
  await c.binary(1);
  assert.deepEqual([...new Float64Array(c.binaries[0])], [4, 5, 6]);
  await c.close();
});

test('a client that does not read drops frames instead of queueing without bound', async (t) => {
  const h = await harness(t);
  const slow = await connectClient(h.server);
  const fast = await connectClient(h.server);
  // Stop reading: the server's send buffer fills and it must start skipping this client's frames.
  (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const big = new Float64Array(64 * 1024); // 512 KiB per frame
  for (let i = 0; i < 200; i++) h.core.frame(big); // 100 MiB offered to each client
  const { droppedFrames, clients } = h.server.stats();
  assert.equal(clients, 2);
  assert.ok(droppedFrames >= 150, `dropped only ${droppedFrames} of 200 frames`);
  // The server stays responsive: the other client still receives frames and its calls are answered.
  await fast.binary(1);
  fast.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info', request: {} }));
  assert.equal((await fast.text((m) => m.id === 1)).ok, true);
  slow.ws.terminate();
  await fast.close();
});

test('non-loopback binding without a token is refused in one sentence', async () => {
  const core = new RecordingCore();
  await assert.rejects(startServer({ core, host: '0.0.0.0', port: 0, staticDir }), (error: Error) => {
    assert.ok(error instanceof ServerConfigError);
    assert.equal(
      error.message,
      'Binding browser mode to 0.0.0.0, which is not a loopback address, requires an access token.',
    );
    return true;
  });
  await assert.rejects(
    startServer({ core, host: '0.0.0.0', port: 0, staticDir, token: 'short' }),
    /at least 16 characters/,
  );
  assert.equal(core.listeners.size, 0);
});

test('with a token the page URL carries it and the WebSocket enforces it', async () => {
  const token = generateToken();
  const core = new RecordingCore();
  const server = await startServer({ core, host: '0.0.0.0', port: 0, staticDir, token });
  try {
    const url = new URL(server.url);
    assert.equal(url.searchParams.get('token'), token);
    assert.equal(Number(url.port), server.port);
    assert.equal(await upgradeStatus(server.port, '/ws'), 401);
    assert.equal(await upgradeStatus(server.port, '/ws?token=wrong-token-wrong-token'), 401);
    assert.equal(await upgradeStatus(server.port, `/ws?token=${token}`), 101);
    const client = await connectClient(server, `?token=${encodeURIComponent(token)}`);
    client.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info', request: {} }));
    assert.equal((await client.text((m) => m.id === 1)).ok, true);
    await client.close();
  } finally {
    await server.close();
  }
});

test('a token given on loopback is enforced too', async () => {
  const token = generateToken();
  const core = new RecordingCore();
  const server = await startServer({ core, port: 0, staticDir, token });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    assert.equal(await upgradeStatus(server.port, '/ws'), 401);
    assert.equal(await upgradeStatus(server.port, `/ws?token=${token}`), 101);
  } finally {
    await server.close();
  }
});

test('WebSocket upgrades from another origin, a rebinding Host or another path are refused', async (t) => {
  const h = await harness(t);
  const port = h.server.port;
  assert.equal(h.server.url, `http://127.0.0.1:${port}/`);
  assert.equal(await upgradeStatus(port, '/ws', { Origin: `http://127.0.0.1:${port}` }), 101);
  assert.equal(await upgradeStatus(port, '/ws', { Origin: 'http://evil.example' }), 403);
  assert.equal(await upgradeStatus(port, '/ws', { Host: `evil.example:${port}` }), 421);
  assert.equal(await upgradeStatus(port, '/other'), 404);
});

test('static files are served with content types and security headers', async (t) => {
  const h = await harness(t);
  const port = h.server.port;
  const index = await get(port, '/');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(index.body, /<title>AIM<\/title>/);
  assert.match(String(index.headers['content-security-policy']), /script-src 'self'/);
  assert.match(String(index.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.equal(index.headers['referrer-policy'], 'no-referrer');
  assert.equal(index.headers['x-frame-options'], 'DENY');
  const withQuery = await get(port, '/?token=abc');
  assert.equal(withQuery.status, 200);
  assert.equal((await get(port, '/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await get(port, '/app.css')).headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await get(port, '/assets/logo.svg')).headers['content-type'], 'image/svg+xml');
  const head = await get(port, '/app.js', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], String('console.log(1);'.length));
  assert.equal((await get(port, '/missing.js')).status, 404);
  assert.equal((await get(port, '/assets')).status, 404);
  assert.equal((await get(port, '/app.js', 'POST')).status, 405);
  assert.equal((await get(port, '/', 'GET', { Host: 'evil.example' })).status, 421);
});

test('directory traversal and dotfiles are refused', async (t) => {
  const h = await harness(t);
  const port = h.server.port;
  const secret = path.basename(outsideFile);
  for (const target of [
    `/../${secret}`,
    `/%2e%2e/${secret}`,
    `/..%2f${secret}`,
    `/assets/..%2f..%2f${secret}`,
    `/%2e%2e%5c${secret}`,
    `/assets/%2e%2e/%2e%2e/${secret}`,
    '/.env',
    '/%2eenv',
    '/app.js%00.html',
    '/%E0%A4%A',
  ]) {
    const response = await rawGet(port, target);
    assert.doesNotMatch(response, /do not serve|SECRET=1/, target);
    assert.match(response, /^HTTP\/1\.1 (400|404)/, target);
  }
  assert.equal(resolveRequestPath('/srv/r', `/..%2f${secret}`), null);
  assert.equal(resolveRequestPath('/srv/r', '/a/b.js'), path.join('/srv/r', 'a', 'b.js'));
});

test('a missing build is refused in one sentence', async () => {
  await assert.rejects(
    startServer({ core: new RecordingCore(), port: 0, staticDir: path.join(staticDir, 'nope') }),
    (error: Error) => error instanceof StaticRootError && /run `npm run build`/.test(error.message),
  );
});

test('close() ends open sockets and stops listening', async () => {
  const core = new RecordingCore();
  const server = await startServer({ core, port: 0, staticDir });
  const client = await connectClient(server);
  const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
  await server.close();
  assert.equal(await closed, 1001);
  assert.equal(core.listeners.size, 0);
  await assert.rejects(get(server.port, '/'), /ECONNREFUSED/);
  await server.close(); // idempotent
});

test('loopback detection', () => {
  for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.4', 'example.org', '128.0.0.1'])
    assert.ok(!isLoopbackHost(h), h);
});
