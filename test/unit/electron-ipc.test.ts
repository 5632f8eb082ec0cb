// The Electron IPC policy without Electron: who may call the core, what they may send, and how the
// core's events and frames reach a window's port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreHandler, CoreListener, HumanInput } from '../../main/contract/api.ts';
import type { PortMessage } from '../../main/contract/bridge.ts';
import {
  checkSender,
  createRefusalLog,
  handleCall,
  handleInput,
  isAppUrl,
  PortHub,
  SenderRefused,
  senderProblem,
  streamCore,
  type PortLike,
  type SenderInfo,
  type StreamClock,
} from '../../main/electron/ipc-policy.ts';

const WINDOW = 7;
const windows: ReadonlySet<number> = new Set([WINDOW]);

function sender(overrides: Partial<SenderInfo> = {}): SenderInfo {
  return {
    webContentsId: WINDOW,
    frame: { url: 'app://bundle/index.html', isMainFrame: true },
    pageUrl: 'app://bundle/index.html',
    ...overrides,
  };
}

/** A core that records what reached it. */
function fakeCore() {
  const calls: { name: string; request: unknown }[] = [];
  const inputs: HumanInput[] = [];
  const listeners = new Set<CoreListener>();
  const core: CoreHandler = {
    async call(name, request) {
      calls.push({ name, request });
      if (name === 'session.pause') throw new Error('no session is running');
      return { echo: name } as never;
    },
    input(sample) {
      inputs.push(sample);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { core, calls, inputs, listeners };
}

const goodInput = { t: 12.5, source: 'keyboard', steer: 0.25, throttle: -1, engaged: true };

test('app URLs: only app://bundle counts', () => {
  assert.equal(isAppUrl('app://bundle/index.html'), true);
  assert.equal(isAppUrl('app://bundle/'), true);
  assert.equal(isAppUrl('app://other/index.html'), false);
  assert.equal(isAppUrl('app://user:pw@bundle/index.html'), false);
  assert.equal(isAppUrl('file:///work/main/dist/renderer/index.html'), false);
  assert.equal(isAppUrl('http://127.0.0.1:8765/'), false);
  assert.equal(isAppUrl('https://bundle/'), false);
  assert.equal(isAppUrl('about:blank'), false);
  assert.equal(isAppUrl(''), false);
});

test('sender check: our window’s main frame on app://bundle passes', () => {
  assert.equal(senderProblem(sender(), windows), null);
  assert.doesNotThrow(() => checkSender(sender(), windows));
});

test('sender check: an empty frame URL falls back to the page URL, which must be ours too', () => {
  assert.equal(senderProblem(sender({ frame: { url: '', isMainFrame: true } }), windows), null);
  const problem = senderProblem(
    sender({ frame: { url: '', isMainFrame: true }, pageUrl: 'https://evil.example/' }),
    windows,
  );
  assert.match(problem ?? '', /not on the app:\/\/bundle origin/);
  assert.match(
    senderProblem(sender({ frame: { url: '', isMainFrame: true }, pageUrl: '' }), windows) ?? '',
    /not on the app:\/\/bundle origin/,
  );
});

test('sender check: wrong origin, subframe, other window and a gone frame are refused', () => {
  const cases: [SenderInfo, RegExp][] = [
    [
      sender({ frame: { url: 'https://evil.example/', isMainFrame: true } }),
      /"https:\/\/evil\.example\/" is not on the app:\/\/bundle origin/,
    ],
    [sender({ frame: { url: 'file:///etc/passwd', isMainFrame: true } }), /not on the app:\/\/bundle origin/],
    [
      sender({ frame: { url: 'app://elsewhere/index.html', isMainFrame: true } }),
      /not on the app:\/\/bundle origin/,
    ],
    [sender({ frame: { url: 'app://bundle/index.html', isMainFrame: false } }), /subframe/],
    [sender({ webContentsId: 99 }), /webContents 99 is not a workstation window/],
    [sender({ frame: null }), /frame is gone/],
  ];
  for (const [info, pattern] of cases) {
    assert.match(senderProblem(info, windows) ?? '', pattern);
    assert.throws(
      () => checkSender(info, windows),
      (error: unknown) => error instanceof SenderRefused && /^IPC refused: /.test(error.message),
    );
  }
});

test('call: a valid command reaches the core with parsed (defaulted) arguments', async () => {
  const { core, calls } = fakeCore();
  const reply = await handleCall(core, sender(), windows, 'sessions.list', {});
  assert.deepEqual(reply, { ok: true, value: { echo: 'sessions.list' } });
  assert.deepEqual(calls, [{ name: 'sessions.list', request: { limit: 200 } }]);
});

test('call: a missing request is an empty one', async () => {
  const { core, calls } = fakeCore();
  assert.equal((await handleCall(core, sender(), windows, 'app.info', undefined)).ok, true);
  assert.deepEqual(calls, [{ name: 'app.info', request: {} }]);
});

test('call: refused senders, unknown commands and bad arguments never reach the core', async () => {
  const { core, calls } = fakeCore();
  const cases: [SenderInfo, unknown, unknown, RegExp][] = [
    [
      sender({ frame: { url: 'https://evil.example/', isMainFrame: true } }),
      'app.info',
      {},
      /^IPC refused: .*not on the app:\/\/bundle origin/,
    ],
    [
      sender({ frame: { url: 'app://bundle/index.html', isMainFrame: false } }),
      'app.info',
      {},
      /^IPC refused: .*subframe/,
    ],
    [sender(), 'fs.readFile', {}, /unknown command "fs\.readFile"/],
    [sender(), '__proto__', {}, /unknown command "__proto__"/],
    [sender(), 42, {}, /unknown command 42/],
    [sender(), 'sessions.list', { limit: 'all' }, /invalid arguments for sessions\.list: limit:/],
    [sender(), 'sessions.list', { limit: 10, extra: true }, /invalid arguments for sessions\.list/],
    [sender(), 'session.start', { env: 'mars' }, /invalid arguments for session\.start: env:/],
    [sender(), 'session.stop', 'now', /invalid arguments for session\.stop/],
  ];
  for (const [info, name, request, pattern] of cases) {
    const reply = await handleCall(core, info, windows, name, request);
    assert.equal(reply.ok, false, `${String(name)} should be refused`);
    if (!reply.ok) assert.match(reply.error, pattern);
  }
  assert.deepEqual(calls, []);
});

test('call: the core’s own failure comes back as one message, not a throw', async () => {
  const { core } = fakeCore();
  assert.deepEqual(await handleCall(core, sender(), windows, 'session.pause', {}), {
    ok: false,
    error: 'no session is running',
  });
});

test('input: a valid sample reaches the core; refused senders and malformed samples do not', () => {
  const { core, inputs } = fakeCore();
  assert.equal(handleInput(core, sender(), windows, goodInput), null);
  assert.deepEqual(inputs, [{ ...goodInput, discrete: null }]);

  const refused: [SenderInfo, unknown, RegExp][] = [
    [sender({ frame: { url: 'https://evil.example/', isMainFrame: true } }), goodInput, /^IPC refused/],
    [sender({ frame: { url: 'app://bundle/', isMainFrame: false } }), goodInput, /^IPC refused/],
    [sender(), { ...goodInput, steer: 3 }, /invalid input sample: steer:/],
    [sender(), { ...goodInput, source: 'telepathy' }, /invalid input sample: source:/],
    [sender(), { ...goodInput, extra: 1 }, /invalid input sample/],
    [sender(), null, /invalid input sample/],
    [sender(), 'space', /invalid input sample/],
  ];
  for (const [info, sample, pattern] of refused)
    assert.match(handleInput(core, info, windows, sample) ?? '', pattern);
  assert.equal(inputs.length, 1);
});

test('refusal log: first refusal, then every n-th with the count', () => {
  const lines: string[] = [];
  const log = createRefusalLog((line) => lines.push(line), 3);
  for (let i = 0; i < 7; i++) log('bad sample');
  assert.deepEqual(lines, ['bad sample', 'bad sample (3 refusals so far)', 'bad sample (6 refusals so far)']);
});

/** A port that records messages and can be closed from the page's side. */
class FakePort implements PortLike {
  messages: PortMessage[] = [];
  started = false;
  closedByMain = false;
  broken = false;
  #onClose: (() => void)[] = [];
  postMessage(message: PortMessage): void {
    if (this.broken) throw new Error('port is closed');
    this.messages.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closedByMain = true;
  }
  on(_event: 'close', listener: () => void): this {
    this.#onClose.push(listener);
    return this;
  }
  closeFromPage(): void {
    for (const listener of this.#onClose) listener();
  }
}

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: StreamClock = {
    now: () => now,
    setTimer(callback, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, callback, id });
      return id;
    },
    clearTimer(timer) {
      timers = timers.filter((t) => t.id !== timer);
    },
  };
  return {
    clock,
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers = timers.filter((x) => x !== t);
        t.callback();
      }
    },
    pendingTimers: () => timers.length,
  };
}

