// The session status the UI and the core show before any session has started. Kept apart from
// api.ts so that importing it brings no validation code into the renderer's bundle.
import type { SessionStatus } from './api.ts';

export const IDLE_STATUS: SessionStatus = Object.freeze({
  sessionId: null,
  status: 'idle',
  config: null,
  backend: null,
  step: 0,
  episode: 0,
  takeovers: 0,
  expertSteps: 0,
  successRate: null,
  message: null,
});
