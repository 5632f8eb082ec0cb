// The preload of the workstation window (sandboxed: bundled to one file that requires only
// 'electron'). It exposes window.aim — named functions only, never ipcRenderer — exactly as
// main/contract/bridge.ts declares it, and hands the page each core port main sends.
import { contextBridge, ipcRenderer } from 'electron';
import { CORE_PORT_MESSAGE, type PreloadBridge } from '../contract/bridge.ts';
import type { CommandName, CommandResponse } from '../contract/api.ts';
import { CALL_CHANNEL, INPUT_CHANNEL, PORT_CHANNEL, type CallReply } from './channels.ts';

// The preload runs in the page's isolated world; the project's lib has no DOM, so declare the one call.
declare const window: {
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
};

async function call<K extends CommandName>(name: K, request: unknown): Promise<CommandResponse<K>> {
  const reply = (await ipcRenderer.invoke(CALL_CHANNEL, name, request)) as CallReply;
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as CommandResponse<K>;
}

function sendInput(sample: unknown): void {
  ipcRenderer.send(INPUT_CHANNEL, sample);
}

function requestPort(): void {
  ipcRenderer.send(PORT_CHANNEL);
}

// Main answers a port request on the same channel; the page takes the port from a window message
// tagged CORE_PORT_MESSAGE (it should check event.source === window).
ipcRenderer.on(PORT_CHANNEL, (event) => {
  window.postMessage(CORE_PORT_MESSAGE, '*', event.ports);
});

const bridge: PreloadBridge = { host: 'electron', call, sendInput, requestPort };
contextBridge.exposeInMainWorld('aim', bridge);
