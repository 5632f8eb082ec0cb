// The CoreClient inside Electron: commands and input through the preload's named functions
// (contract/bridge.ts), events and frames on a MessagePort the preload hands to the page.
import type {
  CommandName,
  CommandRequest,
  CommandResponse,
  CoreClient,
  CoreEvents,
  EventName,
  HumanInput,
} from '../../../main/contract/api.ts';
import { CORE_PORT_MESSAGE, type PreloadBridge } from '../../../main/contract/bridge.ts';
import { EventListeners, isEventName, ListenerSet } from './listeners.ts';

/** ipcRenderer.invoke wraps errors as "Error invoking remote method 'x': Error: …"; keep the sentence. */
export function cleanIpcError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, ''));
}

function isPortTag(data: unknown): boolean {
  return (
    data === CORE_PORT_MESSAGE ||
    (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === CORE_PORT_MESSAGE)
  );
}

export function createElectronClient(bridge: PreloadBridge, win: Window = window): CoreClient {
  const events = new EventListeners();
  const frames = new ListenerSet<[Float64Array]>();
  const disconnects = new ListenerSet<[string]>();
  let port: MessagePort | null = null;

  function onPortMessage(event: MessageEvent): void {
    const data: unknown = event.data;
    if (data instanceof Float64Array) {
      frames.emit(data);
      return;
    }
    if (data instanceof ArrayBuffer) {
      if (data.byteLength % 8 === 0) frames.emit(new Float64Array(data));
      return;
    }
    if (typeof data !== 'object' || data === null) return;
    const m = data as { type?: unknown; name?: unknown; payload?: unknown; reason?: unknown };
    if (m.type === 'event' && isEventName(m.name)) events.emit(m.name, m.payload as CoreEvents[EventName]);
    else if (m.type === 'closed')
      disconnects.emit(typeof m.reason === 'string' ? m.reason : 'The core closed.');
  }

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win || !isPortTag(event.data)) return;
    const next = event.ports[0];
    if (next === undefined) return;
    port?.close();
    port = next;
    port.onmessage = onPortMessage;
    port.addEventListener('close', () => {
      if (port === next) disconnects.emit('The connection to the core closed.');
    });
    port.start();
  });
  bridge.requestPort();

  return {
    async call<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
      try {
        return await bridge.call(name, request);
      } catch (error) {
        throw cleanIpcError(error);
      }
    },
    on: (name, listener) => events.on(name, listener),
    onFrame: (listener) => frames.add(listener),
    onDisconnect: (listener) => disconnects.add(listener),
    sendInput(sample: HumanInput): void {
      bridge.sendInput(sample);
    },
  };
}
