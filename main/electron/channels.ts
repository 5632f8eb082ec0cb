// Names shared by the Electron main process and the preload: IPC channels and the app:// origin the
// renderer is served from. Plain constants (no electron import) so the preload bundle stays tiny and
// the policy code can be unit tested under Node.

/** ipcRenderer.invoke(CALL, name, request) → CallReply. */
export const CALL_CHANNEL = 'aim:call';
/** ipcRenderer.send(INPUT, sample): human input, fire-and-forget. */
export const INPUT_CHANNEL = 'aim:input';
/** ipcRenderer.send(PORT) asks for a core port; main answers on the same channel with the port. */
export const PORT_CHANNEL = 'aim:port';

/** The privileged scheme the renderer bundle is served from (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** What main answers to a call; the preload turns `ok: false` into a rejected promise. */
export type CallReply = { ok: true; value: unknown } | { ok: false; error: string };
