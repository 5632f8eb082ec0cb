// What the Electron preload exposes on `window.aim`: named functions only, never ipcRenderer itself.
// Frames and events arrive on a MessagePort the preload hands to the page (see main/electron/).
import type { CommandName, CommandResponse } from './api.ts';

/** The window.postMessage tag under which the preload hands the page its core port. */
export const CORE_PORT_MESSAGE = 'aim:core-port';

export interface PreloadBridge {
  readonly host: 'electron';
  call<K extends CommandName>(name: K, request: unknown): Promise<CommandResponse<K>>;
  sendInput(sample: unknown): void;
  /** Asks main for a fresh port; the page receives it as a window message tagged CORE_PORT_MESSAGE. */
  requestPort(): void;
}

/**
 * Messages on the core port, main → page. Frames are the Float64Array itself (structured clone);
 * events are { type: 'event', name, payload }; a closed core says { type: 'closed', reason }.
 */
export type PortMessage =
  Float64Array | { type: 'event'; name: string; payload: unknown } | { type: 'closed'; reason: string };
