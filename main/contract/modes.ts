// Who is driving, as the UI shows it and the store records it. The numeric codes travel in frames.

export const CONTROL_MODES = ['warmup', 'robot', 'help', 'human', 'paused'] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];

export function modeCode(mode: ControlMode): number {
  return CONTROL_MODES.indexOf(mode);
}

export function modeFromCode(code: number): ControlMode {
  const mode = CONTROL_MODES[code];
  if (mode === undefined) throw new RangeError(`unknown control mode code ${code}`);
  return mode;
}

/** What started a takeover. */
export const TAKEOVER_TRIGGERS = ['robot', 'human', 'warmup'] as const;
export type TakeoverTrigger = (typeof TAKEOVER_TRIGGERS)[number];

/** What ended a takeover. */
export const HANDBACK_REASONS = ['agreement', 'release', 'episode-end', 'fault', 'session-end'] as const;
export type HandbackReason = (typeof HANDBACK_REASONS)[number];
