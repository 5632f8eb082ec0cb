// Conversions between the core's values and SQLite's, shared by the writer and the readers.
// Every check here runs when a row is queued, so a bad value fails at the caller's line instead of
// inside a timer-driven flush, where it would take the whole batch down with it.
import type Database from 'better-sqlite3';

/** Named parameters of a statement, keyed by column name. */
export type Params = Record<string, unknown>;

/**
 * The bytes of a typed array, copied. The caller's view may be a window into a larger buffer (hence
 * byteOffset/byteLength) and the session loop reuses its buffers, so a queued row must own its bytes.
 * Byte order is the platform's, little-endian on every platform we ship.
 */
export function bytesOf(a: Float32Array | Float64Array): Buffer {
  return Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Any list of numbers as float64 bytes (device axes and buttons keep full precision). */
export function float64BytesOf(values: ArrayLike<number>): Buffer {
  return Buffer.from(Float64Array.from(values).buffer);
}

// A Buffer from SQLite may start at any offset of a shared pool, which typed arrays of wider elements
// cannot view; copying into a fresh Uint8Array gives an aligned buffer of our own.
export function float32Of(blob: Buffer): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new RangeError(`a float32 blob of ${blob.byteLength} bytes`);
  return new Float32Array(new Uint8Array(blob).buffer);
}

export function float64Of(blob: Buffer): Float64Array {
  if (blob.byteLength % 8 !== 0) throw new RangeError(`a float64 blob of ${blob.byteLength} bytes`);
  return new Float64Array(new Uint8Array(blob).buffer);
}

export function bool(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function int(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer, got ${value}`);
  return value;
}

// SQLite stores NaN as NULL, which would turn a NOT NULL column into a failed batch (or, in a nullable
// one, silently into "missing"); so NaN is refused where a value is required...
export function num(value: number, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new RangeError(`${what} must be a number, got ${value}`);
  return value;
}

// ...and recorded as missing where the column allows it: a diverged Q network is worth reviewing.
export function optNum(value: number | null, what: string): number | null {
  if (value === null || Number.isNaN(value)) return null;
  return num(value, what);
}

export function oneOf<T extends string>(value: T, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value))
    throw new RangeError(`${what} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  return value;
}

/** Actions are stored as two nullable columns; see the steps table in schema.ts. */
export function actionColumns(action: ArrayLike<number>, what: string): [number | null, number | null] {
  if (action.length > 2)
    throw new RangeError(`${what} has ${action.length} components; the store keeps at most 2`);
  return [action.length > 0 ? num(action[0], what) : null, action.length > 1 ? num(action[1], what) : null];
}

export function actionOf(first: number | null, second: number | null): number[] {
  if (first === null) return [];
  return second === null ? [first] : [first, second];
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** Prepared statements, compiled once per connection and reused: preparing is the costly part. */
export class Statements {
  readonly #db: Database.Database;
  readonly #cache = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get(sql: string): Database.Statement {
    let statement = this.#cache.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }
}
