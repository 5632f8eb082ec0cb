// Message envelopes for transports that carry JSON (the browser-mode WebSocket, Electron IPC).
// Frames travel as binary messages (a Float64Array's bytes), never inside these envelopes.
import { z } from 'zod';
import type { CommandName, CoreEvents, EventName } from './api.ts';

/** UI → core. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.string().max(100),
    request: z.unknown(),
  }),
  z.object({ type: z.literal('input'), sample: z.unknown() }),
]);
export type ClientMessage =
  { type: 'call'; id: number; name: CommandName; request: unknown } | { type: 'input'; sample: unknown };

/** Core → UI. */
export type ServerMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { [K in EventName]: { type: 'event'; name: K; payload: CoreEvents[K] } }[EventName]
  /** A message the server could not attribute to a call (not JSON, or an envelope without an id). */
  | { type: 'error'; error: string };
