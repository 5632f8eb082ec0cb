// What the workstation remembers between visits, in localStorage: pane sizes, the theme, view
// toggles, the Q plot's window and the last new-session form. Reading never throws (storage may be
// disabled, full or hold something written by another version): a bad value means the default.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const PREFIX = 'aim.';

/** localStorage, or null where it is unavailable (disabled, sandboxed, not a browser). */
export function defaultStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadPref<T>(
  key: string,
  parse: (raw: unknown) => T | undefined,
  fallback: T,
  storage: KeyValueStorage | null = defaultStorage(),
): T {
  try {
    const raw = storage?.getItem(PREFIX + key);
    if (raw === null || raw === undefined) return fallback;
    const value = parse(JSON.parse(raw));
    return value === undefined ? fallback : value;
  } catch {
    return fallback;
  }
}

export function savePref(
  key: string,
  value: unknown,
  storage: KeyValueStorage | null = defaultStorage(),
): void {
  try {
    storage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Full or disabled storage: the preference lasts until the page reloads.
  }
}

export const parseBoolean = (raw: unknown): boolean | undefined =>
  typeof raw === 'boolean' ? raw : undefined;

export function parseOneOf<T extends string>(options: readonly T[]): (raw: unknown) => T | undefined {
  return (raw) =>
    typeof raw === 'string' && (options as readonly string[]).includes(raw) ? (raw as T) : undefined;
}

export function parseNumberIn(min: number, max: number): (raw: unknown) => number | undefined {
  return (raw) =>
    typeof raw === 'number' && Number.isFinite(raw) && raw >= min && raw <= max ? raw : undefined;
}

/** A split pane's share for its first child, kept inside [min, max]. */
export function clampFraction(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return (min + max) / 2;
  return Math.max(min, Math.min(max, value));
}

/**
 * The bounds on a pane's fraction so both sides keep at least minPx pixels (or half each when the
 * container is too small for that).
 */
export function fractionBounds(containerPx: number, minPx: number): [number, number] {
  if (!(containerPx > 0)) return [0.1, 0.9];
  const min = Math.min(0.5, minPx / containerPx);
  return [min, 1 - min];
}

export const THEMES = ['dark', 'light'] as const;
export type ThemeName = (typeof THEMES)[number];