test('stream: events and frames reach the port as PortMessages; frames are copies', () => {
  const { core, listeners } = fakeCore();
  const port = new FakePort();
  streamCore(core, port, { minFrameIntervalMs: 0 });
  assert.equal(port.started, true);
  assert.equal(listeners.size, 1);
  const [listener] = listeners;
  const frame = new Float64Array([1, 2, 3]);
  listener.frame(frame);
  frame[0] = 99; // the core reusing its buffer must not change what was sent
  listener.event('episode', {
    sessionId: 1,
    episode: 0,
    steps: 5,
    success: true,
    return: 1,
    cost: 0,
    routeCompletion: 1,
    takeovers: 0,
  });
  assert.equal(port.messages.length, 2);
  const [sent, event] = port.messages;
  assert.ok(sent instanceof Float64Array);
  assert.deepEqual([...sent], [1, 2, 3]);
  assert.notEqual(sent, frame);
  assert.deepEqual(event, {
    type: 'event',
    name: 'episode',
    payload: {
      sessionId: 1,
      episode: 0,
      steps: 5,
      success: true,
      return: 1,
      cost: 0,
      routeCompletion: 1,
      takeovers: 0,
    },
  });
});

test('stream: the page closing its end unsubscribes from the core', () => {
  const { core, listeners } = fakeCore();
  const port = new FakePort();
  const ends: string[] = [];
  const stream = streamCore(core, port, { onEnd: () => ends.push('end') });
  port.closeFromPage();
  assert.equal(listeners.size, 0);
  assert.equal(stream.closed, true);
  assert.deepEqual(ends, ['end']);
});

