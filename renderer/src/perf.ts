// Where the live view's frame time goes, measured in the page: each view times its own draw with
// performance.now() and records it here (and 'frames' is decoding and storing each arriving frame), and one animation-frame loop records the interval between
// frames. Fixed-size rings, no allocation per record. Read through window.__aimTest.perf(since) by
// the UI benchmark (aim bench ui); never shown in the UI.

export const PERF_CHANNELS = ['chase', 'topdown', 'qplot', 'hud', 'metrics', 'frames'] as const;
export type PerfChannel = (typeof PERF_CHANNELS)[number];

const CAPACITY = 16_384;

class TimedRing {
  private readonly at = new Float64Array(CAPACITY);
  private readonly value = new Float64Array(CAPACITY);
  private next = 0;
  private count = 0;

  push(at: number, value: number): void {
    this.at[this.next] = at;
    this.value[this.next] = value;
    this.next = (this.next + 1) % CAPACITY;
    if (this.count < CAPACITY) this.count++;
  }

  /** Values recorded at or after since, oldest first. */
  since(since: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.next - this.count + i + CAPACITY) % CAPACITY;
      if (this.at[slot] >= since) out.push(this.value[slot]);
    }
    return out;
  }
}

const rings = Object.fromEntries(PERF_CHANNELS.map((c) => [c, new TimedRing()])) as Record<
  PerfChannel,
  TimedRing
>;
const intervals = new TimedRing();
let loop = 0;
let lastFrame = Number.NaN;

/** Records how long one draw of a view took (ms), ending now. */
export function recordDraw(channel: PerfChannel, startedAt: number): void {
  const now = performance.now();
  rings[channel].push(now, now - startedAt);
}

/** Records a draw measured elsewhere (the chase camera's worker), ending at `endedAt` on this clock. */
export function recordDrawAt(channel: PerfChannel, endedAt: number, duration: number): void {
  rings[channel].push(endedAt, duration);
}

/** Starts the frame-interval loop (idempotent). */
export function startFrameClock(): void {
  if (loop !== 0 || typeof requestAnimationFrame === 'undefined') return;
  const tick = (now: number) => {
    if (Number.isFinite(lastFrame)) intervals.push(now, now - lastFrame);
    lastFrame = now;
    loop = requestAnimationFrame(tick);
  };
  loop = requestAnimationFrame(tick);
}

export interface PerfSnapshot {
  /** performance.now() when the snapshot was taken. */
  now: number;
  /** Intervals between animation frames (ms) since the asked time. */
  frameIntervals: number[];
  /** Per-view draw durations (ms) since the asked time. */
  draws: Record<PerfChannel, number[]>;
}

export function perfSince(since: number): PerfSnapshot {
  const draws = Object.fromEntries(PERF_CHANNELS.map((c) => [c, rings[c].since(since)])) as Record<
    PerfChannel,
    number[]
  >;
  return { now: performance.now(), frameIntervals: intervals.since(since), draws };
}
