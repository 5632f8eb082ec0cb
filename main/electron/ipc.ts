// The Electron IPC bridge of one window: handlers registered on that window's own webContents.ipc
// (so no other webContents reaches them), each checking the sender and validating what arrives through
// ipc-policy.ts, and a MessageChannelMain port per page for the core's events and frames.
import { MessageChannelMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { CoreHandler } from '../contract/api.ts';
import { CALL_CHANNEL, INPUT_CHANNEL, PORT_CHANNEL } from './channels.ts';
import {
  createRefusalLog,
  handleCall,
  handleInput,
  senderProblem,
  type PortHub,
  type SenderInfo,
} from './ipc-policy.ts';

/** Reads what the sender check needs from an IPC event; a disposed frame reads as null. */
export function senderInfo(event: IpcMainEvent | IpcMainInvokeEvent): SenderInfo {
  let frame: SenderInfo['frame'] = null;
  try {
    const senderFrame = event.senderFrame;
    if (senderFrame !== null && !senderFrame.isDestroyed())
      frame = { url: senderFrame.url, isMainFrame: senderFrame.parent === null };
  } catch {
    // "Render frame was disposed before WebFrameMain could be accessed": treat as gone.
    frame = null;
  }
  let pageUrl: string;
  try {
    pageUrl = event.sender.getURL();
  } catch {
    pageUrl = '';
  }
  return { webContentsId: event.sender.id, frame, pageUrl };
}

/**
 * Serves the core to one window. Returns the function that detaches it (removes the handlers and
 * closes the window's ports), called when the window closes.
 */
export function attachIpc(
  contents: WebContents,
  core: CoreHandler,
  hub: PortHub,
  log: (line: string) => void = console.warn,
): () => void {
  const id = contents.id;
  const windowIds: ReadonlySet<number> = new Set([id]);
  const refusedInput = createRefusalLog(log);
  const ipc = contents.ipc;

  ipc.handle(CALL_CHANNEL, async (event, name: unknown, request: unknown) => {
    const reply = await handleCall(core, senderInfo(event), windowIds, name, request);
    if (!reply.ok && reply.error.startsWith('IPC refused')) log(reply.error);
    return reply;
  });

  const onInput = (event: IpcMainEvent, sample: unknown) => {
    const problem = handleInput(core, senderInfo(event), windowIds, sample);
    if (problem !== null) refusedInput(problem);
  };
  ipc.on(INPUT_CHANNEL, onInput);

  const onPort = (event: IpcMainEvent) => {
    const problem = senderProblem(senderInfo(event), windowIds);
    if (problem !== null) {
      log(`IPC refused: ${problem}.`);
      return;
    }
    const { port1, port2 } = new MessageChannelMain();
    hub.open(id, port1);
    event.sender.postMessage(PORT_CHANNEL, null, [port2]);
  };
  ipc.on(PORT_CHANNEL, onPort);

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    ipc.removeHandler(CALL_CHANNEL);
    ipc.off(INPUT_CHANNEL, onInput);
    ipc.off(PORT_CHANNEL, onPort);
    hub.closeWindow(id, 'the window closed');
  };
}
