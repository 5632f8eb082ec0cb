// The one way the UI reaches the core. Inside Electron the preload exposes window.aim; in a browser
// the page talks to the server it came from over a WebSocket. Views never know which.
import type { CoreClient } from '../../../main/contract/api.ts';
import { createElectronClient } from './electron-client.ts';
import { connectWebSocketClient, webSocketUrl } from './ws-client.ts';

export { CoreCallError } from './ws-client.ts';

export interface CreateClientOptions {
  /** Told while the first WebSocket connection is being retried. */
  onWaiting?: (message: string) => void;
}

export type TransportKind = 'electron' | 'websocket';

export function transportKind(): TransportKind {
  return window.aim !== undefined ? 'electron' : 'websocket';
}

export async function createClient(options: CreateClientOptions = {}): Promise<CoreClient> {
  if (window.aim !== undefined) return createElectronClient(window.aim);
  return connectWebSocketClient({ url: webSocketUrl(window.location), onWaiting: options.onWaiting });
}