test('stream: closing from main says why, then closes the port', () => {
  const { core, listeners } = fakeCore();
  const port = new FakePort();
  const stream = streamCore(core, port);
  stream.close('the workstation is shutting down');
  assert.deepEqual(port.messages, [{ type: 'closed', reason: 'the workstation is shutting down' }]);
  assert.equal(port.closedByMain, true);
  assert.equal(listeners.size, 0);
  stream.close('again');
  assert.equal(port.messages.length, 1);
});

test('stream: a port that fails to post ends the stream instead of throwing into the core', () => {
  const { core, listeners } = fakeCore();
  const port = new FakePort();
  streamCore(core, port, { minFrameIntervalMs: 0 });
  port.broken = true;
  const [listener] = listeners;
  assert.doesNotThrow(() => listener.frame(new Float64Array([1])));
  assert.equal(listeners.size, 0);
});

test('stream: frames faster than the display rate are thinned to the latest, in order with events', () => {
  const { core, listeners } = fakeCore();
  const port = new FakePort();
  const time = manualClock();
  const stream = streamCore(core, port, { minFrameIntervalMs: 10, clock: time.clock });
  const [listener] = listeners;
  listener.frame(new Float64Array([1])); // sent at once
  listener.frame(new Float64Array([2])); // too soon: pending
  listener.frame(new Float64Array([3])); // replaces 2
  assert.deepEqual(
    port.messages.map((m) => (m instanceof Float64Array ? m[0] : 'event')),
    [1],
  );
  time.advance(10);
  assert.deepEqual(
    port.messages.map((m) => (m instanceof Float64Array ? m[0] : 'event')),
    [1, 3],
  );
  listener.frame(new Float64Array([4])); // pending again
  listener.event('status', { sessionId: 1, status: 'finished' } as never); // flushes 4 first
  assert.deepEqual(
    port.messages.map((m) => (m instanceof Float64Array ? m[0] : 'event')),
    [1, 3, 4, 'event'],
  );
  assert.equal(time.pendingTimers(), 0);
  listener.frame(new Float64Array([5]));
  stream.close('bye'); // the last frame is not lost on close
  assert.deepEqual(
    port.messages.map((m) => (m instanceof Float64Array ? m[0] : 'type' in m ? m.type : '?')),
    [1, 3, 4, 'event', 5, 'closed'],
  );
  assert.equal(time.pendingTimers(), 0);
});

test('stream: frames at the decision rate are never dropped', () => {
  const { core, listeners } = fakeCore();
  const port = new FakePort();
  const time = manualClock();
  streamCore(core, port, { clock: time.clock });
  const [listener] = listeners;
  for (let i = 0; i < 50; i++) {
    listener.frame(new Float64Array([i]));
    time.advance(100); // 10 Hz
  }
  assert.equal(port.messages.length, 50);
});

test('port hub: ports per window, replacement of the oldest, close on window close and shutdown', () => {
  const { core, listeners } = fakeCore();
  const hub = new PortHub(core, { maxPerWindow: 2 });
  const a = new FakePort();
  const b = new FakePort();
  const c = new FakePort();
  hub.open(1, a);
  hub.open(1, b);
  assert.equal(hub.count(1), 2);
  hub.open(1, c); // a is the oldest: replaced
  assert.equal(hub.count(1), 2);
  assert.deepEqual(a.messages, [{ type: 'closed', reason: 'a newer port replaced this one' }]);
  b.closeFromPage(); // the page reloaded
  assert.equal(hub.count(1), 1);
  const other = new FakePort();
  hub.open(2, other);
  hub.closeWindow(1, 'the window closed');
  assert.equal(hub.count(1), 0);
  assert.deepEqual(c.messages.at(-1), { type: 'closed', reason: 'the window closed' });
  hub.closeAll('the workstation is shutting down');
  assert.deepEqual(other.messages, [{ type: 'closed', reason: 'the workstation is shutting down' }]);
  assert.equal(hub.count(), 0);
  assert.equal(listeners.size, 0);
});
