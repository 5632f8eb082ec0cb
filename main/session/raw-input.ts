// The raw device samples kept around takeovers: every sample from 1 s before a takeover starts
// (pre-roll, held in a short ring) until 1 s after it ends (post-roll), handed to the store in
// batches. Times go onto the session's clock (steps' wallMs) so review can line samples up with
// steps: the sampler's clock (the renderer's performance.now) is shifted by the smallest arrival
// delay seen, which keeps the device's own spacing between samples.
import type { HumanInput } from '../contract/api.ts';
import type { InputSampleRecord } from '../store/records.ts';

export const PRE_ROLL_MS = 1000;
export const POST_ROLL_MS = 1000;
/** An arrival this much later than the clocks' offset says the sampler's clock restarted (a reload). */
const CLOCK_JUMP_MS = 1000;

export class RawInputLog {
  private readonly write: (samples: InputSampleRecord[]) => void;
  private ring: InputSampleRecord[] = [];
  private pending: InputSampleRecord[] = [];
  private offset: number | null = null;
  /** Keep every sample up to this session time; −∞ outside takeovers and their post-roll. */
  private until = Number.NEGATIVE_INFINITY;
  /** Samples handed to the store so far. */
  recorded = 0;

  constructor(write: (samples: InputSampleRecord[]) => void) {
    this.write = write;
  }

  /** A sample that arrived at `at` (session clock, ms). */
  add(input: HumanInput, at: number): void {
    const delay = at - input.t;
    if (this.offset === null || delay < this.offset || delay - this.offset > CLOCK_JUMP_MS)
      this.offset = delay;
    const raw = input.raw;
    const record: InputSampleRecord = {
      t: input.t + this.offset,
      device: raw?.device ?? input.source,
      profile: raw?.profile ?? '',
      axes: raw?.axes ?? [],
      buttons: raw?.buttons ?? [],
      steer: input.steer,
      throttle: raw?.throttle ?? Math.max(0, input.throttle),
      brake: raw?.brake ?? Math.max(0, -input.throttle),
    };
    if (record.t <= this.until) {
      this.pending.push(record);
      return;
    }
    this.ring.push(record);
    const keepFrom = record.t - PRE_ROLL_MS;
    let drop = 0;
    while (drop < this.ring.length && this.ring[drop].t < keepFrom) drop++;
    if (drop > 0) this.ring.splice(0, drop);
  }

  /** A takeover started at session time `at`: the last second before it is kept too. */
  takeoverStarted(at: number): void {
    this.pending.push(...this.ring.filter((r) => r.t >= at - PRE_ROLL_MS));
    this.ring = [];
    this.until = Number.POSITIVE_INFINITY;
  }

  /** The takeover ended at `at`: samples keep being recorded for another second. */
  takeoverEnded(at: number): void {
    this.until = at + POST_ROLL_MS;
  }

  /** Hands the collected samples to the store (the recorder batches them into its transactions). */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.recorded += batch.length;
    this.write(batch);
  }
}
